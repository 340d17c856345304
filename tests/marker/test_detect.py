"""vidgait.marker.detect: the tag's id, corners, roll and distance recovered from synthetic
frames with a known pose, and the refusals (turned away, too small, no tag, another id, not a
flat square).

Frames come from :mod:`tests.marker.synthetic`: the tag with its white quiet zone projected
through a pinhole camera, anti-aliased, blurred (sigma 0.8 px), with Gaussian noise (4 grey
levels) and JPEG compression (quality 85). The camera is the default phone assumption
(:meth:`Intrinsics.from_fov`), so a 120 mm tag is ~58 px wide at 3 m, ~35 px at 5 m, ~21 px at
8 m in both 1920x1080 and 1080x1920.

Measured (20 random poses per distance and orientation, roll -10..+10 deg, yaw -30..+30 deg,
the tag up to 0.3 m off the optical axis; SUBPIX refinement, window 5 px capped at half a cell)::

    distance  found   roll error mean / sd / max|.|          distance error max
    3 m       40/40   -0.01..+0.04 / 0.06-0.07 / 0.14 deg    1.0 %
    5 m       40/40   -0.07..-0.00 / 0.23-0.24 / 0.68 deg    1.7 %
    8 m       38/40   -0.39..+0.28 / 0.69-0.81 / 1.87 deg    4.8 %

(APRILTAG refinement, same frames: max roll error 0.40 deg at 3 m, 1.30 deg at 5 m, 2.4 deg at
8 m with only 28/40 found, ~5x slower.) Yaw is only reliable at 3 m (within ~8 deg): farther,
the two mirror solutions of a small square's pose swap. The tolerances below are those maxima
with a margin of about 1.5x; the sample here is smaller (6 poses per case) to keep the file fast.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.marker.synthetic import render, rotation, true_corners
from vidgait.marker import Intrinsics, TagObservation, TagRefusal, detect_tag
from vidgait.marker.detect import LANDSCAPE_VFOV_DEG, MIN_PX_PER_CELL

SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}
#: distance (m) -> (max |roll error| deg, max |distance error| share, least share found)
TOLERANCE = {3.0: (0.25, 0.02, 1.0), 5.0: (1.0, 0.03, 1.0), 8.0: (2.8, 0.07, 0.8)}


def _truth_roll_yaw(rot: np.ndarray) -> tuple[float, float]:
    """The stated definitions, written out: the top edge's direction in the camera frame."""
    x = rot[:, 0]
    return math.degrees(math.atan2(-x[1], x[0])), math.degrees(math.atan2(x[2], x[0]))


def _frame(orientation="landscape", roll=0.0, yaw=0.0, t=(0.1, 0.05, 3.0), **kw):
    w, h = SIZES[orientation]
    cam = Intrinsics.from_fov(w, h)
    rot = rotation(roll, yaw)
    return render(w, h, camera=cam, rot=rot, t_m=np.array(t), **kw), cam, rot, np.array(t)


@pytest.mark.parametrize("distance", sorted(TOLERANCE))
@pytest.mark.parametrize("orientation", sorted(SIZES))
def test_roll_and_distance_recovered_within_the_measured_tolerance(distance, orientation):
    max_roll, max_dist, least_found = TOLERANCE[distance]
    rng = np.random.default_rng(int(distance * 10) + len(orientation))
    roll_err, dist_err, found = [], [], 0
    n = 6
    for k in range(n):
        roll, yaw = rng.uniform(-10, 10), rng.uniform(-30, 30)
        t = (rng.uniform(-0.3, 0.3), rng.uniform(-0.1, 0.1), distance)
        img, cam, rot, tv = _frame(orientation, roll, yaw, t, seed=k)
        obs = detect_tag(img, camera=cam)
        if isinstance(obs, TagRefusal):
            assert distance == 8.0, obs.message
            continue
        found += 1
        assert obs.tag_id == 0
        assert np.abs(obs.corners_px - true_corners(cam, rot, tv)).max() < 2.0
        roll_err.append(obs.roll_deg - _truth_roll_yaw(rot)[0])
        dist_err.append(obs.distance_m / np.linalg.norm(tv) - 1.0)
    assert found >= least_found * n
    assert np.abs(roll_err).max() <= max_roll, roll_err
    assert np.abs(dist_err).max() <= max_dist, dist_err


def test_signs_right_end_up_is_positive_roll_and_farther_is_positive_yaw():
    img, cam, rot, _ = _frame(roll=8.0, yaw=25.0)
    obs = detect_tag(img, camera=cam)
    assert isinstance(obs, TagObservation)
    tl, tr, br, bl = obs.corners_px
    assert tr[1] < tl[1] and tr[0] > tl[0]  # corner order: the top edge's right end is higher
    assert np.linalg.norm(br - tr) < np.linalg.norm(bl - tl)  # its right side is farther
    assert obs.roll_deg == pytest.approx(8.0, abs=0.3)
    assert obs.yaw_deg == pytest.approx(_truth_roll_yaw(rot)[1], abs=5.0)
    assert obs.yaw_deg > 0
    mirrored = detect_tag(_frame(roll=-8.0, yaw=-25.0)[0], camera=cam)
    assert mirrored.roll_deg < 0 and mirrored.yaw_deg < 0
    assert obs.side_px == pytest.approx(0.12 * cam.fy / 3.0, rel=0.1)
    assert obs.reprojection_px < 0.5


def test_search_box_crops_and_returns_full_frame_corners():
    img, cam, _, _ = _frame(t=(0.2, 0.05, 4.0))
    full = detect_tag(img, camera=cam)
    x, y = full.corners_px.mean(axis=0)
    boxed = detect_tag(img, camera=cam, search_box=(x - 150, y - 100, x + 150, y + 100))
    assert isinstance(boxed, TagObservation)
    assert np.abs(boxed.corners_px - full.corners_px).max() < 0.1
    assert boxed.roll_deg == pytest.approx(full.roll_deg, abs=0.1)
    away = detect_tag(img, camera=cam, search_box=(0, 0, 300, 300))
    assert isinstance(away, TagRefusal) and away.reason == "not_found"


def test_turned_away_is_refused():
    img, cam, _, _ = _frame(yaw=80.0)
    assert isinstance(detect_tag(img, camera=cam), TagRefusal)
    img, cam, _, _ = _frame(yaw=65.0)
    out = detect_tag(img, camera=cam)
    assert isinstance(out, TagRefusal) and out.reason == "too_oblique", out
    assert "obliquely" in out.message and out.corners_px is not None


def test_too_small_is_refused_with_the_reason():
    """A 50 mm tag at 4 m is ~17 px wide: found, but under MIN_PX_PER_CELL px per cell."""
    img, cam, _, _ = _frame(t=(0.1, 0.05, 4.0), size_mm=50.0)
    out = detect_tag(img, camera=cam, size_mm=50.0)
    assert isinstance(out, TagRefusal) and out.reason == "too_small", out
    assert f"at least {MIN_PX_PER_CELL:g} px per cell" in out.message
    # farther still, the detector itself no longer finds it
    far = detect_tag(_frame(t=(0.1, 0.05, 6.0), size_mm=50.0)[0], camera=cam, size_mm=50.0)
    assert isinstance(far, TagRefusal) and far.reason == "not_found"


def test_no_tag_and_another_id():
    cam = Intrinsics.from_fov(1920, 1080)
    rng = np.random.default_rng(0)
    empty = np.clip(rng.normal(118.0, 10.0, (1080, 1920)), 0, 255).astype(np.uint8)
    out = detect_tag(np.dstack([empty] * 3), camera=cam)  # RGB accepted too
    assert isinstance(out, TagRefusal) and out.reason == "not_found"
    assert out.message == "tag 0 not found"
    front, _, _, _ = _frame(tag_id=1)
    out = detect_tag(front, camera=cam)
    assert isinstance(out, TagRefusal) and out.reason == "not_found"
    assert "saw id 1" in out.message
    both = render(1920, 1080, camera=cam, rot=rotation(0, 0), t_m=np.array([-0.4, 0.0, 3.0]),
                  tag_id=0, background=front)
    got = detect_tag(both, camera=cam, tag_id=1)
    assert isinstance(got, TagObservation) and got.tag_id == 1
    assert got.corners_px[:, 0].mean() > cam.cx  # the id-1 tag, right of centre, not id 0


def test_corners_no_flat_square_gives_are_refused_by_their_reprojection_error():
    """A trapezoid with no foreshortening (a bent card, a misread corner). A print stretched
    evenly is NOT caught this way: it fits a tilted square (at another distance).
    """
    img, cam, _, _ = _frame(keystone=3.0)
    out = detect_tag(img, camera=cam)
    assert isinstance(out, TagRefusal) and out.reason == "reprojection", out
    ok = detect_tag(_frame()[0], camera=cam)
    assert isinstance(ok, TagObservation)


def test_intrinsics_from_fov():
    cam = Intrinsics.from_fov(1920, 1080)
    assert cam.fy == pytest.approx(540 / math.tan(math.radians(LANDSCAPE_VFOV_DEG / 2)))
    assert (cam.cx, cam.cy) == (959.5, 539.5) and cam.assumed
    portrait = Intrinsics.from_fov(1080, 1920)
    assert portrait.fy == pytest.approx(cam.fy)  # the same lens turned
    assert Intrinsics.from_fov(1080, 1920, 50.0).fy == pytest.approx(
        960 / math.tan(math.radians(25.0)))


def test_yaw_of_a_small_tag_at_5_m_is_too_uncertain_for_pelvic_rotation():
    """Why vidgait reports no pelvic rotation from the card: the pelvis turns only about +-4 deg
    in walking, and a 120 mm tag's yaw at 5 m is off by more than that (the two mirror poses of a
    small, nearly frontal square swap; measured RMS 2.1 / 6.3 / 9.8 deg at 3 / 5 / 8 m on 60
    frames). Should the detector get this right one day, this test fails and the rotation can be
    offered.
    """
    w, h = SIZES["landscape"]
    cam = Intrinsics.from_fov(w, h)
    err = []
    for i, yaw in enumerate(4.0 * np.sin(np.linspace(0, 2 * np.pi, 10, endpoint=False)) + 2):
        img = render(w, h, camera=cam, rot=rotation(1.0, yaw), t_m=np.array([0.05, 0.1, 5.0]),
                     seed=i)
        obs = detect_tag(img, camera=cam)
        assert isinstance(obs, TagObservation)
        err.append(obs.yaw_deg - yaw)
    assert math.sqrt(np.mean(np.square(err))) > 3.0


def test_a_wrong_lens_assumption_moves_the_distance_not_the_roll():
    """Filmed with a 55 deg lens, read with the assumed 40 deg one: the roll is the same as with
    the true lens (measured: within 0.05 deg on 12 poses at 4 m), the distance 45 % too long
    (the focal lengths' ratio).
    """
    w, h = SIZES["landscape"]
    true, assumed = Intrinsics.from_fov(w, h, 55.0), Intrinsics.from_fov(w, h)
    rng = np.random.default_rng(7)
    for i in range(4):
        roll, yaw = rng.uniform(-8, 8), rng.uniform(-20, 20)
        t = np.array([rng.uniform(-0.4, 0.4), rng.uniform(-0.2, 0.2), 3.0])
        img = render(w, h, camera=true, rot=rotation(roll, yaw), t_m=t, seed=i)
        a, b = detect_tag(img, camera=true), detect_tag(img, camera=assumed)
        assert isinstance(a, TagObservation) and isinstance(b, TagObservation)
        assert abs(a.roll_deg - b.roll_deg) < 0.15
        assert b.distance_m / a.distance_m == pytest.approx(assumed.fx / true.fx, rel=0.03)
