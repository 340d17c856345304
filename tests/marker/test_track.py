"""vidgait.marker.track: the tag followed on the walker through a clip of synthetic frames, the
statuses of the frames it gives no value for (a jump, two copies, a tag on someone else, nobody
to search around) and the track's round trip through the pose file.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.marker.synthetic import render, rotation, true_corners
from vidgait.landmarks import INDEX
from vidgait.marker import Intrinsics
from vidgait.marker.track import MIN_SEEN_SHARE, TagTracker, hip_box
from vidgait.sequence import TAG_STATUS, MarkerTrack, PoseSequence

W, H = 640, 480
CAM = Intrinsics.from_fov(W, H)
FPS = 30.0


def _person(centre_px: np.ndarray) -> np.ndarray:
    """(33, 3) image landmarks with only the hips and shoulders, around a tag centre, px."""
    p = np.full((33, 3), np.nan)
    u, v = centre_px
    p[INDEX["left_hip"]] = (u + 30, v + 25, 0)
    p[INDEX["right_hip"]] = (u - 30, v + 25, 0)
    p[INDEX["left_shoulder"]] = (u + 40, v - 120, 0)
    p[INDEX["right_shoulder"]] = (u - 40, v - 120, 0)
    return p


def _tag(roll, t=(0.0, 0.0, 2.0), background=None, seed=0):
    rot = rotation(roll, 0.0)
    t = np.array(t)
    img = render(W, H, camera=CAM, rot=rot, t_m=t, background=background, seed=seed)
    return img, true_corners(CAM, rot, t).mean(axis=0)


def _clip(rolls, jump_at=None):
    tracker = TagTracker((W, H), camera=CAM)
    walker = []
    for i, r in enumerate(rolls):
        img, c = _tag(r + (12.0 if i == jump_at else 0.0), seed=i)
        tracker.observe(img, [_person(c)])
        walker.append(_person(c))
    return tracker, np.array(walker)


def test_roll_followed_frame_by_frame():
    t = np.arange(12) / FPS
    rolls = 5.0 * np.sin(2 * np.pi * 1.0 * t)
    tracker, walker = _clip(rolls)
    track = tracker.track(walker, t)
    assert track is not None and track.measured.all()
    assert np.max(np.abs(track.roll_deg - rolls)) < 0.3
    assert np.all(np.abs(track.position_m[:, 2] - 2.0) < 0.05)
    assert track.camera == (CAM.fx, CAM.fy, CAM.cx, CAM.cy) and track.camera_assumed


def test_a_frame_that_jumps_is_rejected_not_kept():
    t = np.arange(10) / FPS
    rolls = 2.0 * np.sin(2 * np.pi * t)
    tracker, walker = _clip(rolls, jump_at=5)
    track = tracker.track(walker, t)
    assert TAG_STATUS[track.status[5]] == "jump" and math.isnan(track.roll_deg[5])
    assert track.measured.sum() == 9


def test_two_copies_on_the_walker_and_a_tag_on_someone_else():
    img, c = _tag(0.0, t=(-0.25, 0.0, 2.0))
    img2, c2 = _tag(0.0, t=(0.25, 0.0, 2.0), background=img)
    both = _person(0.5 * (c + c2))
    both[INDEX["left_hip"], 0] = c2[0] + 30
    both[INDEX["right_hip"], 0] = c[0] - 30
    tracker = TagTracker((W, H), camera=CAM)
    tracker.observe(img2, [both])  # one person wearing two copies
    bystander = _person(c)
    walker = bystander.copy()
    walker[:, 0] -= 400  # the walker far to the left, out of the frame's tags
    tracker.observe(img, [walker, bystander])  # the tag is on the bystander
    for _ in range(3):
        good, gc = _tag(0.0, t=(0.25, 0.0, 2.0))
        tracker.observe(good, [_person(gc)])
    track = tracker.track(np.array([both, walker] + [_person(gc)] * 3), np.arange(5) / FPS)
    assert [TAG_STATUS[s] for s in track.status[:2]] == ["several", "off_walker"]
    assert track.measured[2:].all()


def test_nobody_to_search_around_and_a_tag_never_worn():
    tracker = TagTracker((W, H), camera=CAM)
    blank = np.full((H, W), 120, np.uint8)
    tracker.observe(blank, [])
    tracker.observe(blank, [_person(np.array([320.0, 240.0]))])
    assert tracker._status == [TAG_STATUS.index("not_searched"), TAG_STATUS.index("not_found")]
    walker = np.array([_person(np.array([320.0, 240.0]))] * 2)
    assert tracker.track(walker, np.arange(2) / FPS) is None  # seen in 0 < MIN_SEEN_SHARE
    assert MIN_SEEN_SHARE > 0


def test_hip_box_needs_hips_and_shoulders():
    p = _person(np.array([100.0, 200.0]))
    x0, y0, x1, y1 = hip_box(p)
    assert x0 < 70 < 130 < x1 and y0 < 200 < y1
    p[INDEX["left_shoulder"]] = np.nan
    assert hip_box(p) is None


def test_track_survives_save_load_and_slice(tmp_path):
    n = 6
    track = MarkerTrack.empty(n, tag_id=0, size_mm=120.0, camera=(1.0, 2.0, 3.0, 4.0),
                              camera_assumed=False)
    track.status[:3] = 0
    track.roll_deg[:3] = [1.0, 2.0, 3.0]
    seq = PoseSequence.empty(n, (W, H), "test", np.arange(n) / FPS, marker=track)
    back = PoseSequence.load(seq.save(tmp_path / "p.npz"))
    assert back.marker is not None and back.marker.camera == (1.0, 2.0, 3.0, 4.0)
    np.testing.assert_array_equal(back.marker.status, track.status)
    np.testing.assert_array_equal(back.marker.roll_deg[:3], [1.0, 2.0, 3.0])
    part = back.slice(1, 4)
    assert len(part.marker) == 3 and part.marker.roll_deg[0] == 2.0
    with pytest.raises(ValueError, match="marker track has 6 frames"):
        PoseSequence.empty(5, (W, H), "test", np.arange(5) / FPS, marker=track)
    plain = PoseSequence.load(PoseSequence.empty(2, (W, H), "m", np.arange(2.0)).save(
        tmp_path / "q.npz"))
    assert plain.marker is None
