"""The live processor (:mod:`vidgait.live.processor`): bounded state, crops, bystanders."""

from __future__ import annotations

import numpy as np

from tests.live.helpers import (
    WalkerPose,
    front_walker,
    person_at,
    rss_mb,
)
from vidgait.live.config import LiveConfig
from vidgait.live.processor import LiveProcessor
from vidgait.pose.tracking import Candidate


def test_processor_state_is_bounded_over_a_long_stream():
    """80 s of stream: the landmark window, statistics and memory stay bounded."""
    _, seq = front_walker(duration_s=20.0)
    pose = WalkerPose(seq, keep_frames=False)
    rgb = np.full((64, 48, 3), 120, np.uint8)
    config = LiveConfig(window_s=12.0, update_every_s=5.0)
    with LiveProcessor(config, pose=pose, threaded=False) as proc:
        rss = []
        for i in range(2400):
            proc.process(rgb, i * 1000.0 / 30.0 + 1.0)
            if i in (600, 2399):
                rss.append(rss_mb())
        snap = proc.snapshot()
        assert len(proc._window.rows) <= 12.0 * 30 + 1
        assert len(proc.recent_latencies_ms()) == 300
    assert snap.frames_processed == 2400 and snap.frames_dropped == 0
    assert snap.metrics.window_s <= 12.0 + 1e-6
    assert rss[1] - rss[0] < 30.0


class _Nobody:
    """A full-frame detector that never finds anyone (the person is too small for it)."""

    def detect(self, rgb: np.ndarray, timestamp_ms: float) -> list[Candidate]:
        return []


class _CropFinder:
    """Finds a person centred at frame pixel ``where`` in crops of at most 1080 px that hold
    them; the frame's pixels encode their own position (x // 8, y // 8), so a crop tells where
    it was cut.
    """

    def __init__(self, where: tuple[float, float]) -> None:
        self.where = where
        self.looks: list[tuple[int, int]] = []

    def __call__(self, crop: np.ndarray) -> list[Candidate]:
        self.looks.append(crop.shape[:2])
        x0, y0 = 8.0 * float(crop[0, 0, 0]), 8.0 * float(crop[0, 0, 1])
        x, y = self.where[0] - x0, self.where[1] - y0
        h, w = crop.shape[:2]
        if max(h, w) > 1080 or not (0 <= x < w and 160 <= y < h - 160):
            return []
        return [person_at(x, y)]


def _coded_frame(width: int = 1920, height: int = 1080) -> np.ndarray:
    yy, xx = np.mgrid[0:height, 0:width]
    return np.stack([xx // 8, yy // 8, np.zeros_like(xx)], axis=-1).astype(np.uint8)


def test_live_follows_a_person_the_full_frame_detector_misses():
    """With ``crops`` on (off by default), as offline: nobody on the full frame, so the first
    frame is searched in tiles, and the person found there is followed in a crop around them on
    every later frame.
    """
    rgb = _coded_frame()
    finder = _CropFinder((1000.0, 600.0))
    with LiveProcessor(LiveConfig(crops=True), pose=_Nobody(), crop_detect=finder,
                       threaded=False) as proc:
        found = []
        for i in range(20):
            proc.process(rgb, 1000.0 * i / 30)
            found.append(proc.snapshot().person_found)
    assert all(found)
    assert finder.looks[:3] == [(1080, 1080)] * 3  # the tiles of the first frame
    assert len(finder.looks) == 3 + 19  # then one crop per frame, around the person
    with LiveProcessor(LiveConfig(crops=False), pose=_Nobody(), crop_detect=finder,
                       threaded=False) as proc:
        proc.process(rgb, 0.0)
        assert not proc.snapshot().person_found


def test_live_looks_at_no_crop_while_the_full_frame_finds_someone():
    """Not even for a second person seen in one frame and gone in the next (MediaPipe's
    occasional ghost), which would cost one crop per frame for a second.
    """
    class _Somebody:
        def __init__(self) -> None:
            self.n = 0

        def detect(self, rgb: np.ndarray, timestamp_ms: float) -> list[Candidate]:
            self.n += 1
            ghost = [person_at(300.0, 600.0)] if self.n % 2 else []
            return [person_at(1000.0 - timestamp_ms / 100.0, 600.0), *ghost]

    finder = _CropFinder((1000.0, 600.0))
    with LiveProcessor(LiveConfig(crops=True), pose=_Somebody(), crop_detect=finder,
                       threaded=False) as proc:
        for i in range(10):
            proc.process(_coded_frame(), 1000.0 * i / 30)
    assert finder.looks == []


def test_several_people_needs_a_second_person_in_3_of_5_frames():
    """A second detection in one frame (a ghost) does not flash the warning; a bystander who
    stays triggers it by the third frame.
    """
    class _Pose:
        def __init__(self, second: set[int]) -> None:
            self.second, self.n = second, 0

        def detect(self, rgb: np.ndarray, timestamp_ms: float) -> list[Candidate]:
            self.n += 1
            extra = [person_at(300.0, 600.0)] if self.n in self.second else []
            return [person_at(1000.0, 600.0), *extra]

    def warned(second: set[int]) -> list[bool]:
        out = []
        with LiveProcessor(LiveConfig(), pose=_Pose(second), threaded=False) as proc:
            for i in range(10):
                proc.process(np.zeros((1080, 1920, 3), np.uint8), 1000.0 * i / 30)
                out.append(any(a.code == "several_people" for a in proc.snapshot().advice))
        return out

    assert not any(warned({4}))  # one frame with a ghost
    assert warned(set(range(3, 11))) == [False] * 4 + [True] * 6  # from its third frame
