"""Footprints (:mod:`vidgait.kinematics.footprints`): planted feet found in the image alone, and
the person's side of each from the floor, against the synthetic walker's gait events.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tests.helpers import walk_in_view
from vidgait.kinematics.footprints import Footprint, assign_sides, find_footprints, stride_frames


def _stance_share(truth, f: Footprint) -> float:
    """Where in its leg's stance (0 heel strike, 1 toe off) a footprint lies; NaN outside one."""
    hs, to = truth.events[f.label]["heel_strike_s"], truth.events[f.label]["toe_off_s"]
    before, after = hs[hs <= f.t_s], to[to >= f.t_s]
    if not before.size or not after.size or after.min() - before.max() > 1.0:
        return float("nan")
    return (f.t_s - before.max()) / (after.min() - before.max())


@pytest.mark.parametrize("view", ["back", "front", "side"])
def test_one_footprint_per_stance_in_its_first_half(view):
    """Every footprint lies in the first half of a stance of its leg (measured 0.23-0.28 from
    behind and in front, 0.24-0.45 from the side, with 1 px noise), one per stance, the legs
    alternating.
    """
    truth, _, seq, c, p = walk_in_view(view, 5.0, noise_px=1.0)
    t = c.t[p.start:p.stop]
    fp = find_footprints(t, c.image[p.start:p.stop], c.fs, seq.frame_size)
    assert len(fp) >= 5
    shares = np.array([_stance_share(truth, f) for f in fp])
    inside = np.isfinite(shares)
    assert inside.sum() >= len(fp) - 1  # the last stance may run past the pass
    assert np.all((shares[inside] > 0.1) & (shares[inside] < 0.5))
    assert all(a.label != b.label for a, b in itertools.pairwise(fp))
    assert all(f.side is None and f.frames >= 3 for f in fp)
    # one stride between footprints of one leg: 1.14 s at 105 steps/min (within 10 %: from the
    # side a footprint's phase varies by up to 0.2 of the stance)
    assert stride_frames(fp, c.fs) == pytest.approx(1.143 * c.fs, rel=0.1)


def _fp(label: str, t: float) -> Footprint:
    z = np.zeros(2)
    return Footprint(label, t, 0, 3, z, z, z, z)


def test_sides_come_from_the_floor_not_the_labels():
    labels = ["left", "right"] * 3
    fp = [_fp(s, 0.5 * i) for i, s in enumerate(labels)]
    # the pose model mirrored: its "left" foot steps on the right of the line of progression
    mirrored = assign_sides(fp, np.array([-0.1, 0.1] * 3))
    assert [f.side for f in mirrored] == ["right", "left"] * 3
    assert [f.label for f in mirrored] == labels
    # one footprint on the wrong side of its track (a short leg swap): dropped
    odd = assign_sides(fp, np.array([0.1, -0.1, 0.1, 0.1, 0.1, -0.1]))
    assert len(odd) == 5 and [f.side for f in odd] == ["left", "right", "left", "left", "right"]
    # both tracks on one side: the floor cannot tell the feet apart, the labels stand
    same = assign_sides(fp, np.array([0.1] * 6))
    assert [f.side for f in same] == labels


def test_no_footprints_in_a_clip_too_short_for_them():
    _, _, seq, c, p = walk_in_view("back", 5.0)
    xy = c.image[p.start:p.start + 10]
    assert find_footprints(c.t[p.start:p.start + 10], xy, c.fs, seq.frame_size) == []
    assert stride_frames([], c.fs) == 1
