"""Tests of pose-model provisioning (vidgait.models); all offline except the package registry.

Downloads are served by a local HTTP server on 127.0.0.1. The offline build needs the pinned
mediapipe wheel from the package registry: it is fetched once per session (pip's HTTP cache makes
later runs fast) and those tests skip with the reason when the registry cannot be reached.
"""

from __future__ import annotations

import copy
import hashlib
import http.server
import logging
import shutil
import socket
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import REPO
from vidgait import models
from vidgait.errors import ChecksumError, InputError, ModelError

# --------------------------------------------------------------------------- helpers


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _make_bundle(path: Path, payload: bytes = b"weights") -> Path:
    """Write a small zip that has the structure of a pose-landmarker bundle."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("pose_detector.tflite", b"detector-" + payload)
        zf.writestr("pose_landmarks_detector.tflite", b"landmarks-" + payload)
    return path


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


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
        if module.__name__.startswith("vidgait.models") and hasattr(module, "load_manifest"):
            monkeypatch.setattr(module, "load_manifest", lambda: data)
    return data


@pytest.fixture
def bundle_bytes(tmp_path: Path) -> bytes:
    return _make_bundle(tmp_path / "fake.task").read_bytes()


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    return tmp_path / "models"


class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Callable[[dict[str, bytes]], str]]:
    """Start a local HTTP server; ``serve({path: body})`` returns its base URL."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(files: dict[str, bytes]) -> str:
        handler = type("Handler", (_Handler,), {"files": files})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/pose_landmarker_lite.task"


# --------------------------------------------------------------------------- manifest, dirs


def test_manifest_lists_every_model_with_official_url() -> None:
    data = models.load_manifest()
    assert set(data["models"]) == set(models.MODEL_NAMES)
    assert models.DEFAULT_MODEL == "full" == data["default"]
    for name in models.MODEL_NAMES:
        url = data["models"][name]["official"]["url"]
        assert url == (
            "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
            f"pose_landmarker_{name}/float16/1/pose_landmarker_{name}.task"
        )
    build = data["models"]["full"]["offline_build"]
    assert len(build["bundle"]["sha256"]) == 64
    assert data["models"]["lite"]["offline_build"] is None
    assert data["models"]["heavy"]["offline_build"] is None


def test_model_dir_env_is_honoured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                   manifest: dict[str, Any]) -> None:
    monkeypatch.setenv(models.MODEL_DIR_ENV, str(tmp_path))
    assert models.default_model_dir() == tmp_path
    assert models.find_model("heavy") is None
    installed = _make_bundle(tmp_path / "pose_landmarker_heavy.task")
    assert models.find_model("heavy") == installed
    assert models.resolve_model("heavy", allow_fetch=False) == installed
    rows = {row["name"]: row for row in models.list_models()}
    assert rows["heavy"]["installed"] and rows["heavy"]["sha256"] == _sha256(installed)
    assert not rows["lite"]["installed"]


def test_default_dir_is_checkout_then_user_cache(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    assert models.default_model_dir() == REPO / "models"
    monkeypatch.setattr(models.lookup, "_CHECKOUT_MODELS", tmp_path / "absent")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert models.default_model_dir() == tmp_path / "cache" / "vidgait" / "models"


def test_unknown_name_and_missing_path_are_input_errors(model_dir: Path) -> None:
    with pytest.raises(InputError, match="lite, full, heavy"):
        models.fetch_model("medium", model_dir=model_dir)
    with pytest.raises(InputError, match="lite, full, heavy"):
        models.resolve_model("medium", model_dir=model_dir)
    with pytest.raises(InputError, match="does not exist"):
        models.resolve_model(str(model_dir / "mine.task"))


def test_existing_task_path_is_used_as_is(tmp_path: Path) -> None:
    path = _make_bundle(tmp_path / "custom.task")
    assert models.resolve_model(str(path), allow_fetch=False) == path


def test_not_installed_without_fetch_says_what_to_run(model_dir: Path,
                                                      manifest: dict[str, Any]) -> None:
    with pytest.raises(ModelError, match="vidgait models fetch heavy"):
        models.resolve_model("heavy", model_dir=model_dir, allow_fetch=False)


def test_corrupt_installed_file_is_ignored(model_dir: Path, manifest: dict[str, Any],
                                           caplog: pytest.LogCaptureFixture) -> None:
    model_dir.mkdir()
    (model_dir / "pose_landmarker_heavy.task").write_bytes(b"PK\x03\x04 truncated")
    with caplog.at_level(logging.WARNING, logger="vidgait.models"):
        assert models.find_model("heavy", model_dir) is None
    assert "not a zip" in caplog.text
    row = {r["name"]: r for r in models.list_models(model_dir)}["heavy"]
    assert row["installed"] is False and row["problem"]


# --------------------------------------------------------------------------- download


def _set_official(manifest: dict[str, Any], name: str, body: bytes | None) -> None:
    official = manifest["models"][name]["official"]
    official["size"] = len(body) if body is not None else None
    official["sha256"] = hashlib.sha256(body).hexdigest() if body is not None else None


def test_download_succeeds_and_is_verified(
    serve: Callable[[dict[str, bytes]], str], manifest: dict[str, Any], model_dir: Path,
    bundle_bytes: bytes, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:
    _set_official(manifest, "lite", bundle_bytes)
    url = serve({"/lite.task": bundle_bytes}) + "/lite.task"
    with caplog.at_level(logging.INFO, logger="vidgait.models"):
        path = models.fetch_model("lite", model_dir=model_dir, url=url, progress=False,
                                  allow_build=False)
    assert path == model_dir / "pose_landmarker_lite.task"
    assert path.read_bytes() == bundle_bytes
    assert _leftovers(model_dir) == ["pose_landmarker_lite.task"]
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
    _set_official(manifest, "lite", bundle_bytes)
    url = serve({"/lite.task": bundle_bytes}) + "/lite.task"
    models.fetch_model("lite", model_dir=model_dir, url=url, progress=True)
    captured = capsys.readouterr()
    assert "pose_landmarker_lite.task" in captured.err
    assert captured.out == ""


def test_checksum_mismatch_is_refused_and_leaves_nothing(
    serve: Callable[[dict[str, bytes]], str], manifest: dict[str, Any], model_dir: Path,
    bundle_bytes: bytes,
) -> None:
    _set_official(manifest, "lite", bundle_bytes)
    tampered = bundle_bytes[:-1] + bytes([bundle_bytes[-1] ^ 0xFF])
    url = serve({"/lite.task": tampered}) + "/lite.task"
    with pytest.raises(ChecksumError, match="SHA-256"):
        models.fetch_model("lite", model_dir=model_dir, url=url, progress=False)
    assert _leftovers(model_dir) == []


def test_size_mismatch_is_refused(
    serve: Callable[[dict[str, bytes]], str], manifest: dict[str, Any], model_dir: Path,
    bundle_bytes: bytes,
) -> None:
    _set_official(manifest, "lite", bundle_bytes)
    url = serve({"/lite.task": bundle_bytes + b"extra"}) + "/lite.task"
    with pytest.raises(ChecksumError, match="bytes"):
        models.fetch_model("lite", model_dir=model_dir, url=url, progress=False)
    assert _leftovers(model_dir) == []


def test_download_without_checksum_needs_a_valid_bundle(
    serve: Callable[[dict[str, bytes]], str], manifest: dict[str, Any], model_dir: Path,
    bundle_bytes: bytes,
) -> None:
    _set_official(manifest, "heavy", None)
    base = serve({"/ok.task": bundle_bytes, "/html.task": b"<html>captive portal</html>"})
    with pytest.raises(ModelError, match="not a zip"):
        models.fetch_model("heavy", model_dir=model_dir, url=base + "/html.task",
                           progress=False)
    assert _leftovers(model_dir) == []
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
    assert _leftovers(model_dir) == []


def test_connection_refused_gives_clear_error(manifest: dict[str, Any],
                                              model_dir: Path) -> None:
    with pytest.raises(ModelError, match="Could not download .*refused") as info:
        models.fetch_model("lite", model_dir=model_dir, url=_refused_url(), progress=False)
    assert not isinstance(info.value, ChecksumError)
    assert _leftovers(model_dir) == []


def test_failed_download_of_full_falls_back_to_offline_build(
    serve: Callable[[dict[str, bytes]], str], manifest: dict[str, Any], model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[Path] = []

    def fake_build(dest: Path, *, wheel: Path | None = None) -> Path:
        calls.append(dest)
        return _make_bundle(Path(dest) / "pose_landmarker_full.task")

    monkeypatch.setattr(models.provision, "build_full_offline", fake_build)
    url = serve({}) + "/pose_landmarker_full.task"
    path = models.fetch_model("full", model_dir=model_dir, url=url, progress=False)
    assert calls == [model_dir]
    assert path == model_dir / "pose_landmarker_full.task"


def test_lite_offline_fails_with_instructions(manifest: dict[str, Any],
                                              model_dir: Path) -> None:
    with pytest.raises(ModelError) as info:
        models.fetch_model("lite", model_dir=model_dir, allow_download=False)
    message = str(info.value)
    official = manifest["models"]["lite"]["official"]["url"]
    assert official in message
    assert "cannot be built offline" in message
    assert str(model_dir) in message and models.MODEL_DIR_ENV in message
    assert "vidgait models fetch lite --from FILE" in message


# --------------------------------------------------------------------------- user file


def test_user_file_valid_bundle_is_installed_with_warning(
    tmp_path: Path, model_dir: Path, manifest: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = _make_bundle(tmp_path / "downloaded.task")
    with caplog.at_level(logging.WARNING, logger="vidgait.models"):
        path = models.fetch_model("lite", model_dir=model_dir, source=source)
    assert path == model_dir / "pose_landmarker_lite.task"
    assert path.read_bytes() == source.read_bytes()
    assert "not recorded in the manifest" in caplog.text
    assert _leftovers(model_dir) == ["pose_landmarker_lite.task"]


def test_user_file_with_recorded_checksum_installs_silently(
    tmp_path: Path, model_dir: Path, manifest: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = _make_bundle(tmp_path / "downloaded.task")
    _set_official(manifest, "lite", source.read_bytes())
    with caplog.at_level(logging.WARNING, logger="vidgait.models"):
        models.fetch_model("lite", model_dir=model_dir, source=str(source))
    assert caplog.text == ""
    row = {r["name"]: r for r in models.list_models(model_dir)}["lite"]
    assert row["sha256_ok"] is True


def test_user_text_file_is_refused(tmp_path: Path, model_dir: Path,
                                   manifest: dict[str, Any]) -> None:
    source = tmp_path / "pose_landmarker_lite.task"
    source.write_text("this is not a model\n")
    with pytest.raises(ModelError, match="not a pose-landmarker bundle"):
        models.fetch_model("lite", model_dir=model_dir, source=source)
    assert _leftovers(model_dir) == []
    with pytest.raises(InputError, match="does not exist"):
        models.fetch_model("lite", model_dir=model_dir, source=tmp_path / "absent.task")


def test_zip_without_bundle_members_is_refused(tmp_path: Path, model_dir: Path,
                                               manifest: dict[str, Any]) -> None:
    source = tmp_path / "other.task"
    with zipfile.ZipFile(source, "w") as zf:
        zf.writestr("pose_detector.tflite", b"x")
    with pytest.raises(ModelError, match="lacks pose_landmarks_detector.tflite"):
        models.fetch_model("heavy", model_dir=model_dir, source=source)
    assert _leftovers(model_dir) == []


# --------------------------------------------------------------------------- offline build


@pytest.fixture(scope="session")
def mediapipe_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pinned mediapipe wheel, fetched once per session (skips if the registry is out)."""
    build = models.load_manifest()["models"]["full"]["offline_build"]
    try:
        return models.offline._download_wheel(build, tmp_path_factory.mktemp("wheel"))
    except ModelError as exc:
        pytest.skip(f"package registry unreachable, offline build not tested: {exc}")


def test_offline_build_matches_manifest_and_loads(mediapipe_wheel: Path, tmp_path: Path) -> None:
    expected = models.load_manifest()["models"]["full"]["offline_build"]["bundle"]
    first = models.build_full_offline(tmp_path / "a", wheel=mediapipe_wheel)
    second = models.build_full_offline(tmp_path / "b", wheel=mediapipe_wheel)
    assert _sha256(first) == expected["sha256"] == _sha256(second)
    assert first.stat().st_size == expected["size"]
    assert _leftovers(tmp_path / "a") == ["pose_landmarker_full.task"]
    # The version stub is gone again after the build.
    assert "mediapipe.tasks.cc.metadata.python._pywrap_metadata_version" not in sys.modules

    import mediapipe as mp
    import numpy as np
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(first)),
        running_mode=vision.RunningMode.IMAGE,
        num_poses=1,
    )
    blank = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.zeros((256, 256, 3), np.uint8))
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        result = landmarker.detect(blank)
    assert result.pose_landmarks == []


def test_fetch_full_offline_reports_source(
    mediapipe_wheel: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def cached_wheel(build: dict[str, Any], directory: Path) -> Path:
        return Path(shutil.copy(mediapipe_wheel, directory))

    monkeypatch.setattr(models.offline, "_download_wheel", cached_wheel)
    with caplog.at_level(logging.INFO, logger="vidgait.models"):
        path = models.fetch_model("full", model_dir=model_dir, allow_download=False)
    assert "full: built offline from mediapipe 0.10.21 wheel weights" in caplog.text
    row = {r["name"]: r for r in models.list_models(model_dir)}["full"]
    assert row["path"] == str(path) and row["sha256_ok"] is True
    assert row["installed_from"] == "offline build from mediapipe 0.10.21 wheel weights"


@pytest.mark.parametrize("target", ["bundle", "member"])
def test_offline_build_checksum_mismatch_leaves_nothing(
    mediapipe_wheel: Path, model_dir: Path, manifest: dict[str, Any], target: str,
) -> None:
    build = manifest["models"]["full"]["offline_build"]
    if target == "bundle":
        build["bundle"]["sha256"] = "0" * 64
    else:
        build["members"]["pose_detector.tflite"]["sha256"] = "0" * 64
    with pytest.raises(ChecksumError, match="SHA-256"):
        models.build_full_offline(model_dir, wheel=mediapipe_wheel)
    assert _leftovers(model_dir) == []
