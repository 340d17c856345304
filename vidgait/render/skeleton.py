"""The skeleton as it is drawn on a picture: one person's landmarks (pixels) in the patient's
side colours.

Colours follow the PATIENT's sides: left limbs blue, right limbs orange, midline white (RGB), so a
mirrored preview or a walker facing either way never confuses them. The annotated video
(:mod:`vidgait.render.annotate`) and the live overlay (:mod:`vidgait.live.draw`) both draw with
:func:`draw_skeleton`.
"""

from __future__ import annotations

import cv2
import numpy as np

from vidgait.landmarks import CONNECTIONS, side_of

#: RGB colours per side
COLOURS = {"left": (40, 120, 255), "right": (255, 140, 0), "centre": (235, 235, 235)}
_EDGE_SIDE = [side_of(a) if side_of(a) == side_of(b) else "centre" for a, b in CONNECTIONS]


def draw_skeleton(rgb: np.ndarray, image: np.ndarray, visibility: np.ndarray | None = None, *,
                  min_visibility: float = 0.3, thickness: int | None = None) -> np.ndarray:
    """Draw one person's landmarks (33, 2+ pixels) on ``rgb`` in place and return it.

    ``rgb`` is an (H, W, 3) uint8 RGB picture; ``thickness`` is the line width in pixels (default:
    2 px per 240 px of the picture's smaller side, at least 2). Landmarks that are NaN or below
    ``min_visibility`` are not drawn.

    Parameters
    ----------
    rgb : (H, W, 3) uint8
        The picture, drawn on in place.
    image : (33, 2+) float
        Image landmarks, px.
    visibility : (33,) float, optional
        Landmark visibility, 0-1.
    min_visibility : float
        Landmarks below this visibility (0-1) are not drawn.
    thickness : int, optional
        Line width, px.
    """
    h, w = rgb.shape[:2]
    th = thickness or max(2, round(min(h, w) / 240))
    ok = np.isfinite(image[:, :2]).all(axis=1)
    if visibility is not None:
        ok &= visibility >= min_visibility
    pts = np.nan_to_num(image[:, :2]).round().astype(np.int32)
    for (a, b), side in zip(CONNECTIONS, _EDGE_SIDE, strict=True):
        if ok[a] and ok[b]:
            cv2.line(rgb, tuple(pts[a]), tuple(pts[b]), COLOURS[side], th, cv2.LINE_AA)
    for i in np.flatnonzero(ok):
        cv2.circle(rgb, tuple(pts[i]), th + 1, COLOURS[side_of(int(i))], -1, cv2.LINE_AA)
    return rgb
