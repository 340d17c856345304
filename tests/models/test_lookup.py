"""Tests of vidgait.models.lookup: the model folder, finding and listing installed models."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import REPO, make_bundle, sha256_of
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
