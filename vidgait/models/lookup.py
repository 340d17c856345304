"""Where model bundles live and which are installed: the model folder, finding and listing.

Owns :data:`MODEL_DIR_ENV` and :func:`default_model_dir` (``$VIDGAIT_MODEL_DIR``, else the
checkout's ``models/``, else the user cache), :func:`find_model` (an installed, valid bundle or
None), :func:`list_models` (installed state, size in bytes, SHA-256 and sources of every model)
and the instructions for adding a model by hand. Reads files only; never downloads or writes.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from vidgait.models.bundle import _bundle_problem, _sha256_file
from vidgait.models.manifest import (
    _CHECKOUT_MODELS,
    DEFAULT_MODEL,
    MODEL_NAMES,
    _all_sources_hashed,
    _known_hashes,
    _model_entry,
    _official_url,
    load_manifest,
    model_filename,
)

log = logging.getLogger("vidgait.models")  # one logger for the whole package, as documented

MODEL_DIR_ENV = "VIDGAIT_MODEL_DIR"


def _user_cache_dir() -> Path:
    """Return ``$XDG_CACHE_HOME/vidgait/models`` or ``~/.cache/vidgait/models``."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "vidgait" / "models"


def default_model_dir() -> Path:
    """Return the directory where model bundles are looked up and installed.

    Returns
    -------
    Path
        ``$VIDGAIT_MODEL_DIR`` if set and non-empty; else the checkout's ``models/`` folder when
        running from a source checkout (it exists, holds ``manifest.json`` and is writable); else
        the user cache directory ``$XDG_CACHE_HOME/vidgait/models`` (``~/.cache/...`` by default).
        The directory is not created here.
    """
    env = os.environ.get(MODEL_DIR_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    checkout = _CHECKOUT_MODELS
    if (checkout / "manifest.json").is_file() and os.access(checkout, os.W_OK):
        return checkout
    return _user_cache_dir()



def _how_to_add(name: str, entry: dict[str, Any], model_dir: Path) -> str:
    """Return instructions for adding a model by hand."""
    return (
        f"On a computer with internet access download {_official_url(name, entry)} and put "
        f"the file into {model_dir} (or into the folder named by ${MODEL_DIR_ENV}), or run "
        f"`vidgait models fetch {name} --from FILE`."
    )


def find_model(name: str, model_dir: Path | None = None) -> Path | None:
    """Return the installed, valid bundle of a model, or None.

    Parameters
    ----------
    name
        One of :data:`MODEL_NAMES`.
    model_dir
        Directory to look in; :func:`default_model_dir` if None.

    Returns
    -------
    Path or None
        The path of ``pose_landmarker_<name>.task`` in ``model_dir`` if it exists and is either
        a file with a SHA-256 recorded in the manifest or a structurally valid bundle (a warning
        is logged when the manifest records hashes for every source of that model and none
        matches). None if the file is absent or not a valid bundle (logged as a warning).

    Raises
    ------
    InputError
        If ``name`` is not a known model name.
    """
    entry = _model_entry(name, load_manifest())
    path = Path(model_dir or default_model_dir()) / model_filename(name)
    if not path.is_file():
        return None
    digest = _sha256_file(path)
    if digest in _known_hashes(entry):
        return path
    problem = _bundle_problem(path)
    if problem is not None:
        log.warning("Ignoring %s: it %s.", path, problem)
        return None
    if _all_sources_hashed(entry):
        log.warning(
            "%s is a valid bundle but its SHA-256 %s is not in the manifest; using it anyway.",
            path, digest,
        )
    return path


def _describe_installed(path: Path, entry: dict[str, Any]) -> dict[str, Any]:
    """Return size, SHA-256 and verification facts of an installed bundle file."""
    digest = _sha256_file(path)
    known = _known_hashes(entry)
    problem = _bundle_problem(path)
    return {
        "size": path.stat().st_size,
        "sha256": digest,
        "sha256_ok": (digest in known) if known else None,
        "valid": problem is None,
        "problem": problem,
        "installed_from": known.get(digest, "unknown (user-supplied or unverified download)"),
    }


def list_models(model_dir: Path | None = None) -> list[dict[str, Any]]:
    """Describe every model: whether it is installed, verified and obtainable offline.

    Parameters
    ----------
    model_dir
        Directory to inspect; :func:`default_model_dir` if None.

    Returns
    -------
    list of dict
        One dict per name in :data:`MODEL_NAMES`, with keys ``name``, ``default`` (bool),
        ``installed`` (bool: the file exists and is a valid bundle), ``path`` (where the file is
        or would be), ``size`` and ``sha256`` (None when absent), ``sha256_ok`` (True if the
        hash matches one recorded in the manifest, False if the manifest records hashes but none
        matches, None when absent or nothing is recorded), ``valid`` (bundle structure),
        ``problem`` (why it is invalid, or None), ``installed_from`` (source matched by hash),
        ``available_offline`` (an offline build recipe exists) and ``sources`` (list of
        human-readable source descriptions, in the order they are tried).
    """
    manifest = load_manifest()
    directory = Path(model_dir or default_model_dir())
    rows = []
    for name in MODEL_NAMES:
        entry = _model_entry(name, manifest)
        path = directory / model_filename(name)
        row: dict[str, Any] = {
            "name": name,
            "default": name == DEFAULT_MODEL,
            "path": str(path),
            "available_offline": entry.get("offline_build") is not None,
            "sources": _source_descriptions(name, entry, directory),
            "size": None, "sha256": None, "sha256_ok": None, "valid": False,
            "problem": None, "installed_from": None,
        }
        if path.is_file():
            row.update(_describe_installed(path, entry))
        row["installed"] = bool(row["valid"])
        rows.append(row)
    return rows


def _source_descriptions(name: str, entry: dict[str, Any], directory: Path) -> list[str]:
    """Return human-readable descriptions of the sources of a model, in the order tried."""
    sources = [f"file {directory / model_filename(name)}"]
    sources.append(f"download {_official_url(name, entry)}")
    build = entry.get("offline_build")
    if build:
        wheel = build["wheel"]
        sources.append(f"offline build from {wheel['project']}=={wheel['version']} wheel weights")
    return sources
