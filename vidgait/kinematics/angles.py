"""Joint and segment angles from PIXEL coordinates (sagittal, frontal) and world landmarks
(transverse).

Sign conventions: :mod:`vidgait.kinematics.conventions` (the one place they are written). Pixel
coordinates are never normalised by the frame size, so the aspect ratio cannot distort an angle.
Each function returns ``{side: {name: (N,) degrees}}``; NaN where landmarks are missing.

Uncertainty (:func:`angle_uncertainty`) is a first-order estimate: pixel noise left after the
low-pass filter, propagated through each segment's direction (SD of a segment angle ~ sqrt(2) x
noise / segment length, in radians), plus, for a side view, the foreshortening error of a view that
is not square to the walking plane. It does NOT include the pose model's systematic errors (Stenum
et al. 2021 report ~4 deg hip, ~5.6 deg knee, ~7 deg ankle mean absolute error for a side view).
"""

from __future__ import annotations

import numpy as np

from vidgait.kinematics.conventions import SIDES
from vidgait.landmarks import INDEX


def _p(xy: np.ndarray, name: str) -> np.ndarray:
    return xy[..., INDEX[name], :]


def _mid(xy: np.ndarray, a: str, b: str) -> np.ndarray:
    return 0.5 * (_p(xy, a) + _p(xy, b))


def _deg(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan2(y, x))


# ------------------------------------------------------------------------------------ sagittal
def sagittal_angles(xy: np.ndarray, facing: np.ndarray | int) -> dict[str, dict[str, np.ndarray]]:
    """Hip and knee flexion and ankle dorsiflexion from a side view.

    Parameters
    ----------
    xy : (N, 33, 2) float
        Image coordinates in pixels (y down).
    facing : int or (N,) int
        +1 when the walker moves toward image right, -1 toward image left.

    Returns
    -------
    dict side -> {"hip_flexion", "knee_flexion", "ankle_dorsiflexion"} -> (N,) degrees
    """
    f = np.broadcast_to(np.asarray(facing, float), xy.shape[:1])
    # a frame in which +X is the walking direction and +Y is up
    q = np.stack([xy[..., 0] * f[:, None], -xy[..., 1]], axis=-1)
    trunk = _mid(q, "left_shoulder", "right_shoulder") - _mid(q, "left_hip", "right_hip")
    trunk_fwd = _deg(trunk[:, 0], trunk[:, 1])  # forward lean from vertical
    out = {}
    for s in SIDES:
        thigh = _p(q, f"{s}_knee") - _p(q, f"{s}_hip")
        shank = _p(q, f"{s}_ankle") - _p(q, f"{s}_knee")
        foot = _p(q, f"{s}_foot_index") - _p(q, f"{s}_heel")
        a_thigh = _deg(thigh[:, 0], -thigh[:, 1])  # from vertical-down, forward positive
        a_shank = _deg(shank[:, 0], -shank[:, 1])
        a_foot = _deg(foot[:, 1], foot[:, 0])  # toe up positive
        out[s] = {"hip_flexion": a_thigh + trunk_fwd, "knee_flexion": a_thigh - a_shank,
                  "ankle_dorsiflexion": a_foot - a_shank}
    return out


# ------------------------------------------------------------------------------------- frontal
def frontal_angles(xy: np.ndarray,
                   facing_camera: np.ndarray | int) -> dict[str, dict[str, np.ndarray]]:
    """Pelvic obliquity, trunk lean, hip adduction and knee valgus (FPPA) from a front/back view.

    Parameters
    ----------
    xy : (N, 33, 2) float
        Image coordinates in pixels (y down).
    facing_camera : int or (N,) int
        +1 when the walker faces the camera (its left is on the image right), -1 when it faces
        away (its left is on the image left).

    Returns
    -------
    dict side -> {"pelvic_obliquity", "trunk_lean", "hip_adduction", "knee_valgus"} -> (N,) deg
    """
    lat = np.broadcast_to(np.asarray(facing_camera, float), xy.shape[:1])
    # a frame in which +X points to the patient's LEFT and +Y is up
    q = np.stack([xy[..., 0] * lat[:, None], -xy[..., 1]], axis=-1)
    hips = _p(q, "left_hip") - _p(q, "right_hip")
    obl_left = _deg(hips[:, 1], hips[:, 0])
    trunk = _mid(q, "left_shoulder", "right_shoulder") - _mid(q, "left_hip", "right_hip")
    lean_left = _deg(trunk[:, 0], trunk[:, 1])
    out = {}
    for s, sign in (("left", 1.0), ("right", -1.0)):
        thigh = _p(q, f"{s}_knee") - _p(q, f"{s}_hip")
        shank = _p(q, f"{s}_ankle") - _p(q, f"{s}_knee")
        # medial = toward the other side = -sign along X; angles from vertical-down
        thigh_med = _deg(-sign * thigh[:, 0], -thigh[:, 1])
        shank_med = _deg(-sign * shank[:, 0], -shank[:, 1])
        out[s] = {"pelvic_obliquity": sign * obl_left, "trunk_lean": sign * lean_left,
                  "hip_adduction": thigh_med + sign * obl_left,
                  "knee_valgus": thigh_med - shank_med}
    return out


# ---------------------------------------------------------------------------------- transverse
def transverse_angles(world: np.ndarray,
                      progression: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """Pelvic rotation, foot progression angle (per frame; toe out positive) and hip rotation from
    world landmarks.

    Parameters
    ----------
    world : (N, 33, 3) float
        MediaPipe world landmarks, metres, camera axes (x right, y down, z away from the camera).
    progression : (3,) float
        Direction of walking in the same axes (e.g. (0, 0, -1) walking toward the camera).

    Returns
    -------
    dict side -> {"pelvic_rotation", "foot_progression", "hip_rotation"} -> (N,) degrees
        ``hip_rotation`` (internal positive) is the angle about the thigh between the hip line
        and the knee's flexion axis (thigh x shank); it is defined only while the knee is flexed
        >= 20 deg (NaN elsewhere), i.e. mostly in swing, and relies on MediaPipe depth.
    """
    up = np.array([0.0, -1.0, 0.0])
    d = np.asarray(progression, float) - np.dot(progression, up) * up
    d /= np.linalg.norm(d)
    left0 = np.cross(up, d)

    def signed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Angle (deg) from vector a (3,) to vectors b (N,3) about ``up``, horizontal parts only."""
        b = b - (b @ up)[:, None] * up
        return np.degrees(np.arctan2(np.cross(a, b) @ up, b @ a))

    hips = _p(world, "left_hip") - _p(world, "right_hip")
    # hip line turned counter-clockwise seen from above = right hemipelvis forward
    rot_right = signed(left0, hips)
    out = {}
    for s, sign in (("left", -1.0), ("right", 1.0)):
        foot = _p(world, f"{s}_foot_index") - _p(world, f"{s}_heel")
        # toe out positive: the left foot turned counter-clockwise seen from above
        out[s] = {"pelvic_rotation": sign * rot_right, "foot_progression": -sign * signed(d, foot),
                  "hip_rotation": sign * _hip_rotation(world, s, hips)}
    return out


def _hip_rotation(world: np.ndarray, side: str, hips: np.ndarray,
                  min_knee_deg: float = 20.0) -> np.ndarray:
    """Angle (deg) about the thigh from the hip line to the knee flexion axis, NaN where the knee
    is flexed less than ``min_knee_deg`` (the axis is then undefined). Counter-clockwise seen from
    above is positive; the caller applies the per-side sign (internal rotation positive).
    """
    thigh = _p(world, f"{side}_knee") - _p(world, f"{side}_hip")
    shank = _p(world, f"{side}_ankle") - _p(world, f"{side}_knee")
    axis = np.cross(thigh, shank)
    u = -thigh / np.linalg.norm(thigh, axis=1, keepdims=True)  # along the thigh, upward

    def perp(v: np.ndarray) -> np.ndarray:
        return v - np.sum(v * u, axis=1, keepdims=True) * u

    a, b = perp(hips), perp(axis)
    ang = np.degrees(np.arctan2(np.sum(np.cross(a, b) * u, axis=1), np.sum(a * b, axis=1)))
    norms = np.linalg.norm(thigh, axis=1) * np.linalg.norm(shank, axis=1)
    cosk = np.sum(thigh * shank, 1) / norms
    knee = np.degrees(np.arccos(np.clip(cosk, -1, 1)))
    return np.where(knee >= min_knee_deg, ang, np.nan)


# -------------------------------------------------------------------------------- uncertainty
#: segments (proximal, distal landmark) each angle depends on
_ANGLE_SEGMENTS = {
    "hip_flexion": (("hip", "knee"), ("mid_hip", "mid_shoulder")),
    "knee_flexion": (("hip", "knee"), ("knee", "ankle")),
    "ankle_dorsiflexion": (("knee", "ankle"), ("heel", "foot_index")),
    "pelvic_obliquity": (("left_hip", "right_hip"),),
    "trunk_lean": (("mid_hip", "mid_shoulder"),),
    "hip_adduction": (("hip", "knee"), ("left_hip", "right_hip")),
    "knee_valgus": (("hip", "knee"), ("knee", "ankle")),
}


def _named(xy: np.ndarray, side: str, name: str) -> np.ndarray:
    if name == "mid_hip":
        return _mid(xy, "left_hip", "right_hip")
    if name == "mid_shoulder":
        return _mid(xy, "left_shoulder", "right_shoulder")
    if name.startswith(("left_", "right_")):
        return _p(xy, name)
    return _p(xy, f"{side}_{name}")


def angle_uncertainty(xy: np.ndarray, noise_px: float, fs: float, cutoff_hz: float, side: str,
                      name: str, *, yaw_deg: float = 90.0, typical_deg: float = 30.0) -> float:
    """First-order SD (degrees) of one filtered angle series (see module notes).

    Parameters
    ----------
    xy : (N, 33, 2) float
        Filtered image coordinates, pixels.
    noise_px : float
        SD of the raw pixel noise.
    fs, cutoff_hz : float
        Sampling rate and low-pass cut-off, Hz (the filter keeps ~2 fc / fs of white noise power).
    side, name : str
        Which angle.
    yaw_deg : float
        Body yaw relative to the image plane (90 = square side view).
    typical_deg : float
        Typical magnitude of the angle, for the foreshortening term.

    Returns
    -------
    float
    """
    if name not in _ANGLE_SEGMENTS:
        return float("nan")
    sd_f = noise_px * np.sqrt(min(1.0, 2 * cutoff_hz / fs))
    var = 0.0
    for a, b in _ANGLE_SEGMENTS[name]:
        length = np.nanmedian(np.linalg.norm(_named(xy, side, b) - _named(xy, side, a), axis=-1))
        var += 2 * (sd_f / max(length, 1.0)) ** 2
    noise_deg = np.degrees(np.sqrt(var))
    tilt = np.radians(abs(90.0 - yaw_deg)) if name in ("hip_flexion", "knee_flexion",
                                                       "ankle_dorsiflexion") else 0.0
    view_deg = typical_deg * (1 / max(np.cos(tilt), 0.2) - 1)
    return float(np.hypot(noise_deg, view_deg))
