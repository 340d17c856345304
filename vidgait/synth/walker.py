"""A parametric forward-kinematics walker with known truth, and a pinhole camera that films it.

The walker is the backbone of vidgait's tests: joint angles, pelvic motion and gait events go in,
33 MediaPipe-style landmarks come out, and the kinematics core must recover what went in.

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

Gait timing
-----------
Each curve shape is given as key points on a nominal cycle with toe-off at 60 %, interpolated by a
periodic cubic spline (C2, periodic). Each side's own cycle phase is mapped onto the nominal
phase by a smooth monotone warp that moves 60 % onto that side's actual toe-off, so events are
exactly known and curves stay smooth when stance is shortened by a limp.

Contact with the floor
----------------------
Joint angles fix the body relative to the pelvis. The pelvis height puts the lowest foot point on
the floor in every frame, and its horizontal velocity cancels the velocity of the stance foot's
contact point (heel, then toe, blended smoothly; during double support the two feet are weighted),
so the stance foot does not slide. The residual slide is measured in the tests (a few millimetres
per stance; see ``docs/kinematics.md``). On the treadmill the pelvis does not progress.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.optimize import brentq

from vidgait.landmarks import INDEX, N_LANDMARKS
from vidgait.sequence import PoseSequence

Side = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("left", "right")

#: nominal curve key points (cycle %, degrees) with toe-off at 60 %; Schwartz et al. 2008 shapes
HIP_FLEXION_KEYS = ((0, 34), (12, 32), (30, 14), (52, -6), (60, 0), (72, 22), (85, 37), (93, 36))
KNEE_FLEXION_KEYS = ((0, 5), (12, 19), (25, 12), (40, 5), (50, 8), (60, 32), (72, 59), (87, 32),
                     (97, 4))
ANKLE_DORSIFLEXION_KEYS = ((0, 0), (7, -5), (20, 4), (46, 12), (55, 6), (64, -20), (76, -6),
                           (88, 1))
HIP_ADDUCTION_KEYS = ((0, 1), (18, 5), (45, 0), (66, -7), (85, -3))
HIP_ROTATION_KEYS = ((0, -2), (15, 1.2), (50, -3), (70, -5.3), (90, -2))
#: this side's pelvis "up" pattern in its own cycle (anti-periodic over half a cycle)
PELVIC_OBLIQUITY_KEYS = ((0, 0), (12, 4.1), (30, 2), (50, 0), (62, -4.1), (80, -2))

#: nominal toe-off of the key-point curves (fraction of the cycle)
NOMINAL_TOE_OFF = 0.60


@dataclass(frozen=True)
class GaitParams:
    """Parameters of a synthetic walk (all angles in degrees).

    Attributes
    ----------
    height_m : float
        Standing height in metres; segment lengths follow Winter's (2009) fractions of height.
    cadence_steps_per_min : float
        Steps per minute (two steps per stride).
    speed_m_s : float or None
        Walking (or belt) speed in m/s. The hip flexion excursion is scaled about its mean so that
        the no-slip stride length gives this speed; None keeps the default curve and derives speed.
    duration_s : float
        Length of the recording in seconds (ignored when ``timestamps`` is given).
    fps : float
        Nominal frame rate in frames per second.
    timestamps : tuple of float or None
        Explicit, strictly increasing frame times in seconds (variable frame rate).
    toe_off_pct : float
        Toe-off of a symmetric walker, % of the cycle (double support = toe_off_pct - 50 each end).
    start_phase : float
        Phase (0..1) of the reference side's cycle at t = 0 (the painful side, else the right).
    painful_side, limp_severity :
        Antalgic limp: stance and single support shorten on the painful side by up to 5 and 8 % of
        the cycle at severity 1, the other side's step gets shorter, and the painful knee's flexion
        excursion shrinks by ``stiff_knee_factor * limp_severity``; the hip flexes more, by
        ``stiff_knee_hip_compensation`` times the knee flexion lost, to clear the foot.
    trendelenburg_side : {"left", "right"} or None
        Weak side: during its single-leg stance the OTHER side's pelvis drops by
        ``pelvic_drop_deg``.
    trunk_lean_deg : float
        Extra lateral trunk lean toward the stance leg during single stance on the lean side
        (``trendelenburg_side`` if set, else ``painful_side``).
    hip_rotation_offset_deg : (float, float)
        (left, right) constant added to hip internal rotation (negative = external).
    knee_valgus_deg : (float, float)
        (left, right) constant knee valgus (shank abducted from the thigh about its
        antero-posterior axis: the ankle moves laterally, the knee lies medial to the hip-ankle
        line; negative = varus).
    path : {"across", "toward", "away", "treadmill"}
        Overground paths progress along +x (the name picks the default camera in
        :meth:`Camera.default`); "treadmill" does not progress.
    """

    height_m: float = 1.70
    cadence_steps_per_min: float = 105.0
    speed_m_s: float | None = 1.25
    duration_s: float = 8.0
    fps: float = 30.0
    timestamps: tuple[float, ...] | None = None
    toe_off_pct: float = 60.0
    start_phase: float = 0.25
    painful_side: Side | None = None
    limp_severity: float = 0.0
    stiff_knee_factor: float = 0.4
    stiff_knee_hip_compensation: float = 0.6
    trendelenburg_side: Side | None = None
    pelvic_drop_deg: float = 0.0
    trunk_lean_deg: float = 0.0
    hip_rotation_offset_deg: tuple[float, float] = (0.0, 0.0)
    knee_valgus_deg: tuple[float, float] = (0.0, 0.0)
    foot_toe_out_deg: float = 7.0
    pelvic_tilt_deg: float = 11.0
    pelvic_tilt_excursion_deg: float = 2.0
    pelvic_rotation_amp_deg: float = 4.4
    pelvic_obliquity_scale: float = 1.0
    trunk_sway_deg: float = 1.5
    trunk_forward_deg: float = 3.0
    arm_swing_deg: float = 30.0
    path: Literal["across", "toward", "away", "treadmill"] = "across"
    hip_flexion_keys: tuple[tuple[float, float], ...] = HIP_FLEXION_KEYS
    knee_flexion_keys: tuple[tuple[float, float], ...] = KNEE_FLEXION_KEYS
    ankle_dorsiflexion_keys: tuple[tuple[float, float], ...] = ANKLE_DORSIFLEXION_KEYS
    hip_adduction_keys: tuple[tuple[float, float], ...] = HIP_ADDUCTION_KEYS
    hip_rotation_keys: tuple[tuple[float, float], ...] = HIP_ROTATION_KEYS
    pelvic_obliquity_keys: tuple[tuple[float, float], ...] = PELVIC_OBLIQUITY_KEYS

    def __post_init__(self) -> None:
        if not 0.0 <= self.limp_severity <= 1.0:
            raise ValueError(f"limp_severity must be in [0, 1], got {self.limp_severity}")
        if not 52.0 <= self.toe_off_pct <= 68.0:
            raise ValueError(f"toe_off_pct must be in [52, 68], got {self.toe_off_pct}")
        for name in ("painful_side", "trendelenburg_side"):
            if getattr(self, name) not in (None, "left", "right"):
                raise ValueError(f"{name} must be 'left', 'right' or None")
        if self.path not in ("across", "toward", "away", "treadmill"):
            raise ValueError(f"unknown path {self.path!r}")
        if self.height_m <= 0 or self.cadence_steps_per_min <= 0 or self.fps <= 0:
            raise ValueError("height, cadence and fps must be positive")

    @property
    def stride_time_s(self) -> float:
        """Duration of one stride (two steps) in seconds."""
        return 120.0 / self.cadence_steps_per_min

    def frame_times(self) -> np.ndarray:
        """Frame times in seconds, (T,)."""
        if self.timestamps is not None:
            t = np.asarray(self.timestamps, dtype=float)
            if t.ndim != 1 or t.size < 2 or np.any(np.diff(t) <= 0):
                raise ValueError("timestamps must be 1-D, strictly increasing, >= 2 values")
            return t
        return np.arange(int(round(self.duration_s * self.fps))) / self.fps


# ---------------------------------------------------------------------------------------- timing
@dataclass(frozen=True)
class _Timing:
    """Event timing within one stride of the reference side (fractions of the stride)."""

    ref: Side          # side whose heel strike is phase 0
    other_to: float    # other side's toe-off
    other_hs: float    # other side's heel strike
    ref_to: float      # reference side's toe-off

    def stance(self, side: Side) -> float:
        """Stance fraction of ``side``."""
        return self.ref_to if side == self.ref else 1.0 + self.other_to - self.other_hs

    def offset(self, side: Side) -> float:
        """Heel-strike time of ``side`` in reference-cycle fractions."""
        return 0.0 if side == self.ref else self.other_hs

    def single_support(self, side: Side) -> tuple[float, float]:
        """(start, end) of this side's single support in its OWN cycle fractions."""
        if side == self.ref:
            return self.other_to, self.other_hs
        return self.ref_to - self.other_hs, 1.0 - self.other_hs


def _timing(p: GaitParams) -> _Timing:
    ds = p.toe_off_pct / 100.0 - 0.5
    s = p.limp_severity if p.painful_side else 0.0
    ref: Side = p.painful_side or "right"
    other_hs = 0.5 - 0.08 * s          # the good leg's step gets shorter
    ref_to = other_hs + ds + 0.03 * s  # painful stance = 0.5 + ds - 0.05 s
    return _Timing(ref=ref, other_to=ds, other_hs=other_hs, ref_to=ref_to)


def _other(side: Side) -> Side:
    return "left" if side == "right" else "right"


def _own_phase(t: np.ndarray, p: GaitParams, tim: _Timing, side: Side) -> np.ndarray:
    """Cycle fraction (0..1) of ``side`` at times ``t``; 0 = that side's heel strike."""
    return np.mod(t / p.stride_time_s + p.start_phase - tim.offset(side), 1.0)


def _warp(phase: np.ndarray, stance: float) -> np.ndarray:
    """Smooth monotone periodic map of own phase to nominal phase with stance -> 0.6."""
    g = 0.5 * (1.0 - np.cos(2 * np.pi * stance))
    k = (NOMINAL_TOE_OFF - stance) / g
    return phase + k * 0.5 * (1.0 - np.cos(2 * np.pi * phase))


def _curve(keys: tuple[tuple[float, float], ...]) -> CubicSpline:
    """Periodic cubic spline through (cycle %, value) key points, evaluated on fractions 0..1."""
    k = np.asarray(keys, dtype=float)
    x = np.append(k[:, 0] / 100.0, 1.0)
    y = np.append(k[:, 1], k[0, 1])
    return CubicSpline(x, y, bc_type="periodic")


def _bump(phase: np.ndarray, start: float, end: float) -> np.ndarray:
    """sin^2 bump (0..1) over [start, end] of a periodic phase, 0 elsewhere."""
    u = np.mod(phase - start, 1.0) / (end - start)
    return np.where(u < 1.0, np.sin(np.pi * np.clip(u, 0, 1)) ** 2, 0.0)


def _stance_weight(phase: np.ndarray, tim: _Timing, side: Side) -> np.ndarray:
    """Load share (0..1) of ``side``, ramping up/down over initial/terminal double support."""
    stance = tim.stance(side)
    ss0, ss1 = tim.single_support(side)
    up = 0.5 * (1 - np.cos(np.pi * np.clip(phase / ss0, 0, 1)))
    down = 0.5 * (1 + np.cos(np.pi * np.clip((phase - ss1) / (stance - ss1), 0, 1)))
    late = np.where(phase < stance, down, 0.0)
    return np.where(phase < ss0, up, np.where(phase < ss1, 1.0, late))


# ---------------------------------------------------------------------------------------- angles
def _angles(t: np.ndarray, p: GaitParams, tim: _Timing, hip_gain: float) -> dict:
    """True clinical angles (degrees) per side and whole-body series at times ``t``."""
    phase = {s: _own_phase(t, p, tim, s) for s in SIDES}
    nom = {s: _warp(phase[s], tim.stance(s)) for s in SIDES}
    hip_c, knee_c, ank_c = (_curve(k) for k in (p.hip_flexion_keys, p.knee_flexion_keys,
                                                 p.ankle_dorsiflexion_keys))
    add_c, rot_c, obl_c = (_curve(k) for k in (p.hip_adduction_keys, p.hip_rotation_keys,
                                               p.pelvic_obliquity_keys))
    hip_mean = float(np.mean(hip_c(np.linspace(0, 1, 400, endpoint=False))))
    knee_min = float(np.min(knee_c(np.linspace(0, 1, 400))))
    out: dict = {s: {} for s in SIDES}
    for s in SIDES:
        stiff = p.stiff_knee_factor * p.limp_severity if s == p.painful_side else 0.0
        # stiff knee: less flexion in loading response and mid-swing, toe-off and contact unchanged
        where = _bump(nom[s], 0.0, 0.3) + _bump(nom[s], 0.6, 0.95)
        lost_knee = stiff * where * (knee_c(nom[s]) - knee_min)
        # a stiff knee is compensated by extra hip flexion for foot clearance
        out[s]["hip_flexion"] = (hip_mean + hip_gain * (hip_c(nom[s]) - hip_mean)
                                 + p.stiff_knee_hip_compensation * lost_knee)
        out[s]["knee_flexion"] = knee_c(nom[s]) - lost_knee
        out[s]["ankle_dorsiflexion"] = ank_c(nom[s])
        out[s]["hip_adduction"] = add_c(nom[s])
        out[s]["hip_rotation"] = rot_c(nom[s]) + p.hip_rotation_offset_deg[SIDES.index(s)]
        out[s]["knee_valgus"] = np.full(t.shape, p.knee_valgus_deg[SIDES.index(s)])
    left_up = 0.5 * p.pelvic_obliquity_scale * (obl_c(nom["left"]) - obl_c(nom["right"]))
    lean_left = p.trunk_sway_deg * (_stance_weight(phase["left"], tim, "left")
                                    - _stance_weight(phase["right"], tim, "right"))
    if p.trendelenburg_side:
        weak = p.trendelenburg_side
        drop = p.pelvic_drop_deg * _bump(phase[weak], *tim.single_support(weak))
        left_up = left_up + (drop if weak == "left" else -drop)  # the OTHER side drops
    lean_side = p.trendelenburg_side or p.painful_side
    if lean_side and p.trunk_lean_deg:
        lean = p.trunk_lean_deg * _bump(phase[lean_side], *tim.single_support(lean_side))
        lean_left = lean_left + (lean if lean_side == "left" else -lean)
    rot_right = 0.5 * p.pelvic_rotation_amp_deg * (np.cos(2 * np.pi * nom["right"])
                                                   - np.cos(2 * np.pi * nom["left"]))
    tilt = p.pelvic_tilt_deg + 0.25 * p.pelvic_tilt_excursion_deg * (
        np.cos(4 * np.pi * nom["right"]) + np.cos(4 * np.pi * nom["left"]))
    for s, sign in (("left", 1.0), ("right", -1.0)):
        out[s]["pelvic_obliquity"] = sign * left_up
        out[s]["pelvic_rotation"] = -sign * rot_right
        out[s]["pelvic_tilt"] = tilt
        out[s]["trunk_lean"] = sign * lean_left
    return {"side": out, "phase": phase, "nominal": nom}


# ------------------------------------------------------------------------------------- rotations
def _rot(axis: int, deg: np.ndarray | float) -> np.ndarray:
    """Rotation matrices (T,3,3) about lab/segment axis 0=x, 1=y, 2=z by ``deg`` degrees."""
    a = np.radians(np.atleast_1d(np.asarray(deg, dtype=float)))
    c, s = np.cos(a), np.sin(a)
    r = np.zeros(a.shape + (3, 3))
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
    """Segment lengths and radii in metres (Winter 2009 fractions of height; radii approximate)."""
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


def _chain(ang: dict, p: GaitParams, t: np.ndarray) -> tuple[dict, dict]:
    """Segment rotations and joint positions RELATIVE to the pelvis origin (mid-hip)."""
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


# ------------------------------------------------------------------------------- floor contact
def _pelvis_velocity(jt: dict, t: np.ndarray, p: GaitParams, tim: _Timing,
                     ang: dict) -> np.ndarray:
    """Horizontal pelvis velocity (T,2) in m/s that keeps the stance feet from sliding."""
    num = np.zeros((t.size, 2))
    den = np.zeros(t.size)
    for s in SIDES:
        w = _stance_weight(ang["phase"][s], tim, s)
        heel, toe = jt[f"{s}_heel"], jt[f"{s}_ball"]
        alpha = 1.0 / (1.0 + np.exp(-np.clip((toe[:, 2] - heel[:, 2]) / 0.004, -50, 50)))
        v = alpha[:, None] * np.gradient(heel, t, axis=0) + (1 - alpha[:, None]) * np.gradient(
            toe, t, axis=0)
        num += w[:, None] * v[:, :2]
        den += w
    return -num / np.maximum(den, 1e-9)[:, None]


def _pelvis_height(jt: dict, ang: dict, tim: _Timing) -> np.ndarray:
    """Pelvis height (T,) m: the load-weighted lowest point of the stance feet is on the floor."""
    num = np.zeros(jt["pelvis"].shape[0])
    den = np.zeros_like(num)
    for s in SIDES:
        w = _stance_weight(ang["phase"][s], tim, s)
        num += w * np.minimum(jt[f"{s}_heel"][:, 2], jt[f"{s}_ball"][:, 2])
        den += w
    return -num / np.maximum(den, 1e-9)


def _pelvis_path(p: GaitParams, tim: _Timing, hip_gain: float, t0: float, t1: float,
                 rate: float = 400.0) -> tuple[np.ndarray, np.ndarray]:
    """Fine time grid and integrated horizontal pelvis position (N,2) from t0 to t1."""
    tf = np.arange(t0 - 0.05, t1 + 0.05 + 1 / rate, 1 / rate)
    ang = _angles(tf, p, tim, hip_gain)
    _, jt = _chain(ang, p, tf)
    v = _pelvis_velocity(jt, tf, p, tim, ang)
    xy = np.vstack([[0.0, 0.0], np.cumsum(0.5 * (v[1:] + v[:-1]) * np.diff(tf)[:, None], axis=0)])
    return tf, xy


def _stride_length(p: GaitParams, tim: _Timing, hip_gain: float) -> float:
    tf, xy = _pelvis_path(p, tim, hip_gain, 0.0, p.stride_time_s, rate=300.0)
    return float(np.interp(p.stride_time_s, tf, xy[:, 0]) - np.interp(0.0, tf, xy[:, 0]))


def _hip_gain(p: GaitParams, tim: _Timing) -> float:
    """Hip flexion excursion gain that makes the no-slip stride match ``speed_m_s``."""
    if p.speed_m_s is None:
        return 1.0
    target = p.speed_m_s * p.stride_time_s
    f = lambda g: _stride_length(p, tim, g) - target  # noqa: E731
    lo, hi = 0.3, 2.5
    if f(lo) > 0 or f(hi) < 0:
        raise ValueError(f"speed {p.speed_m_s} m/s is not reachable at this cadence and height")
    return float(brentq(f, lo, hi, xtol=1e-4))


# ------------------------------------------------------------------------------------ the truth
@dataclass(frozen=True, eq=False)
class WalkerTruth:
    """Everything the synthetic walker did, in the lab frame (see module notes).

    Attributes
    ----------
    params : GaitParams
    t : (T,) float
        Frame times in seconds.
    landmarks : (T, 33, 3) float
        The 33 MediaPipe landmarks in lab metres (index order of :mod:`vidgait.landmarks`).
    joints : dict of str -> (T, 3)
        Joint centres in lab metres: pelvis (mid-hip), neck (mid-shoulder), head (centre), and per
        side hip, knee, ankle, heel, toe, shoulder, elbow, wrist (``"left_knee"``, ...).
    segments : dict of str -> (T, 3, 3)
        Rotation matrices (columns = segment x anterior, y left, z superior axes in the lab) of
        pelvis, thorax, head and per side thigh, shank, foot, upper_arm, forearm. Limb segments run
        from their proximal joint along their -z axis; the thorax from the pelvis origin along +z.
    body : dict of str -> float
        Segment lengths and radii in metres (see :func:`body_dimensions`).
    angles : dict side -> dict name -> (T,) degrees
        True clinical angles per side (hip_flexion, knee_flexion, ankle_dorsiflexion,
        hip_adduction, hip_rotation, knee_valgus, pelvic_obliquity, pelvic_tilt, pelvic_rotation,
        trunk_lean, foot_progression).
    events : dict side -> {"heel_strike_s": (n,), "toe_off_s": (m,)}
        Exact event times in seconds within ``[t[0], t[-1]]``.
    summary : dict
        Cadence, stance/swing/single/double support % and step time per side, stride length (m),
        speed (m/s), knee peak swing flexion and pelvic drop per side (deg), limp side.
    """

    params: GaitParams
    t: np.ndarray
    landmarks: np.ndarray
    joints: dict[str, np.ndarray]
    segments: dict[str, np.ndarray]
    body: dict[str, float]
    angles: dict[str, dict[str, np.ndarray]]
    events: dict[str, dict[str, np.ndarray]]
    summary: dict = field(default_factory=dict)


def _landmarks(jt: dict, seg: dict, b: dict) -> np.ndarray:
    """The 33 landmarks (T,33,3) from joints and segment frames."""
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


def _events(t: np.ndarray, p: GaitParams, tim: _Timing) -> dict:
    ts = p.stride_time_s
    out = {}
    for s in SIDES:
        first = (tim.offset(s) - p.start_phase) * ts
        k = np.arange(np.floor((t[0] - first) / ts) - 1, np.ceil((t[-1] - first) / ts) + 2)
        hs = first + k * ts
        to = hs + tim.stance(s) * ts
        out[s] = {"heel_strike_s": hs[(hs >= t[0]) & (hs <= t[-1])],
                  "toe_off_s": to[(to >= t[0]) & (to <= t[-1])]}
    return out


def _summary(p: GaitParams, tim: _Timing, hip_gain: float, speed: float) -> dict:
    """Per-side truth summary from one finely sampled stride."""
    ts = p.stride_time_s
    tf = np.linspace(0.0, ts, 2001)
    ang = _angles(tf, p, tim, hip_gain)
    out: dict = {"cadence_steps_per_min": p.cadence_steps_per_min, "stride_time_s": ts,
                 "stride_length_m": speed * ts, "speed_m_s": speed,
                 "limp_side": p.painful_side if p.limp_severity > 0 else None}
    for s in SIDES:
        o = _other(s)
        stance = tim.stance(s)
        ss0, ss1 = tim.single_support(s)
        step = (tim.offset(s) - tim.offset(o)) % 1.0
        ph = ang["phase"][s]
        swing = ph >= stance
        oss0, oss1 = tim.single_support(o)
        ph_o = ang["phase"][o]
        other_single = (ph_o >= oss0) & (ph_o < oss1)
        own_single = (ph >= ss0) & (ph < ss1)
        out[s] = {
            "stance_pct": 100 * stance, "swing_pct": 100 * (1 - stance),
            "single_support_pct": 100 * (ss1 - ss0),
            "double_support_pct": 100 * (stance - (ss1 - ss0)),
            "step_time_s": step * ts,
            "knee_peak_swing_flexion_deg": float(ang["side"][s]["knee_flexion"][swing].max()),
            "knee_flexion_range_deg": float(np.ptp(ang["side"][s]["knee_flexion"])),
            "hip_flexion_range_deg": float(np.ptp(ang["side"][s]["hip_flexion"])),
            # drop of THIS side's pelvis while the other leg is in single stance (positive = down)
            "pelvic_drop_deg": float(-ang["side"][s]["pelvic_obliquity"][other_single].min()),
            # peak lean toward THIS side while it is in single stance
            "trunk_lean_over_stance_deg": float(ang["side"][s]["trunk_lean"][own_single].max()),
        }
    return out


def simulate(params: GaitParams | None = None) -> WalkerTruth:
    """Simulate a walk with known truth.

    Parameters
    ----------
    params : GaitParams, optional
        Walk parameters; defaults to a normal adult walk.

    Returns
    -------
    WalkerTruth
        Landmarks, joints, segment frames (lab metres), true angles (degrees), events (s) and
        summary for every frame time of ``params``.
    """
    p = params or GaitParams()
    tim = _timing(p)
    t = p.frame_times()
    gain = _hip_gain(p, tim)
    ang = _angles(t, p, tim, gain)
    seg, jt = _chain(ang, p, t)
    tf, xy = _pelvis_path(p, tim, gain, float(t[0]), float(t[-1]))
    speed = _stride_length(p, tim, gain) / p.stride_time_s
    if p.path == "treadmill":
        xy[:, 0] = 0.0
    origin = np.column_stack([np.interp(t, tf, xy[:, 0]), np.interp(t, tf, xy[:, 1]),
                              np.zeros_like(t)])
    origin[:, 2] = _pelvis_height(jt, ang, tim)
    jt = {k: v + origin for k, v in jt.items()}
    b = body_dimensions(p.height_m)
    angles = ang["side"]
    for s, sign in (("left", -1.0), ("right", 1.0)):
        fx = seg[f"{s}_foot"][:, :, 0]
        angles[s]["foot_progression"] = sign * np.degrees(np.arctan2(fx[:, 1], fx[:, 0]))
    return WalkerTruth(params=p, t=t, landmarks=_landmarks(jt, seg, b), joints=jt, segments=seg,
                       body=b, angles=angles, events=_events(t, p, tim),
                       summary=_summary(p, tim, gain, speed))


# ---------------------------------------------------------------------------------------- camera
def walkway_centre(truth: WalkerTruth) -> np.ndarray:
    """Mid-point of the pelvis path at floor level, (3,) lab metres."""
    pel = truth.joints["pelvis"]
    return np.array([0.5 * (pel[:, 0].min() + pel[:, 0].max()), pel[:, 1].mean(), 0.0])


@dataclass(frozen=True)
class Camera:
    """A pinhole camera in the lab frame.

    Attributes
    ----------
    position, look_at, up : (3,) lab metres
        Optical centre, a point on the optical axis, and the lab direction that appears up.
    focal_px : float
        Focal length in pixels (square pixels, principal point at the image centre).
    width, height : int
        Image size in pixels.
    """

    position: tuple[float, float, float]
    look_at: tuple[float, float, float]
    up: tuple[float, float, float] = (0.0, 0.0, 1.0)
    focal_px: float = 1500.0
    width: int = 1920
    height: int = 1080

    @staticmethod
    def focal_from_fov(vertical_fov_deg: float, height: int) -> float:
        """Focal length in pixels from a vertical field of view in degrees."""
        return 0.5 * height / np.tan(np.radians(vertical_fov_deg) / 2)

    @classmethod
    def side(cls, target: np.ndarray | tuple = (0, 0, 0), *, on: Side = "left",
             distance: float = 5.0, cam_height: float = 1.0, vertical_fov_deg: float = 40.0,
             width: int = 1920, height: int = 1080) -> Camera:
        """Camera ``distance`` m to the walker's ``on`` side of ``target``, looking across."""
        tx, ty, _ = np.asarray(target, dtype=float)
        y = ty + (distance if on == "left" else -distance)
        return cls((tx, y, cam_height), (tx, ty, cam_height), focal_px=cls.focal_from_fov(
            vertical_fov_deg, height), width=width, height=height)

    @classmethod
    def front(cls, target: np.ndarray | tuple = (0, 0, 0), *, distance: float = 8.0,
              cam_height: float = 1.0, vertical_fov_deg: float = 50.0, width: int = 1080,
              height: int = 1920) -> Camera:
        """Camera ahead of the walker (the walker approaches it), ``distance`` m from target."""
        tx, ty, _ = np.asarray(target, dtype=float)
        return cls((tx + distance, ty, cam_height), (tx, ty, cam_height),
                   focal_px=cls.focal_from_fov(vertical_fov_deg, height), width=width,
                   height=height)

    @classmethod
    def back(cls, target: np.ndarray | tuple = (0, 0, 0), *, distance: float = 8.0,
             cam_height: float = 1.0, vertical_fov_deg: float = 50.0, width: int = 1080,
             height: int = 1920) -> Camera:
        """Camera behind the walker (the walker walks away from it)."""
        tx, ty, _ = np.asarray(target, dtype=float)
        return cls((tx - distance, ty, cam_height), (tx, ty, cam_height),
                   focal_px=cls.focal_from_fov(vertical_fov_deg, height), width=width,
                   height=height)

    @classmethod
    def oblique(cls, target: np.ndarray | tuple = (0, 0, 0), *, angle_deg: float = 45.0,
                distance: float = 6.0, cam_height: float = 1.0, vertical_fov_deg: float = 45.0,
                width: int = 1920, height: int = 1080) -> Camera:
        """Camera at ``angle_deg`` from the direction of progression (0 = front, 90 = left side)."""
        tx, ty, _ = np.asarray(target, dtype=float)
        a = np.radians(angle_deg)
        pos = (tx + distance * np.cos(a), ty + distance * np.sin(a), cam_height)
        return cls(pos, (tx, ty, cam_height), focal_px=cls.focal_from_fov(vertical_fov_deg, height),
                   width=width, height=height)

    @classmethod
    def default(cls, truth: WalkerTruth, **kwargs) -> Camera:
        """The camera a ``truth.params.path`` implies: side for across/treadmill, front, back."""
        c = walkway_centre(truth)
        path = truth.params.path
        if path == "toward":
            return cls.front(c, **kwargs)
        if path == "away":
            return cls.back(c, **kwargs)
        return cls.side(c, **kwargs)

    def rotation(self) -> np.ndarray:
        """(3,3) lab-to-camera rotation; camera axes x right, y down, z forward (OpenCV)."""
        f = np.asarray(self.look_at, float) - np.asarray(self.position, float)
        f /= np.linalg.norm(f)
        r = np.cross(f, np.asarray(self.up, float))
        r /= np.linalg.norm(r)
        d = np.cross(f, r)
        return np.stack([r, d, f])

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """Lab points (...,3) in camera coordinates (...,3), metres."""
        return (np.asarray(points, float) - np.asarray(self.position, float)) @ self.rotation().T

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates (...,2) and depth along the optical axis (...,) in metres."""
        pc = self.to_camera(points)
        z = pc[..., 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            uv = self.focal_px * pc[..., :2] / z[..., None]
        uv = uv + np.array([self.width / 2, self.height / 2])
        return uv, z


# ------------------------------------------------------------------------------ pose sequence
_LEG_PARTS = ("knee", "ankle", "heel", "foot_index")
_LEG_SWAP = np.arange(N_LANDMARKS)
for _p in _LEG_PARTS:
    _LEG_SWAP[INDEX[f"left_{_p}"]], _LEG_SWAP[INDEX[f"right_{_p}"]] = (
        INDEX[f"right_{_p}"], INDEX[f"left_{_p}"])


def _visibility(depth: np.ndarray, hip_depth: np.ndarray) -> np.ndarray:
    """MediaPipe-like visibility: high for near-side points, ~0.5 for points behind the body."""
    behind = depth - hip_depth[:, None]
    return (0.45 + 0.54 / (1.0 + np.exp((behind - 0.06) / 0.02))).astype(np.float32)


def _burst_mask(rng: np.random.Generator, n: int, rate: float, max_len: int) -> np.ndarray:
    """Boolean (n,) mask with runs of 1..max_len frames starting at ``rate`` per frame."""
    mask = np.zeros(n, bool)
    if rate <= 0:
        return mask
    starts = np.flatnonzero(rng.random(n) < rate / ((1 + max_len) / 2))
    for s in starts:
        mask[s:s + int(rng.integers(1, max_len + 1))] = True
    return mask


def to_pose_sequence(truth: WalkerTruth, camera: Camera | None = None, *, noise_px: float = 0.0,
                     dropout_rate: float = 0.0, swap_rate: float = 0.0,
                     seed: int | None = None) -> PoseSequence:
    """Film the walker: a MediaPipe-style :class:`PoseSequence` as the pose stage would make it.

    Parameters
    ----------
    truth : WalkerTruth
    camera : Camera, optional
        Defaults to :meth:`Camera.default` for the walk's path.
    noise_px : float
        SD of Gaussian pixel noise on image x, y (doubled for points hidden behind the body);
        world landmarks get the same noise scaled to metres at the walker's depth.
    dropout_rate : float
        Expected fraction of frames with nobody found (in bursts of 1-4 frames).
    swap_rate : float
        Expected fraction of frames in which left and right leg labels (knee, ankle, heel, foot)
        are swapped (in bursts of 1-3 frames), as MediaPipe does when one leg hides the other.
    seed : int, optional
        Seed of the random generator.

    Returns
    -------
    PoseSequence
        ``image`` in pixels (z = depth relative to mid-hip, in pixels), ``world`` hip-centred metres
        in camera axes (x right, y down, z away), visibility lower for far-side points.
    """
    cam = camera or Camera.default(truth)
    rng = np.random.default_rng(seed)
    lm = truth.landmarks
    n = lm.shape[0]
    uv, depth = cam.project(lm)
    hip = 0.5 * (lm[:, INDEX["left_hip"]] + lm[:, INDEX["right_hip"]])
    _, hip_depth = cam.project(hip)
    vis = _visibility(depth, hip_depth)
    rel = depth - hip_depth[:, None]
    image = np.concatenate([uv, (cam.focal_px * rel / hip_depth[:, None])[..., None]], axis=2)
    world = (lm - hip[:, None, :]) @ cam.rotation().T
    if noise_px > 0:
        sd = noise_px * np.where(vis < 0.8, 2.0, 1.0)[..., None]
        e = rng.normal(size=(n, N_LANDMARKS, 3)) * sd
        image[..., :2] += e[..., :2]
        image[..., 2] += e[..., 2] * 3.0
        world += e * (hip_depth / cam.focal_px)[:, None, None] * np.array([1.0, 1.0, 3.0])
    swap = _burst_mask(rng, n, swap_rate, 3)
    image[swap] = image[swap][:, _LEG_SWAP]
    world[swap] = world[swap][:, _LEG_SWAP]
    vis[swap] = vis[swap][:, _LEG_SWAP]
    hip_uv = uv[:, [INDEX["left_hip"], INDEX["right_hip"]]].mean(axis=1)
    inside = ((hip_depth > 0.3) & (hip_uv[:, 0] >= 0) & (hip_uv[:, 0] < cam.width)
              & (hip_uv[:, 1] >= 0) & (hip_uv[:, 1] < cam.height))
    found = inside & ~_burst_mask(rng, n, dropout_rate, 4)
    image[~found] = np.nan
    world[~found] = np.nan
    vis[~found] = 0.0
    return PoseSequence(
        t=truth.t, image=image.astype(np.float32), world=world.astype(np.float32),
        visibility=vis, presence=vis.copy(), found=found, frame_size=(cam.width, cam.height),
        model="synthetic-walker",
        meta={"source": "vidgait.synth.walker", "seed": seed, "noise_px": noise_px,
              "dropout_rate": dropout_rate, "swap_rate": swap_rate,
              "swapped_frames": np.flatnonzero(swap & found).tolist(),
              "camera": {"position": list(map(float, cam.position)),
                         "look_at": list(map(float, cam.look_at)), "focal_px": cam.focal_px}},
    )
