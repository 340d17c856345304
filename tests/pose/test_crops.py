"""The crop fallback: a person too small for MediaPipe's full-frame detector is found in crops."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from tests.helpers import REPO
from vidgait import landmarks as L
from vidgait.errors import NoPersonError
from vidgait.pose.crops import CropFallback, roi, tiles
from vidgait.pose.tracking import Candidate

SAMPLE = REPO / "sample_videos" / "phantom_side_symmetric.mp4"
#: a 1280x720 cut of the sample frame pasted in a wide 2880x960 canvas: the walker (~340 px)
#: fills 12 % of the long side, ~26 px in the detector's 224 px input (missed; it is found from
#: ~50 px), ~78 px in a 960 px tile (found)
CANVAS = (2880, 960)


def stick(x: float, y: float, height: float = 200.0) -> Candidate:
    """A standing stick person, feet at the bottom, torso centred at (x, y), ``height`` px tall."""
    img = np.zeros((L.N_LANDMARKS, 3), np.float32)
    img[:, 0] = x
    img[:, 1] = np.linspace(y - 0.5 * height, y + 0.5 * height, L.N_LANDMARKS)
    for side in ("left", "right"):
        img[L.INDEX[f"{side}_shoulder"], 1] = y - 0.15 * height
        img[L.INDEX[f"{side}_hip"], 1] = y + 0.15 * height
    v = np.full(L.N_LANDMARKS, 0.9, np.float32)
    return Candidate(image=img, world=np.ones((L.N_LANDMARKS, 3), np.float32), visibility=v,
                     presence=v.copy())


class FakeDetector:
    """Finds one stick person at a known frame position when a crop holds it whole.

    Like MediaPipe's detector it misses the person in crops larger than ``max_side`` (too small).
    """

    def __init__(self, where: tuple[float, float] | None, max_side: int = 10_000) -> None:
        self.where = where
        self.max_side = max_side
        self.crops: list[tuple[int, int]] = []  # (height, width) of each crop looked at

    def __call__(self, crop: np.ndarray) -> list[Candidate]:
        self.crops.append(crop.shape[:2])
        if self.where is None or max(crop.shape[:2]) > self.max_side:
            return []
        x0, y0 = crop[0, 0, :2]  # the frame holds each pixel's own (x, y)
        x, y = self.where[0] - float(x0), self.where[1] - float(y0)
        h, w = crop.shape[:2]
        return [stick(x, y)] if 0 <= x < w and 100 <= y < h - 100 else []


def coordinate_frame(width: int, height: int) -> np.ndarray:
    """A frame whose pixel (x, y) holds (x, y, 0), so a crop tells where it was cut."""
    yy, xx = np.mgrid[0:height, 0:width]
    return np.stack([xx, yy, np.zeros_like(xx)], axis=-1)


def test_tiles_cover_the_frame_with_overlap() -> None:
    assert tiles(1920, 1080) == [(0, 0, 1080, 1080), (420, 0, 1500, 1080), (840, 0, 1920, 1080)]
    assert tiles(1080, 1920) == [(0, 0, 1080, 1080), (0, 420, 1080, 1500), (0, 840, 1080, 1920)]
    square = tiles(900, 900)  # no zoom from one full-height tile: a 2x2 grid of 600 px
    assert len(square) == 4 and all(x1 - x0 == 600 for x0, _, x1, _ in square)
    for w, h in ((1920, 1080), (1280, 960), (640, 360), (720, 1280)):
        boxes = tiles(w, h)
        covered = np.zeros((h, w), bool)
        for x0, y0, x1, y1 in boxes:
            assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h and x1 - x0 == y1 - y0
            assert max(w, h) / (x1 - x0) >= 1.5 - 1e-9
            covered[y0:y1, x0:x1] = True
        assert covered.all()


def test_roi_is_centred_on_the_person_and_inside_the_frame() -> None:
    assert roi(stick(900, 500), 1920, 1080) == (650, 250, 1150, 750)  # 2.5 x 200 px
    x0, y0, x1, y1 = roi(stick(1900, 1000), 1920, 1080)  # near a corner: moved inside
    assert (x1, y1) == (1920, 1080) and x1 - x0 == y1 - y0 == 500
    assert roi(stick(300, 300, height=800), 640, 480) == (60, 0, 540, 480)  # limited to the frame


def test_nothing_is_looked_at_while_the_full_frame_finds_everyone() -> None:
    det = FakeDetector(None)
    fb = CropFallback(det, 1920, 1080)
    frame = coordinate_frame(1920, 1080)
    for i in range(10):
        assert fb(frame, i / 30, [stick(900 - 5 * i, 500)]) == {}
    assert det.crops == [] and fb.looks == 0


def test_tiles_find_a_person_nobody_found_and_landmarks_are_moved_to_the_frame() -> None:
    det = FakeDetector((1000.0, 600.0))
    fb = CropFallback(det, 1920, 1080)
    [extra] = fb(coordinate_frame(1920, 1080), 0.0, []).values()
    assert det.crops == [(1080, 1080)] * 3 and fb.frames_found == 1
    assert len(extra) == 1  # found in all three tiles, returned once
    np.testing.assert_allclose(extra[0].torso_centre, (1000, 600), atol=1e-3)
    np.testing.assert_array_equal(extra[0].world, 1.0)  # metric world landmarks are kept


def test_a_lost_person_is_followed_in_a_roi_for_at_most_max_gap() -> None:
    det = FakeDetector((1000.0, 600.0))
    fb = CropFallback(det, 1920, 1080, max_gap_s=0.5)
    frame = coordinate_frame(1920, 1080)
    fb(frame, 0.0, [stick(1010, 600)])  # found by the full frame
    extra = fb(frame, 1 / 30, [])  # lost: looked for around its last position, found there
    assert det.crops == [(500, 500)] and len(extra[1]) == 1
    det.where = None  # really gone: the ROI is tried until 0.5 s after the last sighting
    for i in range(2, 40):
        fb(frame, i / 30, [])
    rois = [c for c in det.crops if c == (500, 500)]
    assert len(rois) == 1 + 15
    assert det.crops[-1] == (1080, 1080)  # then the whole frame again, in tiles


def test_tiles_are_looked_at_in_one_searched_frame_in_five() -> None:
    det = FakeDetector(None)
    fb = CropFallback(det, 1920, 1080)
    frame = coordinate_frame(1920, 1080)
    for i in range(12):
        assert fb(frame, i / 30, []) == {}
    assert fb.looks == 3 * 3  # frames 0, 5 and 10


def test_held_frames_are_back_filled_from_the_next_sighting() -> None:
    det = FakeDetector((1000.0, 600.0), max_side=600)  # missed in tiles, found in a ROI
    fb = CropFallback(det, 1920, 1080)
    frame = coordinate_frame(1920, 1080)
    for i in range(4):
        assert fb(frame, i / 30, []) == {}
    out = fb(frame, 4 / 30, [stick(1005, 600)])  # found on the full frame at last
    assert sorted(out) == [0, 1, 2, 3] and all(len(c) == 1 for c in out.values())
    np.testing.assert_allclose(out[0][0].torso_centre, (1000, 600), atol=1e-3)
    assert fb.frames_found == 4
    assert fb(frame, 5 / 30, [stick(1005, 600)]) == {}  # nothing held any more


def test_a_person_lost_next_to_a_bystander_is_looked_for() -> None:
    det = FakeDetector((1000.0, 600.0))
    fb = CropFallback(det, 1920, 1080)
    frame = coordinate_frame(1920, 1080)
    bystander = stick(300, 600)
    fb(frame, 0.0, [bystander, stick(1000, 600)])
    extra = fb(frame, 1 / 30, [bystander])
    assert det.crops == [(500, 500)] and len(extra[1]) == 1


# --- MediaPipe on a frame where the walker is small ----------------------------------------------


def sample_frames(indices: tuple[int, ...] | range) -> list[np.ndarray]:
    """1280x720 cuts of the shipped 1080p side sample's frames around the walker (whose size is
    kept), in order.
    """
    from vidgait.phantom import load_truth
    from vidgait.video import iter_frames

    hip_x = load_truth(SAMPLE).landmarks_2d[:, L.INDEX["left_hip"], 0]
    out = []
    for f in iter_frames(SAMPLE):
        if f.index in indices:
            h, w = f.rgb.shape[:2]
            x0 = int(np.clip(hip_x[f.index] - 640, 0, w - 1280))
            y0 = (h - 720) // 2
            out.append(np.ascontiguousarray(f.rgb[y0:y0 + 720, x0:x0 + 1280]))
    return out


def small_walker(rgb: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """The frame pasted in the bottom right of a wide canvas of its mean colour, and where."""
    h, w = rgb.shape[:2]
    canvas = np.empty((CANVAS[1], CANVAS[0], 3), np.uint8)
    canvas[:] = rgb.reshape(-1, 3).mean(axis=0).astype(np.uint8)
    x0, y0 = CANVAS[0] - w - 40, CANVAS[1] - h - 20
    canvas[y0:y0 + h, x0:x0 + w] = rgb
    return canvas, (x0, y0)


@pytest.mark.slow
def test_crops_find_a_small_walker_missed_on_the_full_frame() -> None:
    from vidgait.models import resolve_model
    from vidgait.phantom import load_truth
    from vidgait.pose.mediapipe_backend import MediaPipePose

    body_px = load_truth(SAMPLE).height_px
    with MediaPipePose(resolve_model("full"), video_mode=False) as pose:
        for index, rgb in zip((40, 80, 120), sample_frames((40, 80, 120)), strict=True):
            canvas, offset = small_walker(rgb)
            [ref] = pose.detect(rgb, 0.0)
            assert pose.detect(canvas, 0.0) == []  # too small for the full-frame detector
            found = CropFallback(lambda crop: pose.detect(crop, 0.0), *CANVAS)(canvas, 0.0, [])
            [[cand]] = found.values()
            err = np.linalg.norm(cand.image[:, :2] - offset - ref.image[:, :2], axis=1)
            assert np.median(err) / body_px[index] < 0.03, (index, np.median(err))
            assert np.median(np.abs(cand.world - ref.world)) < 0.05  # metres


def write_rgb_video(path: Path, frames: list[np.ndarray], fps: int = 30) -> Path:
    """H.264 video of RGB frames."""
    with av.open(str(path), mode="w") as c:
        s = c.add_stream("libx264", rate=fps)
        s.height, s.width = frames[0].shape[:2]
        s.pix_fmt = "yuv420p"
        for rgb in frames:
            for packet in s.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                c.mux(packet)
        for packet in s.encode():
            c.mux(packet)
    return path


def detected_fraction(video: Path, crops: bool) -> float:
    """Fraction of frames where the pose stage finds the walker (0 when it finds nobody)."""
    from vidgait.pose import PoseOptions, estimate_poses
    from vidgait.video import VideoLimits

    try:
        seq = estimate_poses(video, options=PoseOptions(crops=crops),
                             limits=VideoLimits(min_duration_s=0.0))
    except NoPersonError:
        return 0.0
    if crops:  # the first frame is found in tiles, the next ones in ROIs around the walker
        assert seq.meta["frames_found_in_crops"] >= 1, seq.meta
        assert seq.meta["crop_looks"] <= len(tiles(*CANVAS)) + len(seq) - 1, seq.meta
    return seq.detected_fraction


@pytest.mark.slow
def test_pose_stage_follows_a_small_walker_with_crops(tmp_path: Path) -> None:
    frames = [small_walker(rgb)[0] for rgb in sample_frames(range(80, 92))]
    video = write_rgb_video(tmp_path / "small_walker.mp4", frames)
    assert detected_fraction(video, crops=False) <= 0.25  # MediaPipe alone misses the walker
    assert detected_fraction(video, crops=True) == 1.0
