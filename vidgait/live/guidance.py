"""Recording guidance: short instructions for the person holding the camera, from one frame.

Pure functions over the landmarks of the people found in a frame (pixels of the UPRIGHT frame,
as :class:`~vidgait.pose.tracking.Candidate` holds them) and simple frame statistics. No
mediapipe, cv2 or streamlit here, so every rule is unit-tested with generated landmarks.

Rules, in the order they are shown (the first ones make the others meaningless):

=====================  ====================================================================
code                   fires when
=====================  ====================================================================
``too_dark``           mean luma (ITU-R BT.601, 0-255) below :data:`DARK_LUMA`
``nobody``             no person found
``several_people``     more than one person found (after duplicate suppression)
``rotated``            the followed person's body axis (mid-hip -> mid-shoulder) is more than
                       :data:`ROTATED_DEG` from the image vertical: the camera is on its side
``feet_cut_off``       a heel or toe is outside the frame (or unseen)
``head_cut_off``       the nose is outside the frame (or unseen)
``too_close``          the body spans more than :data:`TOO_CLOSE_FRACTION` of the frame height,
                       or both head and feet are cut off
``too_far``            the body spans less than :data:`TOO_FAR_FRACTION` of the frame height
``wrong_view``         the view found by the kinematics core does not support the metric
                       chosen for biofeedback (e.g. knee peak flexion needs a side view)
=====================  ====================================================================

The size bounds are practical choices, not literature values: below ~30 % of the frame height a
720p body is ~200 px tall and MediaPipe's landmark noise (a few pixels) becomes a large angle
error; above ~90 % a single step takes the feet out of the frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from vidgait.landmarks import (
    L_FOOT,
    L_HEEL,
    L_HIP,
    L_SHOULDER,
    NOSE,
    R_FOOT,
    R_HEEL,
    R_HIP,
    R_SHOULDER,
)
from vidgait.pose.tracking import Candidate

#: mean luma (0-255) below which the picture is too dark for reliable landmarks
DARK_LUMA = 40.0
#: "several people" is shown when more than one person was found in at least the first number
#: of the last (second number) processed frames: a bystander stays, a one-frame ghost does not
SEVERAL_PEOPLE_FRAMES = (3, 5)
#: body height / frame height below which the person is too far away
TOO_FAR_FRACTION = 0.30
#: body height / frame height above which the person is too close
TOO_CLOSE_FRACTION = 0.90
#: body-axis tilt from the image vertical (degrees) beyond which the camera is rotated
ROTATED_DEG = 45.0
#: landmarks with a lower visibility count as not seen
MIN_VISIBILITY = 0.3
#: fraction of the frame size a landmark may lie outside the border and still count as inside
EDGE_TOLERANCE = 0.0

_FEET = (L_HEEL, R_HEEL, L_FOOT, R_FOOT)

#: views in which each biofeedback metric can be measured (None: any walking view)
METRIC_VIEWS: dict[str, tuple[str, ...] | None] = {
    "knee_peak_swing_flexion_deg": ("side",),
    "step_time_asymmetry_pct": None,
    "cadence_steps_per_min": None,
    "pelvic_drop_deg": ("away",),  # the pelvis marker on the sacrum, filmed from behind
}

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Advice:
    """One instruction for the person recording.

    Attributes
    ----------
    code : str
        Stable identifier (see the module table), for tests and translations.
    text : str
        Short instruction in plain English (ASCII, so it can be drawn with OpenCV fonts).
    level : {"error", "warning"}
        ``"error"``: no measurement is possible until it is fixed; ``"warning"``: the
        measurement runs but is less reliable.
    """

    code: str
    text: str
    level: Level


def mean_luma(rgb: np.ndarray, step: int = 4) -> float:
    """Mean luma of an RGB frame, 0-255 (ITU-R BT.601 weights).

    Parameters
    ----------
    rgb : (H, W, 3) uint8
        The frame.
    step : int
        Every ``step``-th pixel in both directions is used (the mean barely changes, the cost
        falls by ``step**2``).

    Returns
    -------
    float
        Mean luma in 0..255.
    """
    sub = rgb[::step, ::step].astype(np.float32)
    return float((sub @ np.array([0.299, 0.587, 0.114], np.float32)).mean())


def _seen(c: Candidate, idx: int | Sequence[int], width: int, height: int) -> np.ndarray:
    """True for landmarks inside the frame (with :data:`EDGE_TOLERANCE`) and visible enough."""
    idx = np.atleast_1d(np.asarray(idx))
    xy = c.image[idx, :2]
    tol_x, tol_y = EDGE_TOLERANCE * width, EDGE_TOLERANCE * height
    inside = ((xy[:, 0] >= -tol_x) & (xy[:, 0] <= width + tol_x)
              & (xy[:, 1] >= -tol_y) & (xy[:, 1] <= height + tol_y))
    return inside & np.isfinite(xy).all(axis=1) & (c.visibility[idx] >= MIN_VISIBILITY)


def body_axis_tilt_deg(c: Candidate) -> float:
    """Angle between the body axis (mid-hip -> mid-shoulder) and the image's up direction, degrees.

    0 for an upright person in an upright picture, 90 when the camera lies on its side, 180
    upside down.

    Parameters
    ----------
    c : Candidate
        One person's landmarks (image pixels).
    """
    hip = c.image[[L_HIP, R_HIP], :2].mean(axis=0)
    sh = c.image[[L_SHOULDER, R_SHOULDER], :2].mean(axis=0)
    v = sh - hip
    norm = float(np.linalg.norm(v))
    if not np.isfinite(norm) or norm < 1e-6:
        return float("nan")
    # image y points down: "up" is (0, -1)
    return float(np.degrees(np.arccos(np.clip(-v[1] / norm, -1.0, 1.0))))


def body_height_fraction(c: Candidate, height: int) -> float:
    """Vertical extent of the body (nose to the lowest foot point) / frame height.

    The nose lies ~0.1 body height below the top of the head; the head is added back with that
    fraction so an upright person who exactly fills the frame gives ~1.0. Landmarks outside the
    frame count where MediaPipe places them (it extrapolates), so an overflowing body gives > 1.

    Parameters
    ----------
    c : Candidate
        The person, pixels.
    height : int
        Frame height, pixels.

    Returns
    -------
    float
        Body height as a fraction of the frame height (NaN if the landmarks are missing).
    """
    nose_y = float(c.image[NOSE, 1])
    feet_y = float(np.nanmax(c.image[list(_FEET), 1]))
    span = feet_y - nose_y
    return span / 0.9 / height if np.isfinite(span) else float("nan")


def person_advice(c: Candidate, width: int, height: int) -> list[Advice]:
    """Framing advice for the followed person: rotation, cut-off head or feet, distance.

    Parameters
    ----------
    c : Candidate
        The followed person, pixels of the upright frame.
    width, height : int
        Frame size, pixels.

    Returns
    -------
    list of Advice
    """
    tilt = body_axis_tilt_deg(c)
    if np.isfinite(tilt) and tilt > ROTATED_DEG:
        return [Advice("rotated", "Camera rotated: hold it upright", "error")]
    out: list[Advice] = []
    feet_cut = not _seen(c, _FEET, width, height).all()
    head_cut = not _seen(c, NOSE, width, height).all()
    frac = body_height_fraction(c, height)
    if feet_cut:
        out.append(Advice("feet_cut_off", "Feet not in view: step back or tilt camera down",
                          "error"))
    if head_cut:
        out.append(Advice("head_cut_off", "Head not in view: step back or tilt camera up",
                          "warning"))
    if (feet_cut and head_cut) or (np.isfinite(frac) and frac > TOO_CLOSE_FRACTION):
        out.append(Advice("too_close", "Too close: move the camera further away", "error"))
    elif np.isfinite(frac) and frac < TOO_FAR_FRACTION:
        out.append(Advice("too_far", "Too far: move the camera closer", "warning"))
    return out


def view_advice(metric: str | None, view: str | None) -> list[Advice]:
    """Advice when the current view cannot measure the biofeedback metric.

    Parameters
    ----------
    metric : str or None
        A key of :data:`METRIC_VIEWS`, or None when no metric is chosen.
    view : str or None
        View of the latest walking pass found by the kinematics core (``"side"``, ``"toward"``,
        ``"away"``, ``"oblique"``), or None when not yet known.

    Returns
    -------
    list of Advice
        Empty when the view suits the metric or either is unknown.
    """
    if metric is None or view is None:
        return []
    need = METRIC_VIEWS.get(metric)
    if need is None or view in need:
        return []
    want = {("side",): "a side view (walk across)",
            ("away",): "the pelvis marker filmed from behind (walk away)"}.get(
        need, "a front or back view (walk toward or away)")
    label = metric.replace("_deg", "").replace("_pct", "").replace("_", " ")
    return [Advice("wrong_view", f"{label.capitalize()} needs {want}", "warning")]


def frame_advice(people: Sequence[Candidate], followed: Candidate | None, width: int,
                 height: int, luma: float, *, metric: str | None = None,
                 view: str | None = None, several: bool | None = None) -> list[Advice]:
    """All guidance for one frame, most important first.

    Parameters
    ----------
    people : sequence of Candidate
        Distinct people found in the frame (duplicates already suppressed).
    followed : Candidate or None
        The person being followed (one of ``people``), or None.
    width, height : int
        Frame size, pixels.
    luma : float
        Mean luma of the frame, 0-255 (:func:`mean_luma`).
    metric : str, optional
        Biofeedback metric, for the view check.
    view : str, optional
        Current view from the kinematics core.
    several : bool, optional
        Whether to warn about several people; None: when ``people`` holds more than one. The
        live processor decides over several frames (:data:`SEVERAL_PEOPLE_FRAMES`), so that a
        second detection in one frame (MediaPipe's occasional ghost) does not flash a warning.

    Returns
    -------
    list of Advice
    """
    out: list[Advice] = []
    if luma < DARK_LUMA:
        out.append(Advice("too_dark", "Too dark: add light or face a window", "error"))
    if not people:
        out.append(Advice("nobody", "Nobody in view: the patient should step into the picture",
                          "error"))
        return out
    if (len(people) > 1) if several is None else several:
        out.append(Advice("several_people", "Several people in view: only the patient please",
                          "warning"))
    if followed is not None:
        out.extend(person_advice(followed, width, height))
    out.extend(view_advice(metric, view))
    return out
