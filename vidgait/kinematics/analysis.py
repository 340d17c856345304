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
from vidgait.kinematics.limp import EVENT_ACCURACY_S, LimpAssessment
from vidgait.kinematics.per_pass import PassResult, measure_pass, timing_passes
from vidgait.kinematics.pooling import (
    SideMetrics,
    pool,
    pool_cycles,
    pool_foot,
    pool_limp,
    pool_pelvis,
    pool_spatiotemporal,
    trunk_spatiotemporal,
    with_marker,
)
from vidgait.kinematics.results import (
    Curve,
    Estimate,
    Measure,
    Notice,
    NotMeasurable,
    PassInfo,
    PelvisMethod,
    Refusal,
    Spatiotemporal,
    value_of,
)
from vidgait.kinematics.sacrum import SacralPelvis, faces_camera, sacral_pelvis, walking_spans
from vidgait.kinematics.signal import Conditioned, condition
from vidgait.kinematics.view import Pass, classify_frames, find_passes
from vidgait.lens import pinhole
from vidgait.norms import RUNNING_CADENCE
from vidgait.sequence import PoseSequence

#: per-stride angle metrics of side-view passes
KINEMATICS = ("knee_peak_swing_flexion_deg", "knee_flexion_range_deg",
              "knee_flexion_contact_deg", "hip_flexion_range_deg")



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
    pelvis : dict side -> (metric -> Estimate or NotMeasurable) or NotMeasurable
        Front/back view: ``pelvic_drop_deg`` (of that side while the other leg stands alone),
        ``trunk_lean_over_stance_deg``, ``obliquity_range_deg``, ``knee_valgus_stance_deg``,
        ``hip_rotation_swing_deg`` (degrees). From the landmarks, pelvic drop and obliquity
        range are ``NotMeasurable("marker_needed")``.
    foot : dict side -> (metric -> Estimate) or NotMeasurable
        ``foot_progression_deg``: mean over the planted feet of all passes within the
        uncertainty limit, deg, toe out positive (:mod:`vidgait.kinematics.footprog`), or why
        not (``"view"``: side views only, ``"treadmill"``, ``"few_footprints"``, ``"no_floor"``,
        ``"uncertain"``).
    pelvis_pass_start_s : float or None
        Start of the front/back pass the pelvis metrics come from, s.
    pelvis_method : {"landmarks", "marker"} or None
        Where the pelvis metrics come from; None without a front/back pass.
    marker : SacralPelvis or None
        The pelvis marker's measurement (seen share, zero, obliquity, contacts from the trunk)
        when the clip (or a clip of the session) has the tag on a walk away from the camera.
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
    pelvis_method: PelvisMethod | None = None
    marker: SacralPelvis | None = field(default=None, repr=False)
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
        m = self.measure(block, side, metric)
        return m if isinstance(m, Estimate) else None

    def measure(self, block: str, side: str, metric: str) -> Measure | None:
        """``metric`` on ``side`` in ``"kinematics"`` or ``"pelvis"``: its Estimate, the
        NotMeasurable (with its reason) of the metric or of the whole side, or None when the
        block does not hold it.

        Parameters
        ----------
        block : str
            ``"kinematics"`` or ``"pelvis"``.
        side : str
            ``"left"`` or ``"right"`` (the patient's side).
        metric : str
            The metric's name, with its unit suffix (e.g. ``"pelvic_drop_deg"``).
        """
        per_side = getattr(self, block).get(side, NotMeasurable("view"))
        return per_side if isinstance(per_side, NotMeasurable) else per_side.get(metric)

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


def _combine(results: list[PassResult], *, fs: float, duration_s: float,
             height_m: float | None, notices: list[Notice],
             clip_timeseries: list[dict[str, np.ndarray]],
             marker: SacralPelvis | None = None) -> GaitAnalysis:
    """Pool the passes (of one clip or of a session) into a :class:`GaitAnalysis`."""
    timing, kind = timing_passes(results)
    if kind == "side" and any(r.strides for r in results if r.view != "side"):
        notices.append(Notice("timing_from_side"))
    per = pool(timing, "per_stride")
    spatio = pool_spatiotemporal(timing, results, height_m)
    if kind != "side" and marker is not None and marker.steps is not None:
        trunk, trunk_per = trunk_spatiotemporal(marker.steps, marker.speed_m_s)
        if not isinstance(trunk.cadence_steps_per_min, NotMeasurable):
            # contacts from the sacral marker's motion beat MediaPipe's depth from behind
            spatio, per, kind, timing = trunk, trunk_per, "trunk", []
            notices.append(Notice("timing_from_marker"))
    # side-view angle metrics come from side passes only (only they compute them); they are
    # pooled whatever view gives the timing
    side_per = pool([r for r in results if r.view == "side"], "per_stride")
    cad = spatio.cadence_steps_per_min
    if isinstance(cad, NotMeasurable):
        notices.append(Notice("no_timing"))
    elif cad > RUNNING_CADENCE:
        notices.append(Notice("running", float(cad)))
    accuracy = max([1.0 / fs] + ([EVENT_ACCURACY_S[kind]] if kind else []))
    pelvis, pelvis_start = pool_pelvis(results)
    method: PelvisMethod | None = None if pelvis_start is None else "landmarks"
    cycles = pool_cycles(results)
    if marker is not None:
        # the tag on the back faces the camera: a pass the landmarks say faces the camera has
        # the patient's sides mirrored (MediaPipe takes a back for a front)
        mirrored = any(r.pelvis is not None and r.info.facing > 0 for r in results)
        if mirrored:
            notices.append(Notice("sides_mirrored"))
        pelvis, method = with_marker(pelvis, marker, mirrored=mirrored), "marker"
        for s in SIDES:  # the pelvis's obliquity is the marker's, never the hip line's
            cycles[s].pop("pelvic_obliquity", None)
            if s in marker.curves:
                cycles[s]["pelvic_obliquity"] = marker.curves[s]
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
        cycles=cycles, limp=pool_limp(per, side_per, accuracy), pelvis=pelvis,
        pelvis_pass_start_s=pelvis_start, uncertainty=unc, kinematics=kinematics,
        notices=tuple(notices), foot=pool_foot(results),
        clip_timeseries=tuple(clip_timeseries), pass_results=tuple(results),
        pelvis_method=method, marker=marker)


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
                  clip: int | None = None
                  ) -> tuple[Conditioned, list[Pass], list[PassResult], SacralPelvis | None]:
    c = condition(seq)
    passes, features = find_passes(c)
    if c.swaps_fixed:
        notices.append(Notice("swaps_fixed", float(c.swaps_fixed), clip))
    if not passes:
        notices.append(Notice("no_pass", clip=clip))
    lens = pinhole(*seq.frame_size, seq.meta.get("vertical_fov_deg"))
    results = [measure_pass(c, p, height_m, lens) for p in passes]
    if clip is not None:
        results = [replace(r, info=replace(r.info, clip=clip),
                           refused=[replace(x, clip=clip) for x in r.refused]) for r in results]
    marker = None
    if seq.marker is not None:  # the sacral tag faces the camera while the patient walks away
        views, _ = classify_frames(features, c.fs)
        spans = walking_spans(c.t, (views != "") & (views != "standing"))
        if spans and faces_camera(seq.t, seq.marker, spans):
            marker = sacral_pelvis(seq.t, seq.marker, spans, c.fs)
        else:
            notices.append(Notice("marker_not_from_behind", clip=clip))
    return c, passes, results, marker


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
    c, passes, results, marker = _clip_results(seq, height_m, notices)
    return _combine(results, fs=c.fs, duration_s=seq.duration_s, height_m=height_m,
                    notices=notices, clip_timeseries=[_timeseries(seq, c, passes, results)],
                    marker=marker)


def analyze_session(seqs: list[PoseSequence], *, height_cm: float | None = None) -> GaitAnalysis:
    """Analyse several clips of the same walk / visit together (e.g. one side and one front clip).

    Each clip is conditioned and split into passes on its own; the passes of all clips are then
    pooled, and each metric is taken from the view that supports it: timing, limp, step length
    and sagittal angles from side-view passes (front/back timing only when no side pass has
    strides), trunk lean and frontal angles from front/back passes (pelvic drop needs the pelvis
    marker). Cycle curves pool all passes that measure an angle (an angle is only computed in a
    view that supports it).

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
    markers: list[SacralPelvis] = []
    for i, seq in enumerate(seqs):
        c, passes, results, marker = _clip_results(seq, height_m, notices, clip=i)
        fs0 = c.fs if i == 0 else fs0
        series.append(_timeseries(seq, c, passes, results))
        allres.extend(results)
        markers += [marker] if marker is not None else []
    # the clip where the marker was seen best gives the pelvis (and, without a side view, the
    # timing)
    best = max(markers, key=lambda m: m.seen_share, default=None)
    return _combine(allres, fs=fs0, duration_s=float(sum(s.duration_s for s in seqs)),
                    height_m=height_m, notices=notices, clip_timeseries=series, marker=best)
