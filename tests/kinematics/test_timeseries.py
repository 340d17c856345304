"""Per-frame angle series of ``analyze`` (:attr:`GaitAnalysis.timeseries`): every angle at the
input frames, NaN outside the walking passes and where the view cannot support it.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np

from tests.helpers import film
from vidgait.kinematics import analyze
from vidgait.kinematics.conventions import FRONTAL, SAGITTAL, TRANSVERSE
from vidgait.report import build_report

SIDES = ("left", "right")


def test_timeseries_cover_every_angle_at_the_input_frames(limp_walk, limp_side):
    seq, g = limp_side
    ts = g.timeseries
    names = {f"{s}_{n}" for s in SIDES for n in SAGITTAL + FRONTAL + TRANSVERSE}
    assert set(ts) == names | {"t"}
    assert all(len(v) == len(seq.t) for v in ts.values())
    np.testing.assert_array_equal(ts["t"], seq.t)
    inside = np.zeros(len(seq.t), bool)
    for p in g.passes:
        inside |= (seq.t >= p.start_s) & (seq.t <= p.stop_s)
    assert inside.mean() > 0.5
    for s in SIDES:
        true = limp_walk.angles[s]["knee_flexion"]
        est = ts[f"{s}_knee_flexion"]
        ok = np.isfinite(est)
        assert ok[inside].all() and not ok[~inside].any()
        assert np.sqrt(np.mean((est[ok] - true[ok]) ** 2)) < 5.0
        for n in FRONTAL + TRANSVERSE:  # a side view supports none of them
            assert np.isnan(ts[f"{s}_{n}"]).all()
    d = build_report(g, [seq], height_cm=170)  # the series stay out of report.json
    assert "timeseries" not in d
    json.dumps(d)


def test_timeseries_are_nan_outside_the_walking_pass(limp_walk):
    seq = film(limp_walk, noise_px=1.0, seed=0)
    found = seq.found.copy()
    found[:40] = False  # nobody in the first 1.3 s
    seq = dataclasses.replace(seq, found=found)
    g = analyze(seq)
    assert np.isnan(g.timeseries["left_knee_flexion"][:40]).all()
    assert np.isfinite(g.timeseries["left_knee_flexion"][80:200]).all()
