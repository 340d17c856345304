"""Tests of vidgait.models.manifest: model names, reading the manifest, entries and hashes."""

from __future__ import annotations

import copy
import importlib.resources
import json
import tomllib
from pathlib import Path

import pytest

from tests.helpers import REPO
from vidgait import models
from vidgait.errors import InputError, ModelError
from vidgait.models import manifest as manifest_module


def test_manifest_lists_every_model_with_official_url() -> None:
    data = models.load_manifest()
    assert set(data["models"]) == set(models.MODEL_NAMES)
    assert models.DEFAULT_MODEL == "full" == data["default"]
    for name in models.MODEL_NAMES:
        url = data["models"][name]["official"]["url"]
        assert url == (
            "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
            f"pose_landmarker_{name}/float16/1/pose_landmarker_{name}.task"
        )
    build = data["models"]["full"]["offline_build"]
    assert len(build["bundle"]["sha256"]) == 64
    assert data["models"]["lite"]["offline_build"] is None
    assert data["models"]["heavy"]["offline_build"] is None


def test_checkout_manifest_is_the_repository_models_folder() -> None:
    assert manifest_module._CHECKOUT_MODELS == REPO / "models"
    assert models.load_manifest() == json.loads((REPO / "models" / "manifest.json").read_text())


def test_installed_wheel_reads_the_packaged_copy(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    """Without a checkout the manifest is vidgait/_models_manifest.json, where the wheel puts it."""
    with (REPO / "pyproject.toml").open("rb") as fh:
        wheel = tomllib.load(fh)["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["force-include"]["models/manifest.json"] == "vidgait/_models_manifest.json"

    packaged = json.loads((REPO / "models" / "manifest.json").read_text())
    packaged["note_for_test"] = "packaged copy"
    (tmp_path / "_models_manifest.json").write_text(json.dumps(packaged))
    real_files = importlib.resources.files
    monkeypatch.setattr(manifest_module, "_CHECKOUT_MODELS", tmp_path / "no-checkout")
    monkeypatch.setattr(importlib.resources, "files",
                        lambda pkg: tmp_path if pkg == "vidgait" else real_files(pkg))
    assert models.load_manifest() == packaged


@pytest.mark.parametrize(("text", "message"), [
    ("not json", "could not be read"),
    ('{"schema_version": 2, "models": {}}', "schema version 2"),
])
def test_unreadable_or_newer_manifest_is_a_model_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str, message: str,
) -> None:
    (tmp_path / "manifest.json").write_text(text)
    monkeypatch.setattr(manifest_module, "_CHECKOUT_MODELS", tmp_path)
    with pytest.raises(ModelError, match=message):
        models.load_manifest()


def test_model_filename_and_unknown_name() -> None:
    assert [models.model_filename(n) for n in models.MODEL_NAMES] == [
        "pose_landmarker_lite.task", "pose_landmarker_full.task", "pose_landmarker_heavy.task"]
    with pytest.raises(InputError, match="lite, full, heavy"):
        models.model_filename("medium")


def test_missing_entry_is_a_model_error() -> None:
    data = copy.deepcopy(models.load_manifest())
    del data["models"]["heavy"]
    with pytest.raises(ModelError, match="no entry for 'heavy'"):
        manifest_module._model_entry("heavy", data)
    with pytest.raises(InputError):
        manifest_module._model_entry("medium", data)


def test_known_hashes_name_each_source() -> None:
    data = copy.deepcopy(models.load_manifest())
    full = data["models"]["full"]
    full["official"]["sha256"] = "AB" * 32
    known = manifest_module._known_hashes(full)
    assert known == {
        "ab" * 32: "official download",
        full["offline_build"]["bundle"]["sha256"]:
            "offline build from mediapipe 0.10.21 wheel weights",
    }
    assert manifest_module._all_sources_hashed(full)
    full["offline_build"]["bundle"]["sha256"] = None
    assert not manifest_module._all_sources_hashed(full)
    lite = data["models"]["lite"]
    assert manifest_module._all_sources_hashed(lite) is (lite["official"]["sha256"] is not None)
    lite["official"]["sha256"] = None
    assert manifest_module._known_hashes(lite) == {}
    assert not manifest_module._all_sources_hashed(lite)
