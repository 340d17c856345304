"""Pelvis and trunk metrics (:mod:`vidgait.kinematics.pelvis`) on the walker's true angles, and
the refusal of the pelvis's tilt from the hip landmarks.
"""

from __future__ import annotations

import numpy as np
import pytest

from vidgait.kinematics.events import stride_period
from vidgait.kinematics.pelvis import (
    OBLIQUITY_METRICS,
    landmark_pelvis,
    pelvis_metrics_without_events,
)
from vidgait.kinematics.results import Estimate, NotMeasurable
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


def test_landmark_pelvis_refuses_only_the_pelvis_tilt():
    """From the hip landmarks the pelvic drop and obliquity range are "not measurable" (the
    marker is needed), on both sides and even where nothing was measured; trunk lean, knee
    valgus, foot progression and hip rotation are kept as they are.
    """
    est = Estimate.of([1.0, 2.0, 3.0], method="curve")
    kept = ("trunk_lean_over_stance_deg", "knee_valgus_stance_deg", "foot_progression_deg",
            "hip_rotation_swing_deg")
    measured = {"left": dict.fromkeys((*OBLIQUITY_METRICS, *kept), est), "right": {}}
    out = landmark_pelvis(measured)
    assert set(OBLIQUITY_METRICS) == {"pelvic_drop_deg", "obliquity_range_deg"}
    for s in SIDES:
        for k in OBLIQUITY_METRICS:
            assert out[s][k] == NotMeasurable("marker_needed")
    assert all(out["left"][k] is est for k in kept)
    assert set(out["right"]) == set(OBLIQUITY_METRICS)
    assert measured["left"]["pelvic_drop_deg"] is est  # the input is not changed
