"""What a ``.task`` bundle file is and how one is checked: SHA-256, zip structure, digests.

A pose-landmarker bundle is a zip holding :data:`BUNDLE_MEMBERS`. The checks here read a file
(never the network) and either describe the problem as a phrase or raise
:class:`~vidgait.errors.ChecksumError`; digests are lower-case hex SHA-256 strings.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from vidgait.errors import ChecksumError

BUNDLE_MEMBERS: tuple[str, ...] = ("pose_detector.tflite", "pose_landmarks_detector.tflite")
_CHUNK = 1 << 16  # bytes read at a time when hashing or downloading


def _sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _bundle_problem(path: Path) -> str | None:
    """Describe why ``path`` is not a pose-landmarker bundle, or return None if it is one.

    A bundle is a non-empty zip whose members include both :data:`BUNDLE_MEMBERS`, each non-empty
    and readable (CRC checked).
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if size == 0:
        return "is empty"
    if not zipfile.is_zipfile(path):
        return "is not a zip archive (a .task bundle is a zip)"
    try:
        with zipfile.ZipFile(path) as zf:
            infos = {info.filename: info for info in zf.infolist()}
            missing = [m for m in BUNDLE_MEMBERS if m not in infos]
            if missing:
                return f"is a zip but lacks {', '.join(missing)}"
            empty = [m for m in BUNDLE_MEMBERS if infos[m].file_size == 0]
            if empty:
                return f"holds an empty {', '.join(empty)}"
            bad = zf.testzip()
            if bad is not None:
                return f"is a damaged zip (CRC error in {bad})"
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return f"is a damaged zip ({exc})"
    return None


def _verify_digest(actual: str, expected: str | None, what: str, hint: str) -> None:
    """Raise :class:`ChecksumError` if a recorded SHA-256 differs from the actual one."""
    if expected and actual.lower() != expected.lower():
        raise ChecksumError(
            f"{what} has SHA-256 {actual}, but the manifest records {expected}; it was not "
            f"installed. {hint}"
        )
