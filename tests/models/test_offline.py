"""Tests of vidgait.models.offline: building the full model from the mediapipe wheel's weights.

The build needs the pinned mediapipe wheel from the package registry: it is fetched once per
session (pip's HTTP cache makes later runs fast) and those tests skip with the reason when the
registry cannot be reached. The other tests here need no network.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import types
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import leftovers, sha256_of
from vidgait import models
from vidgait.errors import ChecksumError, ModelError
from vidgait.models import offline

_VERSION_MODULE = "mediapipe.tasks.cc.metadata.python._pywrap_metadata_version"


@pytest.fixture(scope="session")
def mediapipe_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pinned mediapipe wheel, fetched once per session (skips if the registry is out)."""
    build = models.load_manifest()["models"]["full"]["offline_build"]
    try:
        return offline._download_wheel(build, tmp_path_factory.mktemp("wheel"))
    except ModelError as exc:
        pytest.skip(f"package registry unreachable, offline build not tested: {exc}")


def test_offline_build_matches_manifest_and_loads(mediapipe_wheel: Path, tmp_path: Path) -> None:
    expected = models.load_manifest()["models"]["full"]["offline_build"]["bundle"]
    first = models.build_full_offline(tmp_path / "a", wheel=mediapipe_wheel)
    second = models.build_full_offline(tmp_path / "b", wheel=mediapipe_wheel)
    assert sha256_of(first) == expected["sha256"] == sha256_of(second)
    assert first.stat().st_size == expected["size"]
    assert leftovers(tmp_path / "a") == ["pose_landmarker_full.task"]
    # The version stub is gone again after the build.
    assert _VERSION_MODULE not in sys.modules

    import mediapipe as mp
    import numpy as np
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(first)),
        running_mode=vision.RunningMode.IMAGE,
        num_poses=1,
    )
    blank = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.zeros((256, 256, 3), np.uint8))
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        result = landmarker.detect(blank)
    assert result.pose_landmarks == []


def test_fetch_full_offline_reports_source(
    mediapipe_wheel: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fetched: list[Path] = []

    def cached_wheel(build: dict[str, Any], directory: Path) -> Path:
        fetched.append(directory)
        return Path(shutil.copy(mediapipe_wheel, directory))

    monkeypatch.setattr(offline, "_download_wheel", cached_wheel)
    with caplog.at_level(logging.INFO, logger="vidgait.models"):
        path = models.fetch_model("full", model_dir=model_dir, allow_download=False)
    assert len(fetched) == 1  # the build asked for the wheel (served from the session's copy)
    assert "full: built offline from mediapipe 0.10.21 wheel weights" in caplog.text
    row = {r["name"]: r for r in models.list_models(model_dir)}["full"]
    assert row["path"] == str(path) and row["sha256_ok"] is True
    assert row["installed_from"] == "offline build from mediapipe 0.10.21 wheel weights"


@pytest.mark.parametrize("target", ["bundle", "member"])
def test_offline_build_checksum_mismatch_leaves_nothing(
    mediapipe_wheel: Path, model_dir: Path, manifest: dict[str, Any], target: str,
) -> None:
    build = manifest["models"]["full"]["offline_build"]
    if target == "bundle":
        build["bundle"]["sha256"] = "0" * 64
    else:
        build["members"]["pose_detector.tflite"]["sha256"] = "0" * 64
    with pytest.raises(ChecksumError, match="SHA-256"):
        models.build_full_offline(model_dir, wheel=mediapipe_wheel)
    assert leftovers(model_dir) == []


# --------------------------------------------------------------------------- without the wheel


def test_pip_failures_are_model_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    build = models.load_manifest()["models"]["full"]["offline_build"]
    calls: list[list[str]] = []

    def pip_fails(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 1, stdout="", stderr="a\nb\nc\nERROR: offline")

    monkeypatch.setattr(offline.subprocess, "run", pip_fails)
    with pytest.raises(ModelError, match=r"pip could not fetch mediapipe==0\.10\.21 .*"
                                         r"exit code 1: b \| c \| ERROR: offline"):
        offline._download_wheel(build, tmp_path)
    assert calls[0][1:4] == ["-m", "pip", "download"] and "mediapipe==0.10.21" in calls[0]

    def pip_hangs(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        raise subprocess.TimeoutExpired(cmd, kwargs["timeout"])

    monkeypatch.setattr(offline.subprocess, "run", pip_hangs)
    with pytest.raises(ModelError, match="Could not run pip"):
        offline._download_wheel(build, tmp_path)


def test_stub_modules_are_an_empty_package_chain() -> None:
    stubs = offline._stub_modules()
    assert sorted(stubs) == ["mediapipe.tasks.cc", "mediapipe.tasks.cc.metadata",
                             "mediapipe.tasks.cc.metadata.python", _VERSION_MODULE]
    assert stubs[_VERSION_MODULE].GetMinimumMetadataParserVersion(b"") == "1.0.0"
    assert stubs["mediapipe.tasks.cc"].metadata.python is stubs[
        "mediapipe.tasks.cc.metadata.python"]
    assert all(stubs[n].__path__ == [] for n in stubs if n != _VERSION_MODULE)


def test_forget_modules_unloads_and_detaches(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = types.ModuleType("vg_test_parent")
    child = types.ModuleType("vg_test_parent.child")
    parent.child = child
    monkeypatch.setitem(sys.modules, "vg_test_parent", parent)
    monkeypatch.setitem(sys.modules, "vg_test_parent.child", child)
    offline._forget_modules({"vg_test_parent.child"})
    assert "vg_test_parent.child" not in sys.modules
    assert sys.modules["vg_test_parent"] is parent and not hasattr(parent, "child")


class _AlignZip(zipfile.ZipFile):
    """Stands in for MediaPipe's AlignZipFile (same call, no alignment)."""

    def __init__(self, file: Path, mode: str, alignment: int) -> None:
        assert alignment == 4
        super().__init__(file, mode)


def test_written_bundle_is_deterministic(tmp_path: Path) -> None:
    members = {"pose_detector.tflite": b"d" * 100, "pose_landmarks_detector.tflite": b"l" * 50}
    offline._write_bundle(members, tmp_path / "a.task", _AlignZip)
    offline._write_bundle(members, tmp_path / "b.task", _AlignZip)
    assert (tmp_path / "a.task").read_bytes() == (tmp_path / "b.task").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.task") as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == list(members)
        assert {(i.date_time, i.compress_type, i.create_system, i.external_attr >> 16)
                for i in infos} == {((1980, 1, 1, 0, 0, 0), zipfile.ZIP_STORED, 3, 0o644)}
        assert {n: zf.read(n) for n in members} == members
