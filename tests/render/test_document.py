"""The PDF and HTML reports show the numbers of report.json."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from vidgait.render.document import render_html, render_pdf
from vidgait.render.figures import available_curves
from vidgait.report import value

SIDES = ("left", "right")


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def _expected_numbers(report: dict) -> list[str]:
    """Headline numbers from report.json, formatted as the reports print them (1 decimal)."""
    st = report["spatiotemporal"]
    vals = [st["cadence_steps_per_min"], report["limp"]["index"]]
    vals += [value(st[s], "stance_pct") for s in SIDES]
    vals += [value(report["knee"][s], "knee_peak_swing_flexion_deg") for s in SIDES]
    vals += [value(report["pelvis"][s], "pelvic_drop_deg") for s in SIDES]
    vals += [value(report["trunk"][s], "trunk_lean_over_stance_deg") for s in SIDES]
    return [f"{v:.1f}" for v in vals if v is not None]


@pytest.mark.parametrize("fixture", ["limp_side_report", "trend_front_report",
                                     "trend_front_marker_report"])
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
    assert "http" not in page.split("<svg")[0]  # self-contained
    # the figures: none for a front clip without the marker (its only curve, the hip landmarks'
    # obliquity, is not the pelvis's)
    assert ("<svg" in page) == bool(available_curves(report))


def test_a_front_clip_without_the_marker_names_it(trend_front_report: dict) -> None:
    """PDF and HTML: no pelvic drop number from the hips; the marker, how to print and wear it,
    the trunk lean's numbers, and no pelvic obliquity figure.
    """
    pdf = " ".join(_pdf_text(render_pdf(trend_front_report)).split())
    page = render_html(trend_front_report)
    for text in (pdf, page):
        assert "needs the pelvis marker" in text and "vidgait marker -o marker.pdf" in text
        assert "sacrum" in text and "Pelvic obliquity" not in text
        for s in SIDES:
            lean = value(trend_front_report["trunk"][s], "trunk_lean_over_stance_deg")
            assert f"{lean:.1f}" in text
