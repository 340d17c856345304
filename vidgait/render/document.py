"""The printable gait report, as a self-contained HTML page and as a PDF.

Both are built from the same :func:`report_sections` (headline cards, spatiotemporal table,
summary, recording advice, gait-cycle figures with the description of their normal reference), so
they show the same numbers as ``report.json``. The HTML embeds its figures as inline SVG and needs
no network; the PDF is written with fpdf2 (pure Python) and matplotlib PNGs.
"""

from __future__ import annotations

import datetime as _dt
import html
from dataclasses import dataclass, field
from typing import Any

from vidgait.render.figures import available_curves, band_description, cycle_image
from vidgait.render.headline import (
    Card,
    headline_cards,
    injured_side_wording,
    quality_advice,
    spatiotemporal_rows,
)

DISCLAIMER = ("Measured from an ordinary video with a single camera: a decision aid for a "
              "clinician, not a diagnosis. Sides are the patient's anatomical left and right.")


@dataclass
class ReportSections:
    """Everything the printable report shows, computed once from the report dict.

    Attributes
    ----------
    title : str
    meta : list of (label, value)
        Patient ID, date, clips, views, frames found.
    cards : list of Card
    table : list of dict
        :func:`~vidgait.render.headline.spatiotemporal_rows`.
    summary : list of str
        ``report["summary"]``, else the report's flags.
    advice : list of str
        Recording-quality warnings with what to do.
    curves : list of str
        Angles with gait-cycle curves.
    bands : list of str
        What the grey reference in the figures is and where it comes from.
    """

    title: str
    meta: list[tuple[str, str]]
    cards: list[Card]
    table: list[dict[str, Any]]
    summary: list[str]
    advice: list[str]
    curves: list[str]
    bands: list[str] = field(default_factory=list)


def _summary(report: dict[str, Any]) -> list[str]:
    items = report.get("summary") or []
    if not items:
        items = report.get("flags") or []
    return [s if isinstance(s, str) else "; ".join(f"{k}: {v}" for k, v in s.items())
            for s in items]


def report_sections(report: dict[str, Any], *, patient_id: str | None = None,
                    injured_side: str | None = None,
                    when: _dt.datetime | None = None) -> ReportSections:
    """Collect the printable content of ``report``.

    Parameters
    ----------
    report : dict
        From :func:`vidgait.report.build_report`.
    patient_id : str, optional
        Shown in the header when given.
    injured_side : {"left", "right"}, optional
        The clinician's reported injured side: used in one sentence of wording only.
    when : datetime, optional
        Date printed in the header (default: now).
    """
    when = when or _dt.datetime.now()
    q = report["quality"]
    meta = [("Patient", patient_id or "-"), ("Date", when.strftime("%Y-%m-%d %H:%M")),
            ("Clips", ", ".join(i["source"] for i in report["inputs"]) or "-"),
            ("Views found", ", ".join(report["view"]) or "none"),
            ("Person found in", f"{100 * q['detected_fraction']:.0f} % of {q['frames']} frames"),
            ("Height", f"{report['height_cm']:g} cm" if report.get("height_cm") else "not given"),
            ("Generator", report["generator"])]
    summary = _summary(report)
    wording = injured_side_wording(report, injured_side)
    if wording:
        summary = [wording, *summary]
    curves = available_curves(report)
    return ReportSections("Gait report", meta, headline_cards(report), spatiotemporal_rows(report),
                          summary, quality_advice(report), curves, band_description(curves))


#: styles of the headline cards (shared with the dashboard)
CARD_CSS = """
.vg-card{border:1px solid #ccc;border-radius:6px;padding:8px 10px;break-inside:avoid}
.vg-card .t{font-size:.85em;color:#555}.vg-card .v{font-size:1.25em;font-weight:600;margin:4px 0}
.vg-card .n{font-size:.75em;color:#666}.vg-card .x{font-size:.75em;color:#444;margin-top:3px}
.vg-card.out{border-color:#d9480f;background:#fff4e6}.vg-card.out .v{color:#d9480f}
table.st{border-collapse:collapse;width:100%;font-size:.9em}
table.st td,table.st th{border:1px solid #ccc;padding:3px 6px;text-align:left}
td.out{color:#d9480f;font-weight:600}
"""
_CSS = CARD_CSS + """
body{font-family:system-ui,Helvetica,Arial,sans-serif;margin:24px;color:#222;max-width:1000px}
h1{margin-bottom:4px} h2{border-bottom:1px solid #ccc;padding-bottom:2px;margin-top:24px}
.meta td{padding:1px 12px 1px 0} .cards{display:grid;grid-template-columns:repeat(3,1fr);gap:10px}
.figs{display:grid;grid-template-columns:1fr 1fr;gap:8px}
.figs svg{width:100%;height:auto} .small{font-size:.8em;color:#555}
@media print{body{margin:8mm} h2{break-after:avoid}}
"""


def card_html(card: Card) -> str:
    """One headline card as HTML (class ``out`` when outside its normal range).

    Parameters
    ----------
    card : Card
        The headline card.
    """
    e = html.escape
    cls = "vg-card out" if card.outside else "vg-card"
    flag = " (outside normal range)" if card.outside else ""
    note = f'<div class="x">{e(card.note)}</div>' if card.note else ""
    return (f'<div class="{cls}" data-key="{e(card.key)}"><div class="t">{e(card.title)}{flag}'
            f'</div><div class="v">{e(card.value)}</div><div class="n">normal: {e(card.normal)}'
            f"</div>{note}</div>")


def table_html(rows: list[dict[str, Any]]) -> str:
    """The spatiotemporal table as HTML.

    Parameters
    ----------
    rows : list of dict
        The rows of :func:`~vidgait.render.headline.spatiotemporal_rows`.
    """
    e = html.escape
    head = ("<tr><th>Parameter</th><th>Left</th><th>Right</th><th>Symmetry</th>"
            "<th>Normal range</th></tr>")
    body = []
    for r in rows:
        cells = [f"<td>{e(r['parameter'])}</td>"]
        cells += [f'<td class="out">{e(r[s])}</td>' if s in r["outside"] else f"<td>{e(r[s])}</td>"
                  for s in ("left", "right")]
        cells += [f"<td>{e(r['symmetry'])}</td>", f"<td>{e(r['normal'])}</td>"]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="st">{head}{"".join(body)}</table>'


def _list_html(items: list[str], empty: str) -> str:
    if not items:
        return f"<p>{html.escape(empty)}</p>"
    return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


def _svg(report: dict[str, Any], angle: str) -> str:
    svg = cycle_image(report, angle, fmt="svg").decode("utf-8")
    return svg[svg.index("<svg"):]  # drop the XML prolog and doctype for inline use


def render_html(report: dict[str, Any], **kwargs: Any) -> str:
    """The printable report as one self-contained HTML page (inline SVG, no network).

    Parameters
    ----------
    report : dict
        From :func:`vidgait.report.build_report`.
    **kwargs
        ``patient_id``, ``injured_side``, ``when``: see :func:`report_sections`.

    Returns
    -------
    str
    """
    s = report_sections(report, **kwargs)
    e = html.escape
    meta = "".join(f"<tr><td><b>{e(k)}</b></td><td>{e(v)}</td></tr>" for k, v in s.meta)
    figs = "".join(f"<div>{_svg(report, a)}</div>" for a in s.curves)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{e(s.title)}</title><style>{_CSS}</style></head><body>
<h1>{e(s.title)}</h1><p class="small">{e(DISCLAIMER)}</p><table class="meta">{meta}</table>
<h2>Headline</h2><div class="cards">{"".join(card_html(c) for c in s.cards)}</div>
<h2>Findings</h2>{_list_html(s.summary, "No findings beyond the numbers above.")}
<h2>Spatiotemporal parameters</h2>{table_html(s.table)}
<p class="small">SI = 100 (R - L) / (0.5 (R + L)) (Robinson 1987), 95 % bootstrap interval.</p>
<h2>Gait-cycle curves</h2><div class="figs">{figs or "<p>No gait cycle was measurable.</p>"}</div>
{_list_html(s.bands, "")}
<h2>Recording quality</h2>{_list_html(s.advice, "No recording problems found.")}
</body></html>"""


def _latin1(text: str) -> str:
    """fpdf2's core fonts are Latin-1: replace anything else."""
    return text.encode("latin-1", "replace").decode("latin-1")


def _pdf_cards(pdf: Any, cards: list[Card]) -> None:
    for c in cards:
        pdf.set_font("Helvetica", "B", 10)
        pdf.set_text_color(217, 72, 15) if c.outside else pdf.set_text_color(0, 0, 0)
        flag = "  (outside normal range)" if c.outside else ""
        pdf.multi_cell(0, 5, _latin1(f"{c.title}: {c.value}{flag}"), new_x="LMARGIN",
                       new_y="NEXT")
        pdf.set_text_color(90, 90, 90)
        pdf.set_font("Helvetica", "", 8)
        pdf.multi_cell(0, 4, _latin1(f"normal: {c.normal}" + (f". {c.note}" if c.note else "")),
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.set_text_color(0, 0, 0)


def _pdf_table(pdf: Any, rows: list[dict[str, Any]]) -> None:
    pdf.set_font("Helvetica", "", 8)
    with pdf.table(col_widths=(40, 18, 18, 55, 59), text_align="LEFT") as table:
        table.row(["Parameter", "Left", "Right", "Symmetry", "Normal range"])
        for r in rows:
            table.row([_latin1(str(r[k])) for k in ("parameter", "left", "right", "symmetry",
                                                     "normal")])


def _pdf_list(pdf: Any, title: str, items: list[str], empty: str) -> None:
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for item in items or [empty]:
        pdf.multi_cell(0, 4.5, _latin1(f"- {item}"), new_x="LMARGIN", new_y="NEXT")


def render_pdf(report: dict[str, Any], **kwargs: Any) -> bytes:
    """The printable report as PDF bytes (fpdf2 + matplotlib, headless, no browser).

    Parameters
    ----------
    report : dict
        From :func:`vidgait.report.build_report`.
    **kwargs
        ``patient_id``, ``injured_side``, ``when``: see :func:`report_sections`.

    Returns
    -------
    bytes
    """
    import io

    from fpdf import FPDF

    s = report_sections(report, **kwargs)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, s.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(0, 4, _latin1(DISCLAIMER), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for k, v in s.meta:
        pdf.cell(0, 4.5, _latin1(f"{k}: {v}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, "Headline", new_x="LMARGIN", new_y="NEXT")
    _pdf_cards(pdf, s.cards)
    _pdf_list(pdf, "Findings", s.summary, "No findings beyond the numbers above.")
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, "Spatiotemporal parameters", new_x="LMARGIN", new_y="NEXT")
    _pdf_table(pdf, s.table)
    if s.curves:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, "Gait-cycle curves", new_x="LMARGIN", new_y="NEXT")
        for i, angle in enumerate(s.curves):
            x = 10 + (i % 2) * 95
            if i % 2 == 0 and i:
                pdf.ln(52)
            pdf.image(io.BytesIO(cycle_image(report, angle, dpi=150)), x=x, y=pdf.get_y(), w=93)
        pdf.ln(56)
        pdf.set_font("Helvetica", "", 8)
        for line in s.bands:
            pdf.multi_cell(0, 4, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    _pdf_list(pdf, "Recording quality", s.advice, "No recording problems found.")
    return bytes(pdf.output())
