"""Tests of vidgait.models.offline: building the full model from the mediapipe wheel's weights.

The build needs the pinned mediapipe wheel from the package registry: it is fetched once per
session (pip's HTTP cache makes later runs fast) and those tests skip with the reason when the
registry cannot be reached.
"""

from __future__ import annotations

import logging
import shutil
import sys
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
    def cached_wheel(build: dict[str, Any], directory: Path) -> Path:
        return Path(shutil.copy(mediapipe_wheel, directory))

    monkeypatch.setattr(offline, "_download_wheel", cached_wheel)
    with caplog.at_level(logging.INFO, logger="vidgait.models"):
        path = models.fetch_model("full", model_dir=model_dir, allow_download=False)
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
