"""The model manifest: which pose models exist and what the recorded sources and hashes are.

Owns the model names (:data:`MODEL_NAMES`, :data:`DEFAULT_MODEL`), reading
``models/manifest.json`` (from the source checkout, or the copy an installed wheel packages as
``vidgait/_models_manifest.json``) and the questions asked of one model's entry: its bundle file
name, official URL and the SHA-256 of each source. Hashes are lower-case hex SHA-256 strings;
sizes in the manifest are bytes. No file but the manifest is read here, and nothing is written.
"""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path
from typing import Any

from vidgait.errors import InputError, ModelError

MODEL_NAMES: tuple[str, ...] = ("lite", "full", "heavy")
DEFAULT_MODEL = "full"

_SUPPORTED_SCHEMA = 1

# vidgait/ (this file is vidgait/models/manifest.py); a source checkout keeps the manifest and
# the installed bundles in the models/ folder next to it.
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_CHECKOUT_MODELS = _PACKAGE_DIR.parent / "models"


def load_manifest() -> dict[str, Any]:
    """Read the model manifest.

    Returns
    -------
    dict
        The parsed ``models/manifest.json`` of the source checkout, or, in an installed wheel, the
        copy packaged as ``vidgait/_models_manifest.json``.

    Raises
    ------
    ModelError
        If no manifest can be found or it is not valid JSON of a supported schema version.
    """
    checkout = _CHECKOUT_MODELS / "manifest.json"
    try:
        if checkout.is_file():
            text = checkout.read_text(encoding="utf-8")
        else:
            res = importlib.resources.files("vidgait").joinpath("_models_manifest.json")
            text = res.read_text(encoding="utf-8")
        manifest = json.loads(text)
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"The model manifest could not be read ({exc}). Reinstall vidgait, or restore "
            "models/manifest.json in the source checkout."
        ) from exc
    if manifest.get("schema_version") != _SUPPORTED_SCHEMA:
        raise ModelError(
            f"The model manifest has schema version {manifest.get('schema_version')!r}; this "
            f"vidgait understands version {_SUPPORTED_SCHEMA}. Reinstall vidgait."
        )
    return manifest



def model_filename(name: str) -> str:
    """Return the bundle file name for a model name, e.g. ``pose_landmarker_full.task``.

    Parameters
    ----------
    name : str
        A model name: ``"lite"``, ``"full"`` or ``"heavy"``.

    Raises
    ------
    InputError
        If ``name`` is not one of :data:`MODEL_NAMES`.
    """
    _check_name(name)
    return f"pose_landmarker_{name}.task"


def _check_name(name: str) -> None:
    """Raise :class:`InputError` unless ``name`` is a known model name."""
    if name not in MODEL_NAMES:
        raise InputError(
            f"Unknown pose model {name!r}. Choose one of {', '.join(MODEL_NAMES)}, "
            "or give the path of a .task file."
        )


def _model_entry(name: str, manifest: dict[str, Any]) -> dict[str, Any]:
    """Return the manifest entry of one model, or raise :class:`ModelError`."""
    _check_name(name)
    try:
        return manifest["models"][name]
    except KeyError:
        raise ModelError(
            f"The model manifest has no entry for {name!r}. Reinstall vidgait."
        ) from None


def _official_url(name: str, entry: dict[str, Any]) -> str:
    """Return the official download URL of a model."""
    return str(entry["official"]["url"])


def _known_hashes(entry: dict[str, Any]) -> dict[str, str]:
    """Map each known SHA-256 of a model to a description of its source."""
    known: dict[str, str] = {}
    official = entry.get("official") or {}
    if official.get("sha256"):
        known[official["sha256"].lower()] = "official download"
    build = entry.get("offline_build") or {}
    bundle_sha = (build.get("bundle") or {}).get("sha256")
    if bundle_sha:
        wheel = build["wheel"]
        known[bundle_sha.lower()] = (
            f"offline build from {wheel['project']} {wheel['version']} wheel weights"
        )
    return known


def _all_sources_hashed(entry: dict[str, Any]) -> bool:
    """True if every source of the model has a recorded SHA-256 (so a mismatch is suspicious)."""
    if not (entry.get("official") or {}).get("sha256"):
        return False
    build = entry.get("offline_build")
    return build is None or bool((build.get("bundle") or {}).get("sha256"))

