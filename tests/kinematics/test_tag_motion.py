"""vidgait.kinematics.tag_motion: the sacrum's trajectory from the tag filmed from behind gives
the trunk's contacts (every side right, cadence within 2 %); the speed from the tag's travel is
tested through the analysis (tests/kinematics/test_analysis.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from vidgait.sequence import MarkerTrack
from vidgait.synth import GaitParams, simulate

FPS = 30.0


def test_the_tag_filmed_from_behind_gives_the_trunk_contacts():
    """The tag's image centre and noisy distance, from a phone behind pitched down, turned into
    the sacrum's trajectory: contacts with every side right and the cadence within 2 %.
    """
    from vidgait.kinematics.tag_motion import sacral_trajectory
    from vidgait.kinematics.trunk import trunk_steps
    from vidgait.synth import Camera

    walk = simulate(GaitParams(duration_s=8.0, fps=FPS, path="away", painful_side="left",
                               limp_severity=0.8))
    pel = walk.joints["pelvis"]
    card = pel + np.einsum("tij,j->ti", walk.segments["pelvis"], [-0.12, 0.0, 0.06])
    x0, y0 = pel[0, 0], pel[0, 1]
    cam = Camera((x0 - 3.0, y0 + 0.2, 1.2), (x0 + 6.0, y0, 0.8), focal_px=1480.0)
    rng = np.random.default_rng(5)
    n = len(walk.t)
    tr = MarkerTrack.empty(n, tag_id=0, size_mm=120, camera=(cam.fx, cam.fy, cam.cx, cam.cy),
                           camera_assumed=False)
    tr.status[:] = 0
    tr.centre_px[:] = cam.project(card) + rng.normal(0, 0.2, (n, 2))
    pos = cam.to_camera(card)
    tr.position_m[:] = pos * (1 + rng.normal(0, 0.02, (n, 1)))  # 2 % distance noise
    up, left = sacral_trajectory(walk.t, tr, walk.t)
    steps = trunk_steps(walk.t, up, left, FPS)
    hs = [(x, s) for s in ("left", "right") for x in walk.events[s]["heel_strike_s"]]
    assert len(steps.contacts_s) >= 10
    for c, side in zip(steps.contacts_s, steps.sides, strict=True):
        assert min(hs, key=lambda e: abs(e[0] - c))[1] == side
    cadence = 60.0 / np.mean(np.diff(steps.contacts_s))
    assert cadence == pytest.approx(walk.summary["cadence_steps_per_min"], rel=0.02)
