"""Finding the pelvis marker in one frame and its pose: :func:`detect_tag` reads an AprilTag
36h11 of known size from an image and a camera model (:class:`Intrinsics`) and returns a
:class:`TagObservation` (corners in px, pose in the camera frame in metres, roll and yaw in
degrees, distance in m) or a :class:`TagRefusal` saying why not.

A pure function of the image: OpenCV and numpy only, no video, no pipeline. Frames: the camera
frame is OpenCV's (x to image right, y to image down, z along the optical axis, metres); the tag
frame has x along its top edge to its right, y up the printed tag, z out of its printed face.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

# the assumed phone lens lives in vidgait.lens (shared with the kinematics core's floor
# geometry); its two fields of view stay importable from here
from vidgait.lens import LANDSCAPE_VFOV_DEG, PORTRAIT_VFOV_DEG, pinhole  # noqa: F401
from vidgait.marker.layout import CELLS, DEFAULT_SIZE_MM

#: detector limit, px per cell: below it the cells blur into each other, the detector finds the
#: tag only now and then and its corners drift (measured on synthetic frames: none found under
#: ~2.2 px per cell; the roll's error reaches ~2 deg at 2.7 px per cell)
MIN_PX_PER_CELL = 2.5
#: detector limit, ratio of the shortest to the longest edge in the image: below it the tag is
#: turned too far from the camera (about 60 deg) for its corners to give a steady pose
MIN_EDGE_RATIO = 0.5
#: detector limit, px: a larger root-mean-square reprojection error means the four corners are
#: not the image of a flat square of the given size (a bent card, a wrong corner)
MAX_REPROJECTION_PX = 1.5
#: detector setting: the corner refinement's search window, px, and its cap as a share of one
#: cell (measured best on the synthetic frames: a window wider than half a cell slides onto
#: the neighbouring cells' corners at 5 m)
REFINE_WIN_PX = 5
REFINE_WIN_CELLS = 0.5
#: detector setting: the smallest marker perimeter looked for, as a share of the image's larger
#: side (OpenCV's default 0.03 would miss a 120 mm tag at 8 m before it could be refused)
MIN_PERIMETER_RATE = 0.01

RefusalReason = Literal["not_found", "too_small", "too_oblique", "reprojection"]


@dataclass(frozen=True)
class Intrinsics:
    """A pinhole camera without distortion, in pixels.

    Parameters
    ----------
    fx, fy : float
        Focal lengths, px.
    cx, cy : float
        Principal point, px from the top-left pixel's centre.
    assumed : bool
        True when the values come from an assumed field of view rather than a calibration or
        the file's metadata (distances then scale with the error of that assumption).
    """

    fx: float
    fy: float
    cx: float
    cy: float
    assumed: bool = True

    @classmethod
    def from_fov(cls, width: int, height: int, vertical_fov_deg: float | None = None, *,
                 assumed: bool = True) -> Intrinsics:
        """Square pixels and a centred principal point from a frame size and a field of view.

        Parameters
        ----------
        width, height : int
            The upright frame's size, px.
        vertical_fov_deg : float, optional
            The vertical field of view, deg. Default: an ASSUMED phone main camera,
            ``LANDSCAPE_VFOV_DEG`` (40 deg) for a landscape frame and ``PORTRAIT_VFOV_DEG``
            (about 66 deg, the same lens turned) for a portrait one.
        assumed : bool
            False when ``vertical_fov_deg`` comes from the video's metadata or a calibration;
            always True without it.

        Returns
        -------
        Intrinsics
        """
        fx, fy, cx, cy = pinhole(width, height, vertical_fov_deg, origin="centre")
        return cls(fx, fy, cx, cy, assumed=assumed or vertical_fov_deg is None)

    def matrix(self) -> np.ndarray:
        """The 3 x 3 camera matrix ``K``, px."""
        return np.array([[self.fx, 0.0, self.cx], [0.0, self.fy, self.cy], [0.0, 0.0, 1.0]])


@dataclass(frozen=True)
class TagObservation:
    """One tag found in one frame, with its pose.

    Parameters
    ----------
    tag_id : int
        The tag's id (36h11).
    corners_px : numpy.ndarray
        (4, 2) float, px in the full frame: the printed tag's top-left, top-right,
        bottom-right and bottom-left corners of the black square (AprilTag/OpenCV order).
    rvec, tvec : numpy.ndarray
        (3,) the tag frame's pose in the camera frame: a Rodrigues rotation (rad) and the
        black square's centre (m).
    roll_deg : float
        The tilt of the tag's top edge in the image plane, deg, from its pose (the edge's
        direction projected onto the camera's x-y plane, so the perspective of a tag off the
        image centre does not add to it): 0 when level, **+ when the tag's right end (image
        right; filmed from behind, the patient's right) is higher**.
    yaw_deg : float
        The turn of the tag about the camera's vertical axis, deg, from its pose (its top
        edge's direction projected onto the camera's x-z plane): 0 when square to the optical
        axis, **+ when its right end (image right) is farther from the camera than its left**.
        Near 0 deg a small tag's yaw is the least certain part of its pose (the two mirror
        solutions of a square's pose come close).
    distance_m : float
        The camera centre to the tag's centre, m.
    side_px : float
        The mean length of the four edges in the image, px.
    reprojection_px : float
        The root-mean-square distance between the found corners and those of the fitted pose,
        px.
    """

    tag_id: int
    corners_px: np.ndarray
    rvec: np.ndarray
    tvec: np.ndarray
    roll_deg: float
    yaw_deg: float
    distance_m: float
    side_px: float
    reprojection_px: float

    @property
    def px_per_cell(self) -> float:
        """The mean edge length divided by the tag's ``CELLS`` cells, px."""
        return self.side_px / CELLS


@dataclass(frozen=True)
class TagRefusal:
    """Why no usable tag came out of a frame.

    Parameters
    ----------
    reason : str
        ``"not_found"`` (no tag of that id), ``"too_small"`` (under ``MIN_PX_PER_CELL`` px per
        cell), ``"too_oblique"`` (edge ratio under ``MIN_EDGE_RATIO``) or ``"reprojection"``
        (corners not the image of a flat square: error over ``MAX_REPROJECTION_PX``).
    message : str
        The same for a person, with the measured figure.
    tag_id : int
        The id looked for.
    corners_px : numpy.ndarray or None
        (4, 2) px, the refused tag's corners when one was found.
    """

    reason: RefusalReason
    message: str
    tag_id: int
    corners_px: np.ndarray | None = None


def tag_object_points(size_mm: float) -> np.ndarray:
    """The black square's corners in the tag frame, m, in the order ``SOLVEPNP_IPPE_SQUARE``
    needs (top-left, top-right, bottom-right, bottom-left; y up the tag).

    Parameters
    ----------
    size_mm : float
        The black square's side, mm.

    Returns
    -------
    numpy.ndarray
        (4, 3) float, m.
    """
    h = size_mm / 2000.0
    return np.array([[-h, h, 0.0], [h, h, 0.0], [h, -h, 0.0], [-h, -h, 0.0]])


def roll_yaw_deg(rotation: np.ndarray) -> tuple[float, float]:
    """Roll and yaw of a tag from its rotation (see :class:`TagObservation` for the signs).

    Parameters
    ----------
    rotation : numpy.ndarray
        (3, 3) the tag frame's axes in the camera frame (columns), or a (3,) Rodrigues vector,
        rad.

    Returns
    -------
    tuple of float
        ``(roll_deg, yaw_deg)``, deg.
    """
    r = np.asarray(rotation, dtype=float)
    if r.shape != (3, 3):
        r = cv2.Rodrigues(r.reshape(3, 1))[0]
    x = r[:, 0]  # the top edge, left to right, in the camera frame
    return math.degrees(math.atan2(-x[1], x[0])), math.degrees(math.atan2(x[2], x[0]))


def _detector() -> cv2.aruco.ArucoDetector:
    params = cv2.aruco.DetectorParameters()
    # SUBPIX measured more accurate than APRILTAG refinement on the synthetic frames (roll
    # error at 5 m: max 0.7 deg against 1.3 deg), finds more tags at 8 m, and is ~5x faster
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    params.cornerRefinementWinSize = REFINE_WIN_PX
    params.relativeCornerRefinmentWinSize = REFINE_WIN_CELLS
    params.minMarkerPerimeterRate = MIN_PERIMETER_RATE
    family = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_APRILTAG_36h11)
    return cv2.aruco.ArucoDetector(family, params)


def _gray(image: np.ndarray) -> np.ndarray:
    img = np.asarray(image)
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY if img.shape[2] == 3 else cv2.COLOR_RGBA2GRAY)
    if img.dtype != np.uint8:
        img = np.clip(img, 0, 255).astype(np.uint8)
    return img


def detect_tags(gray_or_rgb: np.ndarray, *, tag_id: int = 0, size_mm: float = DEFAULT_SIZE_MM,
                camera: Intrinsics, search_box: tuple[float, float, float, float] | None = None
                ) -> list[TagObservation | TagRefusal]:
    """Every instance of tag ``tag_id`` in a frame, each with its pose or why it is refused.

    Parameters
    ----------
    gray_or_rgb : numpy.ndarray
        The upright frame: (H, W) grey or (H, W, 3) RGB, uint8.
    tag_id : int
        The tag to find (0: rear, 1: front); other ids in the frame are ignored.
    size_mm : float
        The printed black square's side, mm (what ``vidgait marker`` printed).
    camera : Intrinsics
        The camera model of the full frame (px), e.g. :meth:`Intrinsics.from_fov`.
    search_box : tuple of float, optional
        ``(x0, y0, x1, y1)``, px in the full frame: look only inside it (e.g. the walker's
        hips); only that part of the frame is converted to grey; corners are returned in
        full-frame pixels all the same.

    Returns
    -------
    list of TagObservation or TagRefusal
        One item per instance found (empty when there is none): two people wearing the same
        tag give two items.
    """
    found = _find(gray_or_rgb, tag_id, size_mm, camera, search_box)
    return [] if found is None else found[0]


def detect_tag(gray_or_rgb: np.ndarray, *, tag_id: int = 0, size_mm: float = DEFAULT_SIZE_MM,
               camera: Intrinsics, search_box: tuple[float, float, float, float] | None = None
               ) -> TagObservation | TagRefusal:
    """Find tag ``tag_id`` in a frame and fit its pose, or say why not.

    Parameters
    ----------
    gray_or_rgb : numpy.ndarray
        The upright frame: (H, W) grey or (H, W, 3) RGB, uint8.
    tag_id : int
        The tag to find (0: rear, 1: front); other ids in the frame are ignored.
    size_mm : float
        The printed black square's side, mm (what ``vidgait marker`` printed).
    camera : Intrinsics
        The camera model of the full frame (px), e.g. :meth:`Intrinsics.from_fov`.
    search_box : tuple of float, optional
        ``(x0, y0, x1, y1)``, px in the full frame: look only inside it (e.g. the walker's
        hips); corners are returned in full-frame pixels all the same.

    Returns
    -------
    TagObservation or TagRefusal
        The first instance's observation, or the refusal with its reason and message.
    """
    found = _find(gray_or_rgb, tag_id, size_mm, camera, search_box)
    if found is None:
        return TagRefusal("not_found", f"the search box {search_box} holds no image", tag_id)
    fits, seen = found
    if fits:
        return fits[0]
    others = f" (saw id {', '.join(map(str, seen))})" if seen else ""
    return TagRefusal("not_found", f"tag {tag_id} not found{others}", tag_id)


def _find(image: np.ndarray, tag_id: int, size_mm: float, camera: Intrinsics,
          search_box: tuple[float, float, float, float] | None
          ) -> tuple[list[TagObservation | TagRefusal], list[int]] | None:
    """One detection pass over the frame (or its search box, alone converted to grey): the fits
    of every copy of ``tag_id`` and the sorted distinct ids seen; None when the box holds less
    than a tag's cells.
    """
    img = np.asarray(image)
    x0 = y0 = 0
    if search_box is not None:
        h, w = img.shape[:2]
        bx0, by0, bx1, by1 = search_box
        x0, y0 = max(0, math.floor(bx0)), max(0, math.floor(by0))
        x1, y1 = min(w, math.ceil(bx1)), min(h, math.ceil(by1))
        if x1 - x0 < CELLS or y1 - y0 < CELLS:
            return None
        img = img[y0:y1, x0:x1]
    corners, ids, _ = _detector().detectMarkers(_gray(img))
    seen = [] if ids is None else [int(i) for i in ids.ravel()]
    fits = [_fit(c.reshape(4, 2).astype(float) + np.array([x0, y0]), tag_id, size_mm, camera)
            for c, i in zip(corners, seen, strict=True) if i == tag_id]
    return fits, sorted(set(seen))


def _fit(pts: np.ndarray, tag_id: int, size_mm: float, camera: Intrinsics
         ) -> TagObservation | TagRefusal:
    """The shape checks and the pose of one tag's four corners (px, full frame)."""
    edges = np.linalg.norm(pts - np.roll(pts, -1, axis=0), axis=1)
    side = float(edges.mean())
    if side / CELLS < MIN_PX_PER_CELL:
        return TagRefusal(
            "too_small", f"tag {tag_id} seen {side:.1f} px wide, {side / CELLS:.1f} px per "
            f"cell: at least {MIN_PX_PER_CELL:g} px per cell are needed (a larger tag, or the "
            "camera closer)", tag_id, pts)
    ratio = float(edges.min() / edges.max())
    if ratio < MIN_EDGE_RATIO:
        return TagRefusal(
            "too_oblique", f"tag {tag_id} seen too obliquely (shortest edge {ratio:.2f} of the "
            f"longest, under {MIN_EDGE_RATIO:g}): it is turned away from the camera",
            tag_id, pts)
    obj = tag_object_points(size_mm)
    k = camera.matrix()
    ok, rvec, tvec = cv2.solvePnP(obj, pts, k, None, flags=cv2.SOLVEPNP_IPPE_SQUARE)
    if not ok:
        return TagRefusal("reprojection", f"tag {tag_id}: no pose fits its corners", tag_id,
                          pts)
    back = cv2.projectPoints(obj, rvec, tvec, k, None)[0].reshape(4, 2)
    rms = float(np.sqrt(np.mean(np.sum((back - pts) ** 2, axis=1))))
    if rms > MAX_REPROJECTION_PX:
        return TagRefusal(
            "reprojection", f"tag {tag_id}: its corners are {rms:.1f} px from those of a flat "
            f"{size_mm:g} mm square (limit {MAX_REPROJECTION_PX:g} px): a bent card, a wrong "
            "size or a misread corner", tag_id, pts)
    roll, yaw = roll_yaw_deg(rvec)
    t = tvec.ravel()
    return TagObservation(tag_id, pts, rvec.ravel(), t, roll, yaw, float(np.linalg.norm(t)),
                          side, rms)
