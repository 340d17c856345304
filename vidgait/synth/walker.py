"""A parametric forward-kinematics walker with known truth: :func:`simulate` turns
:class:`~vidgait.synth.gait.GaitParams` into a walk on the floor (:class:`WalkerTruth`).

The walker is the backbone of vidgait's tests: joint angles, pelvic motion and gait events go in,
33 MediaPipe-style landmarks come out, and the kinematics core must recover what went in. The gait
pattern (timing, angles) is :mod:`vidgait.synth.gait`, the body (lab frame, segment frames,
landmarks) :mod:`vidgait.synth.body`, the camera that films it :mod:`vidgait.synth.camera` and the
filming into a pose sequence :mod:`vidgait.synth.film`. Lab metres, seconds, degrees.

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

import numpy as np
from scipy.optimize import brentq

from vidgait.synth.body import body_dimensions, forward_kinematics, landmarks_of
from vidgait.synth.gait import (
    SIDES,
    GaitParams,
    Timing,
    joint_angles,
    other_side,
    stance_weight,
    timing,
)


# ------------------------------------------------------------------------------- floor contact
def _pelvis_velocity(jt: dict, t: np.ndarray, p: GaitParams, tim: Timing,
                     ang: dict) -> np.ndarray:
    """Horizontal pelvis velocity (T,2) in m/s that keeps the stance feet from sliding."""
    num = np.zeros((t.size, 2))
    den = np.zeros(t.size)
    for s in SIDES:
        w = stance_weight(ang["phase"][s], tim, s)
        heel, toe = jt[f"{s}_heel"], jt[f"{s}_ball"]
        alpha = 1.0 / (1.0 + np.exp(-np.clip((toe[:, 2] - heel[:, 2]) / 0.004, -50, 50)))
        v = alpha[:, None] * np.gradient(heel, t, axis=0) + (1 - alpha[:, None]) * np.gradient(
            toe, t, axis=0)
        num += w[:, None] * v[:, :2]
        den += w
    return -num / np.maximum(den, 1e-9)[:, None]


def _pelvis_height(jt: dict, ang: dict, tim: Timing) -> np.ndarray:
    """Pelvis height (T,) m: the load-weighted lowest point of the stance feet is on the floor."""
    num = np.zeros(jt["pelvis"].shape[0])
    den = np.zeros_like(num)
    for s in SIDES:
        w = stance_weight(ang["phase"][s], tim, s)
        num += w * np.minimum(jt[f"{s}_heel"][:, 2], jt[f"{s}_ball"][:, 2])
        den += w
    return -num / np.maximum(den, 1e-9)


def _pelvis_path(p: GaitParams, tim: Timing, hip_gain: float, t0: float, t1: float,
                 rate: float = 400.0) -> tuple[np.ndarray, np.ndarray]:
    """Fine time grid and integrated horizontal pelvis position (N,2) from t0 to t1."""
    tf = np.arange(t0 - 0.05, t1 + 0.05 + 1 / rate, 1 / rate)
    ang = joint_angles(tf, p, tim, hip_gain)
    _, jt = forward_kinematics(ang, p, tf)
    v = _pelvis_velocity(jt, tf, p, tim, ang)
    xy = np.vstack([[0.0, 0.0], np.cumsum(0.5 * (v[1:] + v[:-1]) * np.diff(tf)[:, None], axis=0)])
    return tf, xy


def _stride_length(p: GaitParams, tim: Timing, hip_gain: float) -> float:
    tf, xy = _pelvis_path(p, tim, hip_gain, 0.0, p.stride_time_s, rate=300.0)
    return float(np.interp(p.stride_time_s, tf, xy[:, 0]) - np.interp(0.0, tf, xy[:, 0]))


def _hip_gain(p: GaitParams, tim: Timing) -> float:
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



def _events(t: np.ndarray, p: GaitParams, tim: Timing) -> dict:
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


def _summary(p: GaitParams, tim: Timing, hip_gain: float, speed: float) -> dict:
    """Per-side truth summary from one finely sampled stride."""
    ts = p.stride_time_s
    tf = np.linspace(0.0, ts, 2001)
    ang = joint_angles(tf, p, tim, hip_gain)
    out: dict = {"cadence_steps_per_min": p.cadence_steps_per_min, "stride_time_s": ts,
                 "stride_length_m": speed * ts, "speed_m_s": speed,
                 "limp_side": p.painful_side if p.limp_severity > 0 else None}
    for s in SIDES:
        o = other_side(s)
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
    tim = timing(p)
    t = p.frame_times()
    gain = _hip_gain(p, tim)
    ang = joint_angles(t, p, tim, gain)
    seg, jt = forward_kinematics(ang, p, t)
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
    return WalkerTruth(params=p, t=t, landmarks=landmarks_of(jt, seg, b), joints=jt, segments=seg,
                       body=b, angles=angles, events=_events(t, p, tim),
                       summary=_summary(p, tim, gain, speed))


def stand_then_walk(walk: WalkerTruth, stand_s: float) -> WalkerTruth:
    """The same walk with the patient standing still first, as the pelvis-marker protocol asks.

    The walker holds its pose at its first heel strike (both feet on the floor, the pelvis
    level up to its normal obliquity at contact) for ``stand_s`` seconds, then walks on exactly
    as in ``walk`` (no gait initiation is modelled: the first step starts from that pose).

    Parameters
    ----------
    walk : WalkerTruth
        A walk at a constant frame rate (:func:`simulate`).
    stand_s : float
        Seconds of standing still before it, s.

    Returns
    -------
    WalkerTruth
        Frames from the first heel strike on, after ``round(stand_s * fps)`` copies of it; times
        from ``walk.t[0]`` at the walk's rate; events shifted with the frames (those before the
        first heel strike dropped); ``summary`` unchanged.
    """
    fps = float(walk.params.fps)
    first = min(float(e["heel_strike_s"][0]) for e in walk.events.values()
                if len(e["heel_strike_s"]))
    k = int(np.searchsorted(walk.t, first - 0.5 / fps))
    n = round(stand_s * fps)
    rows = np.concatenate([np.full(n, k), np.arange(k, len(walk.t))])
    t = walk.t[0] + np.arange(len(rows)) / fps
    shift = t[n] - walk.t[k]

    def take(a: np.ndarray) -> np.ndarray:
        return a[rows]

    events = {s: {name: v[v >= walk.t[k]] + shift for name, v in e.items()}
              for s, e in walk.events.items()}
    return WalkerTruth(params=walk.params, t=t, landmarks=take(walk.landmarks),
                       joints={j: take(v) for j, v in walk.joints.items()},
                       segments={g: take(v) for g, v in walk.segments.items()},
                       body=walk.body,
                       angles={s: {a: take(v) for a, v in d.items()}
                               for s, d in walk.angles.items()},
                       events=events, summary=walk.summary)
