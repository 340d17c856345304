"""Tests of vidgait.models.manifest: model names, reading the manifest, entries and hashes."""

from __future__ import annotations

from vidgait import models


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
