"""Rolling panel metrics of the live window, and the core's per-stride values behind them.

Nothing here re-implements gait analysis: the rolling window of landmarks is packed into a
:class:`~vidgait.sequence.PoseSequence` and handed ONCE to :func:`vidgait.kinematics.analyze`;
the panel figures come from that analysis: its summaries and its per-pass detail
(:attr:`~vidgait.kinematics.analysis.GaitAnalysis.pass_results`: accepted strides and their
per-stride values). The per-stride biofeedback (:mod:`vidgait.live.biofeedback`) reads the same
per-stride values (:func:`core_stride_values`), so a metric has one definition on every screen.

The panel shows each figure as soon as the strides it needs are settled (the core's summaries
wait for strides of both sides):

* cadence, steps/min: 120 / mean stride time of the settled strides (the core's ``cadence``),
  from the first settled stride;
* step time per side, s: mean of the core's per-stride step times
  (:func:`~vidgait.kinematics.spatiotemporal.stride_metrics`: a stride of S carries S's step
  ending at its heel strike, from the other side's heel strike before it) over the settled
  strides of S, and their symmetry index, %;
* knee peak per side, degrees: the core's mean per-stride swing peak
  (``knee_peak_swing_flexion_deg``, side view);
* pelvic drop per side, degrees: the core's (a walk away from the camera with the pelvis marker,
  :class:`~vidgait.kinematics.sacrum.SacralPelvis`; from the hip landmarks the core gives none,
  ``pelvic_drop_needs_marker``), with the marker's seen share; when a level was set on the live
  page (:meth:`vidgait.live.tag.LiveTag.set_level`) the core's values are taken relative to that
  level instead of the core's own zero (each stride's largest fall moves by the difference of
  the two zeros, so this is exact, :func:`pelvic_drop_shift`);
* limp: the core's stance-time verdict, which needs :data:`~vidgait.kinematics.limp.MIN_STRIDES`
  strides per side; until then the verdict is ``"collecting"`` with the count per side.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from vidgait.kinematics import GaitAnalysis, analyze, timing_passes
from vidgait.kinematics.limp import MIN_STRIDES, symmetry_index
from vidgait.kinematics.per_pass import PassResult
from vidgait.kinematics.results import Notice, NotMeasurable, PassInfo
from vidgait.kinematics.spatiotemporal import METRICS as STRIDE_METRICS
from vidgait.kinematics.spatiotemporal import cadence, stride_metrics
from vidgait.kinematics.strides import Stride, near_median_duration
from vidgait.sequence import PoseSequence

SIDES = ("left", "right")
#: the core's per-stride swing knee peak (one name on every screen)
KNEE_PEAK = "knee_peak_swing_flexion_deg"

#: the panel's limp verdict: the core's three, or "collecting" while the core's verdict waits
#: for :data:`~vidgait.kinematics.limp.MIN_STRIDES` strides per side
LimpVerdict = Literal["limp", "no limp", "not measurable", "collecting"]


def _nan_sides() -> dict[str, float]:
    return dict.fromkeys(SIDES, math.nan)


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
        Steps per minute, 120 / mean stride time of the settled strides (NaN before the first).
    step_time_s : dict side -> float
        Mean of the core's per-stride step times of that side's settled strides, s.
    step_time_si_pct : float
        Symmetry index of the step times, % (negative: right shorter).
    limp_verdict : {"limp", "no limp", "not measurable", "collecting"}
        The core's stance-time verdict, or ``"collecting"`` while strides are measured but
        fewer than ``strides_needed`` per side are in.
    limp_side : {"left", "right"} or None
        Suspected painful side when the verdict is ``"limp"``.
    pelvic_drop_deg : dict side -> float
        Pelvic drop of each side (the core's: front/back view with the pelvis marker), degrees;
        NaN otherwise.
    pelvic_drop_needs_marker : bool
        The window has a front/back pass, but its pelvic drop needs the pelvis marker (the
        core's ``"marker_needed"``: the hip landmarks do not follow the pelvis).
    pelvic_zero : {"level", "standing", "walk_mean"} or None
        What level means for the marker's pelvic drop: the level set on the live page, the
        patient standing still at the window's start, or the mean obliquity over the window's
        walk (None without the marker).
    marker_seen_share : float
        Share of the window's walking frames with the marker measured (0..1; the core needs
        :data:`~vidgait.kinematics.sacrum.MIN_SEEN_SHARE`); NaN without the marker.
    knee_peak_swing_flexion_deg : dict side -> float
        The core's mean per-stride swing knee peak per side (side view), degrees; NaN otherwise.
    strides : int
        Accepted strides in the window (both sides).
    strides_per_side : dict side -> int
        Settled strides of each side in the passes that give the timing.
    strides_needed : int
        Strides per side the limp verdict needs.
    notices : tuple of Notice
        What the core noticed in this window, as codes (worded only where shown:
        :func:`vidgait.findings.words.notice_text`).
    """

    window_s: float = 0.0
    view: str | None = None
    cadence_steps_per_min: float = float("nan")
    step_time_s: dict[str, float] = field(default_factory=_nan_sides)
    step_time_si_pct: float = float("nan")
    limp_verdict: LimpVerdict = "not measurable"
    limp_side: Literal["left", "right"] | None = None
    pelvic_drop_deg: dict[str, float] = field(default_factory=_nan_sides)
    pelvic_drop_needs_marker: bool = False
    pelvic_zero: Literal["level", "standing", "walk_mean"] | None = None
    marker_seen_share: float = float("nan")
    knee_peak_swing_flexion_deg: dict[str, float] = field(default_factory=_nan_sides)
    strides: int = 0
    strides_per_side: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SIDES, 0))
    strides_needed: int = MIN_STRIDES
    notices: tuple[Notice, ...] = ()

    @property
    def available(self) -> bool:
        """True once a cadence is measured (one settled accepted stride)."""
        return math.isfinite(self.cadence_steps_per_min)

    @property
    def strides_collected(self) -> int:
        """Settled strides of the side with fewer of them (what the limp verdict waits for)."""
        return min(self.strides_per_side.values())

    @property
    def limp_status(self) -> str:
        """The limp verdict as text: ``"limp (right painful?)"``, ``"no limp"``,
        ``"collecting strides (n/3)"`` or ``"not measurable"``.
        """
        if self.limp_verdict == "limp" and self.limp_side:
            return f"limp ({self.limp_side} painful?)"
        if self.limp_verdict == "collecting":
            return f"collecting strides ({self.strides_collected}/{self.strides_needed})"
        return self.limp_verdict

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN becomes None)."""
        def clean(v: Any) -> Any:
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, tuple):
                return [clean(x) for x in v]
            if dataclasses.is_dataclass(v):
                return clean(dataclasses.asdict(v))
            if isinstance(v, float) and not math.isfinite(v):
                return None
            return v
        return {k: clean(getattr(self, k)) for k in self.__dataclass_fields__}


def core_stride_values(r: PassResult) -> dict[Stride, dict[str, float]]:
    """The core's per-stride values of every accepted stride of a pass.

    Parameters
    ----------
    r : PassResult
        One pass of :attr:`~vidgait.kinematics.analysis.GaitAnalysis.pass_results`.

    Returns
    -------
    dict Stride -> metric name -> float
        The temporal metrics of :func:`~vidgait.kinematics.spatiotemporal.stride_metrics`
        (s and %) and :data:`KNEE_PEAK` (degrees; NaN outside a side view and for a stride the
        core leaves out: interpolated frames in its swing).
    """
    out: dict[Stride, dict[str, float]] = {}
    for side in SIDES:
        per = r.per_stride[side]
        peaks = dict(zip(r.knee_peak_strides.get(side, np.empty(0, int)).tolist(),
                         per.get(KNEE_PEAK, np.empty(0)).tolist(), strict=True))
        mine = [i for i, st in enumerate(r.strides) if st.side == side]
        for k, i in enumerate(mine):
            row = {m: float(per[m][k]) for m in STRIDE_METRICS}
            row[KNEE_PEAK] = float(peaks.get(i, math.nan))
            out[r.strides[i]] = row
    return out


def settled_strides(strides: list[Stride], t_end: float) -> list[Stride]:
    """The strides the panel and biofeedback may use: settled ones, within 20 % of their median
    duration (the core's own stride-time check,
    :func:`~vidgait.kinematics.strides.near_median_duration`).

    A stride is settled when its closing heel strike lies at least 0.6 median stride before the
    window's end ``t_end`` (s): the core keeps only the largest heel peak within 0.6 stride
    (``events._peaks``), so a peak closer to the end may still be replaced by one not yet seen.
    Such a provisional heel strike once gave 121 and once 190 steps/min for an update in a walk
    at 105.

    Parameters
    ----------
    strides : list of Stride
        The window's strides (times in s).
    t_end : float
        The window's end, s.
    """
    if not strides:
        return []
    med = float(np.median([st.duration for st in strides]))
    settled = [st for st in strides if st.next_hs <= t_end - 0.6 * med]
    typical = near_median_duration(settled)
    return [st for st, ok in zip(settled, typical, strict=True) if ok]


def pelvic_drop_shift(a: GaitAnalysis, level_deg: float | None) -> float:
    """What to add to the marker's right-side-up obliquity (and to the left side's drop; the
    right side's moves the other way) to take it relative to ``level_deg`` instead of the
    core's zero, deg: 0 without a level or without the marker.

    Parameters
    ----------
    a : GaitAnalysis
        The window's analysis.
    level_deg : float or None
        The tag's roll set as level on the live page, deg (None or NaN: none).
    """
    if a.marker is None or level_deg is None or not math.isfinite(level_deg):
        return 0.0
    return a.marker.zero_offset_deg - level_deg


def rolling_metrics(seq: PoseSequence, *, analysis: GaitAnalysis | None = None,
                    level_deg: float | None = None) -> RollingMetrics:
    """Panel figures of a window, from the kinematics core (see the module notes).

    Parameters
    ----------
    seq : PoseSequence
        The rolling window (stream times in seconds).
    analysis : GaitAnalysis, optional
        ``analyze(seq)`` when already computed (it is then not run again).
    level_deg : float, optional
        The pelvis marker's roll set as level on the live page, deg; the marker's pelvic drop
        is then relative to it.

    Returns
    -------
    RollingMetrics
    """
    a = analysis if analysis is not None else analyze(seq)
    timing, _ = timing_passes(a.pass_results)
    values: dict[Stride, dict[str, float]] = {}
    for r in timing:
        values |= core_stride_values(r)
    strides = settled_strides([st for r in timing for st in r.strides], float(seq.t[-1]))
    step = {s: _finite_mean([values[st]["step_time_s"] for st in strides if st.side == s])
            for s in SIDES}
    si = (symmetry_index(step["left"], step["right"])
          if all(math.isfinite(v) for v in step.values()) else float("nan"))
    per_side = {s: sum(st.side == s for st in strides) for s in SIDES}
    shift = pelvic_drop_shift(a, level_deg)
    m = a.marker
    levelled = level_deg is not None and math.isfinite(level_deg)
    verdict: LimpVerdict = a.limp.verdict
    if verdict == "not measurable" and strides and min(per_side.values()) < MIN_STRIDES:
        verdict = "collecting"
    return RollingMetrics(
        window_s=seq.duration_s, view=_latest_view(a.passes),
        cadence_steps_per_min=cadence(stride_metrics(strides)),
        step_time_s=step, step_time_si_pct=si,
        limp_verdict=verdict, limp_side=a.limp.suspected_painful_side,
        pelvic_drop_deg={s: a.value("pelvis", s, "pelvic_drop_deg")
                         + (shift if s == "left" else -shift) for s in SIDES},
        pelvic_drop_needs_marker=isinstance(
            why := a.measure("pelvis", "left", "pelvic_drop_deg"), NotMeasurable)
        and why.reason == "marker_needed",
        pelvic_zero=None if m is None else "level" if levelled else m.zero,
        marker_seen_share=math.nan if m is None else m.seen_share,
        knee_peak_swing_flexion_deg={s: a.value("kinematics", s, KNEE_PEAK) for s in SIDES},
        strides=sum(len(r.strides) for r in a.pass_results),
        strides_per_side=per_side, notices=a.notices)


def _finite_mean(values: list[float]) -> float:
    """Mean of the finite values, NaN without one."""
    v = [x for x in values if math.isfinite(x)]
    return float(np.mean(v)) if v else float("nan")


def _latest_view(passes: tuple[PassInfo, ...]) -> str | None:
    """View of the latest walking pass, None without one."""
    return passes[-1].view if passes else None


__all__ = ["KNEE_PEAK", "LimpVerdict", "RollingMetrics", "core_stride_values",
           "pelvic_drop_shift", "rolling_metrics", "settled_strides"]
