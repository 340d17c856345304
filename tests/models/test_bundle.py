"""Tests of vidgait.models.bundle: what makes a file a pose-landmarker bundle, and its digests."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from tests.helpers import make_bundle
from vidgait.errors import ChecksumError
from vidgait.models import bundle


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_valid_bundle_has_no_problem(tmp_path: Path) -> None:
    assert bundle._bundle_problem(make_bundle(tmp_path / "ok.task")) is None


def test_each_defect_is_named(tmp_path: Path) -> None:
    empty = tmp_path / "empty.task"
    empty.write_bytes(b"")
    text = tmp_path / "text.task"
    text.write_text("<html>captive portal</html>")
    one_member = _zip(tmp_path / "one.task", {"pose_detector.tflite": b"x"})
    empty_member = _zip(tmp_path / "hollow.task", {"pose_detector.tflite": b"",
                                                   "pose_landmarks_detector.tflite": b"x"})
    damaged = make_bundle(tmp_path / "damaged.task")
    damaged.write_bytes(damaged.read_bytes().replace(b"detector-weights", b"detector-weightX"))

    assert bundle._bundle_problem(tmp_path / "absent.task").startswith("cannot be read")
    assert bundle._bundle_problem(empty) == "is empty"
    assert bundle._bundle_problem(text) == "is not a zip archive (a .task bundle is a zip)"
    assert bundle._bundle_problem(one_member) == "is a zip but lacks pose_landmarks_detector.tflite"
    assert bundle._bundle_problem(empty_member) == "holds an empty pose_detector.tflite"
    assert bundle._bundle_problem(damaged) == "is a damaged zip (CRC error in pose_detector.tflite)"


def test_sha256_of_a_file_larger_than_one_chunk(tmp_path: Path) -> None:
    data = bytes(range(256)) * (3 * bundle._CHUNK // 256 + 7)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    assert bundle._sha256_file(path) == hashlib.sha256(data).hexdigest()


def test_verify_digest() -> None:
    digest = "ab" * 32
    bundle._verify_digest(digest, digest.upper(), "x", "hint")  # case does not matter
    bundle._verify_digest(digest, None, "x", "hint")  # nothing recorded: nothing to compare
    with pytest.raises(ChecksumError) as info:
        bundle._verify_digest(digest, "cd" * 32, "The file", "Try again later.")
    assert str(info.value) == (f"The file has SHA-256 {digest}, but the manifest records "
                               f"{'cd' * 32}; it was not installed. Try again later.")
