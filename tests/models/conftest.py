"""Fixtures of the model-provisioning tests: no user model folder, a private copy of the manifest,
a fake bundle, a model folder and a local HTTP server (builders in ``tests/helpers.py``).
"""

from __future__ import annotations

import contextlib
import copy
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import file_server, make_bundle
from vidgait import models


@pytest.fixture(autouse=True)
def _no_user_model_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the caller's $VIDGAIT_MODEL_DIR out of the tests."""
    monkeypatch.delenv(models.MODEL_DIR_ENV, raising=False)


@pytest.fixture
def manifest(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A private copy of the manifest that vidgait.models will use; tests may edit it."""
    data = copy.deepcopy(models.load_manifest())
    # Every module of the package that looks the manifest up by name gets the copy.
    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", None) or ""
        if name.startswith("vidgait.models") and hasattr(module, "load_manifest"):
            monkeypatch.setattr(module, "load_manifest", lambda: data)
    return data


@pytest.fixture
def bundle_bytes(tmp_path: Path) -> bytes:
    return make_bundle(tmp_path / "fake.task").read_bytes()


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    return tmp_path / "models"


@pytest.fixture
def serve() -> Iterator[Callable[[dict[str, bytes]], str]]:
    """Start a local HTTP server; ``serve({path: body})`` returns its base URL."""
    with contextlib.ExitStack() as servers:
        yield lambda files: servers.enter_context(file_server(files))
