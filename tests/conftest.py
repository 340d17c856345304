"""Shared fixtures: small videos the tests write themselves, and the optional real clips."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

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


@pytest.fixture
def tiny_video(tmp_path: Path) -> Path:
    """A valid 2.5 s, 30 fps, 64x48 H.264 clip."""
    return write_video(tmp_path / "tiny.mp4")
