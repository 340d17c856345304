"""The whole chain on real walking videos (../shared/videos; skipped when absent).

There is no ground truth for these clips, so the check is physiological plausibility for normal
walking (cadence 80-130 steps/min, stance 55-68 % of the stride), and that enough of the clips are
measurable at all (a chain that refuses everything would pass a plausibility test vacuously).
"""

from __future__ import annotations

import pytest

from tests.helpers import SHARED_VIDEOS, shared_poses
from vidgait.kinematics import analyze
from vidgait.report import build_report, value

pytestmark = [pytest.mark.slow, pytest.mark.shared]

NORMAL_SIDE_VIEW = [
    "sagittal_walk_indoor_female.mp4",
    "sagittal_walk_lab_female_markers_blurred_face.mp4",
    "sagittal_walk_arms_crossed_tape_markers.mp4",
    "sagittal_normal_home_bystanders.mp4",
    "sports2d_demo_sagittal_walk_plus_acrobat.mp4",
]


def test_normal_side_view_walks_are_plausible() -> None:
    if not SHARED_VIDEOS.is_dir():
        pytest.skip("../shared/videos is not available")
    measured = []
    for name in NORMAL_SIDE_VIEW:
        seq = shared_poses(name)
        rep = build_report(analyze(seq), [seq])
        st = rep["spatiotemporal"]
        if not st["measurable"]:
            continue
        measured.append(name)
        assert 80 <= st["cadence_steps_per_min"] <= 130, (name, st["cadence_steps_per_min"])
        for side in ("left", "right"):
            stance = value(st[side], "stance_pct")
            assert stance is None or 55 <= stance <= 68, (name, side, stance)
        assert rep["view"][0] == "side", (name, rep["view"])
        assert rep["pelvis"]["measurable"] is False  # a side view never reports pelvic drop
    assert len(measured) >= 3, f"only {measured} were measurable"
