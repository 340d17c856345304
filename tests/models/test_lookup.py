"""Tests of vidgait.models.lookup: the model folder, finding and listing installed models."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import REPO, make_bundle, set_official, sha256_of
from vidgait import models
from vidgait.models import lookup


def test_model_dir_env_is_honoured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                   manifest: dict[str, Any]) -> None:
    monkeypatch.setenv(models.MODEL_DIR_ENV, str(tmp_path))
    assert models.default_model_dir() == tmp_path
    assert models.find_model("heavy") is None
    installed = make_bundle(tmp_path / "pose_landmarker_heavy.task")
    assert models.find_model("heavy") == installed
    assert models.resolve_model("heavy", allow_fetch=False) == installed
    rows = {row["name"]: row for row in models.list_models()}
    assert rows["heavy"]["installed"] and rows["heavy"]["sha256"] == sha256_of(installed)
    assert not rows["lite"]["installed"]


def test_default_dir_is_checkout_then_user_cache(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    assert models.default_model_dir() == REPO / "models"
    monkeypatch.setattr(lookup, "_CHECKOUT_MODELS", tmp_path / "absent")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert models.default_model_dir() == tmp_path / "cache" / "vidgait" / "models"


def test_corrupt_installed_file_is_ignored(model_dir: Path, manifest: dict[str, Any],
                                           caplog: pytest.LogCaptureFixture) -> None:
    model_dir.mkdir()
    (model_dir / "pose_landmarker_heavy.task").write_bytes(b"PK\x03\x04 truncated")
    with caplog.at_level(logging.WARNING, logger="vidgait.models"):
        assert models.find_model("heavy", model_dir) is None
    assert "not a zip" in caplog.text
    row = {r["name"]: r for r in models.list_models(model_dir)}["heavy"]
    assert row["installed"] is False and row["problem"]


def test_unrecorded_hash_is_used_with_a_warning_only_when_every_source_is_hashed(
    model_dir: Path, manifest: dict[str, Any], caplog: pytest.LogCaptureFixture,
) -> None:
    model_dir.mkdir()
    installed = make_bundle(model_dir / "pose_landmarker_lite.task")
    set_official(manifest, "lite", b"some other file")
    with caplog.at_level(logging.WARNING, logger="vidgait.models"):
        assert models.find_model("lite", model_dir) == installed
    assert "is not in the manifest; using it anyway" in caplog.text
    row = {r["name"]: r for r in models.list_models(model_dir)}["lite"]
    assert row["installed"] and row["sha256_ok"] is False
    assert row["installed_from"] == "unknown (user-supplied or unverified download)"

    caplog.clear()
    set_official(manifest, "lite", None)
    with caplog.at_level(logging.WARNING, logger="vidgait.models"):
        assert models.find_model("lite", model_dir) == installed
    assert caplog.text == ""


def test_list_models_describes_every_model(model_dir: Path, manifest: dict[str, Any]) -> None:
    rows = models.list_models(model_dir)
    assert [r["name"] for r in rows] == list(models.MODEL_NAMES)
    for row in rows:
        name = row["name"]
        assert row["default"] is (name == "full")
        assert row["available_offline"] is (name == "full")
        assert row["path"] == str(model_dir / f"pose_landmarker_{name}.task")
        assert row["installed"] is False and row["size"] is None and row["sha256"] is None
        url = manifest["models"][name]["official"]["url"]
        offline = ["offline build from mediapipe==0.10.21 wheel weights"] if name == "full" else []
        assert row["sources"] == [f"file {row['path']}", f"download {url}", *offline]
