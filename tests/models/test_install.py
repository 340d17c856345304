"""Tests of vidgait.models.install: staging, the atomic install and user-supplied bundle files."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import leftovers, make_bundle, set_official
from vidgait import models
from vidgait.errors import InputError, ModelError

# --------------------------------------------------------------------------- user file


def test_user_file_valid_bundle_is_installed_with_warning(
    tmp_path: Path, model_dir: Path, manifest: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = make_bundle(tmp_path / "downloaded.task")
    with caplog.at_level(logging.WARNING, logger="vidgait.models"):
        path = models.fetch_model("lite", model_dir=model_dir, source=source)
    assert path == model_dir / "pose_landmarker_lite.task"
    assert path.read_bytes() == source.read_bytes()
    assert "not recorded in the manifest" in caplog.text
    assert leftovers(model_dir) == ["pose_landmarker_lite.task"]


def test_user_file_with_recorded_checksum_installs_silently(
    tmp_path: Path, model_dir: Path, manifest: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = make_bundle(tmp_path / "downloaded.task")
    set_official(manifest, "lite", source.read_bytes())
    with caplog.at_level(logging.WARNING, logger="vidgait.models"):
        models.fetch_model("lite", model_dir=model_dir, source=str(source))
    assert caplog.text == ""
    row = {r["name"]: r for r in models.list_models(model_dir)}["lite"]
    assert row["sha256_ok"] is True


def test_user_text_file_is_refused(tmp_path: Path, model_dir: Path,
                                   manifest: dict[str, Any]) -> None:
    source = tmp_path / "pose_landmarker_lite.task"
    source.write_text("this is not a model\n")
    with pytest.raises(ModelError, match="not a pose-landmarker bundle"):
        models.fetch_model("lite", model_dir=model_dir, source=source)
    assert leftovers(model_dir) == []
    with pytest.raises(InputError, match="does not exist"):
        models.fetch_model("lite", model_dir=model_dir, source=tmp_path / "absent.task")


def test_zip_without_bundle_members_is_refused(tmp_path: Path, model_dir: Path,
                                               manifest: dict[str, Any]) -> None:
    source = tmp_path / "other.task"
    with zipfile.ZipFile(source, "w") as zf:
        zf.writestr("pose_detector.tflite", b"x")
    with pytest.raises(ModelError, match="lacks pose_landmarks_detector.tflite"):
        models.fetch_model("heavy", model_dir=model_dir, source=source)
    assert leftovers(model_dir) == []
