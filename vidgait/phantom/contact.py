"""Where a flat card meets the rendered figure's back (pure numpy): the gap, along the card's
normal, between a rectangle in the lab and the figure's trunk ellipsoids and hip balls
(:func:`vidgait.phantom.figure.torso_ellipsoids`). :mod:`vidgait.phantom.card` rests the pelvis
marker on the figure with it; :func:`card_clearance` checks a worn card over a whole walk.
"""

from __future__ import annotations

import numpy as np

from vidgait.phantom.figure import BodyShape, torso_ellipsoids

#: samples across and along the rectangle (the gap between samples is smooth: a denser grid
#: changes it by under 0.1 mm, tests/phantom/test_card.py)
GRID = (21, 22)


def ray_gaps(origins: np.ndarray, direction: np.ndarray, centre: np.ndarray,
             axes: np.ndarray) -> np.ndarray:
    """Signed distances along rays to the first surface of ellipsoids, per frame.

    Parameters
    ----------
    origins : (T, N, 3) float
        Ray origins, m.
    direction : (T, 3) float
        Unit direction of every ray of a frame.
    centre, axes : (T, 3), (T, 3, 3) float
        The ellipsoids ``centre + axes @ s, |s| <= 1`` (columns of ``axes``: scaled semi-axes).

    Returns
    -------
    (T, N) float
        Distance from each origin to where its line first enters the ellipsoid, m (negative
        when the origin is past that point); inf when the line misses it.
    """
    inv = np.linalg.inv(axes)
    s0 = np.einsum("tij,tnj->tni", inv, origins - centre[:, None, :])
    s1 = np.einsum("tij,tj->ti", inv, direction)
    a = np.einsum("ti,ti->t", s1, s1)[:, None]
    b = np.einsum("tni,ti->tn", s0, s1)
    c = np.einsum("tni,tni->tn", s0, s0) - 1.0
    disc = b * b - a * c
    with np.errstate(invalid="ignore"):
        first = (-b - np.sqrt(disc)) / a
    return np.where(disc >= 0, first, np.inf)


def back_gap(centre: np.ndarray, axes: np.ndarray, outline_m: tuple[float, float, float, float],
             landmarks: np.ndarray, height_m: float, shape: BodyShape | None = None,
             grid: tuple[int, int] = GRID) -> np.ndarray:
    """Per frame, the smallest gap between a rectangle and the figure, along its normal.

    Parameters
    ----------
    centre : (T, 3) float
        The rectangle's reference point, lab m.
    axes : (T, 3, 3) float
        Its frame as columns: x and y in its plane, z its outward normal (away from the body).
    outline_m : (left, right, top, bottom)
        Its edges along x and y from the reference point, m.
    landmarks : (T, 33, 3) array_like
        The landmarks the figure is built on, lab m.
    height_m : float
        The body height the figure is built with, m.
    shape : BodyShape, optional
        The figure's proportions.
    grid : (int, int)
        Samples across and along the rectangle.

    Returns
    -------
    (T,) float
        Gap in metres; negative where the rectangle is inside the figure.
    """
    lm = np.asarray(landmarks, dtype=np.float64)
    left, right, top, bottom = outline_m
    gx, gy = np.meshgrid(np.linspace(left, right, grid[0]), np.linspace(bottom, top, grid[1]))
    origins = (centre[:, None, :] + gx.ravel()[None, :, None] * axes[:, None, :, 0]
               + gy.ravel()[None, :, None] * axes[:, None, :, 1])
    ells = [torso_ellipsoids(f, height_m, shape) for f in lm]
    gap = np.full(len(lm), np.inf)
    for name in ells[0]:
        c = np.array([e[name][0] for e in ells])
        a = np.array([e[name][1] * e[name][2][None, :] for e in ells])
        gap = np.minimum(gap, ray_gaps(origins, -axes[:, :, 2], c, a).min(axis=1))
    return gap


def card_clearance(track, landmarks: np.ndarray, height_m: float,
                   shape: BodyShape | None = None) -> np.ndarray:
    """Per frame, the smallest gap between a worn card's whole printed face and the figure's
    back, along the card's normal.

    Parameters
    ----------
    track : vidgait.phantom.card.CardTrack
        The worn card (its ``centre``, ``axes`` and ``placement.outline_mm()``).
    landmarks : (T, 33, 3) array_like
        The landmarks the figure is built on, lab m.
    height_m : float
        Body height the figure is built with, m.
    shape : BodyShape, optional
        The figure's proportions.

    Returns
    -------
    (T,) float
        Gap in metres: the placement's ``thickness_mm`` where the card rests on the figure,
        negative inside it.
    """
    outline = tuple(v / 1000.0 for v in track.placement.outline_mm())
    return back_gap(track.centre, track.axes, outline, landmarks, height_m, shape)
