"""Stride segmentation: gait events cut into strides, their plausibility checks, and cycle
normalisation. Times in seconds; cycles in points from 0 to 100 % of the stride.

Strides are built from the heel strikes and toe offs of :mod:`vidgait.kinematics.events` and
checked (:func:`build_strides`): no doubtful heel strike (one that an independent estimate did
not confirm, :func:`~vidgait.kinematics.events.confirm_heel_strikes`), events in the order
HS < contralateral TO < contralateral HS < TO < next HS, stride time within 20 % of the median
(:func:`near_median_duration`, :data:`STRIDE_TIME_TOL`) and within 0.6-2.5 s, stance 45-80 % of
the stride. Strides that fail are refused, with the reason.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vidgait.kinematics.conventions import SIDES, Side, other
from vidgait.kinematics.results import Refusal

#: Largest relative deviation of a stride time from the median stride time
#: (:func:`near_median_duration`): strides beyond 20 % of the median are left out.
STRIDE_TIME_TOL = 0.2


@dataclass(frozen=True)
class Stride:
    """One accepted stride of one side, times in seconds.

    Attributes
    ----------
    side : {"left", "right"}
    hs, to, next_hs : float
        Heel strike, toe off and next heel strike of this side.
    opp_to, opp_hs : float
        Contralateral toe off and heel strike inside this stride's stance.
    prev_opp_hs : float or None
        Contralateral heel strike before ``hs`` (for step time), if seen.
    """

    side: str
    hs: float
    to: float
    next_hs: float
    opp_to: float
    opp_hs: float
    prev_opp_hs: float | None

    @property
    def duration(self) -> float:
        """Stride time, s."""
        return self.next_hs - self.hs


def _is_in(x: float, times: dict[str, np.ndarray] | None, side: str) -> bool:
    return times is not None and bool(np.any(np.isclose(np.asarray(times[side]), x,
                                                        rtol=0, atol=1e-9)))


def _one_between(x: np.ndarray, a: float, b: float) -> float | None:
    m = x[(x > a) & (x < b)]
    return float(m[0]) if m.size == 1 else None


def near_median_duration(strides: Sequence[Stride], tol: float = STRIDE_TIME_TOL) -> list[bool]:
    """Whether each stride's time lies within ``tol`` of the median stride time of ``strides``.

    The stride-time outlier rule: a stride is kept when ``|duration - median| <= tol * median``,
    the median taken over the strides given (all sides together).

    Parameters
    ----------
    strides : sequence of Stride
    tol : float
        Allowed relative deviation from the median stride time (:data:`STRIDE_TIME_TOL`).

    Returns
    -------
    list of bool
        One flag per stride, in order (empty for no strides).
    """
    if not strides:
        return []
    med = float(np.median([s.duration for s in strides]))
    return [abs(s.duration - med) <= tol * med for s in strides]


def build_strides(events: dict[str, dict[str, np.ndarray]], *, tol: float = STRIDE_TIME_TOL,
                  min_s: float = 0.6, max_s: float = 2.5,
                  doubtful: dict[str, np.ndarray] | None = None
                  ) -> tuple[list[Stride], list[Refusal]]:
    """Strides whose events are complete, in order and plausible; and reasons for the refused.

    Parameters
    ----------
    events : dict side -> {"heel_strike_s", "toe_off_s"}
    tol : float
        Allowed relative deviation of a stride time from the median stride time of the
        candidates (:func:`near_median_duration`, :data:`STRIDE_TIME_TOL`).
    min_s, max_s : float
        Absolute bounds of a stride time, s.
    doubtful : dict side -> (k,) float, optional
        Heel strikes that failed an independent check
        (:func:`~vidgait.kinematics.events.confirm_heel_strikes`): strides
        using one of them (own heel strikes or the contralateral one) are refused. They still
        order the other events.

    Returns
    -------
    strides : list of Stride
    refused : list of Refusal
        Each refused stride with its reason code.
    """
    cands, refused = [], []
    for s in SIDES:
        hs = np.sort(events[s]["heel_strike_s"])
        to = np.sort(events[s]["toe_off_s"])
        o = other(s)
        ohs, oto = np.sort(events[o]["heel_strike_s"]), np.sort(events[o]["toe_off_s"])
        for a, b in itertools.pairwise(hs):
            t_off = _one_between(to, a, b)
            if t_off is None:
                refused.append(Refusal(s, float(a), "toe_off"))
                continue
            opp_to = _one_between(oto, a, t_off)
            opp_hs = _one_between(ohs, opp_to, t_off) if opp_to is not None else None
            if opp_to is None or opp_hs is None:
                refused.append(Refusal(s, float(a), "contralateral"))
                continue
            bad = [x for x, side in ((a, s), (b, s), (opp_hs, o)) if _is_in(x, doubtful, side)]
            if bad:
                refused.append(Refusal(s, float(a), "unconfirmed", float(bad[0])))
                continue
            prev = ohs[ohs < a]
            cands.append(Stride(s, float(a), t_off, float(b), opp_to, opp_hs,
                                float(prev[-1]) if prev.size and a - prev[-1] < 0.8 * (b - a)
                                else None))
    if not cands:
        return [], refused
    ok = []
    for c, typical in zip(cands, near_median_duration(cands, tol), strict=True):
        stance = (c.to - c.hs) / c.duration
        if not (min_s <= c.duration <= max_s) or not typical:
            refused.append(Refusal(c.side, c.hs, "stride_time", c.duration))
        elif not 0.45 <= stance <= 0.8:
            refused.append(Refusal(c.side, c.hs, "stance", 100 * stance))
        else:
            ok.append(c)
    return ok, refused


def normalize_cycles(t: np.ndarray, y: np.ndarray, strides: list[Stride], side: Side,
                     n: int = 101) -> np.ndarray:
    """Curves of one side time-normalised to ``n`` points per stride (0..100 % of the cycle).

    Parameters
    ----------
    t : (N,) float
        Times, s.
    y : (N,) float
        Series to normalise (NaN where missing).
    strides : list of Stride
        Accepted strides (other sides are ignored).
    side : {"left", "right"}
    n : int
        Points per cycle.

    Returns
    -------
    (n_strides, n) float
        One row per stride of ``side`` lying fully inside ``t`` with no NaN.
    """
    rows = []
    for s in strides:
        if s.side != side or s.hs < t[0] or s.next_hs > t[-1]:
            continue
        tt = np.linspace(s.hs, s.next_hs, n)
        m = (t >= s.hs - 1e-9) & (t <= s.next_hs + 1e-9)
        if not np.isfinite(y[m]).all():
            continue
        rows.append(np.interp(tt, t, y))
    return np.array(rows) if rows else np.empty((0, n))
