"""Video reading: facts, frames, timestamps, rotation, and every bad input refused specifically."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from tests.helpers import write_video
from vidgait.errors import (
    ClipTooShortError,
    CorruptVideoError,
    EmptyVideoError,
    InputError,
    NotAVideoError,
    VideoLimitError,
    VideoNotFoundError,
)
from vidgait.video import VideoLimits, iter_frames, probe


def test_probe_reports_facts(tiny_video: Path) -> None:
    info = probe(tiny_video)
    assert (info.width, info.height) == (64, 48)
    assert info.fps == pytest.approx(30.0)
    assert info.frame_count == 75
    assert info.duration_s == pytest.approx(2.5, abs=0.05)
    assert info.rotation == 0
    assert info.codec == "h264"
    assert info.size_bytes == tiny_video.stat().st_size


def test_frames_carry_container_timestamps(tiny_video: Path) -> None:
    frames = list(iter_frames(tiny_video))
    assert len(frames) == 75
    t = np.array([f.timestamp_ms for f in frames])
    assert np.allclose(np.diff(t), 1000 / 30, atol=0.5)
    assert frames[10].rgb.shape == (48, 64, 3) and frames[10].rgb.dtype == np.uint8
    assert frames[10].rgb.flags.c_contiguous


def test_fractional_fps_is_not_truncated(tmp_path: Path) -> None:
    from fractions import Fraction

    path = tmp_path / "ntsc.mp4"
    import av

    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=Fraction(30000, 1001))
        s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
        for _ in range(75):
            for p in s.encode(av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8))):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    assert probe(path).fps == pytest.approx(29.97, abs=0.01)


def test_variable_frame_rate_keeps_real_timestamps(tmp_path: Path) -> None:
    pts = [0, 33, 50, 100, 110, 180, 200, 260]
    pts += [pts[-1] + 40 * (k + 1) for k in range(60)]
    path = write_video(tmp_path / "vfr.mp4", n_frames=len(pts), pts_ms=pts)
    got = [round(f.timestamp_ms) for f in iter_frames(path)]
    assert got == pts


@pytest.mark.parametrize("rotation", [90, -90, 180])
def test_rotated_phone_video_comes_out_upright(tmp_path: Path, rotation: int) -> None:
    path = write_video(tmp_path / "portrait.mp4", rotation=rotation)
    info = probe(path)
    assert info.rotation == rotation % 360
    expected_shape = (64, 48, 3) if rotation % 180 else (48, 64, 3)
    assert (info.height, info.width, 3) == expected_shape
    ours = next(iter(iter_frames(path))).rgb
    assert ours.shape == expected_shape
    # independent reference: OpenCV's FFmpeg backend with auto-rotation switched ON explicitly
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    ok, bgr = cap.read()
    cap.release()
    assert ok
    ref = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    assert ref.shape == ours.shape
    white_ours = ours.mean(axis=2) > 240
    white_ref = ref.mean(axis=2) > 240
    assert (white_ours == white_ref).mean() > 0.97


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(VideoNotFoundError, match="No such file"):
        probe(tmp_path / "nope.mp4")


def test_directory_is_not_a_video(tmp_path: Path) -> None:
    with pytest.raises(VideoNotFoundError, match="Not a file"):
        probe(tmp_path)


def test_zero_bytes(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    with pytest.raises(EmptyVideoError, match="empty"):
        probe(path)


def test_text_renamed_mp4(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("Patient walked 10 m in 8 s.\n" * 50)
    with pytest.raises(NotAVideoError, match="not a video"):
        probe(path)


@pytest.mark.parametrize("suffix", [".png", ".mp4"])
def test_image_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"photo{suffix}"
    _, buf = cv2.imencode(".png", np.zeros((40, 60, 3), np.uint8))
    path.write_bytes(buf.tobytes())
    with pytest.raises(NotAVideoError, match="still image"):
        probe(path)


def test_jpeg_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.mp4"
    _, buf = cv2.imencode(".jpg", np.zeros((40, 60, 3), np.uint8))
    path.write_bytes(buf.tobytes())
    with pytest.raises(NotAVideoError, match="still image"):
        probe(path)


def test_truncated_mp4_without_index(tiny_video: Path, tmp_path: Path) -> None:
    data = tiny_video.read_bytes()  # moov (the index) is at the end: cutting the end loses it
    path = tmp_path / "cut.mp4"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptVideoError, match="damaged or incomplete"):
        probe(path)


def test_truncated_faststart_mp4(tmp_path: Path) -> None:
    full = write_video(tmp_path / "fs.mp4", n_frames=150, width=128, height=96, faststart=True)
    data = full.read_bytes()
    path = tmp_path / "fs_cut.mp4"
    path.write_bytes(data[: len(data) * 4 // 5])
    with pytest.raises(CorruptVideoError, match="truncated"):
        probe(path)


def test_one_frame_video(tmp_path: Path) -> None:
    path = write_video(tmp_path / "one.mp4", n_frames=1)
    with pytest.raises(ClipTooShortError, match="two strides"):
        probe(path)


def test_short_clip(tmp_path: Path) -> None:
    path = write_video(tmp_path / "short.mp4", n_frames=30)
    with pytest.raises(ClipTooShortError, match=r"1\.00 s"):
        probe(path)


def test_resolution_limit(tiny_video: Path) -> None:
    with pytest.raises(VideoLimitError, match="64x48"):
        probe(tiny_video, VideoLimits(max_pixels=1000))


def test_duration_limit(tiny_video: Path) -> None:
    with pytest.raises(VideoLimitError, match="Trim"):
        probe(tiny_video, VideoLimits(max_duration_s=1.0))


def test_file_size_limit(tiny_video: Path) -> None:
    with pytest.raises(VideoLimitError, match="GiB"):
        probe(tiny_video, VideoLimits(max_file_bytes=100))


def test_all_refusals_are_input_errors() -> None:
    for cls in (ClipTooShortError, CorruptVideoError, EmptyVideoError, NotAVideoError,
                VideoLimitError, VideoNotFoundError):
        assert issubclass(cls, InputError) and cls.exit_code == 2


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vidgait.cli", *args], capture_output=True,
                          text=True, timeout=120)


def test_cli_info_json(tiny_video: Path) -> None:
    r = _cli("info", str(tiny_video), "--json")
    assert r.returncode == 0, r.stderr
    facts = json.loads(r.stdout)
    assert facts["width"] == 64 and facts["fps"] == pytest.approx(30.0)


def test_cli_bad_input_exit_2_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("not a video")
    r = _cli("info", str(path))
    assert r.returncode == 2
    assert "not a video" in r.stderr and "Traceback" not in r.stderr


def test_cli_usage_error_exit_2() -> None:
    r = _cli("pose")
    assert r.returncode == 2 and "usage" in r.stderr


def test_the_lens_is_read_from_an_iphone_style_focal_length(tmp_path):
    """A 26 mm-equivalent lens recorded in the metadata (as iPhones write it) gives the vertical
    field of view; a file without it gives None (the lens is then assumed).
    """
    import math

    from vidgait.lens import vertical_fov_from_35mm
    from vidgait.video import probe

    path = tmp_path / "phone.mov"
    out = av.open(str(path), "w", options={"movflags": "use_metadata_tags"})
    out.metadata["com.apple.quicktime.camera.focal_length.35mm_equivalent"] = "26"
    s = out.add_stream("libx264", rate=30)
    s.width, s.height, s.pix_fmt = 320, 180, "yuv420p"
    for _ in range(75):
        for pkt in s.encode(av.VideoFrame.from_ndarray(np.zeros((180, 320, 3), np.uint8),
                                                       format="rgb24")):
            out.mux(pkt)
    for pkt in s.encode():
        out.mux(pkt)
    out.close()
    info = probe(path)
    f_px = 26.0 * math.hypot(320, 180) / math.hypot(36.0, 24.0)
    assert info.vertical_fov_deg == pytest.approx(math.degrees(2 * math.atan(90 / f_px)))
    assert vertical_fov_from_35mm(1920, 1080, 26.0) == pytest.approx(44.4, abs=0.1)
    assert probe(write_video(tmp_path / "plain.mp4")).vertical_fov_deg is None
