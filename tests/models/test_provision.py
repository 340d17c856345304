"""Tests of vidgait.models.provision: the order sources are tried in, and resolving a model."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import make_bundle
from vidgait import models
from vidgait.errors import InputError, ModelError
from vidgait.models import provision


def test_unknown_name_and_missing_path_are_input_errors(model_dir: Path) -> None:
    with pytest.raises(InputError, match="lite, full, heavy"):
        models.fetch_model("medium", model_dir=model_dir)
    with pytest.raises(InputError, match="lite, full, heavy"):
        models.resolve_model("medium", model_dir=model_dir)
    with pytest.raises(InputError, match="does not exist"):
        models.resolve_model(str(model_dir / "mine.task"))


def test_existing_task_path_is_used_as_is(tmp_path: Path) -> None:
    path = make_bundle(tmp_path / "custom.task")
    assert models.resolve_model(str(path), allow_fetch=False) == path


def test_not_installed_without_fetch_says_what_to_run(model_dir: Path,
                                                      manifest: dict[str, Any]) -> None:
    with pytest.raises(ModelError, match="vidgait models fetch heavy"):
        models.resolve_model("heavy", model_dir=model_dir, allow_fetch=False)


def test_resolve_fetches_a_missing_named_model(model_dir: Path, manifest: dict[str, Any],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    def fake_fetch(name: str, **kwargs: Any) -> Path:
        calls.append((name, kwargs))
        return model_dir / "fetched.task"

    monkeypatch.setattr(provision, "fetch_model", fake_fetch)
    assert models.resolve_model("heavy", model_dir=model_dir, progress=False) == (
        model_dir / "fetched.task")
    assert calls == [("heavy", {"model_dir": model_dir, "progress": False})]


def test_installed_model_is_reported_and_not_fetched_again(
    model_dir: Path, manifest: dict[str, Any], caplog: pytest.LogCaptureFixture,
) -> None:
    model_dir.mkdir()
    installed = make_bundle(model_dir / "pose_landmarker_heavy.task")
    with caplog.at_level(logging.INFO, logger="vidgait.models"):
        assert models.fetch_model("heavy", model_dir=model_dir, allow_download=False,
                                  allow_build=False) == installed
    assert f"heavy: already installed ({installed})" in caplog.text


def test_failed_download_of_full_falls_back_to_offline_build(
    serve: Callable[[dict[str, bytes]], str], manifest: dict[str, Any], model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[Path] = []

    def fake_build(dest: Path, *, wheel: Path | None = None) -> Path:
        calls.append(dest)
        return make_bundle(Path(dest) / "pose_landmarker_full.task")

    monkeypatch.setattr(provision, "build_full_offline", fake_build)
    url = serve({}) + "/pose_landmarker_full.task"
    path = models.fetch_model("full", model_dir=model_dir, url=url, progress=False)
    assert calls == [model_dir]
    assert path == model_dir / "pose_landmarker_full.task"


def test_lite_offline_fails_with_instructions(manifest: dict[str, Any],
                                              model_dir: Path) -> None:
    with pytest.raises(ModelError) as info:
        models.fetch_model("lite", model_dir=model_dir, allow_download=False)
    message = str(info.value)
    official = manifest["models"]["lite"]["official"]["url"]
    assert official in message
    assert "cannot be built offline" in message
    assert str(model_dir) in message and models.MODEL_DIR_ENV in message
    assert "vidgait models fetch lite --from FILE" in message


def test_full_with_every_route_forbidden_says_so(manifest: dict[str, Any],
                                                 model_dir: Path) -> None:
    with pytest.raises(ModelError) as info:
        models.fetch_model("full", model_dir=model_dir, allow_download=False, allow_build=False)
    message = str(info.value)
    assert message.startswith("The full pose model is not installed and could not be "
                              "provisioned. Downloading was not allowed. Building offline was "
                              "not allowed. On a computer with internet access download ")
    assert "cannot be built offline" not in message
