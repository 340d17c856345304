"""``analyze``: from a :class:`~vidgait.sequence.PoseSequence` to a :class:`GaitAnalysis`.

Steps: condition the landmarks, find walking passes and their views, and per pass compute the
angles that view supports, the gait events, and the strides that pass the plausibility checks.
Strides of all passes are then pooled into spatiotemporal parameters, gait-cycle curves (mean +- SD
per side), the limp assessment, and pelvis/trunk metrics (front/back passes only). Anything the
views cannot support is reported as "not measurable in this view", never as a number.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from vidgait.kinematics.angles import (angle_uncertainty, frontal_angles, sagittal_angles,
                                       transverse_angles)
from vidgait.kinematics.conventions import FRONTAL, SAGITTAL, SIDES, TRANSVERSE
from vidgait.kinematics.events import (Stride, build_strides, normalize_cycles,
                                       refine_heel_strikes, zeni)
from vidgait.kinematics.limp import EVENT_ACCURACY_S, assess_limp
from vidgait.kinematics.pelvis import pelvis_metrics
from vidgait.kinematics.signal import Conditioned, condition
from vidgait.kinematics.spatiotemporal import (LEG_FRACTION_OF_HEIGHT, METRICS, cadence,
                                               step_lengths, stride_metrics, summarize)
from vidgait.kinematics.view import Pass, find_passes, leg_length_px
from vidgait.landmarks import INDEX
from vidgait.sequence import PoseSequence

NOT_MEASURABLE = "not measurable in this view"


@dataclass(frozen=True, eq=False)
class GaitAnalysis:
    """Result of :func:`analyze` (JSON-serialisable through :meth:`to_dict`).

    Attributes
    ----------
    fs : float
        Analysis sampling rate, Hz.
    duration_s : float
        Recording length, s.
    passes : list of dict
        Walking passes: start_s, stop_s, view, facing, treadmill, yaw_deg, strides.
    events : dict side -> {"heel_strike_s": [...], "toe_off_s": [...]}
        Events of accepted strides and the others detected, s.
    refused : list of str
        Strides refused and why.
    spatiotemporal : dict
        ``cadence_steps_per_min``; per side metric -> {mean, sd, n} (times s, percentages %);
        ``step_length`` / ``stride_length`` / ``speed`` with their ``unit``.
    cycles : dict side -> angle -> {"mean": 101 floats, "sd": 101 floats, "n": int}
        Gait-cycle curves in degrees, 0..100 % of the cycle.
    limp : dict
        :class:`~vidgait.kinematics.limp.LimpAssessment` as a dict.
    pelvis : dict
        Per side pelvic drop, trunk lean over stance, obliquity range, foot progression
        ({mean, sd, n}, degrees), or NOT_MEASURABLE.
    uncertainty : dict side -> angle -> float
        First-order SD of each angle series, degrees.
    trust : dict metric group -> str
        What each group can be trusted for in the views recorded.
    kinematics : dict side -> metric -> {mean, sd, n}
        Per-stride angle summaries from side passes: ``knee_peak_swing_flexion_deg`` (strides
        with interpolated frames in swing left out), ``knee_flexion_range_deg``,
        ``hip_flexion_range_deg``; NOT_MEASURABLE without a side pass.
    warnings : list of str
    """

    fs: float
    duration_s: float
    passes: list[dict]
    events: dict[str, dict[str, list[float]]]
    refused: list[str]
    spatiotemporal: dict[str, Any]
    cycles: dict[str, dict[str, dict[str, Any]]]
    limp: dict[str, Any]
    pelvis: dict[str, Any]
    uncertainty: dict[str, dict[str, float]]
    trust: dict[str, str]
    kinematics: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (NaN becomes None, numpy values become Python values)."""
        return _jsonable(asdict(self))


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, (np.floating, float)):
        v = float(x)
        return v if math.isfinite(v) else None
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return x


@dataclass
class _PassResult:
    """Everything computed for one pass (internal)."""

    info: dict
    t: np.ndarray
    events: dict
    strides: list[Stride]
    refused: list[str]
    angles: dict[str, dict[str, np.ndarray]]
    per_stride: dict[str, dict[str, np.ndarray]]
    step_length: dict[str, np.ndarray] | None
    pelvis: dict[str, dict[str, dict[str, float]]] | None
    uncertainty: dict[str, dict[str, float]]


def _world_forward(world: np.ndarray) -> np.ndarray:
    """Median walking direction (3,) in MediaPipe world axes from the hip and shoulder lines."""
    up = np.array([0.0, -1.0, 0.0])
    left = (world[:, INDEX["left_hip"]] - world[:, INDEX["right_hip"]]
            + world[:, INDEX["left_shoulder"]] - world[:, INDEX["right_shoulder"]])
    fwd = np.cross(left, up)
    fwd[:, 1] = 0.0
    fwd = np.nanmedian(fwd / np.linalg.norm(fwd, axis=1, keepdims=True), axis=0)
    return fwd / np.linalg.norm(fwd)


def _pass_result(c: Conditioned, p: Pass, height_m: float | None) -> _PassResult:
    sl = slice(p.start, p.stop)
    t, xy, world = c.t[sl], c.image[sl], c.world[sl]
    hip = 0.5 * (xy[:, INDEX["left_hip"]] + xy[:, INDEX["right_hip"]])
    info = {"start_s": float(t[0]), "stop_s": float(t[-1]), "view": p.view, "facing": p.facing,
            "treadmill": p.treadmill, "yaw_deg": p.yaw_deg}
    unc: dict[str, dict[str, float]] = {s: {} for s in SIDES}
    step = None
    pel = None
    fwd: dict[str, np.ndarray] = {}
    if p.view == "side":
        fwd = {s: p.facing * xy[:, INDEX[f"{s}_heel"], 0] for s in SIDES}
        toe = {s: p.facing * xy[:, INDEX[f"{s}_foot_index"], 0] for s in SIDES}
        events = zeni(t, {s: fwd[s] - p.facing * hip[:, 0] for s in SIDES},
                      {s: toe[s] - p.facing * hip[:, 0] for s in SIDES}, c.fs)
        if not p.treadmill:
            speed = abs(float(np.median(np.gradient(hip[:, 0], t))))
            events = refine_heel_strikes(t, events, {s: xy[:, INDEX[f"{s}_heel"]] for s in SIDES},
                                         speed)
        angles = sagittal_angles(xy, p.facing)
    else:
        d = _world_forward(world)
        events = zeni(t, {s: world[:, INDEX[f"{s}_heel"]] @ d for s in SIDES},
                      {s: world[:, INDEX[f"{s}_foot_index"]] @ d for s in SIDES}, c.fs)
        angles = frontal_angles(xy, p.facing) if p.view in ("toward", "away") else {}
        trans = transverse_angles(world, d)
        for s in SIDES:
            angles.setdefault(s, {}).update(trans[s])
    strides, refused = build_strides(events)
    per_stride = stride_metrics(strides)
    for s in SIDES:
        for name, series in angles[s].items():
            noise = float(np.nanmedian(c.noise_px))
            unc[s][name] = angle_uncertainty(xy, noise, c.fs, c.cutoff_hz, s, name,
                                             yaw_deg=p.yaw_deg)
        if p.view == "side":
            for name in ("knee_flexion", "hip_flexion"):
                rows = normalize_cycles(t, angles[s][name], strides, s)
                per_stride[s][f"{name}_range_deg"] = (np.ptp(rows, axis=1) if len(rows)
                                                      else np.empty(0))
            per_stride[s]["knee_peak_swing_flexion_deg"] = _swing_peaks(
                t, angles[s]["knee_flexion"], c.filled[sl], strides, s)
    if p.view == "side" and not p.treadmill and strides:
        leg_px = float(np.nanmedian(leg_length_px(xy)))
        scale = leg_px / (LEG_FRACTION_OF_HEIGHT * height_m) if height_m else leg_px
        step = step_lengths(strides, t, fwd, scale)
    if p.view in ("toward", "away") and strides:
        pel = pelvis_metrics(t, angles, strides, angles)
    info["strides"] = len(strides)
    return _PassResult(info, t, events, strides, refused, angles, per_stride, step, pel, unc)


def _swing_peaks(t: np.ndarray, y: np.ndarray, filled: np.ndarray, strides: list[Stride],
                 side: str) -> np.ndarray:
    """Per-stride maximum of ``y`` in swing (toe off to next heel strike), degrees; strides whose
    swing contains interpolated frames are left out (a filled gap flattens a peak)."""
    out = []
    for st in strides:
        m = (t >= st.to) & (t <= st.next_hs)
        if st.side == side and m.any() and not filled[m].any() and np.isfinite(y[m]).all():
            out.append(float(y[m].max()))
    return np.asarray(out, float)


def _pool(results: list[_PassResult], attr: str) -> dict[str, dict[str, np.ndarray]]:
    out: dict[str, dict[str, list[np.ndarray]]] = {s: {} for s in SIDES}
    for r in results:
        d = getattr(r, attr)
        if d is None:
            continue
        for s in SIDES:
            for k, v in d[s].items():
                out[s].setdefault(k, []).append(np.asarray(v, float))
    return {s: {k: np.concatenate(v) for k, v in m.items()} for s, m in out.items()}


def _cycles(results: list[_PassResult]) -> dict[str, dict[str, dict[str, Any]]]:
    rows: dict[str, dict[str, list[np.ndarray]]] = {s: {} for s in SIDES}
    for r in results:
        for s in SIDES:
            for name, y in r.angles.get(s, {}).items():
                cyc = normalize_cycles(r.t, y, r.strides, s)
                if len(cyc):
                    rows[s].setdefault(name, []).append(cyc)
    out: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in SIDES}
    for s in SIDES:
        for name, parts in rows[s].items():
            a = np.vstack(parts)
            out[s][name] = {"mean": a.mean(axis=0), "n": int(len(a)),
                            "sd": (a.std(axis=0, ddof=1) if len(a) > 1
                                   else np.full(a.shape[1], np.nan))}
    return out


def _step_summary(results: list[_PassResult], out: dict[str, Any], height_m: float | None) -> None:
    lengths: dict[str, list[float]] = {s: [] for s in SIDES}
    for r in results:
        if r.step_length is not None:
            for s in SIDES:
                lengths[s].extend(r.step_length[s].tolist())
    if not any(lengths.values()):
        out["step_length"] = out["stride_length"] = out["speed"] = NOT_MEASURABLE
        return
    unit = "m" if height_m else "leg lengths"
    for s in SIDES:
        out[s]["step_length"] = summarize(np.asarray(lengths[s], float))
    stride = sum(out[s]["step_length"]["mean"] for s in SIDES)
    st = np.mean([out[s]["stride_time_s"]["mean"] for s in SIDES])
    out["stride_length"] = {"value": stride, "unit": unit}
    out["speed"] = {"value": stride / st, "unit": f"{unit}/s"}


def analyze(seq: PoseSequence, *, height_cm: float | None = None) -> GaitAnalysis:
    """Analyse the gait in a pose sequence.

    Parameters
    ----------
    seq : PoseSequence
        Landmarks of one person (pixels and world metres).
    height_cm : float, optional
        Standing height in cm; without it lengths are in leg lengths.

    Returns
    -------
    GaitAnalysis
    """
    height_m = height_cm / 100.0 if height_cm else None
    c = condition(seq)
    passes, _ = find_passes(c)
    warnings: list[str] = []
    if c.swaps_fixed:
        warnings.append(f"{c.swaps_fixed} frames with left/right leg labels swapped were corrected")
    if not passes:
        warnings.append("no walking pass of at least 1.5 s was found")
    results = [_pass_result(c, p, height_m) for p in passes]
    per = _pool(results, "per_stride")
    spatio: dict[str, Any] = {"cadence_steps_per_min": float("nan")}
    if all(per[s].get("stride_time_s", np.empty(0)).size for s in SIDES):
        spatio = {"cadence_steps_per_min": cadence(per)}
        for s in SIDES:
            spatio[s] = {m: summarize(per[s][m]) for m in METRICS}
        _step_summary(results, spatio, height_m)
    else:
        warnings.append("no stride of both sides passed the checks: timing not measurable")
        spatio |= {s: NOT_MEASURABLE for s in SIDES}
    kinds = {"side" if r.info["view"] == "side" else "frontal" for r in results if r.strides}
    accuracy = max([1.0 / c.fs] + [EVENT_ACCURACY_S[k] for k in kinds])
    limp = (asdict(assess_limp(per, accuracy)) if all("stance_time_s" in per[s] for s in SIDES)
            else {"verdict": "not measurable"})
    pelvis = _pelvis(results)
    views = {r.info["view"] for r in results}
    trust = _trust(views)
    unc: dict[str, dict[str, float]] = {s: {} for s in SIDES}
    for r in results:
        for s in SIDES:
            for k, v in r.uncertainty[s].items():
                unc[s][k] = min(v, unc[s].get(k, np.inf))
    events = {s: {k: sorted(float(x) for r in results for x in r.events[s][k])
                  for k in ("heel_strike_s", "toe_off_s")} for s in SIDES}
    kin_names = ("knee_peak_swing_flexion_deg", "knee_flexion_range_deg", "hip_flexion_range_deg")
    kinematics = {s: ({k: summarize(per[s][k]) for k in kin_names if k in per[s]}
                      if "knee_peak_swing_flexion_deg" in per[s] else NOT_MEASURABLE)
                  for s in SIDES}
    return GaitAnalysis(kinematics=kinematics, fs=c.fs, duration_s=seq.duration_s,
                        passes=[r.info for r in results],
                        events=events, refused=[x for r in results for x in r.refused],
                        spatiotemporal=spatio, cycles=_cycles(results), limp=limp, pelvis=pelvis,
                        uncertainty=unc, trust=trust, warnings=warnings)


def _pelvis(results: list[_PassResult]) -> dict[str, Any]:
    """Pelvis metrics of the front/back pass with the most strides (NOT_MEASURABLE without one)."""
    frontal = [r for r in results if r.pelvis is not None]
    if not frontal:
        return {s: NOT_MEASURABLE for s in SIDES}
    best = max(frontal, key=lambda r: len(r.strides))
    out: dict[str, Any] = {s: best.pelvis[s] or NOT_MEASURABLE for s in SIDES}
    return out | {"pass_start_s": best.info["start_s"]}


def _trust(views: set[str]) -> dict[str, str]:
    """What each metric group can be trusted for, given the views recorded."""
    side = "side" in views
    front = bool(views & {"toward", "away"})
    return {
        "timing": ("events from a side view (Zeni 2008, within ~1 frame on the synthetic walker)"
                   if side else "events from MediaPipe depth (front/back view): trusted less"
                   if views else NOT_MEASURABLE),
        "sagittal_angles": ("side view; hip flexion is relative to the trunk line" if side
                            else NOT_MEASURABLE),
        "frontal_angles": "front/back view, 2-D projection" if front else NOT_MEASURABLE,
        "transverse": ("relative left/right only, from MediaPipe depth (weak)" if views - {"side"}
                       else NOT_MEASURABLE),
        "step_length": "side view, scaled by leg length" if side else NOT_MEASURABLE,
        "sagittal": ",".join(SAGITTAL), "frontal": ",".join(FRONTAL),
        "transverse_angles": ",".join(TRANSVERSE),
    }
