"""Recording the raw live frames (:mod:`vidgait.live.recorder`)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import pattern_frame
from tests.live.helpers import (
    WalkerPose,
    lenient,
)
from vidgait.live.config import LiveConfig
from vidgait.live.processor import LiveProcessor
from vidgait.live.recorder import Recorder
from vidgait.video import iter_frames, probe


def test_recording_keeps_raw_frames_and_timestamps(tmp_path, front_seq):
    pose = WalkerPose(front_seq)
    out = tmp_path / "rec" / "live.mp4"
    times = [1000.0 + 33.3 * i + (5.0 if i % 3 == 0 else 0.0) for i in range(40)]
    with LiveProcessor(LiveConfig(mirror_display=True), pose=pose, threaded=False) as proc:
        proc.start_recording(out)
        for i, t in enumerate(times):
            rgb = np.full((64, 48, 3), 20 + 5 * i, np.uint8)
            rgb[:, :8] = 255  # a white band on the LEFT of the raw picture
            proc.process(rgb, t)
        info = proc.stop_recording()
    assert info.frames == 40 and info.dropped == 0
    assert info.duration_s == pytest.approx((times[-1] - times[0]) / 1000.0)
    got = list(iter_frames(probe(out, limits=lenient())))
    assert len(got) == 40
    rel = np.array([f.timestamp_ms for f in got]) - got[0].timestamp_ms
    assert np.allclose(rel, np.array(times) - times[0], atol=1.0)
    assert got[0].rgb[:, :6].mean() > 200 and got[0].rgb[:, -6:].mean() < 100  # not mirrored
    with pytest.raises(RuntimeError):
        LiveProcessor(pose=pose, threaded=False).stop_recording()


def test_recorder_writes_what_it_was_fed(tmp_path):
    """Frames and their own (uneven) timestamps go to the file; a timestamp that does not
    advance is not recorded; duration is first to last frame.
    """
    rec = Recorder(tmp_path / "a" / "r.mp4", fps=30.0)
    times = [500.0 + 40.0 * i + (10.0 if i % 4 == 0 else 0.0) for i in range(30)]
    for i, t in enumerate(times):
        rec.write(pattern_frame(i, 64, 48), t)
        if i == 5:
            rec.write(pattern_frame(99, 64, 48), t)  # same time again: ignored
    assert rec.info().active and rec.info().frames == 30
    info = rec.stop()
    assert not info.active and (info.frames, info.dropped) == (30, 0)
    assert info.duration_s == pytest.approx((times[-1] - times[0]) / 1000.0)
    got = list(iter_frames(probe(info.path, limits=lenient())))
    assert len(got) == 30
    rel = np.array([f.timestamp_ms for f in got]) - got[0].timestamp_ms
    assert np.allclose(rel, np.array(times) - times[0], atol=1.0)
    for i in (0, 6, 29):  # grey level encodes the frame number (lossy: within a few levels)
        want = pattern_frame(i, 64, 48)[30:, 40:].mean()
        assert abs(float(got[i].rgb[30:, 40:].mean()) - want) < 4
    rec.write(pattern_frame(0, 64, 48), 99999.0)  # after stop: ignored
    assert rec.info().frames == 30


def test_recorder_refuses_an_empty_recording(tmp_path):
    rec = Recorder(tmp_path / "empty.mp4")
    with pytest.raises(RuntimeError, match="Nothing was recorded"):
        rec.stop()
