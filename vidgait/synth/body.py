"""The walker's body: segment lengths (metres), the forward-kinematics chain from joint angles
(degrees) to segment rotations and joint centres, and the 33 MediaPipe landmarks on that body.

Lab frame
---------
Right-handed, metres: x = direction of progression, y = the walker's left, z = up, floor at z = 0.
Every segment frame has the same axes at neutral standing (x anterior, y left, z superior), so all
segment rotation matrices are the identity when the walker stands upright facing +x.

Angles (degrees, clinical signs as in ``docs/kinematics.md``)
-------------------------------------------------------------
The walker is *built* from Cardan angles, so its truth is exact by construction:

* pelvis  ``R = Rz(rotation) Rx(obliquity) Ry(tilt)`` (rotation-obliquity-tilt, Baker 2001);
  tilt positive anterior, obliquity positive when the LEFT side is up (per side: positive when that
  side is up), rotation positive when the RIGHT hemipelvis is forward (per side: that side forward).
* hip     ``R_thigh = R_pelvis Ry(-flexion) Rx(+-adduction) Rz(+-internal rotation)``.
* knee    ``R_shank = R_thigh Ry(flexion)``.
* ankle   ``R_foot = R_shank Rz(-+toe_out) Ry(-dorsiflexion)``.
* trunk   lab-relative lateral lean (positive toward a side), thorax counter-rotates the pelvis.
"""

from __future__ import annotations

import numpy as np

from vidgait.landmarks import INDEX, N_LANDMARKS
from vidgait.synth.gait import GaitParams


# ------------------------------------------------------------------------------------- rotations
def _rot(axis: int, deg: np.ndarray | float) -> np.ndarray:
    """Rotation matrices (T,3,3) about lab/segment axis 0=x, 1=y, 2=z by ``deg`` degrees."""
    a = np.radians(np.atleast_1d(np.asarray(deg, dtype=float)))
    c, s = np.cos(a), np.sin(a)
    r = np.zeros((*a.shape, 3, 3))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    r[..., axis, axis] = 1.0
    r[..., i, i] = c
    r[..., j, j] = c
    r[..., i, j] = -s
    r[..., j, i] = s
    return r


def _apply(r: np.ndarray, v: np.ndarray | tuple) -> np.ndarray:
    """Rotate a body-fixed vector ``v`` (3,) or (T,3) by (T,3,3) matrices -> (T,3)."""
    v = np.asarray(v, dtype=float)
    return np.einsum("tij,...j->ti", r, v) if v.ndim == 1 else np.einsum("tij,tj->ti", r, v)


# ----------------------------------------------------------------------------------------- body
def body_dimensions(height_m: float) -> dict[str, float]:
    """Segment lengths and radii in metres (Winter 2009 fractions of height; radii approximate).

    Parameters
    ----------
    height_m : float
        Body height, m.
    """
    h = height_m
    k = h / 1.70
    return {
        "height": h, "hip_width": 0.11 * h, "shoulder_width": 0.22 * h,
        "trunk_length": 0.288 * h, "neck_length": 0.05 * h, "head_radius": 0.095 * k,
        "thigh_length": 0.245 * h, "shank_length": 0.246 * h, "ankle_height": 0.039 * h,
        "foot_length": 0.152 * h, "heel_back": 0.2 * 0.152 * h, "ball_forward": 0.53 * 0.152 * h,
        "toe_length": 0.27 * 0.152 * h,
        "upper_arm_length": 0.186 * h, "forearm_length": 0.146 * h, "hand_length": 0.108 * h,
        "pelvis_radius": 0.14 * k, "thorax_radius": 0.15 * k,
        "thigh_radius_proximal": 0.08 * k, "thigh_radius_distal": 0.055 * k,
        "shank_radius_proximal": 0.055 * k, "shank_radius_distal": 0.035 * k,
        "foot_radius": 0.04 * k,
        "upper_arm_radius_proximal": 0.045 * k, "upper_arm_radius_distal": 0.035 * k,
        "forearm_radius_proximal": 0.035 * k, "forearm_radius_distal": 0.025 * k,
    }


#: face points in the head frame (x forward, y left, z up), metres for a 1.70 m walker
_FACE = {
    "nose": (0.10, 0.0, -0.01),
    "left_eye_inner": (0.085, 0.015, 0.025), "left_eye": (0.08, 0.032, 0.027),
    "left_eye_outer": (0.07, 0.048, 0.025), "left_ear": (0.0, 0.075, 0.01),
    "mouth_left": (0.085, 0.025, -0.045),
}


def _face_points() -> dict[str, tuple[float, float, float]]:
    pts = dict(_FACE)
    for name, (x, y, z) in _FACE.items():
        if name.startswith("left_"):
            pts["right_" + name[5:]] = (x, -y, z)
    pts["mouth_right"] = (_FACE["mouth_left"][0], -_FACE["mouth_left"][1], _FACE["mouth_left"][2])
    return pts


def forward_kinematics(ang: dict, p: GaitParams, t: np.ndarray) -> tuple[dict, dict]:
    """Segment rotations and joint positions RELATIVE to the pelvis origin (mid-hip).

    Parameters
    ----------
    ang : dict
        The joint angles of :func:`~vidgait.synth.gait.joint_angles`, deg.
    p : GaitParams
        The walk's parameters (body height in m, toe-out and trunk angles in deg).
    t : (T,) float
        Times, s.
    """
    b = body_dimensions(p.height_m)
    a = ang["side"]
    seg: dict[str, np.ndarray] = {}
    jt: dict[str, np.ndarray] = {}
    seg["pelvis"] = (_rot(2, a["right"]["pelvic_rotation"]) @ _rot(0, a["left"]["pelvic_obliquity"])
                     @ _rot(1, a["left"]["pelvic_tilt"]))
    seg["thorax"] = (_rot(2, -0.5 * a["right"]["pelvic_rotation"])
                     @ _rot(0, -a["left"]["trunk_lean"]) @ _rot(1, p.trunk_forward_deg))
    seg["head"] = _rot(2, np.zeros_like(t))
    jt["pelvis"] = np.zeros((t.size, 3))
    jt["neck"] = _apply(seg["thorax"], (0, 0, b["trunk_length"]))
    jt["head"] = jt["neck"] + _apply(seg["head"], (0.0, 0, b["neck_length"] + 0.05 * p.height_m))
    nom_r = ang["nominal"]["right"]
    for s, sign in (("left", 1.0), ("right", -1.0)):
        q = a[s]
        seg[f"{s}_thigh"] = (seg["pelvis"] @ _rot(1, -q["hip_flexion"])
                             @ _rot(0, -sign * q["hip_adduction"])
                             @ _rot(2, -sign * q["hip_rotation"]))
        seg[f"{s}_shank"] = (seg[f"{s}_thigh"] @ _rot(1, q["knee_flexion"])
                             @ _rot(0, sign * q["knee_valgus"]))
        seg[f"{s}_foot"] = (seg[f"{s}_shank"] @ _rot(2, sign * p.foot_toe_out_deg)
                            @ _rot(1, -q["ankle_dorsiflexion"]))
        jt[f"{s}_hip"] = _apply(seg["pelvis"], (0, sign * b["hip_width"] / 2, 0))
        jt[f"{s}_knee"] = jt[f"{s}_hip"] + _apply(seg[f"{s}_thigh"], (0, 0, -b["thigh_length"]))
        jt[f"{s}_ankle"] = jt[f"{s}_knee"] + _apply(seg[f"{s}_shank"], (0, 0, -b["shank_length"]))
        jt[f"{s}_heel"] = jt[f"{s}_ankle"] + _apply(
            seg[f"{s}_foot"], (-b["heel_back"], 0, -b["ankle_height"]))
        jt[f"{s}_ball"] = jt[f"{s}_ankle"] + _apply(
            seg[f"{s}_foot"], (b["ball_forward"], 0, -b["ankle_height"]))
        # toes extend at the ball so that they stay level while the foot pitches toe-down
        pitch = np.degrees(np.arcsin(np.clip(-seg[f"{s}_foot"][:, 2, 0], -1, 1)))
        ext = 3.0 * np.logaddexp(0.0, pitch / 3.0)  # smooth max(pitch, 0), degrees
        seg[f"{s}_toes"] = seg[f"{s}_foot"] @ _rot(1, -ext)
        jt[f"{s}_toe"] = jt[f"{s}_ball"] + _apply(seg[f"{s}_toes"], (b["toe_length"], 0, 0))
        # arms swing opposite to the same-side leg: forward when the other leg is forward
        own = nom_r if s == "right" else ang["nominal"]["left"]
        arm = -0.5 * p.arm_swing_deg * np.cos(2 * np.pi * own) - 3.0
        seg[f"{s}_upper_arm"] = seg["thorax"] @ _rot(1, -arm) @ _rot(0, -sign * 6.0)
        seg[f"{s}_forearm"] = seg[f"{s}_upper_arm"] @ _rot(1, -(20.0 + 0.5 * (arm + 3.0)))
        jt[f"{s}_shoulder"] = jt["neck"] + _apply(seg["thorax"],
                                                  (0, sign * b["shoulder_width"] / 2, 0))
        jt[f"{s}_elbow"] = jt[f"{s}_shoulder"] + _apply(
            seg[f"{s}_upper_arm"], (0, 0, -b["upper_arm_length"]))
        jt[f"{s}_wrist"] = jt[f"{s}_elbow"] + _apply(
            seg[f"{s}_forearm"], (0, 0, -b["forearm_length"]))
    return seg, jt



def landmarks_of(jt: dict, seg: dict, b: dict) -> np.ndarray:
    """The 33 landmarks (T,33,3) from joints and segment frames.

    Parameters
    ----------
    jt : dict str -> (T, 3) float
        Joint positions, m.
    seg : dict str -> (T, 3, 3) float
        Segment rotation matrices.
    b : dict str -> float
        Body dimensions of :func:`body_dimensions`, m.
    """
    n = jt["pelvis"].shape[0]
    lm = np.full((n, N_LANDMARKS, 3), np.nan)
    scale = b["height"] / 1.70
    for name, off in _face_points().items():
        lm[:, INDEX[name]] = jt["head"] + _apply(seg["head"], np.asarray(off) * scale)
    for s, sign in (("left", 1.0), ("right", -1.0)):
        for part in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel"):
            lm[:, INDEX[f"{s}_{part}"]] = jt[f"{s}_{part}"]
        lm[:, INDEX[f"{s}_foot_index"]] = jt[f"{s}_toe"]
        fa = seg[f"{s}_forearm"]
        for name, off in (("pinky", (-0.02, sign * 0.01, -0.075)), ("index", (0.015, 0, -0.085)),
                          ("thumb", (0.03, sign * 0.01, -0.04))):
            lm[:, INDEX[f"{s}_{name}"]] = jt[f"{s}_wrist"] + _apply(fa, np.asarray(off) * scale)
    return lm

