"""The marker sheet's geometry as data, in millimetres from the page's top-left corner: the
AprilTag's cells and where they sit (:class:`TagLayout`), the card's cut line, the scale bar,
and the refusal of sizes that cannot be printed (:func:`sheet_layout`).

The PDF writer (:mod:`vidgait.marker.sheet`) draws exactly this data, and the tests rasterize it
and detect the tag in it, so what is printed and what is checked are one geometry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from vidgait.errors import MarkerError

#: paper sizes, (width, height) in mm, portrait
PAPERS: dict[str, tuple[float, float]] = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
#: the tags offered: id -> where it is worn
TAG_ROLES: dict[int, str] = {0: "rear, on the sacrum", 1: "front, for a front view"}
FAMILY = "tag36h11"
#: cells across the printed black square: 6 x 6 data cells inside a one-cell black border
CELLS = 8
#: smallest black square offered, mm: below it a phone 3-8 m away sees too few pixels per cell
MIN_SIZE_MM = 40.0
DEFAULT_SIZE_MM = 120.0
#: the page's margin that printers may leave blank, mm
PAGE_MARGIN_MM = 12.0
#: the title lines above the card, mm
TITLE_MM = 16.0
#: the strip of the card below the tag's quiet zone that carries its id and size, mm
LABEL_MM = 7.0
#: the gap between the card and the scale bar block, mm
GAP_MM = 8.0
#: the scale bar: its length, and the height of its block (caption, ticks, numbers), mm
SCALE_BAR_MM = 100.0
SCALE_BLOCK_MM = 22.0


@dataclass(frozen=True)
class TagLayout:
    """One printed AprilTag: its cells and its place on the page.

    Parameters
    ----------
    tag_id : int
        The tag's id in the 36h11 family.
    size_mm : float
        The side of the black square (border included), mm.
    x_mm, y_mm : float
        The black square's top-left corner, mm from the page's top-left corner.
    cells : tuple of tuple of bool
        ``CELLS`` rows of ``CELLS`` cells from the top row, left to right; True is black.
    """

    tag_id: int
    size_mm: float
    x_mm: float
    y_mm: float
    cells: tuple[tuple[bool, ...], ...]

    @property
    def cell_mm(self) -> float:
        """The side of one cell, mm."""
        return self.size_mm / CELLS

    def black_runs(self) -> list[tuple[float, float, float, float]]:
        """The black cells as rectangles ``(x, y, width, height)`` in mm, one per horizontal
        run of black cells in a row (fewer, larger shapes than one per cell).
        """
        out = []
        c = self.cell_mm
        for r, row in enumerate(self.cells):
            start = None
            for k, black in enumerate((*row, False)):
                if black and start is None:
                    start = k
                elif not black and start is not None:
                    out.append((self.x_mm + start * c, self.y_mm + r * c, (k - start) * c, c))
                    start = None
        return out


@dataclass(frozen=True)
class SheetLayout:
    """Everything placed on the marker page, mm from the page's top-left corner.

    Parameters
    ----------
    paper : str
        ``"a4"`` or ``"letter"``.
    page_mm : tuple of float
        The page's (width, height), mm.
    tag : TagLayout
        The tag.
    card_mm : tuple of float
        The cut line's rectangle (x, y, width, height), mm: the tag, its white quiet zone of at
        least one cell and the label strip below.
    label_y_mm : float
        The top of the label strip inside the card, mm.
    scale_bar_mm : tuple of float
        The scale bar's left end x, its baseline y and its length, mm.
    """

    paper: str
    page_mm: tuple[float, float]
    tag: TagLayout
    card_mm: tuple[float, float, float, float]
    label_y_mm: float
    scale_bar_mm: tuple[float, float, float]

    @property
    def quiet_mm(self) -> float:
        """The white margin between the black square and the cut line (smallest side), mm."""
        x, y, _, _ = self.card_mm
        return min(self.tag.x_mm - x, self.tag.y_mm - y)


def tag_cells(tag_id: int) -> tuple[tuple[bool, ...], ...]:
    """The tag's cells from OpenCV's AprilTag 36h11 dictionary, one pixel per cell.

    Parameters
    ----------
    tag_id : int
        The tag's id (0 or 1 are offered; any id of the family works here).

    Returns
    -------
    tuple of tuple of bool
        ``CELLS`` x ``CELLS`` cells, True black, border included.
    """
    import cv2

    family = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_APRILTAG_36h11)
    img = cv2.aruco.generateImageMarker(family, int(tag_id), CELLS, borderBits=1)
    return tuple(tuple(bool(v < 128) for v in row) for row in img)


def largest_size_mm(paper: str) -> float:
    """The largest black square that fits the paper with its card and the scale bar, mm.

    Parameters
    ----------
    paper : str
        ``"a4"`` or ``"letter"``.
    """
    w, h = PAPERS[_paper(paper)]
    # card width = size + 2 cells = size * (CELLS + 2) / CELLS
    by_width = (w - 2 * PAGE_MARGIN_MM) * CELLS / (CELLS + 2)
    by_height = ((h - 2 * PAGE_MARGIN_MM - TITLE_MM - LABEL_MM - GAP_MM - SCALE_BLOCK_MM)
                 * CELLS / (CELLS + 2))
    return min(by_width, by_height)


def _paper(paper: str) -> str:
    key = str(paper).strip().lower()
    if key not in PAPERS:
        raise MarkerError(f"paper must be {' or '.join(PAPERS)}, not {paper!r}")
    return key


def sheet_layout(*, paper: str = "a4", size_mm: float = DEFAULT_SIZE_MM,
                 tag_id: int = 0) -> SheetLayout:
    """Place the tag, its card and the scale bar on the page, or refuse what cannot print.

    Parameters
    ----------
    paper : str
        ``"a4"`` (210 x 297 mm) or ``"letter"`` (215.9 x 279.4 mm).
    size_mm : float
        The side of the tag's black square at true scale, mm (``MIN_SIZE_MM`` up to
        :func:`largest_size_mm` of the paper).
    tag_id : int
        0 (worn at the back, on the sacrum) or 1 (a second tag for a front view).

    Returns
    -------
    SheetLayout
        The page's geometry.

    Raises
    ------
    MarkerError
        An unknown paper or tag id, or a size below the minimum or too large for the paper.
    """
    key = _paper(paper)
    if isinstance(tag_id, bool) or not isinstance(tag_id, int | np.integer) or (
            int(tag_id) not in TAG_ROLES):
        raise MarkerError(f"tag id must be 0 (rear) or 1 (front), not {tag_id!r}")
    try:
        size = float(size_mm)
    except (TypeError, ValueError):
        raise MarkerError(f"marker size must be a number of millimetres, not {size_mm!r}") \
            from None
    if not math.isfinite(size):
        raise MarkerError(f"marker size must be a finite number of millimetres, not {size_mm}")
    if size < MIN_SIZE_MM:
        raise MarkerError(f"a {size_mm} mm marker is too small: the black square must be at "
                          f"least {MIN_SIZE_MM:g} mm for a phone a few metres away to read it")
    top = largest_size_mm(key)
    if size > top + 1e-9:
        raise MarkerError(f"a {size:g} mm marker does not fit on {key.upper()} paper with its "
                          f"white margin and scale bar: the largest is {math.floor(top):g} mm")
    w, h = PAPERS[key]
    cell = size / CELLS
    card_w = size + 2 * cell
    card_h = size + 2 * cell + LABEL_MM
    card_x = (w - card_w) / 2
    card_y = PAGE_MARGIN_MM + TITLE_MM
    tag = TagLayout(int(tag_id), size, card_x + cell, card_y + cell, tag_cells(int(tag_id)))
    bar_y = card_y + card_h + GAP_MM + SCALE_BLOCK_MM / 2
    return SheetLayout(key, (w, h), tag, (card_x, card_y, card_w, card_h),
                       card_y + size + 2 * cell, ((w - SCALE_BAR_MM) / 2, bar_y, SCALE_BAR_MM))
