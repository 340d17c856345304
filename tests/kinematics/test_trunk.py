"""vidgait.kinematics.trunk: contacts and their sides from the sacrum's trajectory, against the
synthetic walker's heel strikes: every side right, cadence within 2 %, the step-time symmetry
index within the measured error (no false asymmetry on symmetric walkers, a limp's on its side),
and a gap in the track splits the runs instead of being bridged.

The sacrum is the walker's pelvis origin (the card is rigid on the pelvis), with 2 mm noise per
frame like the marker's at 5 m.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from vidgait.kinematics.limp import symmetry_index
from vidgait.kinematics.trunk import trunk_steps
from vidgait.synth import GaitParams, simulate

#: measured largest step-time SI error on walkers without a limp, points (docs/kinematics.md),
#: plus a margin; a limp's SI reads 10-17 % too large (on its side)
SI_TOL = 4.2 + 1.0
LIMP_SI_TOL = 0.2


def _steps(fps=30, noise=0.002, gap=None, **kw):
    w = simulate(GaitParams(duration_s=10, fps=fps, **kw))
    rng = np.random.default_rng(3)
    p = w.joints["pelvis"] + rng.normal(0, noise, w.joints["pelvis"].shape)
    up, left = p[:, 2].copy(), p[:, 1].copy()
    if gap is not None:
        up[gap] = left[gap] = np.nan
    return w, trunk_steps(w.t, up, left, fps)


def _true_step_si(w):
    hs = sorted((x, s) for s in ("left", "right") for x in w.events[s]["heel_strike_s"])
    st = {"left": [], "right": []}
    for (a, _), (b, sb) in itertools.pairwise(hs):
        st[sb].append(b - a)
    return symmetry_index(np.mean(st["left"]), np.mean(st["right"]))


def _nearest_side(w, c):
    hs = [(x, s) for s in ("left", "right") for x in w.events[s]["heel_strike_s"]]
    return min(hs, key=lambda e: abs(e[0] - c))[1]


CASES = [dict(), dict(painful_side="right", limp_severity=0.8),
         dict(painful_side="left", limp_severity=1.0),
         dict(trendelenburg_side="left", pelvic_drop_deg=8.0),
         dict(cadence_steps_per_min=90.0), dict(cadence_steps_per_min=125.0)]


@pytest.mark.parametrize("fps", [30, 60])
@pytest.mark.parametrize("kw", CASES, ids=lambda k: "-".join(f"{v}" for v in k.values())
                         or "symmetric")
def test_contacts_sides_cadence_and_step_symmetry(kw, fps):
    w, r = _steps(fps=fps, **kw)
    assert len(r.contacts_s) >= 14 and r.side_agreement == 1.0
    assert all(_nearest_side(w, c) == s for c, s in zip(r.contacts_s, r.sides, strict=True))
    cadence = 60.0 / np.mean(np.diff(r.contacts_s))
    assert cadence == pytest.approx(w.summary["cadence_steps_per_min"], rel=0.02)
    per = r.per_side()
    si = symmetry_index(per["left"]["step_time_s"].mean(), per["right"]["step_time_s"].mean())
    truth = _true_step_si(w)
    if kw.get("painful_side"):
        assert np.sign(si) == np.sign(truth) and abs(si) >= abs(truth)
        assert si == pytest.approx(truth, rel=LIMP_SI_TOL)
    else:
        assert si == pytest.approx(truth, abs=SI_TOL)
    # contacts come late, by tens of ms (not heel strikes)
    hs = np.sort(np.concatenate([w.events[s]["heel_strike_s"] for s in ("left", "right")]))
    lag = np.array([c - hs[np.argmin(abs(hs - c))] for c in r.contacts_s])
    assert 0.0 < np.median(lag) < 0.1


def test_a_gap_splits_the_runs_and_is_not_bridged():
    w, full = _steps()
    gap = (w.t > 4.0) & (w.t < 4.6)
    w, r = _steps(gap=gap)
    assert len(set(r.run.tolist())) == 2
    assert not np.any((r.contacts_s > 3.9) & (r.contacts_s < 4.7))
    assert all(_nearest_side(w, c) == s for c, s in zip(r.contacts_s, r.sides, strict=True))
    per = r.per_side()
    # no step spans the gap
    assert per["left"]["step_time_s"].max() < 0.8 and per["right"]["step_time_s"].max() < 0.8
    assert len(r.contacts_s) < len(full.contacts_s)


def test_no_bob_no_contacts():
    t = np.arange(300) / 30.0
    r = trunk_steps(t, np.zeros(300), np.zeros(300), 30.0)
    assert len(r.contacts_s) == 0 and np.isnan(r.side_agreement)
