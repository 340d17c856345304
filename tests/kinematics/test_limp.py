"""Limp maths (:mod:`vidgait.kinematics.limp`): symmetry formulas and the variability-based limp
threshold.
"""

from __future__ import annotations

import numpy as np
import pytest

from vidgait.kinematics.limp import assess_limp, bootstrap_si, gait_asymmetry, symmetry_index


def test_symmetry_formulas():
    assert symmetry_index(1.0, 1.0) == 0.0
    assert symmetry_index(0.5, 0.6) == pytest.approx(100 * 0.1 / 0.55)
    assert gait_asymmetry(0.4, 0.4) == 0.0
    assert gait_asymmetry(0.4, 0.5) == pytest.approx(100 * np.log(1.25))


def test_limp_threshold_comes_from_variability():
    rng = np.random.default_rng(0)
    base = {"step_time_s": 0.57, "stance_time_s": 0.68, "single_support_time_s": 0.45,
            "swing_time_s": 0.45}

    def strides(scale, sd, n=8):
        return {k: v * scale + rng.normal(0, sd, n) for k, v in base.items()}

    # 6 % shorter right stance: a limp when strides are steady ...
    steady = assess_limp({"left": strides(1.0, 0.005), "right": strides(0.94, 0.005)}, 0.02)
    assert steady.verdict == "limp" and steady.suspected_painful_side == "right"
    assert steady.favoured_side == "left" and steady.confidence > 0.9
    # ... but not when stride-to-stride variability is as large as the difference
    noisy = assess_limp({"left": strides(1.0, 0.12, n=6), "right": strides(0.94, 0.12, n=6)}, 0.02)
    assert noisy.verdict == "no limp"
    # ... nor when it is below the timing resolution
    coarse = assess_limp({"left": strides(1.0, 0.005), "right": strides(0.94, 0.005)}, 0.06)
    assert coarse.verdict == "no limp"
    few = assess_limp({"left": strides(1.0, 0.005, n=2), "right": strides(0.9, 0.005, n=2)}, 0.02)
    assert few.verdict == "not measurable"


def test_bootstrap_is_deterministic():
    a, b = np.array([1.0, 1.1, 0.9]), np.array([1.2, 1.3, 1.1])
    assert np.array_equal(bootstrap_si(a, b), bootstrap_si(a, b))
