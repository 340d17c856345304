"""The plain-language summary (:func:`vidgait.findings.summary`): numbers and normal ranges behind
every sentence, and what to record when a view is missing.
"""

from __future__ import annotations

from tests.helpers import as_if_marker, film
from vidgait.findings import flags, summary
from vidgait.kinematics import NotMeasurable, analyze
from vidgait.synth import GaitParams, simulate


def test_summary_side_only_says_what_is_missing(limp_side):
    _, g = limp_side
    text = " ".join(summary(g))
    assert "suspected painful side right" in text
    assert "protecting the right knee" in text
    assert "Pelvic drop and trunk lean: not measurable in this view" in text
    assert "the pelvic drop needs the pelvis marker" in text
    assert "hip-abductor" not in text  # not measured, so not claimed
    assert all(any(ch.isdigit() for ch in s) or "not measurable" in s for s in summary(g))


def test_front_clip_alone_asks_for_a_side_clip(limp_front):
    g = analyze(limp_front, height_cm=170)
    text = " ".join(summary(g))
    assert "record a side clip" in text
    # no pelvic drop from the hip landmarks: the marker is named, with how to get it
    assert g.pelvis["left"]["pelvic_drop_deg"] == NotMeasurable("marker_needed")
    assert "Pelvic drop needs the pelvis marker" in text
    assert "vidgait marker -o marker.pdf" in text and "sacrum" in text and "behind" in text
    assert "Trendelenburg" not in text and "Pelvic drop reads" not in text
    # the trunk lean, read from the shoulders, is given
    assert "Trunk lean over stance: left" in text or "The trunk leans more" in text


def test_a_marker_drop_is_judged_without_the_landmark_caution(limp_front):
    """With the pelvis marker's drop (here the walker's true one) the summary names the
    Trendelenburg side; the old caution about MediaPipe's hips is gone.
    """
    m = as_if_marker(analyze(limp_front, height_cm=170))
    text = " ".join(summary(m))
    assert m.pelvis["left"]["pelvic_drop_deg"].value > 8.0
    assert "The left pelvis drops" in text and "Trendelenburg sign on the right side" in text
    assert "needs the pelvis marker" not in text and "MediaPipe" not in text


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
