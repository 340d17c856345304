"""Leg-label swaps (:mod:`vidgait.kinematics.swaps`): injected swaps are put back, long runs are
not believed, and the fixer does not lock onto the wrong legs.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import film
from vidgait.kinematics.signal import condition
from vidgait.kinematics.swaps import L_LEG, R_LEG, fix_leg_swaps
from vidgait.synth import GaitParams, simulate


@pytest.fixture(scope="module")
def walk():
    return simulate(GaitParams(duration_s=8.0))


def test_leg_swaps_are_undone(walk):
    clean = film(walk, noise_px=1.0, seed=1)
    swapped = film(walk, noise_px=1.0, swap_rate=0.05, seed=1)
    true_swaps = np.asarray(swapped.meta["swapped_frames"])
    assert true_swaps.size > 5
    fixed, mask = fix_leg_swaps(swapped.t, swapped.image[..., :2].astype(float))
    legs = list(L_LEG + R_LEG)
    err = np.abs(fixed[:, legs] - clean.image[:, legs, :2])
    ok = np.nanmax(err, axis=(1, 2)) < 10.0
    # legs overlap in the image near mid-swing, where a swap changes little; all other frames fixed
    assert ok[np.isfinite(err).all(axis=(1, 2))].mean() > 0.98
    assert abs(int(mask.sum()) - true_swaps.size) <= 0.25 * true_swaps.size


def test_long_swap_runs_are_not_believed(walk):
    """A run of 'swapped' frames longer than 0.3 s means the tracker, not the model, lost the
    legs.
    """
    seq = film(walk, noise_px=1.0, seed=1)
    xy = seq.image[..., :2].astype(float)
    legs_l, legs_r = list(L_LEG), list(R_LEG)
    for a, b in ((60, 63), (150, 170)):  # 0.1 s and 0.67 s of swapped labels
        xy[a:b, legs_l + legs_r] = xy[a:b, legs_r + legs_l]
    _, mask = fix_leg_swaps(seq.t, xy)
    assert mask[60:63].all()
    assert not mask[150:170].any()


@pytest.mark.parametrize("swap_rate", [0.01, 0.05])
def test_swap_tracker_does_not_lock_onto_the_wrong_legs(swap_rate):
    """Regression: this walk once had 263 frames 'corrected' for 2 real swaps. The frames swapped
    back must be the injected ones: at least 90 % of them (all, on this walk), and hardly any
    frame whose labels were right (at most 10 % of the injected count).
    """
    truth = simulate(GaitParams(cadence_steps_per_min=101, speed_m_s=0.8 * 1.7 * 101 / 120,
                                painful_side="right", limp_severity=0.5, duration_s=10.0))
    seq = film(truth, camera={"on": "right"}, noise_px=0.85, seed=5857, swap_rate=swap_rate,
               dropout_rate=0.02)
    injected = np.zeros(len(seq), bool)
    injected[seq.meta["swapped_frames"]] = True
    assert injected.sum() >= 2  # 2 frames at 1 %, 13 at 5 %
    xy = np.where(seq.found[:, None, None], seq.image[..., :2].astype(float), np.nan)
    _, swapped_back = fix_leg_swaps(seq.t, xy)
    restored = int((swapped_back & injected).sum())
    assert restored >= 1  # something was fixed ...
    assert restored >= 0.9 * injected.sum()  # ... namely the injected swaps
    assert (swapped_back & ~injected).sum() <= 0.1 * injected.sum()  # no lock-on
    assert condition(seq).swaps_fixed == swapped_back.sum()  # condition reports the same frames


def test_swap_fix_through_leg_crossings(walk):
    """MediaPipe holds a wrong label for ~0.3 s after the legs cross (rendered phantom): runs of
    swapped labels that START at a crossing must be undone too.
    """
    seq = film(walk, noise_px=1.0, seed=3)
    xy = seq.image[..., :2].astype(float)
    legs = list(L_LEG + R_LEG)
    gap = np.linalg.norm(xy[:, list(L_LEG)] - xy[:, list(R_LEG)], axis=-1).mean(axis=1)
    # crossings: local minima of the distance between the legs
    cross = [i for i in range(20, len(gap) - 20) if gap[i] == gap[i - 3:i + 4].min()][:6]
    bad = xy.copy()
    injected = np.zeros(len(xy), bool)
    for c in cross:
        bad[c + 1:c + 9, legs] = xy[c + 1:c + 9, list(R_LEG + L_LEG)]  # 8 frames from crossing
        injected[c + 1:c + 9] = True
    fixed, _ = fix_leg_swaps(seq.t, bad)
    err = np.abs(fixed[:, legs] - xy[:, legs]).max(axis=(1, 2))
    assert injected.sum() >= 30
    # frames next to the crossing may stay ambiguous (the legs overlap); all others are fixed
    assert (err[injected] < 10.0).mean() > 0.85
