"""Tests of the vidgait.models package itself: its public names and the order of its modules."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from vidgait import models

# Each module may import only the ones before it (the order the package docstring gives).
_LAYERS = ["manifest", "bundle", "lookup", "install", "download", "offline", "provision"]


def test_public_names_are_re_exported() -> None:
    assert sorted(models.__all__) == sorted([
        "DEFAULT_MODEL", "MODEL_NAMES", "build_full_offline", "default_model_dir", "fetch_model",
        "find_model", "list_models", "load_manifest", "model_filename", "resolve_model"])
    for name in [*models.__all__, "MODEL_DIR_ENV", "BUNDLE_MEMBERS", "CONNECT_TIMEOUT_S",
                 "PIP_TIMEOUT_S"]:
        value = getattr(models, name)
        homes = [m for m in _LAYERS
                 if getattr(importlib.import_module(f"vidgait.models.{m}"), name, None) is value]
        assert homes, name


def test_modules_use_only_lower_modules() -> None:
    folder = Path(models.__file__).parent
    assert sorted(p.stem for p in folder.glob("*.py")) == sorted([*_LAYERS, "__init__"])
    for rank, name in enumerate(_LAYERS):
        tree = ast.parse((folder / f"{name}.py").read_text())
        assert ast.get_docstring(tree), f"{name}.py has no docstring"
        used = {node.module.removeprefix("vidgait.models.") for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module
                and node.module.startswith("vidgait.models")}
        assert used <= set(_LAYERS[:rank]), f"{name}.py imports {used - set(_LAYERS[:rank])}"
