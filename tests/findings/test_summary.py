"""The plain-language summary (:func:`vidgait.findings.summary`): numbers and normal ranges behind
every sentence, and what to record when a view is missing.
"""

from __future__ import annotations

from tests.helpers import film
from vidgait.findings import flags, summary
from vidgait.kinematics import analyze
from vidgait.synth import GaitParams, simulate


def test_summary_side_only_says_what_is_missing(limp_side):
    _, g = limp_side
    text = " ".join(summary(g))
    assert "suspected painful side right" in text
    assert "protecting the right knee" in text
    assert "Pelvic drop and trunk lean: not measurable in this view" in text
    assert "hip-abductor" not in text  # not measured, so not claimed
    assert all(any(ch.isdigit() for ch in s) or "not measurable" in s for s in summary(g))


def test_front_clip_alone_asks_for_a_side_clip(limp_front):
    g = analyze(limp_front, height_cm=170)
    text = " ".join(summary(g))
    assert "record a side clip" in text
    assert g.pelvis["left"]["pelvic_drop_deg"].value > 8.0


def test_summary_does_not_call_an_unconfirmed_knee_difference_equal():
    """A short stiff-knee walk: too few strides to test the knee difference, so the summary
    gives the difference and says why it is not claimed, instead of "no difference".
    """
    truth = simulate(GaitParams(duration_s=3.5, painful_side="right", limp_severity=0.8,
                                stiff_knee_factor=0.5))
    g = analyze(film(truth, noise_px=1.0, seed=0), height_cm=170)
    text = " ".join(summary(g))
    assert not any(f["metric"] == "knee_peak_swing_flexion_deg" and f["direction"] ==
                   "asymmetric" for f in flags(g))
    assert "no left/right difference" not in text
    assert "the right reads" in text and "so no difference is claimed" in text, text
