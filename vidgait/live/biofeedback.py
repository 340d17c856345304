"""Per-stride biofeedback: each settled stride's value of one metric, held against a target band.

The values are the kinematics core's per-stride values of the window's analysis
(:func:`~vidgait.live.metrics.core_stride_values`), so the badge and the panel use one
definition per metric. Per stride of side S (from S's heel strike to its next one):

* ``step_time_asymmetry_pct``: ``|SI|`` of the core's step times of the two steps ending at the
  stride's heel strike: S's (this stride's ``step_time_s``) and the other side's before it (the
  ``step_time_s`` of the other side's stride starting at ``prev_opp_hs``); SI = 100 (R - L) /
  (0.5 (R + L)), Robinson 1987; percent.
* ``knee_peak_swing_flexion_deg``: the core's swing-phase knee peak of the stride (toe off to
  next heel strike; NaN for a stride with interpolated frames in swing), degrees (side view).
* ``cadence_steps_per_min``: 120 / the core's stride time.
* ``pelvic_drop_deg``: only with the pelvis marker, filmed from behind (the hip landmarks do not
  follow the pelvis, docs/accuracy.md). Its strides are the core's marker strides: from one
  contact of S to the next (:attr:`~vidgait.kinematics.sacrum.SacralPelvis.steps`, contacts
  from the sacrum's motion), and the value is how far S's hemipelvis falls below level during
  the other leg's single stance (from the other side's contact to S's next one), on the core's
  zeroed, low-passed obliquity (:attr:`~vidgait.kinematics.sacrum.SacralPelvis.obliquity_deg`),
  the largest fall in that step: the core's own per-stride maxima, whose median is its
  ``pelvic_drop_deg``; relative to the level set on the live page when one was set. A stride
  with a frame without the marker in that step has no value (never interpolated).

Target bands are :class:`vidgait.norms.Range` values; the defaults are
:data:`vidgait.norms.BIOFEEDBACK_TARGETS` (pelvic drop: "keep the pelvis level", < 5 deg).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from vidgait.kinematics import GaitAnalysis, analyze
from vidgait.kinematics.conventions import other
from vidgait.kinematics.limp import symmetry_index
from vidgait.live.metrics import (
    KNEE_PEAK,
    SIDES,
    core_stride_values,
    pelvic_drop_shift,
    settled_strides,
)
from vidgait.norms import BIOFEEDBACK_TARGETS, CLINICIAN_TARGET, Range
from vidgait.sequence import PoseSequence

#: the pelvic drop, from the pelvis marker only
PELVIC_DROP = "pelvic_drop_deg"
#: biofeedback metrics: name -> (label for the overlay, unit)
METRICS: dict[str, tuple[str, str]] = {
    "step_time_asymmetry_pct": ("Step-time asymmetry", "%"),
    KNEE_PEAK: ("Knee peak flexion", "deg"),
    "cadence_steps_per_min": ("Cadence", "steps/min"),
    PELVIC_DROP: ("Pelvic drop", "deg"),
}
#: the metrics every stride of the landmarks' passes carries (the pelvic drop needs the marker)
LANDMARK_METRICS = tuple(m for m in METRICS if m != PELVIC_DROP)

#: default target bands (:data:`vidgait.norms.BIOFEEDBACK_TARGETS`)
DEFAULT_BANDS: dict[str, Range] = BIOFEEDBACK_TARGETS

#: a band that holds every value (biofeedback off, or no bound given)
ANY = Range(None, None, "", CLINICIAN_TARGET)


def target_band(metric: str, low: float | None = None, high: float | None = None) -> Range:
    """A clinician's target band for a biofeedback metric (bounds in its unit, None: open).

    Parameters
    ----------
    metric : str
        A key of :data:`METRICS`.
    low, high : float, optional
        Lower and upper bound in the metric's unit (:data:`METRICS`); None: open on that side.
    """
    return Range(low, high, METRICS[metric][1], CLINICIAN_TARGET)


def band_text(band: Range) -> str:
    """The band's bounds as shown on the overlay and page: ``"< 5"``, ``"> 50"``, ``"99-113"``
    or ``"any"`` (the unit is shown beside it).

    Parameters
    ----------
    band : Range
        The target band.
    """
    if band.low is None and band.high is None:
        return "any"
    if band.low is None:
        return f"< {band.high:g}"
    if band.high is None:
        return f"> {band.low:g}"
    return f"{band.low:g}-{band.high:g}"


def in_band(band: Range, value: float) -> bool:
    """Whether a finite ``value`` is inside ``band`` (bounds included; an open band holds all).

    Parameters
    ----------
    band : Range
        The target band.
    value : float
        The value, in the band's unit.
    """
    return band.contains(value) is not False


@dataclass(frozen=True)
class StrideValue:
    """Biofeedback values of one settled stride.

    Attributes
    ----------
    side : {"left", "right"}
        Side whose heel strikes bound the stride.
    hs_s, next_hs_s : float
        Heel strike and next heel strike of that side, seconds of stream time.
    view : str
        View of the pass the stride belongs to.
    values : dict str -> float
        Metric name (see :data:`METRICS`) -> value in its unit; NaN when not measurable; a
        metric the stride does not carry is absent (the landmark strides carry
        :data:`LANDMARK_METRICS`, the marker's strides only :data:`PELVIC_DROP`).
    """

    side: str
    hs_s: float
    next_hs_s: float
    view: str
    values: dict[str, float]


def stride_values(seq: PoseSequence, *, analysis: GaitAnalysis | None = None,
                  level_deg: float | None = None) -> list[StrideValue]:
    """Biofeedback values of every settled accepted stride in a window, in time order: the
    landmark passes' strides, and the pelvis marker's (:func:`marker_stride_values`).

    Parameters
    ----------
    seq : PoseSequence
        The rolling window.
    analysis : GaitAnalysis, optional
        ``analyze(seq)`` when already computed (it is then not run again).
    level_deg : float, optional
        The pelvis marker's roll set as level on the live page, deg (the pelvic drop is then
        relative to it).

    Returns
    -------
    list of StrideValue
    """
    a = analysis if analysis is not None else analyze(seq)
    out = []
    for r in a.pass_results:
        core = core_stride_values(r)
        step_from = {(st.side, st.hs): row["step_time_s"] for st, row in core.items()}
        for st in settled_strides(r.strides, float(seq.t[-1])):
            row = core[st]
            values = dict.fromkeys(LANDMARK_METRICS, math.nan)
            values["cadence_steps_per_min"] = 120.0 / row["stride_time_s"]
            steps = {st.side: row["step_time_s"],
                     other(st.side): step_from.get((other(st.side), st.prev_opp_hs), math.nan)}
            values["step_time_asymmetry_pct"] = abs(symmetry_index(steps["left"],
                                                                   steps["right"]))
            values[KNEE_PEAK] = row[KNEE_PEAK]
            out.append(StrideValue(st.side, st.hs, st.next_hs, r.view, values))
    out += marker_stride_values(a, float(seq.t[-1]), level_deg)
    return sorted(out, key=lambda v: v.hs_s)


def marker_stride_values(a: GaitAnalysis, t_end: float, level_deg: float | None = None
                         ) -> list[StrideValue]:
    """The pelvic drop of each settled stride of the pelvis marker (see the module notes).

    A stride of S runs from a contact of S to its next one in the same unbroken run of
    contacts; it is settled when it ends at least 0.6 median stride before ``t_end`` (as the
    landmark strides, :func:`~vidgait.live.metrics.settled_strides`).

    Parameters
    ----------
    a : GaitAnalysis
        The window's analysis (its :attr:`~vidgait.kinematics.analysis.GaitAnalysis.marker`).
    t_end : float
        The window's end, s.
    level_deg : float, optional
        The tag's roll set as level, deg (None: the core's zero).

    Returns
    -------
    list of StrideValue
        ``values`` holds :data:`PELVIC_DROP` only (deg; NaN when a frame of the step lacks the
        marker); empty without the marker's contacts.
    """
    m = a.marker
    if m is None or m.steps is None:
        return []
    y = m.obliquity_deg + pelvic_drop_shift(a, level_deg)
    c, sides, run = m.steps.contacts_s, m.steps.sides, m.steps.run
    ks = [k for k in range(len(c) - 2) if run[k] == run[k + 2] and sides[k] == sides[k + 2]]
    if not ks:
        return []
    med = float(np.median([c[k + 2] - c[k] for k in ks]))
    out = []
    for k in ks:
        if c[k + 2] > t_end - 0.6 * med:
            continue
        seg = y[(m.t >= c[k + 1]) & (m.t <= c[k + 2])]
        sign = 1.0 if sides[k] == "left" else -1.0  # + obliquity: the right side up
        ok = seg.size >= 3 and bool(np.isfinite(seg).all())
        out.append(StrideValue(sides[k], float(c[k]), float(c[k + 2]), "away",
                               {PELVIC_DROP: float(np.max(sign * seg)) if ok else math.nan}))
    return out


def marker_missing(a: GaitAnalysis) -> bool:
    """True when the window gives no pelvic drop per stride: no pelvis marker filmed from
    behind, or seen too rarely for the core to find contacts with it.

    Parameters
    ----------
    a : GaitAnalysis
        The window's analysis.
    """
    return a.marker is None or a.marker.steps is None


@dataclass(frozen=True)
class FeedbackState:
    """What the overlay shows for biofeedback.

    Attributes
    ----------
    metric : str or None
        Metric name (see :data:`METRICS`), None when biofeedback is off.
    band : Range
        Target band in the metric's unit.
    last_value : float
        Value of the latest counted stride (NaN before the first).
    last_in_band : bool or None
        Whether that stride was in the band (None before the first).
    in_band, total : int
        Counted strides in the band, and all counted strides with a value.
    last_side : {"left", "right"} or None
        The side of the latest counted stride.
    needs_marker : bool
        The metric is the pelvic drop and the latest window had no pelvis marker filmed from
        behind (nothing can be counted).
    """

    metric: str | None = None
    band: Range = ANY
    last_value: float = float("nan")
    last_in_band: bool | None = None
    in_band: int = 0
    total: int = 0
    last_side: str | None = None
    needs_marker: bool = False


class Biofeedback:
    """Counts settled strides in and out of a target band, each stride once.

    Successive rolling windows find the same strides again, with heel-strike times that move by
    a few milliseconds as the filter sees more data; a stride counts as already seen when a
    counted stride of the same side has a heel strike within :attr:`same_stride_s`. A stride is
    counted only once it ended at least ``settle_s`` before the end of the window, so filter
    edge effects have settled. Not thread-safe: the processor calls it under its lock.

    Parameters
    ----------
    metric : str or None
        Metric name (see :data:`METRICS`); None switches biofeedback off.
    band : Range, optional
        Target band; :data:`DEFAULT_BANDS` for the metric if None.
    same_stride_s : float
        Heel strikes of one side closer than this are the same stride, s (a stride lasts
        0.6-2.5 s, so 0.25 s cannot merge two).
    settle_s : float
        Strides ending later than ``window end - settle_s`` wait for the next update, s.
    """

    def __init__(self, metric: str | None = None, band: Range | None = None, *,
                 same_stride_s: float = 0.25, settle_s: float = 0.3) -> None:
        if metric is not None and metric not in METRICS:
            raise ValueError(f"unknown biofeedback metric {metric!r}; choose one of "
                             f"{', '.join(METRICS)}")
        self.metric = metric
        self.band = band if band is not None else DEFAULT_BANDS.get(metric or "", ANY)
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

    def update(self, strides: Iterable[StrideValue], window_end_s: float, *,
               no_marker: bool = False) -> list[StrideValue]:
        """Count the strides not seen before; returns the newly counted ones.

        Parameters
        ----------
        strides : iterable of StrideValue
            Strides of the latest window (those that do not carry the metric are ignored).
        window_end_s : float
            Stream time of the window's last frame, s.
        no_marker : bool
            The window has no pelvis marker filmed from behind (:func:`marker_missing`):
            shown as ``needs_marker`` when the metric is the pelvic drop.

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
            if self.metric not in v.values:
                continue
            if v.next_hs_s > window_end_s - self.settle_s or not self._is_new(v):
                continue
            self._seen[v.side].append(v.hs_s)
            self._seen[v.side] = self._seen[v.side][-64:]  # bounded memory
            value = v.values.get(self.metric, float("nan"))
            if not math.isfinite(value):
                continue
            ok = in_band(self.band, value)
            st = FeedbackState(self.metric, self.band, value, ok, st.in_band + int(ok),
                               st.total + 1, v.side)
            counted.append(v)
        self._state = replace(st, needs_marker=no_marker and self.metric == PELVIC_DROP)
        return counted


__all__ = ["ANY", "DEFAULT_BANDS", "LANDMARK_METRICS", "METRICS", "PELVIC_DROP", "Biofeedback",
           "FeedbackState", "StrideValue", "band_text", "in_band", "marker_missing",
           "marker_stride_values", "stride_values", "target_band"]
