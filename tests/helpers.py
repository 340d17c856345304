"""Shared test builders: small videos the tests write themselves, the filmed synthetic walker,
a standing person's landmarks, walker reports and cameras, the optional real clips, a Streamlit
server, the test browser's flags, fake pose-model bundles and a local HTTP file server. Fixtures
live in ``conftest.py``.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any, ClassVar

import av
import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_VIDEOS = Path(os.environ.get("VIDGAIT_SHARED_VIDEOS", REPO.parent / "shared" / "videos"))


def shared_video(name: str) -> Path:
    """A clip from ../shared/videos, or skip the test cleanly when it is not there."""
    path = SHARED_VIDEOS / name
    if not path.is_file():
        pytest.skip(f"real clip not available: {path} (../shared/videos is optional)")
    return path


#: Debian's Chromium as a test browser: headless-safe flags for this machine's closed network
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def free_port() -> int:
    """A free TCP port on localhost."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_app(app: Path, log_path: Path, env: dict[str, str] | None = None,
                  timeout_s: float = 90.0, *, address: str = "127.0.0.1",
                  tls: tuple[Path, Path] | None = None) -> Iterator[str]:
    """Run ``streamlit run APP`` on a free port of ``address``; yields its URL, stops it afterwards.

    ``tls`` = (certificate, key) serves HTTPS (the health check then skips verification: the
    test certificates are self-signed).
    """
    port = free_port()
    extra = [] if tls is None else ["--server.sslCertFile", str(tls[0]),
                                    "--server.sslKeyFile", str(tls[1])]
    ctx = None if tls is None else ssl._create_unverified_context()  # self-signed certificate
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true",
             "--server.port", str(port), "--server.address", address,
             "--browser.gatherUsageStats", "false", *extra],
            cwd=REPO, env=env or dict(os.environ), stdout=log, stderr=subprocess.STDOUT)
        url = f"{'http' if tls is None else 'https'}://{address}:{port}"
        try:
            end = time.monotonic() + timeout_s
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited with {proc.returncode}: see {log_path}")
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=2,
                                                context=ctx) as r:
                        if r.status == 200:
                            break
                except OSError as exc:
                    if time.monotonic() > end:
                        raise TimeoutError(
                            f"streamlit did not start within {timeout_s} s") from exc
                    time.sleep(0.5)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def film(truth, view: str = "side", *, distance: float = 8.0, camera: dict | None = None,
         **seq_kw):
    """The synthetic walker ``truth`` filmed by a still camera aimed at the walkway's centre.

    ``view`` is "side", "front" or "back" (the :class:`~vidgait.synth.Camera` constructor of that
    name), ``distance`` in metres from the centre; ``camera`` holds further constructor arguments
    (``on``, ``cam_height``); ``seq_kw`` go to :func:`~vidgait.synth.to_pose_sequence`
    (``noise_px``, ``seed``, ``dropout_rate``, ``swap_rate``).
    """
    from vidgait.synth import Camera, to_pose_sequence, walkway_centre

    make = {"side": Camera.side, "front": Camera.front, "back": Camera.back}[view]
    cam = make(walkway_centre(truth), distance=distance, **(camera or {}))
    return to_pose_sequence(truth, cam, **seq_kw)


def walk_in_view(view: str, distance: float, *, walk_m: float = 4.0, noise_px: float = 0.0,
                 seed: int = 0, cam_height: float = 1.0, vertical_fov_deg: float | None = None,
                 angle_deg: float = 45.0, **params):
    """A walk of ``walk_m`` metres whose middle is ``distance`` m from a still phone camera:
    (truth, camera, pose sequence, conditioned landmarks, longest walking pass).

    ``view`` is "back" or "front" (portrait 1080x1920), "oblique" (portrait, the camera
    ``angle_deg`` from the walking direction, ahead of the walker) or "side" (landscape
    1920x1080); the field of view defaults to the assumed phone lens (:mod:`vidgait.lens`), so
    the core's lens assumption is right unless ``vertical_fov_deg`` says otherwise. ``params``
    go to :class:`~vidgait.synth.GaitParams` (speed 1.25 m/s unless given).
    """
    from vidgait.kinematics.signal import condition
    from vidgait.kinematics.view import find_passes
    from vidgait.lens import default_vertical_fov
    from vidgait.synth import Camera, GaitParams, simulate, to_pose_sequence, walkway_centre

    speed = params.pop("speed_m_s", 1.25)
    path = {"back": "away", "front": "toward"}.get(view, "across")
    truth = simulate(GaitParams(duration_s=walk_m / speed + 1.0, speed_m_s=speed, path=path,
                                **params))
    size = (1920, 1080) if view == "side" else (1080, 1920)
    fov = vertical_fov_deg or default_vertical_fov(*size)
    kw = {"distance": distance, "cam_height": cam_height, "vertical_fov_deg": fov,
          "width": size[0], "height": size[1]}
    if view == "oblique":
        kw["angle_deg"] = angle_deg
    make = {"side": Camera.side, "front": Camera.front, "back": Camera.back,
            "oblique": Camera.oblique}[view]
    cam = make(walkway_centre(truth), **kw)
    seq = to_pose_sequence(truth, cam, noise_px=noise_px, seed=seed)
    c = condition(seq)
    passes, _ = find_passes(c)
    return truth, cam, seq, c, max(passes, key=lambda p: p.stop - p.start)


def side_pass(truth, noise: float = 0.0, seed: int = 0, on: str = "left"):
    """The walker filmed from the side (8 m, camera on its ``on`` side, ``noise`` px), conditioned:
    (:class:`~vidgait.kinematics.signal.Conditioned`, its first walking pass).
    """
    from vidgait.kinematics.signal import condition
    from vidgait.kinematics.view import find_passes

    c = condition(film(truth, camera={"on": on}, noise_px=noise, seed=seed))
    passes, _ = find_passes(c)
    return c, passes[0]


def rear_with_marker(params, *, distance: float = 4.0, roll_noise: float = 0.25,
                     mount_roll: float = 0.0, stand_s: float = 0.0, seed: int = 0, **seq_kw):
    """The walker ``params`` (path "away") filmed from behind with the pelvis marker's track the
    tag detector would give: the card rigid on the pelvis (12 cm behind, 6 cm above the hip
    centres), its roll the pelvis's right-side-up obliquity plus ``mount_roll`` and
    ``roll_noise`` deg per frame, its yaw the pelvic rotation with 5 deg noise, its centre
    projected (0.2 px noise), its distance with 2 %
    noise; ``stand_s`` seconds standing still first (:func:`~vidgait.synth.stand_then_walk`).
    Returns ``(walk, seq)``; ``seq_kw`` go to :func:`~vidgait.synth.to_pose_sequence`.
    """
    from dataclasses import replace

    from vidgait.sequence import MarkerTrack
    from vidgait.synth import Camera, simulate, stand_then_walk, to_pose_sequence

    walk = simulate(params)
    if stand_s:
        walk = stand_then_walk(walk, stand_s)
    pel = walk.joints["pelvis"]
    cam = Camera.back(pel[0], distance=distance, width=1920, height=1080,
                      vertical_fov_deg=40.0)
    seq = to_pose_sequence(walk, cam, seed=seed, **seq_kw)
    rng = np.random.default_rng(seed)
    card = pel + np.einsum("tij,j->ti", walk.segments["pelvis"], [-0.12, 0.0, 0.06])
    n = len(walk.t)
    track = MarkerTrack.empty(n, tag_id=0, size_mm=120.0,
                              camera=(cam.fx, cam.fy, cam.cx, cam.cy), camera_assumed=False)
    track.status[:] = 0
    track.roll_deg[:] = (walk.angles["right"]["pelvic_obliquity"] + mount_roll
                         + rng.normal(0.0, roll_noise, n))
    # the yaw as noisy as a small tag's (docs/marker.md)
    track.yaw_deg[:] = walk.angles["right"]["pelvic_rotation"] + rng.normal(0.0, 5.0, n)
    track.centre_px[:] = cam.project(card) + rng.normal(0.0, 0.2, (n, 2))
    pos = cam.to_camera(card)
    track.position_m[:] = pos * (1.0 + rng.normal(0.0, 0.02, (n, 1)))
    track.side_px[:] = cam.fx * 0.12 / pos[:, 2]
    return walk, replace(seq, marker=track)


def as_if_marker(g):
    """The walker's analysis ``g`` with the pelvis block the pelvis marker would give: the pure
    drop functions (:func:`~vidgait.kinematics.pelvis.pelvis_metrics`) on the hip line of its
    front/back pass with the most strides, which on the synthetic walker is the TRUE pelvis (its
    hip points are exact, plus pixel noise), and ``pelvis_method`` "marker". A stand-in for the
    marker's own series, to test what reads a measured pelvic drop (flags, summary, cards).
    """
    import dataclasses

    from vidgait.kinematics.pelvis import pelvis_metrics

    r = max((r for r in g.pass_results if r.pelvis is not None), key=lambda r: len(r.strides))
    true = pelvis_metrics(r.t, r.angles, r.strides)
    return dataclasses.replace(g, pelvis_method="marker",
                               pelvis={s: {**g.pelvis[s], **true[s]} for s in ("left", "right")})


def walker_report(params, view: str = "side", *, height_cm: float | None = 170.0,
                  source: str | None = None, marker: bool = False) -> dict:
    """report.json of the synthetic walker filmed from the side (8 m) or the front (9 m).

    0.5 px landmark noise, fixed seed; ``source`` names the clip in the report's inputs;
    ``marker``: the pelvis as the pelvis marker would give it (:func:`as_if_marker`).
    """
    from vidgait.kinematics import analyze
    from vidgait.report import build_report
    from vidgait.synth import Camera, simulate, to_pose_sequence, walkway_centre

    truth = simulate(params)
    c = walkway_centre(truth)
    cam = Camera.side(c, distance=8.0) if view == "side" else Camera.front(c, distance=9.0)
    seq = to_pose_sequence(truth, cam, noise_px=0.5, seed=3)
    if source is not None:
        seq.meta["source"] = source
    g = analyze(seq, height_cm=height_cm)
    return build_report(as_if_marker(g) if marker else g, [seq], height_cm=height_cm)


_POSES: dict[str, object] = {}


def shared_poses(name: str):
    """Pose sequence of a ../shared clip, computed once per test session (skips when absent)."""
    if name not in _POSES:
        from vidgait.pose import estimate_poses

        _POSES[name] = estimate_poses(shared_video(name))
    return _POSES[name]


def pattern_frame(i: int, width: int, height: int) -> np.ndarray:
    """A frame whose top-left quadrant is white and whose grey level encodes ``i``."""
    rgb = np.full((height, width, 3), (i * 7) % 200 + 30, np.uint8)
    rgb[: height // 4, : width // 3] = 255
    return rgb


def write_video(path: Path, *, n_frames: int = 75, width: int = 64, height: int = 48,
                fps: int = 30, rotation: int | None = None, pts_ms: list[int] | None = None,
                codec: str = "libx264", faststart: bool = False) -> Path:
    """Write a small test video with PyAV.

    ``rotation`` sets the display-matrix rotation (degrees counter-clockwise, as FFmpeg reports it);
    ``pts_ms`` gives each frame's timestamp in milliseconds (variable frame rate).
    """
    options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), mode="w", options=options) as c:
        s = c.add_stream(codec, rate=fps)
        s.width, s.height, s.pix_fmt = width, height, "yuv420p"
        if pts_ms is not None:
            s.codec_context.time_base = Fraction(1, 1000)
            s.time_base = Fraction(1, 1000)
        if rotation is not None:
            s.set_display_rotation(rotation)
        for i in range(n_frames):
            frame = av.VideoFrame.from_ndarray(pattern_frame(i, width, height), format="rgb24")
            if pts_ms is not None:
                frame.pts, frame.time_base = pts_ms[i], Fraction(1, 1000)
            for packet in s.encode(frame):
                c.mux(packet)
        for packet in s.encode():
            c.mux(packet)
    return path


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_bundle(path: Path, payload: bytes = b"weights") -> Path:
    """Write a small zip that has the structure of a pose-landmarker bundle."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("pose_detector.tflite", b"detector-" + payload)
        zf.writestr("pose_landmarks_detector.tflite", b"landmarks-" + payload)
    return path


def leftovers(directory: Path) -> list[str]:
    """Names of the entries in ``directory`` (none if it does not exist)."""
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def set_official(manifest: dict[str, Any], name: str, body: bytes | None) -> None:
    """Record the size and SHA-256 of ``body`` (or none, if None) as model ``name``'s download."""
    official = manifest["models"][name]["official"]
    official["size"] = len(body) if body is not None else None
    official["sha256"] = hashlib.sha256(body).hexdigest() if body is not None else None


class _FileHandler(http.server.BaseHTTPRequestHandler):
    files: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
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


@contextlib.contextmanager
def file_server(files: dict[str, bytes]) -> Iterator[str]:
    """Serve ``{path: body}`` over HTTP on 127.0.0.1 (404 for any other path).

    Yields the base URL.
    """
    handler = type("Handler", (_FileHandler,), {"files": files})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def standing_person(width: int, height: int) -> np.ndarray:
    """(33, 3) image landmarks in pixels of a ``width`` x ``height`` frame: shoulders, hips,
    knees and ankles of a person standing facing the camera (patient's left on the image right);
    every other landmark NaN.
    """
    from vidgait.landmarks import INDEX, N_LANDMARKS

    img = np.full((N_LANDMARKS, 3), np.nan, np.float32)
    for side, x in (("left", 0.55 * width), ("right", 0.45 * width)):
        for part, y in (("shoulder", 0.3), ("hip", 0.55), ("knee", 0.72), ("ankle", 0.9)):
            img[INDEX[f"{side}_{part}"]] = (x, y * height, 0)
    return img


def walker_cameras(walk, width: int = 320, height: int = 180) -> dict:
    """Side, front, back and oblique cameras aimed at ``walk``'s walkway (front and back
    portrait: ``height`` x ``width``).
    """
    from vidgait.synth import Camera, walkway_centre

    c = walkway_centre(walk)
    return {
        "side": Camera.side(c, width=width, height=height),
        "front": Camera.front(c, width=height, height=width),
        "back": Camera.back(c, width=height, height=width),
        "oblique": Camera.oblique(c, width=width, height=height),
    }


def held_still(seq):
    """The first posture of ``seq`` held for its whole duration, with 0.5 px landmark jitter
    (a person standing still: no walking pass).
    """
    still = seq.slice(0, 1)
    rng = np.random.default_rng(0)
    n = len(seq)
    image = np.repeat(still.image, n, axis=0) + rng.normal(0, 0.5, (n, 33, 3)).astype(np.float32)
    return type(seq)(t=seq.t, image=image, world=np.repeat(still.world, n, axis=0),
                     visibility=np.repeat(still.visibility, n, axis=0),
                     presence=np.repeat(still.presence, n, axis=0), found=np.ones(n, bool),
                     frame_size=seq.frame_size, model="synthetic")
