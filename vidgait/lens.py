"""The camera lens vidgait assumes when a video says nothing about it, as a pinhole model.

A phone's main camera filming 16:9 video has a vertical field of view of about 40 deg held in
landscape (a ~26 mm-equivalent lens); held in portrait the same lens sees the long side vertically,
about 66 deg. These two values are an ASSUMPTION, not a calibration: where a container or the user
gives the field of view, pass it instead. :func:`pinhole` turns a frame size and a field of view
into the focal lengths and principal point (pixels) that the marker's pose
(:mod:`vidgait.marker.detect`) and the floor geometry of the kinematics core
(:mod:`vidgait.kinematics.floor`) use. Pure math: no image, no video.

Pixel coordinates come in two conventions, chosen with ``origin``:

* ``"corner"``: measured from the top-left CORNER of the frame, so pixel ``(i, j)`` covers
  ``[i, i+1) x [j, j+1)`` and the image centre is ``(W/2, H/2)``: MediaPipe's landmarks times the
  frame size, and the synthetic walker's camera (:mod:`vidgait.synth.camera`).
* ``"centre"``: measured from the CENTRE of the top-left pixel (OpenCV), image centre
  ``((W-1)/2, (H-1)/2)``.
"""

from __future__ import annotations

import math
from typing import Literal, NamedTuple

#: default vertical field of view of a phone's main camera filming landscape 16:9, deg (an
#: ASSUMPTION used when the container says nothing about the lens: a ~26 mm-equivalent lens)
LANDSCAPE_VFOV_DEG = 40.0
#: the same lens filming portrait (the long side vertical): 2 atan(tan(20 deg) 16/9), deg
PORTRAIT_VFOV_DEG = math.degrees(2.0 * math.atan(math.tan(math.radians(LANDSCAPE_VFOV_DEG / 2))
                                                 * 16.0 / 9.0))


#: the diagonal of the 35 mm film frame (36 x 24 mm) that "35 mm equivalent" focal lengths refer
#: to, mm
FULL_FRAME_DIAGONAL_MM = math.hypot(36.0, 24.0)


def vertical_fov_from_35mm(width: int, height: int, focal_35mm: float) -> float:
    """The vertical field of view of a lens given as a 35 mm-equivalent focal length (what an
    iPhone's video records in its metadata), deg.

    The equivalence is by the diagonal: the frame's diagonal sees what a 43.3 mm diagonal sees
    through a lens of ``focal_35mm`` mm.

    Parameters
    ----------
    width, height : int
        The upright frame's size, px.
    focal_35mm : float
        The 35 mm-equivalent focal length, mm.

    Returns
    -------
    float
        Degrees.
    """
    f_px = focal_35mm * math.hypot(width, height) / FULL_FRAME_DIAGONAL_MM
    return math.degrees(2.0 * math.atan(0.5 * height / f_px))


class Pinhole(NamedTuple):
    """A pinhole camera without distortion, in pixels.

    Attributes
    ----------
    fx, fy : float
        Focal lengths, px.
    cx, cy : float
        Principal point, px (in the convention it was made with, see :func:`pinhole`).
    """

    fx: float
    fy: float
    cx: float
    cy: float


def default_vertical_fov(width: int, height: int) -> float:
    """The assumed phone lens's vertical field of view for a frame of this shape, deg.

    Parameters
    ----------
    width, height : int
        The upright frame's size, px.

    Returns
    -------
    float
        :data:`PORTRAIT_VFOV_DEG` for a portrait frame (taller than wide), else
        :data:`LANDSCAPE_VFOV_DEG`.
    """
    return PORTRAIT_VFOV_DEG if height > width else LANDSCAPE_VFOV_DEG


def pinhole(width: int, height: int, vertical_fov_deg: float | None = None, *,
            origin: Literal["corner", "centre"] = "corner") -> Pinhole:
    """Square pixels and a centred principal point from a frame size and a field of view.

    Parameters
    ----------
    width, height : int
        The upright frame's size, px.
    vertical_fov_deg : float, optional
        The vertical field of view, deg. Default: the ASSUMED phone main camera,
        :func:`default_vertical_fov` (40 deg landscape, about 66 deg portrait).
    origin : {"corner", "centre"}
        Where pixel coordinates start (module notes): ``"corner"`` gives the principal point
        ``(W/2, H/2)``, ``"centre"`` ``((W-1)/2, (H-1)/2)``.

    Returns
    -------
    Pinhole
        ``fx = fy = (H/2) / tan(vfov/2)``, px.
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"frame size must be positive, got {width}x{height}")
    if vertical_fov_deg is None:
        vertical_fov_deg = default_vertical_fov(width, height)
    if not 0.0 < vertical_fov_deg < 180.0:
        raise ValueError(f"vertical field of view must be in (0, 180) deg, got {vertical_fov_deg}")
    f = (height / 2.0) / math.tan(math.radians(vertical_fov_deg) / 2.0)
    shift = 0.5 if origin == "centre" else 0.0
    return Pinhole(f, f, width / 2.0 - shift, height / 2.0 - shift)


__all__ = ["LANDSCAPE_VFOV_DEG", "PORTRAIT_VFOV_DEG", "Pinhole", "default_vertical_fov",
           "pinhole"]
