"""Installing a bundle into the model folder: staging, the atomic move, user-supplied files.

Every route that installs a model (a download, the offline build, a file the user supplies)
writes into a temporary file next to the final one (:func:`_staged`) and moves it into place
with one atomic rename (:func:`_install`) only after it has been verified, so a failure never
leaves a partial file behind. :func:`_report` logs which source provided a model.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vidgait.errors import InputError, ModelError
from vidgait.models.bundle import BUNDLE_MEMBERS, _bundle_problem, _sha256_file
from vidgait.models.lookup import MODEL_DIR_ENV, _how_to_add
from vidgait.models.manifest import _known_hashes, model_filename

log = logging.getLogger("vidgait.models")  # one logger for the whole package, as documented


def _temp_in(directory: Path, name: str) -> Path:
    """Create an empty temporary file next to the final bundle and return its path."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{model_filename(name)}.", suffix=".part",
                                   dir=directory)
    except OSError as exc:
        raise ModelError(
            f"Cannot write to the model folder {directory} ({exc.strerror or exc}). Set "
            f"${MODEL_DIR_ENV} to a writable folder."
        ) from exc
    os.close(fd)
    return Path(tmp)


@contextlib.contextmanager
def _staged(directory: Path, name: str) -> Iterator[Path]:
    """Yield a temporary path in ``directory``; it is removed unless the caller moved it away."""
    tmp = _temp_in(directory, name)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def _install(tmp: Path, final: Path) -> Path:
    """Atomically move a verified temporary file to its final place and return that place."""
    os.chmod(tmp, 0o644)
    os.replace(tmp, final)
    return final


def _install_from_file(name: str, source: Path, directory: Path, entry: dict[str, Any]) -> Path:
    """Check a user-supplied bundle and copy it into ``directory``."""
    source = Path(source).expanduser()
    if not source.is_file():
        raise InputError(f"The model file {source} does not exist or is not a file.")
    problem = _bundle_problem(source)
    if problem is not None:
        raise ModelError(
            f"{source} is not a pose-landmarker bundle: it {problem}. A .task bundle is a zip "
            f"holding {' and '.join(BUNDLE_MEMBERS)}. {_how_to_add(name, entry, directory)}"
        )
    final = directory / model_filename(name)
    if final.exists() and final.resolve() == source.resolve():
        _warn_if_unknown(name, source, _sha256_file(source), entry)
        _report(name, "already installed", final)
        return final
    with _staged(directory, name) as tmp:
        shutil.copyfile(source, tmp)
        _warn_if_unknown(name, source, _sha256_file(tmp), entry)
        _install(tmp, final)
    _report(name, f"installed from {source}", final)
    return final


def _warn_if_unknown(name: str, source: Path, digest: str, entry: dict[str, Any]) -> None:
    """Log a warning if a user-supplied bundle's SHA-256 is not recorded in the manifest."""
    if digest not in _known_hashes(entry):
        log.warning(
            "%s is a valid bundle but its SHA-256 %s is not recorded in the manifest for %r; "
            "installing it unverified.", source, digest, name,
        )


def _report(name: str, how: str, path: Path) -> None:
    """Log which source provided a model (the CLI prints these INFO lines)."""
    log.info("%s: %s (%s)", name, how, path)
