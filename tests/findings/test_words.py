"""vidgait.findings.words: the pelvis marker's quality line and what its level means."""

from __future__ import annotations

from vidgait.findings.words import MARKER_MIN_SEEN, marker_quality_text, marker_zero_text


def test_marker_quality_names_the_share_and_why_frames_were_missed():
    text = marker_quality_text({"seen_share": 0.9, "size_mm": 100.0, "zero": "standing",
                                "frames": {"measured": 180, "jump": 4, "too_oblique": 16}})
    assert text.startswith("pelvis marker (100 mm): measured in 90 % of the 200 walking frames")
    assert "(16 turned away, 4 rejected as a jump)" in text
    assert text.endswith("level from standing still")


def test_marker_quality_under_the_limit_says_no_pelvic_drop_and_what_to_do():
    share = MARKER_MIN_SEEN - 0.05
    text = marker_quality_text({"seen_share": share, "size_mm": 120.0, "zero": "walk_mean",
                                "frames": {"measured": 75, "not_found": 25}})
    assert f"under the {100 * MARKER_MIN_SEEN:.0f} % a pelvic drop needs" in text
    assert "facing the camera" in text and "level from" not in text


def test_the_zero_is_said_with_its_consequence():
    assert "standing still" in marker_zero_text("standing")
    walk = marker_zero_text("walk_mean")
    assert "reads smaller" in walk and "stand still for 2 s" in walk
