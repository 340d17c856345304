"""``analyze``: from a :class:`~vidgait.sequence.PoseSequence` to a :class:`GaitAnalysis`.

Steps: condition the landmarks, find walking passes and their views, and per pass compute the
angles that view supports, the gait events, and the strides that pass the plausibility checks.
Strides of all passes are then pooled into spatiotemporal parameters, gait-cycle curves (mean +- SD
per side), the limp assessment, and pelvis/trunk metrics (front/back passes only). Anything the
views cannot support is reported as "not measurable in this view", never as a number.

The per-pass detail behind the pooled figures (accepted and refused strides, events, angle series
on each pass's time grid) stays available as :attr:`GaitAnalysis.pass_results`
(:class:`PassResult`); :func:`timing_passes` picks the passes that give the timing.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from typing import Any

import numpy as np

from vidgait.kinematics.angles import (
    angle_uncertainty,
    frontal_angles,
    sagittal_angles,
    transverse_angles,
)
from vidgait.kinematics.conventions import FRONTAL, SAGITTAL, SIDES, TRANSVERSE
from vidgait.kinematics.events import (
    confirm_heel_strikes,
    floor_heel_strikes,
    ground_tracks,
    refine_heel_strikes,
    stance_speed,
    stride_period,
    zeni,
)
from vidgait.kinematics.limp import EVENT_ACCURACY_S, MIN_STRIDES, assess_limp
from vidgait.kinematics.pelvis import pelvis_metrics, pelvis_metrics_without_events
from vidgait.kinematics.signal import Conditioned, condition
from vidgait.kinematics.spatiotemporal import (
    LEG_FRACTION_OF_HEIGHT,
    METRICS,
    cadence,
    step_lengths,
    stride_metrics,
    summarize,
)
from vidgait.kinematics.strides import Stride, build_strides, normalize_cycles
from vidgait.kinematics.view import Pass, find_passes, leg_length_px
from vidgait.landmarks import INDEX
from vidgait.norms import RUNNING_CADENCE
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
    clip_timeseries : tuple of dict name -> (T,) float
        Per-frame angle series of each clip, in input order (one entry for :func:`analyze`), at
        the clip's INPUT frames: ``"t"`` (s) and ``"<side>_<angle>"`` for every angle of
        :data:`~vidgait.kinematics.conventions.SAGITTAL`, ``FRONTAL`` and ``TRANSVERSE``
        (degrees; NaN where not measured or not supported by the view). Left out of
        :meth:`to_dict` (too large); for CSV / OpenSim export. :attr:`timeseries` is the first.
    pass_results : tuple of PassResult
        Per-pass detail behind the pooled figures (accepted and refused strides, events, angle
        series on the pass's time grid), one per entry of ``passes``; left out of
        :meth:`to_dict`. :func:`timing_passes` tells which of them give the timing.
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
    clip_timeseries: tuple[dict[str, np.ndarray], ...] = field(default_factory=tuple, repr=False)
    pass_results: tuple[PassResult, ...] = field(default_factory=tuple, repr=False)

    @property
    def timeseries(self) -> dict[str, np.ndarray]:
        """The first clip's per-frame angle series (see ``clip_timeseries``); {} without one."""
        return self.clip_timeseries[0] if self.clip_timeseries else {}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (NaN becomes None, numpy values become Python values); the
        per-frame series and the per-pass ``pass_results`` are left out."""
        d = {f.name: getattr(self, f.name) for f in fields(self)
             if f.name not in ("clip_timeseries", "pass_results")}
        return _jsonable({k: (asdict(v) if is_dataclass(v) else v) for k, v in d.items()})


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


@dataclass(frozen=True, eq=False)
class PassResult:
    """Per-stride detail of one walking pass, as :func:`analyze` computed it before pooling.

    Found on :attr:`GaitAnalysis.pass_results`, one per pass in time order. The arrays are the
    core's own (not copies): treat them as read-only.

    Attributes
    ----------
    info : dict
        The pass as listed in :attr:`GaitAnalysis.passes`: ``start_s``, ``stop_s``, ``view``
        (``"side"``, ``"toward"``, ``"away"``, ``"oblique"``), ``facing``, ``treadmill``,
        ``yaw_deg``, ``strides`` (accepted), and ``clip`` in a session.
    t : (N,) float
        The pass's uniform analysis time grid, s (the input's times, resampled).
    events : dict side -> {"heel_strike_s": (n,), "toe_off_s": (m,)}
        All gait events detected in the pass, s (those of refused strides included).
    strides : list of Stride
        Accepted strides (:class:`~vidgait.kinematics.events.Stride`), both sides.
    refused : list of str
        Strides refused by the checks, each with its reason.
    angles : dict side -> angle name -> (N,) float
        Angle series on ``t`` for the angles this view supports, degrees.
    per_stride : dict side -> metric name -> (n_strides,) float
        Per accepted stride of that side, in stride order: the temporal metrics of
        :func:`~vidgait.kinematics.spatiotemporal.stride_metrics` and, in a side view,
        ``knee_flexion_range_deg``, ``hip_flexion_range_deg`` and ``knee_peak_swing_flexion_deg``
        (the last one leaves out strides with interpolated frames in swing, so it may be shorter).
    step_length : dict side -> (n,) float or None
        Step lengths (side view, overground), leg lengths (no height given) or metres.
    pelvis : dict or None
        Pelvis metrics of a front/back pass (see :attr:`GaitAnalysis.pelvis`), else None.
    uncertainty : dict side -> angle name -> float
        First-order SD of each angle series, degrees.
    """

    info: dict[str, Any]
    t: np.ndarray
    events: dict[str, dict[str, np.ndarray]]
    strides: list[Stride]
    refused: list[str]
    angles: dict[str, dict[str, np.ndarray]]
    per_stride: dict[str, dict[str, np.ndarray]]
    step_length: dict[str, np.ndarray] | None
    pelvis: dict[str, dict[str, dict[str, float]]] | None
    uncertainty: dict[str, dict[str, float]]

    @property
    def view(self) -> str:
        """The pass's view (``info["view"]``)."""
        return str(self.info["view"])


def _world_forward(world: np.ndarray) -> np.ndarray:
    """Median walking direction (3,) in MediaPipe world axes from the hip and shoulder lines."""
    up = np.array([0.0, -1.0, 0.0])
    left = (world[:, INDEX["left_hip"]] - world[:, INDEX["right_hip"]]
            + world[:, INDEX["left_shoulder"]] - world[:, INDEX["right_shoulder"]])
    fwd = np.cross(left, up)
    fwd[:, 1] = 0.0
    fwd = np.nanmedian(fwd / np.linalg.norm(fwd, axis=1, keepdims=True), axis=0)
    return fwd / np.linalg.norm(fwd)


def _pass_result(c: Conditioned, p: Pass, height_m: float | None) -> PassResult:
    sl = slice(p.start, p.stop)
    t, xy, world = c.t[sl], c.image[sl], c.world[sl]
    hip = 0.5 * (xy[:, INDEX["left_hip"]] + xy[:, INDEX["right_hip"]])
    info = {"start_s": float(t[0]), "stop_s": float(t[-1]), "view": p.view, "facing": p.facing,
            "treadmill": p.treadmill, "yaw_deg": p.yaw_deg}
    unc: dict[str, dict[str, float]] = {s: {} for s in SIDES}
    step = None
    pel = None
    fwd: dict[str, np.ndarray] = {}
    doubtful: dict[str, np.ndarray] | None = None
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
        heel_w = {s: world[:, INDEX[f"{s}_heel"]] for s in SIDES}
        heel_fwd = {s: heel_w[s] @ d for s in SIDES}
        events = zeni(t, heel_fwd, {s: world[:, INDEX[f"{s}_foot_index"]] @ d for s in SIDES},
                      c.fs)
        speed = stance_speed(t, events, heel_fwd)
        if np.isfinite(speed) and speed > 0:  # heel speed over the floor (Bonci 2022)
            events = refine_heel_strikes(t, events, ground_tracks(t, heel_w, d, speed), speed)
        if p.view == "toward":  # depth events must agree with the image's floor geometry
            check = floor_heel_strikes(t, {s: xy[:, INDEX[f"{s}_heel"]] for s in SIDES},
                                       {s: xy[:, INDEX[f"{s}_foot_index"]] for s in SIDES},
                                       leg_length_px(xy), c.fs)
            doubtful = confirm_heel_strikes(events, check)
        angles = frontal_angles(xy, p.facing) if p.view in ("toward", "away") else {}
        trans = transverse_angles(world, d)
        for s in SIDES:
            angles.setdefault(s, {}).update(trans[s])
    strides, refused = build_strides(events, doubtful=doubtful)
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
            knee_pts = [INDEX[f"{s}_{j}"] for j in ("hip", "knee", "ankle")]
            filled = (c.filled_landmark[sl][:, knee_pts].any(axis=1)
                      if c.filled_landmark is not None else c.filled[sl])
            per_stride[s]["knee_peak_swing_flexion_deg"] = _swing_peaks(
                t, angles[s]["knee_flexion"], filled, strides, s)
    if p.view == "side" and not p.treadmill and strides:
        leg_px = float(np.nanmedian(leg_length_px(xy)))
        scale = leg_px / (LEG_FRACTION_OF_HEIGHT * height_m) if height_m else leg_px
        step = step_lengths(strides, t, fwd, scale)
    if p.view in ("toward", "away"):
        pel = _frontal_pelvis(t, angles, strides, c.fs)
    info["strides"] = len(strides)
    return PassResult(info, t, events, strides, refused, angles, per_stride, step, pel, unc)


def _frontal_pelvis(t: np.ndarray, angles: dict[str, dict[str, np.ndarray]],
                    strides: list[Stride], fs: float) -> dict[str, dict[str, dict[str, float]]]:
    """Pelvis metrics of a front/back pass: from the mean stride curves when each side has at
    least MIN_STRIDES accepted strides, else pelvic drop and trunk lean from per-stride extremes
    without events (:func:`~vidgait.kinematics.pelvis.pelvis_metrics_without_events`)."""
    pel = (pelvis_metrics(t, angles, strides, angles) if strides
           else {s: {} for s in SIDES})
    if min(sum(st.side == s for st in strides) for s in SIDES) >= MIN_STRIDES:
        return pel
    obl = np.nan_to_num(angles["left"]["pelvic_obliquity"])
    free = pelvis_metrics_without_events(t, angles, stride_period(obl, fs), fs)
    for s in SIDES:
        pel[s] = {k: v for k, v in pel[s].items()
                  if k not in ("pelvic_drop_deg", "trunk_lean_over_stance_deg")} | free[s]
    return pel


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


def _pool(results: list[PassResult], attr: str) -> dict[str, dict[str, np.ndarray]]:
    out: dict[str, dict[str, list[np.ndarray]]] = {s: {} for s in SIDES}
    for r in results:
        d = getattr(r, attr)
        if d is None:
            continue
        for s in SIDES:
            for k, v in d[s].items():
                out[s].setdefault(k, []).append(np.asarray(v, float))
    return {s: {k: np.concatenate(v) for k, v in m.items()} for s, m in out.items()}


def _cycles(results: list[PassResult]) -> dict[str, dict[str, dict[str, Any]]]:
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


def _step_summary(results: list[PassResult], out: dict[str, Any], height_m: float | None) -> None:
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


def _timeseries(seq: PoseSequence, c: Conditioned, passes: list[Pass],
                results: list[PassResult]) -> dict[str, np.ndarray]:
    """Per-frame angle series on the INPUT frame times (NaN outside passes / unsupported)."""
    names = SAGITTAL + FRONTAL + TRANSVERSE
    grid = {f"{s}_{n}": np.full(len(c.t), np.nan) for s in SIDES for n in names}
    for p, r in zip(passes, results):
        for s in SIDES:
            for n, y in r.angles.get(s, {}).items():
                if f"{s}_{n}" in grid:
                    grid[f"{s}_{n}"][p.start:p.stop] = y
    t_in = np.asarray(seq.t, float)
    out = {"t": t_in.copy()}
    for k, y in grid.items():
        v = np.interp(t_in, c.t, y, left=np.nan, right=np.nan)
        # a frame between a measured and an unmeasured grid point stays NaN (np.interp would
        # otherwise return a value next to a NaN only when the weight is exactly 0)
        out[k] = np.where(np.isfinite(v), v, np.nan)
    return out


def timing_passes(results: list[PassResult] | tuple[PassResult, ...]
                  ) -> tuple[list[PassResult], str | None]:
    """The passes whose strides give the timing figures of :func:`analyze`.

    Side-view passes when any of them has accepted strides (events from pixels), else the
    front/back/oblique passes with strides (events from MediaPipe depth, trusted less).

    Parameters
    ----------
    results : sequence of PassResult
        E.g. :attr:`GaitAnalysis.pass_results`.

    Returns
    -------
    passes : list of PassResult
        The timing passes (empty when no pass has an accepted stride).
    kind : {"side", "frontal"} or None
        Where their events come from; None without strides.
    """
    side = [r for r in results if r.info["view"] == "side" and r.strides]
    if side:
        return side, "side"
    other_views = [r for r in results if r.info["view"] != "side" and r.strides]
    return other_views, ("frontal" if other_views else None)


def _combine(results: list[PassResult], *, fs: float, duration_s: float,
             height_m: float | None, warnings: list[str],
             clip_timeseries: list[dict[str, np.ndarray]]) -> GaitAnalysis:
    """Pool the passes (of one clip or of a session) into a :class:`GaitAnalysis`."""
    timing, kind = timing_passes(results)
    if kind == "side" and any(r.strides for r in results if r.info["view"] != "side"):
        warnings.append("timing taken from the side-view passes only (front/back events come "
                        "from MediaPipe depth and are less accurate)")
    per = _pool(timing, "per_stride")
    # side-view angle metrics come from side passes only (already the case: only they compute
    # them); they are pooled whatever view gives the timing
    side_per = _pool([r for r in results if r.info["view"] == "side"], "per_stride")
    spatio: dict[str, Any] = {"cadence_steps_per_min": float("nan")}
    if all(per[s].get("stride_time_s", np.empty(0)).size for s in SIDES):
        spatio = {"cadence_steps_per_min": cadence(per)}
        for s in SIDES:
            spatio[s] = {m: summarize(per[s][m]) for m in METRICS}
        _step_summary(timing, spatio, height_m)
        if spatio["cadence_steps_per_min"] > RUNNING_CADENCE:
            warnings.append(f"cadence {spatio['cadence_steps_per_min']:.0f} steps/min is above "
                            f"{RUNNING_CADENCE:g}: this looks like running, and vidgait's events, "
                            "stance phases and normal ranges are for walking")
    else:
        warnings.append("no stride of both sides passed the checks: timing not measurable")
        spatio |= {s: NOT_MEASURABLE for s in SIDES}
    accuracy = max([1.0 / fs] + ([EVENT_ACCURACY_S[kind]] if kind else []))
    limp_in = {s: dict(per[s]) for s in SIDES}
    for s in SIDES:
        for k in ("knee_flexion_range_deg", "hip_flexion_range_deg"):
            if k in side_per[s]:
                limp_in[s][k] = side_per[s][k]
    limp = (asdict(assess_limp(limp_in, accuracy))
            if all("stance_time_s" in per[s] for s in SIDES)
            else {"verdict": "not measurable", "explanation": "no accepted strides"})
    pelvis = _pelvis(results)
    views = {r.info["view"] for r in results}
    trust = _trust(views)
    unc: dict[str, dict[str, float]] = {s: {} for s in SIDES}
    for r in results:
        for s in SIDES:
            for k, v in r.uncertainty[s].items():
                unc[s][k] = min(v, unc[s].get(k, np.inf))
    events = {s: {k: sorted(float(x) for r in timing for x in r.events[s][k])
                  for k in ("heel_strike_s", "toe_off_s")} for s in SIDES}
    kin_names = ("knee_peak_swing_flexion_deg", "knee_flexion_range_deg", "hip_flexion_range_deg")
    kinematics = {s: ({k: summarize(side_per[s][k]) for k in kin_names if k in side_per[s]}
                      if "knee_peak_swing_flexion_deg" in side_per[s] else NOT_MEASURABLE)
                  for s in SIDES}
    return GaitAnalysis(kinematics=kinematics, fs=fs, duration_s=duration_s,
                          passes=[r.info for r in results],
                          events=events, refused=[x for r in results for x in r.refused],
                          spatiotemporal=spatio, cycles=_cycles(results), limp=limp,
                          pelvis=pelvis, uncertainty=unc, trust=trust, warnings=warnings,
                          clip_timeseries=tuple(clip_timeseries), pass_results=tuple(results))


def _clip_results(seq: PoseSequence, height_m: float | None, warnings: list[str],
                  label: str = "") -> tuple[Conditioned, list[Pass], list[PassResult]]:
    c = condition(seq)
    passes, _ = find_passes(c)
    if c.swaps_fixed:
        warnings.append(f"{label}{c.swaps_fixed} frames with left/right leg labels swapped were "
                        "corrected")
    if not passes:
        warnings.append(f"{label}no walking pass of at least 1.5 s was found")
    results = [_pass_result(c, p, height_m) for p in passes]
    return c, passes, results


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
    warnings: list[str] = []
    c, passes, results = _clip_results(seq, height_m, warnings)
    return _combine(results, fs=c.fs, duration_s=seq.duration_s, height_m=height_m,
                    warnings=warnings, clip_timeseries=[_timeseries(seq, c, passes, results)])


def analyze_session(seqs: list[PoseSequence], *, height_cm: float | None = None) -> GaitAnalysis:
    """Analyse several clips of the same walk / visit together (e.g. one side and one front clip).

    Each clip is conditioned and split into passes on its own; the passes of all clips are then
    pooled, and each metric is taken from the view that supports it: timing, limp, step length
    and sagittal angles from side-view passes (front/back timing only when no side pass has
    strides), pelvic drop, trunk lean and frontal angles from front/back passes. Cycle curves
    pool all passes that measure an angle (an angle is only computed in a view that supports it).

    Parameters
    ----------
    seqs : list of PoseSequence
        Clips of one person; their times need not be related.
    height_cm : float, optional
        Standing height in cm.

    Returns
    -------
    GaitAnalysis
        ``passes`` gain a ``clip`` index; ``duration_s`` is the sum of the clips' durations and
        ``fs`` the first clip's analysis rate; ``timeseries`` holds the FIRST clip's series and
        ``clip_timeseries`` every clip's. Warnings about one clip start "clip N:" (N from 1).
    """
    if not seqs:
        raise ValueError("analyze_session needs at least one pose sequence")
    height_m = height_cm / 100.0 if height_cm else None
    warnings: list[str] = []
    allres: list[PassResult] = []
    series: list[dict[str, np.ndarray]] = []
    fs0 = float("nan")
    for i, seq in enumerate(seqs):
        c, passes, results = _clip_results(seq, height_m, warnings, label=f"clip {i + 1}: ")
        results = [replace(r, info=r.info | {"clip": i}) for r in results]
        fs0 = c.fs if i == 0 else fs0
        series.append(_timeseries(seq, c, passes, results))
        allres.extend(results)
    return _combine(allres, fs=fs0, duration_s=float(sum(s.duration_s for s in seqs)),
                    height_m=height_m, warnings=warnings, clip_timeseries=series)


def _pelvis(results: list[PassResult]) -> dict[str, Any]:
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
                   if side else ("events from MediaPipe depth (front/back view; walking toward "
                                 "the camera, heel strikes must agree with the image's floor "
                                 "geometry within 0.1 s): trusted less")
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
