"""The mannequin's geometry: primitives hang on the landmarks, limb radii from the walker."""

from __future__ import annotations

import numpy as np
import pytest

from vidgait.landmarks import INDEX
from vidgait.phantom import BodyShape, build_figure


def test_figure_primitives_follow_landmarks(walk):
    lm = walk.landmarks[5]
    prim = build_figure(lm, 1.70, BodyShape.from_body(walk.body))
    cones, ells, shadows = prim.arrays()
    assert len(cones) > 10 and len(ells) > 20 and len(shadows) == 3
    ends = np.r_[cones[:, 0:3], cones[:, 4:7]]
    for j in ("left_knee", "right_ankle", "left_elbow", "right_wrist"):
        assert np.min(np.linalg.norm(ends - lm[INDEX[j]], axis=1)) < 1e-6, j
    assert np.all(np.isfinite(cones)) and np.all(np.isfinite(ells))
    with pytest.raises(ValueError):
        build_figure(np.full((33, 3), np.nan))


def test_body_shape_uses_walker_radii(walk):
    shape = BodyShape.from_body(walk.body)
    assert shape.forearm == pytest.approx((walk.body["forearm_radius_proximal"] / 1.70,
                                           walk.body["forearm_radius_distal"] / 1.70))
    # trousers add ease over the thigh
    assert shape.thigh[0] > walk.body["thigh_radius_proximal"] / 1.70


def test_torso_ellipsoids_are_the_ones_drawn(walk):
    """What the marker card rests on is exactly what build_figure draws."""
    from vidgait.phantom.figure import torso_ellipsoids

    shape = BodyShape.from_body(walk.body)
    lm = walk.landmarks[7]
    drawn = build_figure(lm, 1.70, shape).arrays()[1][:, :12]
    ells = torso_ellipsoids(lm, 1.70, shape)
    assert set(ells) == {"chest", "waist", "pelvis", "left_hip", "right_hip"}
    for name, (centre, frame, radii) in ells.items():
        axes = np.asarray(frame) * np.asarray(radii)[None, :]
        row = np.r_[centre, axes.T.ravel()].astype(np.float32)
        assert np.any(np.all(drawn == row, axis=1)), name
