"""Gait parameters and the gait pattern: event timing within the cycle and the true clinical
angles (degrees) at any time (seconds) of a synthetic walk.

Angles are in degrees with the clinical signs of ``docs/kinematics.md``; times in seconds; cycle
phases are fractions (0..1) of a stride from that side's heel strike. The body these angles move
is :mod:`vidgait.synth.body`; :func:`vidgait.synth.walker.simulate` puts them together.

Gait timing
-----------
Each curve shape is given as key points on a nominal cycle with toe-off at 60 %, interpolated by a
periodic cubic spline (C2, periodic). Each side's own cycle phase is mapped onto the nominal
phase by a smooth monotone warp that moves 60 % onto that side's actual toe-off, so events are
exactly known and curves stay smooth when stance is shortened by a limp.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.interpolate import CubicSpline

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
        """Check the parameters' ranges (ValueError for one out of range)."""
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
        return np.arange(round(self.duration_s * self.fps)) / self.fps


# ---------------------------------------------------------------------------------------- timing
@dataclass(frozen=True)
class Timing:
    """Event timing within one stride of the reference side (fractions of the stride)."""

    ref: Side          # side whose heel strike is phase 0
    other_to: float    # other side's toe-off
    other_hs: float    # other side's heel strike
    ref_to: float      # reference side's toe-off

    def stance(self, side: Side) -> float:
        """Stance fraction of ``side``.

        Parameters
        ----------
        side : {"left", "right"}
            The walker's side.
        """
        return self.ref_to if side == self.ref else 1.0 + self.other_to - self.other_hs

    def offset(self, side: Side) -> float:
        """Heel-strike time of ``side`` in reference-cycle fractions.

        Parameters
        ----------
        side : {"left", "right"}
            The walker's side.
        """
        return 0.0 if side == self.ref else self.other_hs

    def single_support(self, side: Side) -> tuple[float, float]:
        """(start, end) of this side's single support in its OWN cycle fractions.

        Parameters
        ----------
        side : {"left", "right"}
            The walker's side.
        """
        if side == self.ref:
            return self.other_to, self.other_hs
        return self.ref_to - self.other_hs, 1.0 - self.other_hs


def timing(p: GaitParams) -> Timing:
    """The event timing of ``p``'s stride (a limp shortens the good leg's step).

    Parameters
    ----------
    p : GaitParams
        The walk's parameters (toe-off in % of the cycle, limp severity 0-1, painful side).
    """
    ds = p.toe_off_pct / 100.0 - 0.5
    s = p.limp_severity if p.painful_side else 0.0
    ref: Side = p.painful_side or "right"
    other_hs = 0.5 - 0.08 * s          # the good leg's step gets shorter
    ref_to = other_hs + ds + 0.03 * s  # painful stance = 0.5 + ds - 0.05 s
    return Timing(ref=ref, other_to=ds, other_hs=other_hs, ref_to=ref_to)


def other_side(side: Side) -> Side:
    """The contralateral side.

    Parameters
    ----------
    side : {"left", "right"}
        The walker's side.
    """
    return "left" if side == "right" else "right"


def _own_phase(t: np.ndarray, p: GaitParams, tim: Timing, side: Side) -> np.ndarray:
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


def stance_weight(phase: np.ndarray, tim: Timing, side: Side) -> np.ndarray:
    """Load share (0..1) of ``side``, ramping up/down over initial/terminal double support.

    Parameters
    ----------
    phase : (T,) float
        The side's own cycle fraction, 0-1 (0 = its heel strike).
    tim : Timing
        The stride's event timing.
    side : {"left", "right"}
        The walker's side.
    """
    stance = tim.stance(side)
    ss0, ss1 = tim.single_support(side)
    up = 0.5 * (1 - np.cos(np.pi * np.clip(phase / ss0, 0, 1)))
    down = 0.5 * (1 + np.cos(np.pi * np.clip((phase - ss1) / (stance - ss1), 0, 1)))
    late = np.where(phase < stance, down, 0.0)
    return np.where(phase < ss0, up, np.where(phase < ss1, 1.0, late))


# ---------------------------------------------------------------------------------------- angles
def joint_angles(t: np.ndarray, p: GaitParams, tim: Timing, hip_gain: float) -> dict:
    """True clinical angles (degrees) per side and whole-body series at times ``t``.

    Parameters
    ----------
    t : (T,) float
        Times, s.
    p : GaitParams
        The walk's parameters.
    tim : Timing
        The stride's event timing (:func:`timing`).
    hip_gain : float
        Scale of the hip-flexion excursion about its mean (1: the normal curve; dimensionless).
    """
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
    lean_left = p.trunk_sway_deg * (stance_weight(phase["left"], tim, "left")
                                    - stance_weight(phase["right"], tim, "right"))
    if p.trendelenburg_side:
        weak = p.trendelenburg_side
        drop = p.pelvic_drop_deg * _bump(phase[weak], *tim.single_support(weak))
        left_up = left_up + (drop if weak == "left" else -drop)  # the OTHER side drops
        # the pelvis tilts over the standing femur, which stays where it is in the room: the
        # weak hip adducts by the drop and the hanging swing leg abducts by it (until
        # 2026-12-06 the hips' angles ignored the drop, so the whole standing leg leaned out by
        # it and swayed the pelvis toward the swing side)
        out[weak]["hip_adduction"] = out[weak]["hip_adduction"] + drop
        swing = "right" if weak == "left" else "left"
        out[swing]["hip_adduction"] = out[swing]["hip_adduction"] - drop
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
