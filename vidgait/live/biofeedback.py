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

Target bands are :class:`vidgait.norms.Range` values; the defaults are
:data:`vidgait.norms.BIOFEEDBACK_TARGETS`.

No pelvic-drop biofeedback: it needs the pelvis marker, which the live page does not read yet
(the hip landmarks do not follow the pelvis, docs/accuracy.md); its target band stays in the
norms for it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from vidgait.kinematics import GaitAnalysis, analyze
from vidgait.kinematics.conventions import other
from vidgait.kinematics.limp import symmetry_index
from vidgait.live.metrics import KNEE_PEAK, SIDES, core_stride_values, settled_strides
from vidgait.norms import BIOFEEDBACK_TARGETS, CLINICIAN_TARGET, Range
from vidgait.sequence import PoseSequence

#: biofeedback metrics: name -> (label for the overlay, unit)
METRICS: dict[str, tuple[str, str]] = {
    "step_time_asymmetry_pct": ("Step-time asymmetry", "%"),
    KNEE_PEAK: ("Knee peak flexion", "deg"),
    "cadence_steps_per_min": ("Cadence", "steps/min"),
}

#: default target bands (:data:`vidgait.norms.BIOFEEDBACK_TARGETS`; its pelvic drop band waits for
#: the live pelvis marker)
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
        Metric name (see :data:`METRICS`) -> value in its unit; NaN when not measurable.
    """

    side: str
    hs_s: float
    next_hs_s: float
    view: str
    values: dict[str, float]


def stride_values(seq: PoseSequence, *, analysis: GaitAnalysis | None = None
                  ) -> list[StrideValue]:
    """Biofeedback values of every settled accepted stride in a window, in time order.

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
        core = core_stride_values(r)
        step_from = {(st.side, st.hs): row["step_time_s"] for st, row in core.items()}
        for st in settled_strides(r.strides, float(seq.t[-1])):
            row = core[st]
            values = dict.fromkeys(METRICS, math.nan)
            values["cadence_steps_per_min"] = 120.0 / row["stride_time_s"]
            steps = {st.side: row["step_time_s"],
                     other(st.side): step_from.get((other(st.side), st.prev_opp_hs), math.nan)}
            values["step_time_asymmetry_pct"] = abs(symmetry_index(steps["left"],
                                                                   steps["right"]))
            values[KNEE_PEAK] = row[KNEE_PEAK]
            out.append(StrideValue(st.side, st.hs, st.next_hs, r.view, values))
    return sorted(out, key=lambda v: v.hs_s)


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
    """

    metric: str | None = None
    band: Range = ANY
    last_value: float = float("nan")
    last_in_band: bool | None = None
    in_band: int = 0
    total: int = 0


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
            ok = in_band(self.band, value)
            st = FeedbackState(self.metric, self.band, value, ok, st.in_band + int(ok),
                               st.total + 1)
            counted.append(v)
        self._state = st
        return counted


__all__ = ["ANY", "DEFAULT_BANDS", "METRICS", "Biofeedback", "FeedbackState", "StrideValue",
           "band_text", "in_band", "stride_values", "target_band"]
