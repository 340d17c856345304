"""Flags (:func:`vidgait.findings.flags`): values outside their normal range, each naming its
reference.
"""

from __future__ import annotations

import numpy as np

from tests.helpers import film
from vidgait.findings import flags, summary
from vidgait.kinematics import analyze
from vidgait.norms import RANGES
from vidgait.synth import GaitParams, simulate


def test_flags_name_their_reference_and_catch_the_limp(limp_side):
    _, g = limp_side
    assert flags(g)
    for f in flags(g):
        assert f["reference"] and f["normal"] and np.isfinite(f["value"])
    got = {(f["metric"], f["side"], f["direction"]) for f in flags(g)}
    assert ("stance_time_symmetry_index", "right", "asymmetric") in got
    assert ("knee_peak_swing_flexion_deg", "right", "asymmetric") in got
    assert ("knee_peak_swing_flexion_deg", "right", "below") in got
    # the band flags use the tabulated norms
    knee = next(f for f in flags(g) if f["metric"] == "knee_peak_swing_flexion_deg"
                and f["direction"] == "below")
    assert knee["value"] < RANGES["knee_peak_swing_flexion_deg"].low


def test_symmetric_walker_has_no_flags():
    truth = simulate(GaitParams(duration_s=10.0))
    g = analyze(film(truth, noise_px=1.0, seed=0), height_cm=170)
    assert flags(g) == []
    text = " ".join(summary(g))
    assert "no limp" in text and "not measurable in this view" in text
