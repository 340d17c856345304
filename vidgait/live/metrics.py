"""Rolling gait metrics and per-stride biofeedback, computed with the kinematics core.

Nothing here re-implements gait analysis: the rolling window of landmarks is packed into a
:class:`~vidgait.sequence.PoseSequence` and handed ONCE to :func:`vidgait.kinematics.analyze`;
the panel figures and the per-stride values for biofeedback both come from that analysis: its
summaries and its per-pass detail (:attr:`~vidgait.kinematics.analysis.GaitAnalysis.
pass_results`: accepted strides, angles), with the core's public per-stride functions
(:func:`~vidgait.kinematics.pelvis.pelvis_metrics`, :func:`~vidgait.kinematics.spatiotemporal.
stride_metrics` and ``cadence``, :func:`~vidgait.kinematics.limp.symmetry_index`,
:func:`~vidgait.kinematics.strides.normalize_cycles`).

The panel shows each figure as soon as the strides it needs are in (the core's summaries wait for
strides of both sides): cadence from the first accepted stride, step times from the two steps
inside each accepted stride (a stride of S from S's heel strike to the next holds the other side's
step, ending at the other heel strike, and S's step after it), knee peak per side from that side's
first stride; the limp verdict needs :data:`~vidgait.kinematics.limp.MIN_STRIDES` strides per side
and says how many are in until then.

Per-stride values (one per completed stride of side S, from S's heel strike to its next one):

* ``pelvic_drop_deg``: drop of the OTHER side's pelvis during S's single-leg stance, degrees
  (front/back view; a weak S gives a large value: Trendelenburg).
* ``step_time_asymmetry_pct``: ``|SI|`` of the two steps inside the stride (left and right step
  time; SI = 100 (R - L) / (0.5 (R + L)), Robinson 1987), percent.
* ``knee_peak_flexion_deg``: peak knee flexion of S over its cycle (the swing peak), degrees
  (side view).
* ``cadence_steps_per_min``: 120 / stride time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vidgait.kinematics import GaitAnalysis, analyze, timing_passes
from vidgait.kinematics.conventions import other
from vidgait.kinematics.limp import MIN_STRIDES, symmetry_index
from vidgait.kinematics.pelvis import pelvis_metrics
from vidgait.kinematics.spatiotemporal import cadence, stride_metrics
from vidgait.kinematics.strides import Stride, near_median_duration, normalize_cycles
from vidgait.norms import BIOFEEDBACK_TARGETS
from vidgait.sequence import PoseSequence

SIDES = ("left", "right")

#: biofeedback metrics: name -> (label for the overlay, unit, view kinds that support it)
METRICS: dict[str, tuple[str, str]] = {
    "pelvic_drop_deg": ("Pelvic drop", "deg"),
    "step_time_asymmetry_pct": ("Step-time asymmetry", "%"),
    "knee_peak_flexion_deg": ("Knee peak flexion", "deg"),
    "cadence_steps_per_min": ("Cadence", "steps/min"),
}


@dataclass(frozen=True)
class Band:
    """A target band for a biofeedback metric; an open end is None.

    Attributes
    ----------
    low, high : float or None
        Bounds in the metric's unit (inclusive).
    """

    low: float | None = None
    high: float | None = None

    def contains(self, value: float) -> bool:
        """True when ``value`` is finite and inside the band."""
        if not math.isfinite(value):
            return False
        return ((self.low is None or value >= self.low)
                and (self.high is None or value <= self.high))

    def describe(self) -> str:
        """The band as text, e.g. ``"< 5"``, ``"> 50"`` or ``"2-8"``."""
        if self.low is None and self.high is None:
            return "any"
        if self.low is None:
            return f"< {self.high:g}"
        if self.high is None:
            return f"> {self.low:g}"
        return f"{self.low:g}-{self.high:g}"


#: default target bands, from :data:`vidgait.norms.BIOFEEDBACK_TARGETS`
DEFAULT_BANDS: dict[str, Band] = {
    (k if k != "knee_peak_swing_flexion_deg" else "knee_peak_flexion_deg"): Band(r.low, r.high)
    for k, r in BIOFEEDBACK_TARGETS.items()}


@dataclass(frozen=True)
class StrideValue:
    """Biofeedback values of one completed stride.

    Attributes
    ----------
    side : {"left", "right"}
        Side whose heel strikes bound the stride.
    hs_s, next_hs_s : float
        Heel strike and next heel strike of that side, seconds of stream time.
    view : str
        View of the pass the stride belongs to.
    values : dict str -> float
        Metric name (see :data:`METRICS`) -> value in its unit; NaN when not measurable in
        this view.
    """

    side: str
    hs_s: float
    next_hs_s: float
    view: str
    values: dict[str, float]


@dataclass(frozen=True)
class RollingMetrics:
    """Figures of the rolling window, for the metrics panel.

    Attributes
    ----------
    window_s : float
        Length of the analysed window, s.
    view : str or None
        View of the latest walking pass (``"side"``, ``"toward"``, ``"away"``, ``"oblique"``).
    cadence_steps_per_min : float
        Steps per minute, 120 / mean stride time of the accepted strides (NaN before the first).
    step_time_s : dict side -> float
        Mean step time per side over the steps inside accepted strides, s.
    step_time_si_pct : float
        Symmetry index of the step times, % (negative: right shorter).
    limp_verdict : str
        ``"limp"``, ``"no limp"`` or ``"not measurable"`` (core's stance-time verdict; it needs
        :data:`~vidgait.kinematics.limp.MIN_STRIDES` strides per side).
    limp_side : str or None
        Suspected painful side when the verdict is ``"limp"``.
    pelvic_drop_deg : dict side -> float
        Pelvic drop of each side (front/back view), degrees; NaN otherwise.
    knee_peak_flexion_deg : dict side -> float
        Peak swing knee flexion per side (side view), degrees; NaN otherwise.
    strides : int
        Accepted strides in the window (both sides).
    strides_per_side : dict side -> int
        Accepted strides of each side in the passes that give the timing.
    warnings : tuple of str
        The core's warnings for this window.
    """

    window_s: float = 0.0
    view: str | None = None
    cadence_steps_per_min: float = float("nan")
    step_time_s: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SIDES, math.nan))
    step_time_si_pct: float = float("nan")
    limp_verdict: str = "not measurable"
    limp_side: str | None = None
    pelvic_drop_deg: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(SIDES, math.nan))
    knee_peak_flexion_deg: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(SIDES, math.nan))
    strides: int = 0
    strides_per_side: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SIDES, 0))
    warnings: tuple[str, ...] = ()

    @property
    def available(self) -> bool:
        """True once a cadence is measured (one settled accepted stride)."""
        return math.isfinite(self.cadence_steps_per_min)

    @property
    def limp_status(self) -> str:
        """The limp verdict for display: ``"limp (right painful?)"``, ``"no limp"``,
        ``"collecting strides (n/3)"`` while fewer than MIN_STRIDES strides per side are in,
        else ``"not measurable"``."""
        if self.limp_verdict == "limp" and self.limp_side:
            return f"limp ({self.limp_side} painful?)"
        n = min(self.strides_per_side.values())
        if self.limp_verdict == "not measurable" and self.available and n < MIN_STRIDES:
            return f"collecting strides ({n}/{MIN_STRIDES})"
        return self.limp_verdict

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN becomes None)."""
        def clean(v: Any) -> Any:
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, tuple):
                return list(v)
            if isinstance(v, float) and not math.isfinite(v):
                return None
            return v
        return {k: clean(getattr(self, k)) for k in self.__dataclass_fields__}


def _mean(summary: Any) -> float:
    """``summary["mean"]`` of a core summary dict, NaN for "not measurable" or missing."""
    if isinstance(summary, dict) and summary.get("mean") is not None:
        return float(summary["mean"])
    return float("nan")


def _side_mean(block: Any, side: str, key: str) -> float:
    """``block[side][key]["mean"]``; NaN wherever the core put "not measurable" instead."""
    per_side = block.get(side) if isinstance(block, dict) else None
    return _mean(per_side.get(key) if isinstance(per_side, dict) else None)


def settled_strides(strides: list[Stride], t_end: float) -> list[Stride]:
    """The strides the panel and biofeedback may use: settled ones, within 20 % of their median
    duration (the core's own stride-time check,
    :func:`~vidgait.kinematics.strides.near_median_duration`).

    A stride is settled when its closing heel strike lies at least 0.6 median stride before the
    window's end ``t_end`` (s): the core keeps only the largest heel peak within 0.6 stride
    (``events._peaks``), so a peak closer to the end may still be replaced by one not yet seen.
    Such a provisional heel strike once gave 121 and once 190 steps/min for an update in a walk
    at 105.
    """
    if not strides:
        return []
    med = float(np.median([st.duration for st in strides]))
    settled = [st for st in strides if st.next_hs <= t_end - 0.6 * med]
    return [st for st, typical in zip(settled, near_median_duration(settled)) if typical]


def rolling_metrics(seq: PoseSequence, *, analysis: GaitAnalysis | None = None
                    ) -> RollingMetrics:
    """Panel figures of a window, from the kinematics core (see the module notes).

    Parameters
    ----------
    seq : PoseSequence
        The rolling window (stream times in seconds).
    analysis : GaitAnalysis, optional
        ``analyze(seq)`` when already computed (it is then not run again).

    Returns
    -------
    RollingMetrics
    """
    a = analysis if analysis is not None else analyze(seq)
    timing, _ = timing_passes(a.pass_results)
    strides = settled_strides([st for r in timing for st in r.strides], float(seq.t[-1]))
    limp = a.limp if isinstance(a.limp, dict) else {}
    step = _step_times(strides)
    si = (symmetry_index(step["left"], step["right"])
          if all(math.isfinite(v) for v in step.values()) else float("nan"))
    drop = {s: _side_mean(a.pelvis, s, "pelvic_drop_deg") for s in SIDES}
    knee = {s: _side_mean(a.kinematics, s, "knee_peak_swing_flexion_deg") for s in SIDES}
    return RollingMetrics(
        window_s=seq.duration_s, view=_latest_view(a.passes),
        cadence_steps_per_min=cadence(stride_metrics(strides)),
        step_time_s=step, step_time_si_pct=si,
        limp_verdict=str(limp.get("verdict", "not measurable")),
        limp_side=limp.get("suspected_painful_side"),
        pelvic_drop_deg=drop, knee_peak_flexion_deg=knee,
        strides=sum(len(r.strides) for r in a.pass_results),
        strides_per_side={s: sum(st.side == s for st in strides) for s in SIDES},
        warnings=tuple(a.warnings))


def _steps(st: Stride) -> dict[str, tuple[float, float]]:
    """The two steps inside a stride of S, side -> (heel strike ending it, step time), s: the
    other side's step (S's heel strike -> the other heel strike) and S's step (-> S's next heel
    strike)."""
    return {other(st.side): (st.opp_hs, st.opp_hs - st.hs),
            st.side: (st.next_hs, st.next_hs - st.opp_hs)}


def _step_times(strides: list[Stride]) -> dict[str, float]:
    """Mean step time per side over the steps inside the strides (a step shared by two
    successive strides counted once), s; NaN for a side without a step."""
    steps: dict[str, dict[float, float]] = {s: {} for s in SIDES}
    for st in strides:
        for side, (end, duration) in _steps(st).items():
            steps[side][end] = duration
    return {s: float(np.mean(list(v.values()))) if v else float("nan")
            for s, v in steps.items()}


def _latest_view(passes: list[dict]) -> str | None:
    """View of the latest walking pass, None without one."""
    return str(passes[-1]["view"]) if passes else None


# ----------------------------------------------------------------------- per-stride values
def _stride_values(t: np.ndarray, angles: dict, st: Stride, view: str) -> dict[str, float]:
    """Biofeedback values of one stride (see module notes); NaN where the view cannot tell."""
    out = dict.fromkeys(METRICS, float("nan"))
    out["cadence_steps_per_min"] = 120.0 / st.duration
    steps = {side: duration for side, (_, duration) in _steps(st).items()}
    out["step_time_asymmetry_pct"] = abs(symmetry_index(steps["left"], steps["right"]))
    if view in ("toward", "away"):
        pel = pelvis_metrics(t, angles, [st])
        out["pelvic_drop_deg"] = _mean(pel[other(st.side)].get("pelvic_drop_deg"))
    if view == "side" and "knee_flexion" in angles.get(st.side, {}):
        rows = normalize_cycles(t, angles[st.side]["knee_flexion"], [st], st.side)
        if len(rows):
            out["knee_peak_flexion_deg"] = float(rows[0].max())
    return out


def stride_values(seq: PoseSequence, *, analysis: GaitAnalysis | None = None
                  ) -> list[StrideValue]:
    """Biofeedback values of every accepted stride in a window, in time order.

    Parameters
    ----------
    seq : PoseSequence
        The rolling window.
    analysis : GaitAnalysis, optional
        ``analyze(seq)`` when already computed (it is then not run again).

    Returns
    -------
    list of StrideValue
    """
    a = analysis if analysis is not None else analyze(seq)
    out = []
    for r in a.pass_results:
        view = r.view
        for st in settled_strides(r.strides, float(seq.t[-1])):
            out.append(StrideValue(st.side, st.hs, st.next_hs, view,
                                   _stride_values(r.t, r.angles, st, view)))
    return sorted(out, key=lambda v: v.hs_s)


# ------------------------------------------------------------------------------ biofeedback
@dataclass(frozen=True)
class FeedbackState:
    """What the overlay shows for biofeedback.

    Attributes
    ----------
    metric : str or None
        Metric name (see :data:`METRICS`), None when biofeedback is off.
    band : Band
        Target band in the metric's unit.
    last_value : float
        Value of the latest counted stride (NaN before the first).
    last_in_band : bool or None
        Whether that stride was in the band (None before the first).
    in_band, total : int
        Counted strides in the band, and all counted strides with a value.
    """

    metric: str | None = None
    band: Band = Band()
    last_value: float = float("nan")
    last_in_band: bool | None = None
    in_band: int = 0
    total: int = 0


class Biofeedback:
    """Counts completed strides in and out of a target band, each stride once.

    Successive rolling windows find the same strides again, with heel-strike times that move by
    a few milliseconds as the filter sees more data; a stride counts as already seen when a
    counted stride of the same side has a heel strike within :attr:`same_stride_s`. A stride is
    counted only once it ended at least ``settle_s`` before the end of the window, so filter
    edge effects have settled. Not thread-safe: the processor calls it under its lock.

    Parameters
    ----------
    metric : str or None
        Metric name (see :data:`METRICS`); None switches biofeedback off.
    band : Band, optional
        Target band; :data:`DEFAULT_BANDS` for the metric if None.
    same_stride_s : float
        Heel strikes of one side closer than this are the same stride, s (a stride lasts
        0.6-2.5 s, so 0.25 s cannot merge two).
    settle_s : float
        Strides ending later than ``window end - settle_s`` wait for the next update, s.
    """

    def __init__(self, metric: str | None = None, band: Band | None = None, *,
                 same_stride_s: float = 0.25, settle_s: float = 0.3) -> None:
        if metric is not None and metric not in METRICS:
            raise ValueError(f"unknown biofeedback metric {metric!r}; choose one of "
                             f"{', '.join(METRICS)}")
        self.metric = metric
        self.band = band if band is not None else DEFAULT_BANDS.get(metric or "", Band())
        self.same_stride_s = same_stride_s
        self.settle_s = settle_s
        self._seen: dict[str, list[float]] = {s: [] for s in SIDES}
        self._state = FeedbackState(metric, self.band)

    @property
    def state(self) -> FeedbackState:
        """The current counters (an immutable value)."""
        return self._state

    def _is_new(self, v: StrideValue) -> bool:
        return all(abs(v.hs_s - h) >= self.same_stride_s for h in self._seen[v.side])

    def update(self, strides: Iterable[StrideValue], window_end_s: float) -> list[StrideValue]:
        """Count the strides not seen before; returns the newly counted ones.

        Parameters
        ----------
        strides : iterable of StrideValue
            Strides of the latest window.
        window_end_s : float
            Stream time of the window's last frame, s.

        Returns
        -------
        list of StrideValue
            Strides counted by this call (with a finite value of the metric).
        """
        if self.metric is None:
            return []
        counted = []
        st = self._state
        for v in sorted(strides, key=lambda x: x.hs_s):
            if v.next_hs_s > window_end_s - self.settle_s or not self._is_new(v):
                continue
            self._seen[v.side].append(v.hs_s)
            self._seen[v.side] = self._seen[v.side][-64:]  # bounded memory
            value = v.values.get(self.metric, float("nan"))
            if not math.isfinite(value):
                continue
            ok = self.band.contains(value)
            st = FeedbackState(self.metric, self.band, value, ok, st.in_band + int(ok),
                               st.total + 1)
            counted.append(v)
        self._state = st
        return counted
