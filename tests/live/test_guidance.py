"""Recording guidance (:mod:`vidgait.live.guidance`): one rule at a time, from landmarks."""

from __future__ import annotations

import numpy as np
import pytest

from tests.live.helpers import (
    FRONT_CLIP,
    candidate,
)
from vidgait.live.config import LiveConfig
from vidgait.live.guidance import (
    METRIC_VIEWS,
    TOO_CLOSE_FRACTION,
    body_axis_tilt_deg,
    body_height_fraction,
    frame_advice,
    mean_luma,
    view_advice,
)
from vidgait.live.processor import LiveProcessor
from vidgait.pose.tracking import Candidate
from vidgait.video import iter_frames


def test_empty_scene_says_nobody():
    codes = [a.code for a in frame_advice([], None, 640, 480, luma=120.0)]
    assert codes == ["nobody"]


def test_dark_frame_is_flagged_from_its_pixels():
    dark = np.full((480, 640, 3), 18, np.uint8)
    lit = np.full((480, 640, 3), 140, np.uint8)
    assert mean_luma(dark) == pytest.approx(18, abs=0.5)
    assert "too_dark" in [a.code for a in frame_advice([], None, 640, 480, mean_luma(dark))]
    assert "too_dark" not in [a.code for a in frame_advice([], None, 640, 480, mean_luma(lit))]


def test_well_framed_walker_gets_no_advice(front_seq):
    i = len(front_seq) - 1  # nearest the camera
    c = candidate(front_seq, i)
    frac = body_height_fraction(c, 640)
    assert 0.3 < frac < 0.9
    assert frame_advice([c], c, 360, 640, luma=120.0) == []


def test_person_too_close_when_scaled_to_overflow(front_seq):
    c0 = candidate(front_seq, len(front_seq) - 1)
    big = candidate(front_seq, len(front_seq) - 1, scale=2.2)
    assert body_height_fraction(big, 640) > TOO_CLOSE_FRACTION > body_height_fraction(c0, 640)
    codes = [a.code for a in frame_advice([big], big, 360, 640, luma=120.0)]
    assert "too_close" in codes and "feet_cut_off" in codes


def test_person_too_far_and_feet_cut_off(front_seq):
    c = candidate(front_seq, len(front_seq) - 1)
    small = candidate(front_seq, len(front_seq) - 1, scale=0.4)
    assert [a.code for a in frame_advice([small], small, 360, 640, 120.0)] == ["too_far"]
    low = candidate(front_seq, len(front_seq) - 1, shift=(0, 640 - c.image[:, 1].min() - 150))
    assert "feet_cut_off" in [a.code for a in frame_advice([low], low, 360, 640, 120.0)]


def test_rotated_camera(front_seq):
    c = candidate(front_seq, len(front_seq) - 1)
    assert body_axis_tilt_deg(c) < 15
    img = c.image.copy()
    centre = img[:, :2].mean(axis=0)
    d = img[:, :2] - centre
    img[:, 0], img[:, 1] = centre[0] + d[:, 1], centre[1] - d[:, 0]  # camera on its side
    rot = Candidate(img, c.world, c.visibility, c.presence)
    assert body_axis_tilt_deg(rot) == pytest.approx(90, abs=15)
    assert [a.code for a in frame_advice([rot], rot, 640, 640, 120.0)] == ["rotated"]


def test_several_people_and_wrong_view(front_seq):
    c = candidate(front_seq, len(front_seq) - 1)
    other = candidate(front_seq, len(front_seq) - 1, shift=(150, 0))
    codes = [a.code for a in frame_advice([c, other], c, 640, 640, 120.0,
                                          metric="knee_peak_swing_flexion_deg", view="toward")]
    assert codes == ["several_people", "wrong_view"]
    assert METRIC_VIEWS["pelvic_drop_deg"] == ("away",)  # the marker, filmed from behind
    assert view_advice("pelvic_drop_deg", "away") == []
    assert "from behind" in view_advice("pelvic_drop_deg", "toward")[0].text
    assert view_advice("knee_peak_swing_flexion_deg", "side") == []
    assert view_advice("knee_peak_swing_flexion_deg", "away")[0].code == "wrong_view"
    assert view_advice("step_time_asymmetry_pct", "oblique") == []


@pytest.mark.slow
def test_too_close_from_a_cropped_real_frame():
    """A sample frame cropped so the body overflows: the real model's landmarks say so."""
    import cv2

    frames = list(iter_frames(FRONT_CLIP))
    rgb = frames[-1].rgb  # walker nearest the camera
    from vidgait.phantom import load_truth, truth_path_for

    px = load_truth(truth_path_for(FRONT_CLIP)).landmarks_2d[len(frames) - 1]
    top, bottom = float(np.nanmin(px[:, 1])), float(np.nanmax(px[:, 1]))
    mid = 0.5 * (top + bottom)
    half = 0.45 * (bottom - top)  # a crop 0.9 of the landmark span: head top and feet cut
    y0, y1 = int(max(0, mid - half)), int(min(rgb.shape[0], mid + half))
    x_mid = float(np.nanmean(px[:, 0]))
    w = int((y1 - y0) * rgb.shape[1] / rgb.shape[0])
    x0 = int(np.clip(x_mid - w / 2, 0, rgb.shape[1] - w))
    crop = cv2.resize(rgb[y0:y1, x0:x0 + w], (rgb.shape[1], rgb.shape[0]))
    with LiveProcessor(LiveConfig(model="full"), threaded=False) as proc:
        for i in range(5):
            proc.process(crop, 1000.0 + 33.3 * i)
        snap = proc.snapshot()
    codes = {a.code for a in snap.advice}
    assert snap.person_found
    assert "too_close" in codes, codes
    with LiveProcessor(LiveConfig(model="full"), threaded=False) as proc:
        for i in range(5):
            proc.process(rgb, 1000.0 + 33.3 * i)
        codes_full = {a.code for a in proc.snapshot().advice}
    assert "too_close" not in codes_full and "feet_cut_off" not in codes_full
