"""Tests of vidgait.models.download: the verified download, served by a local HTTP server."""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import free_port, leftovers, set_official
from vidgait import models
from vidgait.errors import ChecksumError, ModelError
from vidgait.models import download


def test_download_succeeds_and_is_verified(
    serve: Callable[[dict[str, bytes]], str], manifest: dict[str, Any], model_dir: Path,
    bundle_bytes: bytes, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:
    set_official(manifest, "lite", bundle_bytes)
    url = serve({"/lite.task": bundle_bytes}) + "/lite.task"
    with caplog.at_level(logging.INFO, logger="vidgait.models"):
        path = models.fetch_model("lite", model_dir=model_dir, url=url, progress=False,
                                  allow_build=False)
    assert path == model_dir / "pose_landmarker_lite.task"
    assert path.read_bytes() == bundle_bytes
    assert leftovers(model_dir) == ["pose_landmarker_lite.task"]
    assert f"lite: downloaded from {url}" in caplog.text
    assert capsys.readouterr().err == ""
    row = {r["name"]: r for r in models.list_models(model_dir)}["lite"]
    assert row["sha256_ok"] is True and row["installed_from"] == "official download"
    # A second call finds the verified file instead of downloading again.
    assert models.fetch_model("lite", model_dir=model_dir, url=url + ".gone",
                              progress=False) == path


def test_download_progress_bar_goes_to_stderr(
    serve: Callable[[dict[str, bytes]], str], manifest: dict[str, Any], model_dir: Path,
    bundle_bytes: bytes, capsys: pytest.CaptureFixture[str],
) -> None:
    set_official(manifest, "lite", bundle_bytes)
    url = serve({"/lite.task": bundle_bytes}) + "/lite.task"
    models.fetch_model("lite", model_dir=model_dir, url=url, progress=True)
    captured = capsys.readouterr()
    assert "pose_landmarker_lite.task" in captured.err
    assert captured.out == ""


def test_checksum_mismatch_is_refused_and_leaves_nothing(
    serve: Callable[[dict[str, bytes]], str], manifest: dict[str, Any], model_dir: Path,
    bundle_bytes: bytes,
) -> None:
    set_official(manifest, "lite", bundle_bytes)
    tampered = bundle_bytes[:-1] + bytes([bundle_bytes[-1] ^ 0xFF])
    url = serve({"/lite.task": tampered}) + "/lite.task"
    with pytest.raises(ChecksumError, match="SHA-256"):
        models.fetch_model("lite", model_dir=model_dir, url=url, progress=False)
    assert leftovers(model_dir) == []


def test_size_mismatch_is_refused(
    serve: Callable[[dict[str, bytes]], str], manifest: dict[str, Any], model_dir: Path,
    bundle_bytes: bytes,
) -> None:
    set_official(manifest, "lite", bundle_bytes)
    url = serve({"/lite.task": bundle_bytes + b"extra"}) + "/lite.task"
    with pytest.raises(ChecksumError, match="bytes"):
        models.fetch_model("lite", model_dir=model_dir, url=url, progress=False)
    assert leftovers(model_dir) == []


def test_download_without_checksum_needs_a_valid_bundle(
    serve: Callable[[dict[str, bytes]], str], manifest: dict[str, Any], model_dir: Path,
    bundle_bytes: bytes,
) -> None:
    set_official(manifest, "heavy", None)
    base = serve({"/ok.task": bundle_bytes, "/html.task": b"<html>captive portal</html>"})
    with pytest.raises(ModelError, match="not a zip"):
        models.fetch_model("heavy", model_dir=model_dir, url=base + "/html.task",
                           progress=False)
    assert leftovers(model_dir) == []
    path = models.fetch_model("heavy", model_dir=model_dir, url=base + "/ok.task",
                              progress=False)
    assert path.read_bytes() == bundle_bytes
    row = {r["name"]: r for r in models.list_models(model_dir)}["heavy"]
    assert row["installed"] and row["sha256_ok"] is None


def test_http_404_gives_clear_error(serve: Callable[[dict[str, bytes]], str],
                                    manifest: dict[str, Any], model_dir: Path) -> None:
    url = serve({}) + "/missing.task"
    with pytest.raises(ModelError) as info:
        models.fetch_model("lite", model_dir=model_dir, url=url, progress=False)
    message = str(info.value)
    assert "404" in message and url in message
    assert "--from FILE" in message
    assert leftovers(model_dir) == []


def test_connection_refused_gives_clear_error(manifest: dict[str, Any],
                                              model_dir: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/pose_landmarker_lite.task"
    with pytest.raises(ModelError, match=r"Could not download .*refused") as info:
        models.fetch_model("lite", model_dir=model_dir, url=url, progress=False)
    assert not isinstance(info.value, ChecksumError)
    assert leftovers(model_dir) == []


def test_fetch_url_returns_size_and_sha256(serve: Callable[[dict[str, bytes]], str],
                                           tmp_path: Path) -> None:
    body = bytes(range(256)) * 1000  # several read chunks
    url = serve({"/blob": body}) + "/blob"
    out = tmp_path / "blob"
    assert download._fetch_url(url, out, "blob", progress=False) == (
        len(body), hashlib.sha256(body).hexdigest())
    assert out.read_bytes() == body


def test_stream_copies_and_hashes(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.BytesIO()
    assert download._stream(io.BytesIO(b"abc" * 10), out, None, "x", progress=False) == (
        30, hashlib.sha256(b"abc" * 10).hexdigest())
    assert out.getvalue() == b"abc" * 10
    assert capsys.readouterr().err == ""
