"""vidgait.marker: the PDF's page size, the tag drawn at true scale and decodable, the scale
bar, the instructions, the refusals, and the ``vidgait marker`` command.

The PDF's first page is rasterized here from its own content stream (its filled rectangles and
stroked lines, which is all the tag and the scale bar are made of), so the checks read what a
printer would print, not only the layout the writer was given.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from vidgait.cli import main
from vidgait.errors import InputError, MarkerError
from vidgait.marker import (
    MIN_SIZE_MM,
    PAPERS,
    largest_size_mm,
    marker_pdf,
    sheet_layout,
)

PT_MM = 25.4 / 72.0
PX_PER_MM = 4


@dataclass
class Page:
    """Page 1 of a PDF as shapes in mm from the top-left corner."""

    size_mm: tuple[float, float]
    filled: list[tuple[float, float, float, float, float]] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)
    outlined: list[tuple[float, float, float, float, float]] = field(default_factory=list)
    text: str = ""


def _mul(m: tuple, n: tuple) -> tuple:
    """The PDF matrix product ``m x n`` of two ``[a b c d e f]`` matrices."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s,
            e * p + f * r + t, e * q + f * s + u)


def _read(data: bytes, page: int = 0) -> Page:
    """A page's filled rectangles and stroked lines, in mm from its top-left corner (the
    subset of PDF that the marker sheet uses: q/Q, cm, g, re, m, l, fill and stroke).
    """
    reader = PdfReader(io.BytesIO(data))
    pg = reader.pages[page]
    w_pt, h_pt = float(pg.mediabox.width), float(pg.mediabox.height)
    out = Page((w_pt * PT_MM, h_pt * PT_MM), text=pg.extract_text())
    ctm, gray, stack = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), 0.0, []
    rects, path, point = [], [], None

    def mm(x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = ctm
        return (a * x + c * y + e) * PT_MM, (h_pt - (b * x + d * y + f)) * PT_MM

    for operands, op in ContentStream(pg.get_contents(), reader).operations:
        args = [float(a) for a in operands] if op in (b"g", b"re", b"m", b"l", b"cm") else []
        if op == b"q":
            stack.append((ctm, gray))
        elif op == b"Q":
            ctm, gray = stack.pop()
        elif op == b"cm":
            ctm = _mul(tuple(args), ctm)
        elif op == b"g":
            gray = args[0]
        elif op == b"re":
            x, y, w, h = args
            (x0, y0), (x1, y1) = mm(x, y), mm(x + w, y + h)
            rects.append((min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0), gray))
        elif op == b"m":
            point = mm(*args)
        elif op == b"l":
            end = mm(*args)
            path.append((*point, *end))
            point = end
        elif op in (b"f", b"f*", b"F"):
            out.filled += rects
            rects, path = [], []
        elif op in (b"S", b"n"):
            out.lines += path
            out.outlined += rects if op == b"S" else []
            rects, path = [], []
    return out


def _raster(page: Page) -> np.ndarray:
    """The page's filled shapes at PX_PER_MM: a pixel is painted when its centre is inside a
    shape (white paper, grey levels 0-255).
    """
    w, h = (round(v * PX_PER_MM) for v in page.size_mm)
    img = np.full((h, w), 255, np.uint8)
    centre = (np.arange(max(w, h)) + 0.5) / PX_PER_MM
    eps = 1e-6  # shapes of one path that abut leave no seam
    for x, y, rw, rh, gray in page.filled:
        cols = np.nonzero((centre[:w] >= x - eps) & (centre[:w] < x + rw + eps))[0]
        rows = np.nonzero((centre[:h] >= y - eps) & (centre[:h] < y + rh + eps))[0]
        if cols.size and rows.size:
            img[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1] = round(255 * gray)
    return img


def _detect(img: np.ndarray) -> tuple[list[int], list[np.ndarray]]:
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    det = cv2.aruco.ArucoDetector(
        cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_APRILTAG_36h11), params)
    corners, ids, _ = det.detectMarkers(img)
    return ([] if ids is None else ids.ravel().tolist()), [c.reshape(4, 2) for c in corners]


@pytest.mark.parametrize(("paper", "size"), [("a4", 120.0), ("letter", 120.0), ("a4", 40.0),
                                             ("letter", 150.0), ("a4", 87.5)])
@pytest.mark.parametrize("tag_id", [0, 1])
def test_the_printed_tag_decodes_with_its_id_and_measures_its_size(paper, size, tag_id):
    data = marker_pdf(paper=paper, size_mm=size, tag_id=tag_id)
    page = _read(data)
    ids, corners = _detect(_raster(page))
    assert ids == [tag_id]
    quad = corners[0] / PX_PER_MM  # mm
    sides = np.linalg.norm(quad - np.roll(quad, 1, axis=0), axis=1)
    assert np.all(np.abs(sides - size) < 0.5), sides
    lay = sheet_layout(paper=paper, size_mm=size, tag_id=tag_id)
    assert np.allclose(quad.min(axis=0), (lay.tag.x_mm, lay.tag.y_mm), atol=0.5)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_page_is_the_paper_at_true_scale(paper):
    data = marker_pdf(paper=paper)
    reader = PdfReader(io.BytesIO(data))
    for pg in reader.pages:
        size = (float(pg.mediabox.width) * PT_MM, float(pg.mediabox.height) * PT_MM)
        assert size == pytest.approx(PAPERS[paper], abs=0.05)
    assert PAPERS["a4"] == (210.0, 297.0) and PAPERS["letter"] == (215.9, 279.4)
    assert "/PrintScaling /None" in data.decode("latin-1")  # viewers are asked not to scale


def test_the_pdf_draws_exactly_the_layout_and_a_white_quiet_zone():
    lay = sheet_layout(paper="a4", size_mm=120.0, tag_id=0)
    page = _read(marker_pdf())
    black = sorted((round(x, 1), round(y, 1), round(w, 1), round(h, 1))
                   for x, y, w, h, g in page.filled if g == 0)
    assert black == sorted(tuple(round(v, 1) for v in r) for r in lay.tag.black_runs())
    assert lay.quiet_mm >= lay.tag.cell_mm - 1e-9  # at least one cell of white
    img = _raster(page)
    t = lay.tag
    q = round(t.cell_mm * PX_PER_MM)
    r0, c0 = round(t.y_mm * PX_PER_MM), round(t.x_mm * PX_PER_MM)
    n = round(t.size_mm * PX_PER_MM)
    ring = img[r0 - q:r0 + n + q, c0 - q:c0 + n + q].copy()
    ring[q:-q, q:-q] = 255
    assert ring.min() == 255  # nothing drawn in the quiet zone
    assert t.cells[0] == (True,) * 8 and all(row[0] and row[-1] for row in t.cells)


def test_the_cut_line_surrounds_the_card():
    lay = sheet_layout()
    x, y, w, h = lay.card_mm
    page = _read(marker_pdf())
    assert any(abs(r[0] - x) < 0.05 and abs(r[1] - y) < 0.05 and abs(r[2] - w) < 0.05
               and abs(r[3] - h) < 0.05 for r in page.outlined)
    assert "tag36h11 id 0" in page.text and "black square 120 mm" in page.text
    assert x > 0 and x + w < lay.page_mm[0]


def test_the_scale_bar_is_100_mm_with_a_tick_every_millimetre():
    lay = sheet_layout(paper="letter")
    page = _read(marker_pdf(paper="letter"))
    x0, y, length = lay.scale_bar_mm
    assert length == 100.0
    horizontal = [ln for ln in page.lines if abs(ln[1] - ln[3]) < 1e-6]
    bar = max(horizontal, key=lambda ln: abs(ln[2] - ln[0]))
    assert abs(bar[2] - bar[0]) == pytest.approx(100.0, abs=0.02)
    assert min(bar[0], bar[2]) == pytest.approx(x0, abs=0.02) and bar[1] == pytest.approx(y,
                                                                                         abs=0.02)
    ticks = sorted(ln[0] for ln in page.lines if abs(ln[0] - ln[2]) < 1e-6
                   and abs(ln[1] - y) < 0.02)
    assert len(ticks) == 101 and np.allclose(np.diff(ticks), 1.0, atol=0.02)
    assert "Scale bar: 100 mm" in page.text


def test_the_instructions_and_the_protocol_are_in_the_pdf():
    text = " ".join(_read(marker_pdf(), page=1).text.split())
    for words in ("rigid", "cardboard", "clipboard", "non-elastic belt",
                  "posterior superior iliac spines", "dimples", "tight waistband", "upright",
                  "unbent", "behind the patient at pelvis height", "between 3 and 8 m",
                  "60 fps", "at least 8 strides per side", "standing still",
                  "whole body in view", "good, even light", "No one else in the picture",
                  "later version"):
        assert words in text, words
    first = " ".join(_read(marker_pdf()).text.split())
    assert "Print at 100 %" in first and "Fit to page" in first


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"size_mm": MIN_SIZE_MM - 1}, "too small"),
    ({"size_mm": 160.0}, "does not fit on A4"),
    ({"size_mm": largest_size_mm("letter") + 1, "paper": "letter"}, "does not fit on LETTER"),
    ({"size_mm": math.nan}, "finite"),
    ({"size_mm": "big"}, "number of millimetres"),
    ({"tag_id": 2}, "must be 0 .rear. or 1 .front."),
    ({"tag_id": True}, "must be 0 .rear. or 1 .front."),
    ({"paper": "a3"}, "a4 or letter"),
])
def test_impossible_markers_are_refused_with_a_reason(kwargs, words):
    with pytest.raises(MarkerError, match=words) as info:
        marker_pdf(**kwargs)
    assert isinstance(info.value, ValueError) and isinstance(info.value, InputError)


def test_the_largest_size_fits_and_letter_is_shorter_but_wider():
    assert 140 < largest_size_mm("a4") < largest_size_mm("letter")
    for paper in PAPERS:
        lay = sheet_layout(paper=paper, size_mm=largest_size_mm(paper))
        x, y, w, h = lay.card_mm
        assert x >= 12 - 1e-9 and x + w <= lay.page_mm[0] - 12 + 1e-9
        assert y >= 12 + 14 and y + h < lay.scale_bar_mm[1] - 9  # title above, caption below
        assert lay.scale_bar_mm[1] + 11 <= lay.page_mm[1] - 12 + 1e-9
    assert sheet_layout(paper="LETTER").paper == "letter"


def test_the_command_writes_the_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "marker.pdf"
    assert main(["marker", "-o", str(out), "--paper", "letter", "--marker-size-mm", "100",
                 "--id", "1"]) == 0
    reader = PdfReader(out)
    assert len(reader.pages) == 2
    assert float(reader.pages[0].mediabox.width) * PT_MM == pytest.approx(215.9, abs=0.05)
    assert _detect(_raster(_read(out.read_bytes())))[0] == [1]
    assert "100 %" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["--marker-size-mm", "30"], ["--marker-size-mm", "500"],
                                  ["--id", "7"], ["--paper", "a5"]])
def test_the_command_refuses_bad_values_in_one_line(tmp_path, capsys, args):
    out = tmp_path / "m.pdf"
    assert main(["marker", "-o", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vidgait: ") and err.count("\n") == 1
    assert not out.exists()


def test_the_command_help_says_how_to_print(capsys):
    with pytest.raises(SystemExit) as info:
        main(["marker", "--help"])
    assert info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "100 % ('Actual size'" in text and "ruler" in text and "sacrum" in text
