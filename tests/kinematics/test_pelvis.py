"""Pelvis and trunk metrics (:mod:`vidgait.kinematics.pelvis`) on the walker's true angles."""

from __future__ import annotations

import numpy as np
import pytest

from vidgait.kinematics.events import stride_period
from vidgait.kinematics.pelvis import pelvis_metrics_without_events
from vidgait.synth import GaitParams, simulate

SIDES = ("left", "right")


def test_pelvic_drop_without_events_matches_the_truth():
    """The event-free fallback (front/back pass with too few accepted strides) on true angles."""
    truth = simulate(GaitParams(duration_s=8.0, trendelenburg_side="left", pelvic_drop_deg=6.0,
                                trunk_lean_deg=3.0, path="toward"))
    fs = 30.0
    frontal = {s: {k: np.asarray(truth.angles[s][k], float)
                   for k in ("pelvic_obliquity", "trunk_lean")} for s in SIDES}
    period = stride_period(frontal["left"]["pelvic_obliquity"], fs)
    assert period == pytest.approx(120.0 / 105.0, abs=1.5 / fs)
    m = pelvis_metrics_without_events(truth.t, frontal, period, fs)
    for s in SIDES:
        assert m[s]["pelvic_drop_deg"].method == "extremes"
        assert m[s]["pelvic_drop_deg"].value == pytest.approx(
            truth.summary[s]["pelvic_drop_deg"], abs=0.5)
        assert m[s]["trunk_lean_over_stance_deg"].value == pytest.approx(
            truth.summary[s]["trunk_lean_over_stance_deg"], abs=0.5)
        assert m[s]["pelvic_drop_deg"].n >= 5
