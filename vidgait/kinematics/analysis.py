"""``analyze``: from a :class:`~vidgait.sequence.PoseSequence` to a :class:`GaitAnalysis`.

Steps: condition the landmarks, find walking passes and their views, measure each pass
(:func:`~vidgait.kinematics.per_pass.measure_pass`: the angles its view supports, gait events,
the strides that pass the plausibility checks), then pool the strides of all passes into
spatiotemporal parameters, gait-cycle curves (mean +- SD per side), the limp assessment, the
pelvis/trunk metrics (front/back passes only) and the foot progression angle per side (the planted
feet of every pass that is not a side view, on the floor plane; the camera model is the assumed
phone lens of :mod:`vidgait.lens` for the frame size, or the sequence's
``meta["vertical_fov_deg"]`` when its source knew the lens). Anything the views cannot support is a
:class:`~vidgait.kinematics.results.NotMeasurable` with its reason, never a number.

Units: times s, percentages % of the stride, angles degrees, cadence steps/min, lengths metres
when a height is given (else leg lengths).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from vidgait.kinematics.conventions import FRONTAL, SAGITTAL, SIDES, TRANSVERSE
from vidgait.kinematics.limp import EVENT_ACCURACY_S, LimpAssessment, assess_limp
from vidgait.kinematics.per_pass import PassResult, measure_pass, timing_passes
from vidgait.kinematics.results import (
    Curve,
    Estimate,
    Notice,
    NotMeasurable,
    PassInfo,
    Quantity,
    Refusal,
    Spatiotemporal,
    value_of,
)
from vidgait.kinematics.signal import Conditioned, condition
from vidgait.kinematics.spatiotemporal import METRICS, cadence
from vidgait.kinematics.strides import normalize_cycles
from vidgait.kinematics.view import Pass, find_passes
from vidgait.lens import pinhole
from vidgait.norms import RUNNING_CADENCE
from vidgait.sequence import PoseSequence

#: per-stride angle metrics of side-view passes
KINEMATICS = ("knee_peak_swing_flexion_deg", "knee_flexion_range_deg",
              "knee_flexion_contact_deg", "hip_flexion_range_deg")

SideMetrics = dict[str, Estimate] | NotMeasurable


@dataclass(frozen=True, eq=False)
class GaitAnalysis:
    """Result of :func:`analyze` / :func:`analyze_session`: what the core measured.

    Attributes
    ----------
    fs : float
        Analysis sampling rate, Hz.
    duration_s : float
        Recording length, s.
    passes : tuple of PassInfo
        The walking passes, in time order (clip by clip in a session).
    events : dict side -> {"heel_strike_s": tuple, "toe_off_s": tuple}
        Gait events of the timing passes (accepted strides and the others detected), s.
    refused : tuple of Refusal
        Strides refused by the checks, with their reasons.
    spatiotemporal : Spatiotemporal
        Cadence, per-side temporal metrics and step length, stride length and speed.
    cycles : dict side -> angle -> Curve
        Gait-cycle curves, degrees, 0..100 % of the cycle.
    limp : LimpAssessment
        The limp verdict with its symmetry indices.
    pelvis : dict side -> (metric -> Estimate) or NotMeasurable
        Front/back view: ``pelvic_drop_deg`` (of that side while the other leg stands alone),
        ``trunk_lean_over_stance_deg``, ``obliquity_range_deg``, ``knee_valgus_stance_deg``,
        ``hip_rotation_swing_deg`` (degrees).
    foot : dict side -> (metric -> Estimate) or NotMeasurable
        ``foot_progression_deg``: mean over the planted feet of all passes within the
        uncertainty limit, deg, toe out positive (:mod:`vidgait.kinematics.footprog`), or why
        not (``"view"``: side views only, ``"treadmill"``, ``"few_footprints"``, ``"no_floor"``,
        ``"uncertain"``).
    pelvis_pass_start_s : float or None
        Start of the front/back pass the pelvis metrics come from, s.
    uncertainty : dict side -> angle -> float
        First-order SD of each angle series from landmark noise, degrees.
    kinematics : dict side -> (metric -> Estimate) or NotMeasurable
        Side view: :data:`KINEMATICS` (degrees; the knee peak leaves out strides with
        interpolated frames in swing).
    notices : tuple of Notice
        What a reader should know (leg swaps corrected, no pass found, running cadence, ...).
    clip_timeseries : tuple of dict name -> (T,) float
        Per-frame angle series of each clip, in input order, at the clip's INPUT frames:
        ``"t"`` (s) and ``"<side>_<angle>"`` for every angle of
        :data:`~vidgait.kinematics.conventions.SAGITTAL`, ``FRONTAL`` and ``TRANSVERSE``
        (degrees; NaN where not measured or not supported by the view). :attr:`timeseries` is
        the first.
    pass_results : tuple of PassResult
        Per-pass detail behind the pooled figures, one per entry of ``passes``;
        :func:`~vidgait.kinematics.per_pass.timing_passes` tells which give the timing.
    """

    fs: float
    duration_s: float
    passes: tuple[PassInfo, ...]
    events: dict[str, dict[str, tuple[float, ...]]]
    refused: tuple[Refusal, ...]
    spatiotemporal: Spatiotemporal
    cycles: dict[str, dict[str, Curve]]
    limp: LimpAssessment
    pelvis: dict[str, SideMetrics]
    pelvis_pass_start_s: float | None
    uncertainty: dict[str, dict[str, float]]
    kinematics: dict[str, SideMetrics]
    notices: tuple[Notice, ...] = ()
    foot: dict[str, SideMetrics] = field(default_factory=dict)
    clip_timeseries: tuple[dict[str, np.ndarray], ...] = field(default_factory=tuple, repr=False)
    pass_results: tuple[PassResult, ...] = field(default_factory=tuple, repr=False)

    @property
    def timeseries(self) -> dict[str, np.ndarray]:
        """The first clip's per-frame angle series (see ``clip_timeseries``); {} without one."""
        return self.clip_timeseries[0] if self.clip_timeseries else {}

    @property
    def views(self) -> frozenset[str]:
        """The views of the passes found."""
        return frozenset(p.view for p in self.passes)

    def estimate(self, block: str, side: str, metric: str) -> Estimate | None:
        """The estimate of ``metric`` on ``side`` in ``"spatiotemporal"``, ``"kinematics"`` or
        ``"pelvis"``, or None when it was not measured.

        Parameters
        ----------
        block : str
            ``"spatiotemporal"``, ``"kinematics"``, ``"pelvis"`` or ``"foot"``.
        side : str
            ``"left"`` or ``"right"`` (the patient's side).
        metric : str
            The metric's name, with its unit suffix (e.g. ``"pelvic_drop_deg"``).
        """
        if block == "spatiotemporal":
            return self.spatiotemporal.get(side, metric)
        per_side = getattr(self, block).get(side, NotMeasurable("view"))
        return None if isinstance(per_side, NotMeasurable) else per_side.get(metric)

    def value(self, block: str, side: str, metric: str) -> float:
        """The value of :meth:`estimate`, NaN when it was not measured.

        Parameters
        ----------
        block : str
            ``"spatiotemporal"``, ``"kinematics"`` or ``"pelvis"``.
        side : str
            ``"left"`` or ``"right"`` (the patient's side).
        metric : str
            The metric's name, with its unit suffix (e.g. ``"pelvic_drop_deg"``).

        Returns
        -------
        float
            In the metric's unit.
        """
        return value_of(self.estimate(block, side, metric))


def _pool(results: list[PassResult], attr: str) -> dict[str, dict[str, np.ndarray]]:
    """Per side and metric, the per-stride values of all ``results`` concatenated."""
    out: dict[str, dict[str, list[np.ndarray]]] = {s: {} for s in SIDES}
    for r in results:
        d = getattr(r, attr)
        if d is None:
            continue
        for s in SIDES:
            for k, v in d[s].items():
                out[s].setdefault(k, []).append(np.asarray(v, float))
    return {s: {k: np.concatenate(v) for k, v in m.items()} for s, m in out.items()}


def _cycles(results: list[PassResult]) -> dict[str, dict[str, Curve]]:
    """Gait-cycle curves of every angle over the accepted strides of all passes."""
    rows: dict[str, dict[str, list[np.ndarray]]] = {s: {} for s in SIDES}
    for r in results:
        for s in SIDES:
            for name, y in r.angles.get(s, {}).items():
                cyc = normalize_cycles(r.t, y, r.strides, s)
                if len(cyc):
                    rows[s].setdefault(name, []).append(cyc)
    out: dict[str, dict[str, Curve]] = {s: {} for s in SIDES}
    for s in SIDES:
        for name, parts in rows[s].items():
            a = np.vstack(parts)
            sd = a.std(axis=0, ddof=1) if len(a) > 1 else np.full(a.shape[1], np.nan)
            out[s][name] = Curve(a.mean(axis=0), sd, len(a))
    return out


def _spatiotemporal(timing: list[PassResult], all_results: list[PassResult],
                    height_m: float | None) -> Spatiotemporal:
    per = _pool(timing, "per_stride")
    if not all(per[s].get("stride_time_s", np.empty(0)).size for s in SIDES):
        none = NotMeasurable("no_strides")
        return Spatiotemporal(none, none, none, none)
    sides = {s: {m: Estimate.of(per[s][m]) for m in METRICS} for s in SIDES}
    lengths: dict[str, list[float]] = {s: [] for s in SIDES}
    for r in timing:
        if r.step_length is not None:
            for s in SIDES:
                lengths[s].extend(r.step_length[s].tolist())
    if not any(lengths.values()):
        treadmill = any(r.view == "side" and r.info.treadmill for r in all_results)
        none = NotMeasurable("treadmill" if treadmill else "view")
        return Spatiotemporal(cadence(per), sides, none, none)
    unit = "m" if height_m else "leg lengths"
    for s in SIDES:
        sides[s]["step_length"] = Estimate.of(lengths[s])
    stride = sum(sides[s]["step_length"].value for s in SIDES)
    st = np.mean([sides[s]["stride_time_s"].value for s in SIDES])
    return Spatiotemporal(cadence(per), sides, Quantity(stride, unit),
                          Quantity(stride / st, f"{unit}/s"))


def _limp(per: dict[str, dict[str, np.ndarray]], side_per: dict[str, dict[str, np.ndarray]],
          accuracy: float) -> LimpAssessment:
    limp_in = {s: dict(per[s]) for s in SIDES}
    for s in SIDES:
        for k in ("knee_flexion_range_deg", "hip_flexion_range_deg"):
            if k in side_per[s]:
                limp_in[s][k] = side_per[s][k]
    if all("stance_time_s" in per[s] for s in SIDES):
        return assess_limp(limp_in, accuracy)
    return LimpAssessment("not measurable", "few_strides", None, None, float("nan"), float("nan"))


def _pelvis(results: list[PassResult]) -> tuple[dict[str, SideMetrics], float | None]:
    """Pelvis metrics of the front/back pass with the most strides, and its start (s)."""
    frontal = [r for r in results if r.pelvis is not None]
    if not frontal:
        return {s: NotMeasurable("view") for s in SIDES}, None
    best = max(frontal, key=lambda r: len(r.strides))
    return ({s: best.pelvis[s] or NotMeasurable("no_strides") for s in SIDES},
            best.info.start_s)


def _foot(results: list[PassResult]) -> dict[str, SideMetrics]:
    """Foot progression per side over the used footprints of every pass that measured it; when
    none, the most telling reason among the passes (uncertain, few footprints, treadmill, view).
    """
    out: dict[str, SideMetrics] = {}
    measured = [r.foot for r in results if r.foot is not None]
    for s in SIDES:
        angles = [a for fp in measured for f, a, used in zip(fp.footprints, fp.angle_deg, fp.used,
                                                             strict=True)
                  if used and f.side == s]
        if angles:
            out[s] = {"foot_progression_deg": Estimate.of(angles)}
            continue
        reasons = {fp.sides[s].reason for fp in measured if isinstance(fp.sides[s], NotMeasurable)}
        out[s] = NotMeasurable(next((r for r in ("uncertain", "no_floor", "few_footprints",
                                                 "treadmill") if r in reasons), "view"))
    return out


def _combine(results: list[PassResult], *, fs: float, duration_s: float,
             height_m: float | None, notices: list[Notice],
             clip_timeseries: list[dict[str, np.ndarray]]) -> GaitAnalysis:
    """Pool the passes (of one clip or of a session) into a :class:`GaitAnalysis`."""
    timing, kind = timing_passes(results)
    if kind == "side" and any(r.strides for r in results if r.view != "side"):
        notices.append(Notice("timing_from_side"))
    per = _pool(timing, "per_stride")
    # side-view angle metrics come from side passes only (only they compute them); they are
    # pooled whatever view gives the timing
    side_per = _pool([r for r in results if r.view == "side"], "per_stride")
    spatio = _spatiotemporal(timing, results, height_m)
    cad = spatio.cadence_steps_per_min
    if isinstance(cad, NotMeasurable):
        notices.append(Notice("no_timing"))
    elif cad > RUNNING_CADENCE:
        notices.append(Notice("running", float(cad)))
    accuracy = max([1.0 / fs] + ([EVENT_ACCURACY_S[kind]] if kind else []))
    pelvis, pelvis_start = _pelvis(results)
    unc: dict[str, dict[str, float]] = {s: {} for s in SIDES}
    for r in results:
        for s in SIDES:
            for k, v in r.uncertainty[s].items():
                unc[s][k] = min(v, unc[s].get(k, np.inf))
    events = {s: {k: tuple(sorted(float(x) for r in timing for x in r.events[s][k]))
                  for k in ("heel_strike_s", "toe_off_s")} for s in SIDES}
    kinematics: dict[str, SideMetrics] = {
        s: ({k: Estimate.of(side_per[s][k]) for k in KINEMATICS if k in side_per[s]}
            if "knee_peak_swing_flexion_deg" in side_per[s] else NotMeasurable("view"))
        for s in SIDES}
    return GaitAnalysis(
        fs=fs, duration_s=duration_s, passes=tuple(r.info for r in results), events=events,
        refused=tuple(x for r in results for x in r.refused), spatiotemporal=spatio,
        cycles=_cycles(results), limp=_limp(per, side_per, accuracy), pelvis=pelvis,
        pelvis_pass_start_s=pelvis_start, uncertainty=unc, kinematics=kinematics,
        notices=tuple(notices), foot=_foot(results), clip_timeseries=tuple(clip_timeseries),
        pass_results=tuple(results))


def _timeseries(seq: PoseSequence, c: Conditioned, passes: list[Pass],
                results: list[PassResult]) -> dict[str, np.ndarray]:
    """Per-frame angle series on the INPUT frame times (NaN outside passes / unsupported)."""
    names = SAGITTAL + FRONTAL + TRANSVERSE
    grid = {f"{s}_{n}": np.full(len(c.t), np.nan) for s in SIDES for n in names}
    for p, r in zip(passes, results, strict=True):
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


def _clip_results(seq: PoseSequence, height_m: float | None, notices: list[Notice],
                  clip: int | None = None) -> tuple[Conditioned, list[Pass], list[PassResult]]:
    c = condition(seq)
    passes, _ = find_passes(c)
    if c.swaps_fixed:
        notices.append(Notice("swaps_fixed", float(c.swaps_fixed), clip))
    if not passes:
        notices.append(Notice("no_pass", clip=clip))
    lens = pinhole(*seq.frame_size, seq.meta.get("vertical_fov_deg"))
    results = [measure_pass(c, p, height_m, lens) for p in passes]
    if clip is not None:
        results = [replace(r, info=replace(r.info, clip=clip),
                           refused=[replace(x, clip=clip) for x in r.refused]) for r in results]
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
    notices: list[Notice] = []
    c, passes, results = _clip_results(seq, height_m, notices)
    return _combine(results, fs=c.fs, duration_s=seq.duration_s, height_m=height_m,
                    notices=notices, clip_timeseries=[_timeseries(seq, c, passes, results)])


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
        Passes, refused strides and per-clip notices carry their clip index (from 0);
        ``duration_s`` is the sum of the clips' durations and ``fs`` the first clip's analysis
        rate; ``clip_timeseries`` holds every clip's series.
    """
    if not seqs:
        raise ValueError("analyze_session needs at least one pose sequence")
    height_m = height_cm / 100.0 if height_cm else None
    notices: list[Notice] = []
    allres: list[PassResult] = []
    series: list[dict[str, np.ndarray]] = []
    fs0 = float("nan")
    for i, seq in enumerate(seqs):
        c, passes, results = _clip_results(seq, height_m, notices, clip=i)
        fs0 = c.fs if i == 0 else fs0
        series.append(_timeseries(seq, c, passes, results))
        allres.extend(results)
    return _combine(allres, fs=fs0, duration_s=float(sum(s.duration_s for s in seqs)),
                    height_m=height_m, notices=notices, clip_timeseries=series)
