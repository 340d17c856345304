"""The printable pelvis marker as a PDF: page 1 holds the AprilTag card at true scale (vector
rectangles, so it prints sharp), its cut line, its id and size, and a 100 mm scale bar to check
the print with a ruler; page 2 says how to wear the marker and how to record the walk.

The geometry comes from :func:`vidgait.marker.layout.sheet_layout`; this module only draws it.
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import PathPaintRule
from fpdf.prefs import ViewerPreferences

from vidgait.marker.layout import (
    DEFAULT_SIZE_MM,
    FAMILY,
    LABEL_MM,
    PAGE_MARGIN_MM,
    TAG_ROLES,
    SheetLayout,
    sheet_layout,
)

#: how to wear the marker, one item a line
FITTING = (
    "Cut the card out along the dashed line and make it rigid: glue it onto stiff cardboard or "
    "clip it to a clipboard. It must stay flat and unbent; a bent tag reads a wrong angle.",
    "Hold it with a non-elastic belt or strap, tight enough that the card cannot bounce, swing "
    "or tilt on its own.",
    "Centre the card on the sacrum at the level of the posterior superior iliac spines (the two "
    "dimples above the buttocks), midway between them.",
    "The patient wears shorts or clothing with a tight waistband, so that the card rests on the "
    "pelvis and not on loose cloth.",
    "Keep the tag upright (the strip with its id at the bottom), flat against the body, and "
    "uncovered: no shirt, hair or hands over it.",
    "Tag 1 (printed with id 1) is for a front view: worn the same way, centred on the front of "
    "the pelvis between the two front hip bones.",
)
#: how to record a walk for the pelvis, one item a line
PROTOCOL = (
    "Put the camera behind the patient at pelvis height (a tripod or a steady shelf), pointing "
    "straight along the walkway; hold the phone still, do not follow the patient.",
    "The patient walks straight away from the camera, between 3 and 8 m from it.",
    "Record at 60 fps when the phone offers it (otherwise 30 fps).",
    "Record at least 8 strides per side: if the room is short, walk several passes, turning at "
    "the far end and walking back to the start each time.",
    "Start with a few seconds of the patient standing still, facing away from the camera, feet "
    "apart as usual: this is the level reference.",
    "Keep the whole body in view, head to feet, for the whole clip.",
    "Use good, even light; avoid a bright window behind the patient and glare on the card "
    "(matte paper helps).",
    "No one else in the picture.",
)
NEXT_STEPS = ("This version prints the marker. Reading the marker in a video, and the pelvic "
              "drop measured from it, come in a later version of vidgait; clips recorded as "
              "above will be ready for it.")


def _title(pdf: FPDF, lay: SheetLayout) -> None:
    tag = lay.tag
    pdf.set_xy(PAGE_MARGIN_MM, PAGE_MARGIN_MM)
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 7, f"vidgait pelvis marker - tag {tag.tag_id} ({TAG_ROLES[tag.tag_id]})",
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 4, f"Print at 100 % ('Actual size'), never 'Fit to page', then check "
                         f"with a ruler: black square {tag.size_mm:g} mm, scale bar 100 mm.\n"
                         f"Cut along the dashed line. Wearing it and recording the walk: page 2.")


def _card(pdf: FPDF, lay: SheetLayout) -> None:
    x, y, w, h = lay.card_mm
    pdf.set_draw_color(90)
    pdf.set_line_width(0.3)
    pdf.set_dash_pattern(dash=2.0, gap=1.5)
    pdf.rect(x, y, w, h)
    pdf.set_dash_pattern()
    # one path filled once: the union of the black cells, without the hairline seams that
    # separately filled neighbours show in some viewers and printers
    with pdf.new_path() as path:
        path.style.fill_color = "#000000"
        path.style.stroke_color = None
        path.style.paint_rule = PathPaintRule.FILL_NONZERO
        for rx, ry, rw, rh in lay.tag.black_runs():
            path.rectangle(rx, ry, rw, rh)
    pdf.set_font("Helvetica", "", 8)
    pdf.set_xy(x, lay.label_y_mm)
    pdf.cell(w, LABEL_MM - 1, f"AprilTag {FAMILY} id {lay.tag.tag_id} - black square "
                              f"{lay.tag.size_mm:g} mm - this strip at the bottom", align="C")


def _scale_bar(pdf: FPDF, lay: SheetLayout) -> None:
    x0, y, length = lay.scale_bar_mm
    pdf.set_draw_color(0)
    pdf.set_font("Helvetica", "", 8)
    pdf.set_xy(x0, y - 9)
    pdf.cell(length, 4, f"Scale bar: {length:g} mm from 0 to {length:g}", align="C")
    pdf.set_line_width(0.25)
    pdf.line(x0, y, x0 + length, y)
    for mm in range(round(length) + 1):
        tick = 5.0 if mm % 10 == 0 else 3.5 if mm % 5 == 0 else 2.0
        pdf.set_line_width(0.25 if mm % 10 == 0 else 0.15)
        pdf.line(x0 + mm, y, x0 + mm, y + tick)
        if mm % 10 == 0:
            pdf.set_xy(x0 + mm - 5, y + 5.5)
            pdf.cell(10, 3.5, str(mm), align="C")


def _instructions(pdf: FPDF) -> None:
    pdf.add_page()
    pdf.set_xy(PAGE_MARGIN_MM, PAGE_MARGIN_MM)
    for heading, items in (("Wearing the marker", FITTING), ("Recording the walk", PROTOCOL)):
        pdf.set_font("Helvetica", "B", 13)
        pdf.cell(0, 9, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        for k, item in enumerate(items, 1):
            pdf.multi_cell(0, 5, f"{k}. {item}", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        pdf.ln(3)
    pdf.set_font("Helvetica", "I", 10)
    pdf.multi_cell(0, 5, NEXT_STEPS, new_x="LMARGIN", new_y="NEXT")


def marker_pdf(*, paper: str = "a4", size_mm: float = DEFAULT_SIZE_MM, tag_id: int = 0) -> bytes:
    """The printable marker sheet: the tag card at true scale, a scale bar and the instructions.

    Parameters
    ----------
    paper : str
        ``"a4"`` (210 x 297 mm) or ``"letter"`` (215.9 x 279.4 mm).
    size_mm : float
        The side of the tag's black square when printed at 100 %, mm (40 mm up to the largest
        that fits the paper, about 148 mm on A4).
    tag_id : int
        0: the rear tag, worn on the sacrum; 1: a second tag for a front view.

    Returns
    -------
    bytes
        The PDF (two pages).

    Raises
    ------
    vidgait.errors.MarkerError
        An unknown paper or tag id, or a size that is too small or does not fit the paper (also
        a ``ValueError``).
    """
    lay = sheet_layout(paper=paper, size_mm=size_mm, tag_id=tag_id)
    pdf = FPDF(unit="mm", format=lay.page_mm)
    pdf.set_title(f"vidgait pelvis marker, AprilTag {FAMILY} id {tag_id}, {size_mm:g} mm")
    pdf.set_creator("vidgait")
    pdf.viewer_preferences = ViewerPreferences(print_scaling="None")  # ask for 100 %
    pdf.set_margins(PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    _title(pdf, lay)
    _card(pdf, lay)
    _scale_bar(pdf, lay)
    pdf.set_auto_page_break(True, margin=PAGE_MARGIN_MM)
    _instructions(pdf)
    return bytes(pdf.output())
