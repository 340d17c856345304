"""Tests of vidgait.models.install: staging, the atomic install and user-supplied bundle files."""

from __future__ import annotations

import logging
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import leftovers, make_bundle, set_official
from vidgait import models
from vidgait.errors import InputError, ModelError
from vidgait.models import install

# --------------------------------------------------------------------------- staging


def test_staged_file_is_removed_unless_installed(model_dir: Path) -> None:
    with install._staged(model_dir, "lite") as tmp:
        assert tmp.parent == model_dir and tmp.is_file()
        assert tmp.name.startswith(".pose_landmarker_lite.task.") and tmp.name.endswith(".part")
    assert leftovers(model_dir) == []
    with pytest.raises(RuntimeError), install._staged(model_dir, "lite") as tmp:
        raise RuntimeError("verification failed")
    assert leftovers(model_dir) == []
    with install._staged(model_dir, "lite") as tmp:
        tmp.write_bytes(b"verified")
        final = install._install(tmp, model_dir / "pose_landmarker_lite.task")
    assert leftovers(model_dir) == ["pose_landmarker_lite.task"]
    assert final.read_bytes() == b"verified"
    assert stat.S_IMODE(final.stat().st_mode) == 0o644


def test_unwritable_model_folder_says_what_to_set(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(ModelError, match=r"Cannot write to the model folder .*\$VIDGAIT_MODEL_DIR"):
        install._temp_in(blocker / "models", "lite")


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


def test_user_file_that_is_the_installed_file_is_kept(
    model_dir: Path, manifest: dict[str, Any], caplog: pytest.LogCaptureFixture,
) -> None:
    model_dir.mkdir()
    installed = make_bundle(model_dir / "pose_landmarker_lite.task")
    before = installed.read_bytes()
    with caplog.at_level(logging.INFO, logger="vidgait.models"):
        assert models.fetch_model("lite", model_dir=model_dir, source=installed) == installed
    assert installed.read_bytes() == before
    assert f"lite: already installed ({installed})" in caplog.text
    assert leftovers(model_dir) == ["pose_landmarker_lite.task"]


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
    with pytest.raises(ModelError, match=r"lacks pose_landmarks_detector\.tflite"):
        models.fetch_model("heavy", model_dir=model_dir, source=source)
    assert leftovers(model_dir) == []
