"""Angles (:mod:`vidgait.kinematics.angles`) from pixels and world landmarks, against the walker's
truth.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import side_pass
from vidgait.kinematics.angles import (
    angle_uncertainty,
    frontal_angles,
    sagittal_angles,
    transverse_angles,
)
from vidgait.kinematics.signal import condition
from vidgait.kinematics.view import find_passes
from vidgait.landmarks import INDEX
from vidgait.synth import Camera, GaitParams, simulate, to_pose_sequence, walkway_centre

SIDES = ("left", "right")


@pytest.fixture(scope="module")
def walk():
    return simulate(GaitParams(duration_s=10.0, trendelenburg_side="right", pelvic_drop_deg=4.0))


def _truth_on(c, truth, side, name):
    return np.interp(c.t, truth.t, truth.angles[side][name])


def _rms(e):
    return float(np.sqrt(np.nanmean(e ** 2)))


def test_sagittal_angles_match_truth(walk):
    c, p = side_pass(walk)
    a = sagittal_angles(c.image, p.facing)
    v = c.valid
    for s in SIDES:
        assert _rms(a[s]["knee_flexion"][v] - _truth_on(c, walk, s, "knee_flexion")[v]) < 2.5
        # hip flexion is measured from the trunk line: pelvic tilt relative to the trunk is unseen
        offset = walk.params.pelvic_tilt_deg - walk.params.trunk_forward_deg
        hip = _truth_on(c, walk, s, "hip_flexion") - offset
        assert _rms(a[s]["hip_flexion"][v] - hip[v]) < 2.5
        # the ankle is the weakest angle (toe extension, toe-out): looser bound
        ankle = _truth_on(c, walk, s, "ankle_dorsiflexion")
        assert _rms(a[s]["ankle_dorsiflexion"][v] - ankle[v]) < 8


def test_angles_do_not_flip_with_walking_direction(walk):
    (c1, p1), (c2, p2) = side_pass(walk, on="left"), side_pass(walk, on="right")
    assert p1.facing == -p2.facing
    a1, a2 = sagittal_angles(c1.image, p1.facing), sagittal_angles(c2.image, p2.facing)
    v = c1.valid & c2.valid
    for s in SIDES:
        for name in ("hip_flexion", "knee_flexion"):
            assert _rms(a1[s][name][v] - a2[s][name][v]) < 2.5
    # with the wrong direction the knee would bend backwards
    wrong = sagittal_angles(c1.image, -p1.facing)
    knee_ok, knee_wrong = a1["left"]["knee_flexion"][v], wrong["left"]["knee_flexion"][v]
    assert np.nanmean(knee_wrong) < 0 < np.nanmean(knee_ok)


@pytest.mark.parametrize("make", [Camera.front, Camera.back])
def test_frontal_angles_match_truth(walk, make):
    seq = to_pose_sequence(walk, make(walkway_centre(walk), distance=6.0))
    c = condition(seq)
    p = find_passes(c)[0][0]
    a = frontal_angles(c.image, p.facing)
    v = c.valid
    for s in SIDES:
        for name, tol in (("pelvic_obliquity", 1.0), ("trunk_lean", 1.0), ("hip_adduction", 3.0)):
            assert _rms(a[s][name][v] - _truth_on(c, walk, s, name)[v]) < tol, (s, name)
    assert np.allclose(a["left"]["pelvic_obliquity"], -a["right"]["pelvic_obliquity"],
                       equal_nan=True)


def test_transverse_angles_from_world_landmarks(walk):
    c = condition(to_pose_sequence(walk, Camera.front(walkway_centre(walk))))
    t = transverse_angles(c.world, np.array([0.0, 0.0, -1.0]))
    v = c.valid
    for s in SIDES:
        assert _rms(t[s]["pelvic_rotation"][v] - _truth_on(c, walk, s, "pelvic_rotation")[v]) < 1.0
        # the foot progression angle is defined with the foot on the floor: middle half of stance
        hs, to = walk.events[s]["heel_strike_s"], walk.events[s]["toe_off_s"]
        flat = np.zeros_like(v)
        for h in hs:
            nxt = to[to > h]
            if nxt.size:
                flat |= (c.t > h + 0.25 * (nxt[0] - h)) & (c.t < h + 0.75 * (nxt[0] - h))
        m = v & flat
        assert m.sum() > 30
        # toe out positive; the walker's truth keeps Schwartz's toe-out-negative sign
        fpa = -_truth_on(c, walk, s, "foot_progression")
        assert _rms(t[s]["foot_progression"][m] - fpa[m]) < 1.0
    assert np.nanmean(t["right"]["foot_progression"][v]) > 0  # the walker toes out


def test_uncertainty_predicts_the_noise_error(walk):
    clean, p = side_pass(walk, noise=0.0)
    noisy, _ = side_pass(walk, noise=3.0, seed=7)
    a0 = sagittal_angles(clean.image, p.facing)["left"]["knee_flexion"]
    a1 = sagittal_angles(noisy.image, p.facing)["left"]["knee_flexion"]
    v = clean.valid & noisy.valid
    empirical = float(np.nanstd(a1[v] - a0[v]))
    predicted = angle_uncertainty(noisy.image, float(noisy.noise_px[INDEX["left_knee"]]), noisy.fs,
                                  noisy.cutoff_hz, "left", "knee_flexion")
    assert predicted / 2.5 < empirical < predicted * 2.5
    quiet = angle_uncertainty(noisy.image, 0.5, noisy.fs, noisy.cutoff_hz, "left", "knee_flexion")
    assert quiet < predicted
