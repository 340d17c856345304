"""Downloading a model bundle over HTTP(S), verified against the manifest before it is installed.

:func:`_download` fetches a URL into a staged file (progress bar on stderr), checks the size in
bytes and the SHA-256 the manifest records and the bundle structure, and only then installs it.
Network failures, HTTP errors and truncated bodies raise :class:`~vidgait.errors.ModelError`;
a size or hash mismatch raises :class:`~vidgait.errors.ChecksumError`. Timeouts are in seconds.
"""

from __future__ import annotations

import hashlib
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, BinaryIO

from tqdm import tqdm

from vidgait.errors import ChecksumError, ModelError
from vidgait.models.bundle import _CHUNK, _bundle_problem, _verify_digest
from vidgait.models.install import _install, _report, _staged
from vidgait.models.lookup import _how_to_add
from vidgait.models.manifest import model_filename

CONNECT_TIMEOUT_S = 15.0


def _stream(response: BinaryIO, out: BinaryIO, total: int | None, label: str,
            progress: bool) -> tuple[int, str]:
    """Copy a response body to ``out``; return the byte count and its SHA-256."""
    digest = hashlib.sha256()
    count = 0
    with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=label,
              file=sys.stderr, disable=not progress, leave=False) as bar:
        for chunk in iter(lambda: response.read(_CHUNK), b""):
            out.write(chunk)
            digest.update(chunk)
            count += len(chunk)
            bar.update(len(chunk))
    return count, digest.hexdigest()


def _fetch_url(url: str, tmp: Path, label: str, progress: bool) -> tuple[int, str]:
    """Download ``url`` into ``tmp``; return its size and SHA-256.

    Raises
    ------
    ModelError
        On HTTP errors, network errors, timeouts or a truncated body.
    """
    request = urllib.request.Request(url, headers={"User-Agent": "vidgait"})
    try:
        with urllib.request.urlopen(request, timeout=CONNECT_TIMEOUT_S) as response, \
                tmp.open("wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            count, digest = _stream(response, out, total, label, progress)
    except urllib.error.HTTPError as exc:
        raise ModelError(f"The server answered {exc.code} {exc.reason} for {url}.") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise ModelError(f"Could not download {url} ({reason}).") from exc
    if total is not None and count != total:
        raise ModelError(f"The download of {url} was cut short ({count} of {total} bytes).")
    return count, digest


def _download(name: str, url: str, directory: Path, entry: dict[str, Any],
              progress: bool) -> Path:
    """Download, verify (size, SHA-256, bundle structure) and install a model."""
    official = entry.get("official") or {}
    final = directory / model_filename(name)
    with _staged(directory, name) as tmp:
        size, digest = _fetch_url(url, tmp, model_filename(name), progress)
        expected_size = official.get("size")
        if expected_size and size != expected_size:
            raise ChecksumError(
                f"The file downloaded from {url} has {size} bytes, but the manifest records "
                f"{expected_size}; it was not installed. Try again later. "
                + _how_to_add(name, entry, directory)
            )
        _verify_digest(digest, official.get("sha256"), f"The file downloaded from {url}",
                       "The download may be damaged or tampered with; try again later.")
        problem = _bundle_problem(tmp)
        if problem is not None:
            raise ModelError(f"The file downloaded from {url} {problem}; it was not installed.")
        _install(tmp, final)
    _report(name, f"downloaded from {url}", final)
    return final
