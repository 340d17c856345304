"""The H.264 writer: frames and their timestamps in, a browser-playable mp4 out, read back."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from vidgait.video import H264Writer, VideoLimits, iter_frames, probe

#: limits that accept the short clips written here (the default wants 2 s of walking)
SHORT_OK = VideoLimits(min_duration_s=0.0)


def _frame(i: int, width: int, height: int) -> np.ndarray:
    """A flat grey frame whose level encodes ``i`` (survives compression within a few levels)."""
    return np.full((height, width, 3), 40 + 10 * i, np.uint8)


def test_writes_n_frames_with_their_timestamps(tmp_path: Path) -> None:
    times = [0.0, 33.0, 70.0, 100.0, 140.0, 160.0, 200.0, 233.0, 266.0, 300.0, 400.0, 433.0]
    out = tmp_path / "sub" / "vfr.mp4"  # missing parent folders are created
    with H264Writer(out, 96, 64, 30.0) as w:
        for i, t in enumerate(times):
            w.write(_frame(i, 96, 64), t)
    with av.open(str(out)) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264" and s.codec_context.pix_fmt == "yuv420p"
    frames = list(iter_frames(probe(out, SHORT_OK)))
    assert len(frames) == len(times)
    assert all(f.rgb.shape == (64, 96, 3) for f in frames)
    assert [f.timestamp_ms for f in frames] == pytest.approx(times, abs=0.5)
    levels = [float(f.rgb.mean()) for f in frames]
    assert levels == pytest.approx([40 + 10 * i for i in range(len(times))], abs=3)


def test_constant_rate_time_base_gives_exact_frame_times(tmp_path: Path) -> None:
    rate = Fraction(30000, 1001)
    with H264Writer(tmp_path / "ntsc.mp4", 64, 48, float(rate), time_base=1 / rate) as w:
        for i in range(10):
            w.write(_frame(i, 64, 48), 1000.0 * i / float(rate))
    frames = list(iter_frames(probe(tmp_path / "ntsc.mp4", SHORT_OK)))
    assert len(frames) == 10
    np.testing.assert_allclose([f.timestamp_ms for f in frames],
                               1000.0 * np.arange(10) / float(rate), atol=1e-6)


def test_timestamps_that_do_not_advance_are_moved_one_tick_later(tmp_path: Path) -> None:
    with H264Writer(tmp_path / "same.mp4", 64, 48, 30.0) as w:
        for i, t in enumerate([0.0, 0.0, 10.0, 5.0]):
            w.write(_frame(i, 64, 48), t)
    got = [f.timestamp_ms for f in iter_frames(probe(tmp_path / "same.mp4", SHORT_OK))]
    assert got == pytest.approx([0.0, 1.0, 10.0, 11.0])  # every frame kept, strictly increasing


def test_writer_pads_odd_sizes(tmp_path: Path) -> None:
    with H264Writer(tmp_path / "odd.mp4", 63, 47, 30.0) as w:
        for i in range(10):
            w.write(np.full((47, 63, 3), i * 20, np.uint8), i * 33.3)
    with av.open(str(tmp_path / "odd.mp4")) as c:
        s = c.streams.video[0]
        assert (s.width, s.height) == (64, 48)
        assert sum(1 for _ in c.decode(s)) == 10


def test_close_is_idempotent(tmp_path: Path) -> None:
    w = H264Writer(tmp_path / "twice.mp4", 64, 48, 30.0)
    for i in range(3):
        w.write(_frame(i, 64, 48), 33.3 * i)
    w.close()
    w.close()
    assert probe(tmp_path / "twice.mp4", SHORT_OK).codec == "h264"

