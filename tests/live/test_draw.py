"""The live overlay (:mod:`vidgait.live.draw`): sides survive a mirrored display."""

from __future__ import annotations

import dataclasses

import numpy as np

from tests.live.helpers import (
    WalkerPose,
    candidate,
    front_walker,
)
from vidgait.landmarks import L_HIP, R_HIP
from vidgait.live.biofeedback import (
    FeedbackState,
)
from vidgait.live.config import LiveConfig
from vidgait.live.draw import draw_overlay, metric_lines, mirror_landmarks
from vidgait.live.metrics import RollingMetrics
from vidgait.live.processor import LiveProcessor
from vidgait.render.skeleton import COLOURS


def test_mirrored_display_does_not_swap_sides():
    _, seq = front_walker(drop=10.0, duration_s=9.0, painful_side="right")
    rgb = np.zeros((640, 360, 3), np.uint8)
    rgb[:, :180] = 90   # left half of the picture darker: the pose backend must see it unflipped
    rgb[:, 180:] = 160
    snaps, overlays = {}, {}
    for mirror in (False, True):
        pose = WalkerPose(seq)
        with LiveProcessor(LiveConfig(mirror_display=mirror), pose=pose, threaded=False) as proc:
            for t in seq.t:
                overlays[mirror] = proc.process(rgb, t * 1000.0)
            snaps[mirror] = proc.snapshot()
        assert all(f is rgb for f in pose.frames_seen)  # the analysed frames are never flipped
    a, b = snaps[False].metrics, snaps[True].metrics
    assert a.step_time_s == b.step_time_s and (a.limp_verdict, a.limp_side) == (
        b.limp_verdict, b.limp_side)
    # the right limp stays on the right (the pelvic drop, from the hips, is not shown)
    assert a.limp_side == "right" and a.step_time_s["right"] > a.step_time_s["left"]
    assert a.pelvic_drop_needs_marker and b.pelvic_drop_needs_marker
    # the displayed picture is flipped, the right hip keeps the right side's colour
    assert overlays[True][320, 10, 0] == 160 and overlays[False][320, 10, 0] == 90
    c = candidate(seq, len(seq) - 1)
    shown = draw_overlay(np.zeros((640, 360, 3), np.uint8), c.image, c.visibility, [],
                         RollingMetrics(), FeedbackState(), mirror=True)
    x, y = mirror_landmarks(c.image, 360)[R_HIP, :2].round().astype(int)
    assert tuple(shown[y, x]) == COLOURS["right"]
    x, y = mirror_landmarks(c.image, 360)[L_HIP, :2].round().astype(int)
    assert tuple(shown[y, x]) == COLOURS["left"]


def test_overlay_says_the_pelvic_drop_needs_the_marker():
    """A front/back window without the marker: the overlay names the marker, never a number
    from the hips; a measured drop (the marker's, later) is shown as numbers.
    """
    base = RollingMetrics(cadence_steps_per_min=105.0, view="toward")
    refused = "\n".join(metric_lines(dataclasses.replace(base, pelvic_drop_needs_marker=True)))
    assert "Pelvic drop: needs the pelvis marker" in refused and "Pelvic drop L" not in refused
    assert "Pelvic drop" not in "\n".join(metric_lines(base))  # e.g. a side view: nothing
    shown = metric_lines(dataclasses.replace(base, pelvic_drop_deg={"left": 3.0, "right": 9.0}))
    assert "Pelvic drop L 3.0 / R 9.0 deg" in shown


def test_overlay_shows_the_markers_pelvic_drop_its_level_and_its_quality():
    from vidgait.live.biofeedback import Biofeedback

    base = RollingMetrics(cadence_steps_per_min=105.0, view="away")
    shown = metric_lines(dataclasses.replace(base, pelvic_drop_deg={"left": 4.3, "right": 10.2},
                                             pelvic_zero="level", marker_seen_share=1.0))
    assert "Pelvic drop L 4.3 / R 10.2 deg (level set standing)" in shown
    rare = metric_lines(dataclasses.replace(base, pelvic_zero="walk_mean",
                                            marker_seen_share=0.62))
    assert "Pelvic drop: marker measured in 62 % of the walk (80 % needed)" in rare
    fb = Biofeedback("pelvic_drop_deg")
    fb.update([], 10.0, no_marker=True)
    assert fb.state.needs_marker
    fb.update([], 10.0, no_marker=False)
    assert not fb.state.needs_marker
    other = Biofeedback("cadence_steps_per_min")  # needs no marker
    other.update([], 1.0, no_marker=True)
    assert not other.state.needs_marker
