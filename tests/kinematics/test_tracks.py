"""Track helpers (:mod:`vidgait.kinematics.tracks`): runs of a frame mask, the body scale."""

from __future__ import annotations

import numpy as np
import pytest

from vidgait.kinematics.tracks import leg_scale, runs
from vidgait.landmarks import INDEX


def test_runs():
    assert runs(np.array([0, 1, 1, 0, 1], bool)) == [(1, 3), (4, 5)]
    assert runs(np.zeros(3, bool)) == []


def test_leg_scale_is_the_median_thigh_plus_shank_length():
    xy = np.full((3, 33, 2), np.nan)
    for s, shank in (("left", 40.0), ("right", 50.0)):
        xy[:, INDEX[f"{s}_hip"]] = (0.0, 0.0)
        xy[:, INDEX[f"{s}_knee"]] = (0.0, 30.0)             # thigh 30 px
        xy[:, INDEX[f"{s}_ankle"]] = (0.0, 30.0 + shank)    # legs of 70 and 80 px
    xy[0, INDEX["left_ankle"]] = np.nan                     # a missing point is left out
    assert leg_scale(xy) == pytest.approx(80.0)             # median of 70, 70, 80, 80, 80
    assert np.isnan(leg_scale(np.full((2, 33, 2), np.nan)))
