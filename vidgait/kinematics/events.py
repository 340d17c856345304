"""Gait events (heel strike, toe off), their plausibility checks, and cycle normalisation.

Zeni et al. 2008 (Gait Posture 27:710): heel strike at the forward-most heel position and toe off
at the rearmost toe (foot_index) position, both relative to the mid-hip along the walking direction.
It works wherever "forward relative to the pelvis" can be measured:

* side view: from image pixels along the image x axis (signed by the walking direction); works on a
  treadmill too;
* toward / away / oblique views: from MediaPipe's hip-centred WORLD landmarks along the body's
  forward direction (this relies on MediaPipe's depth, the least accurate coordinate; trusted less).

Event times are refined below one frame by a parabola through the peak sample and its
neighbours. In an overground side view heel strikes are then refined with a heel-speed threshold
(Bonci et al. 2022; :func:`refine_heel_strikes`). Strides are then checked
(:func:`build_strides`): events in the order
HS < contralateral TO < contralateral HS < TO < next HS, stride time within 20 % of the median
and within 0.6-2.5 s, stance 45-80 % of the stride. Strides that fail are refused, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from vidgait.kinematics.conventions import SIDES, Side, other


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


def stride_period(x: np.ndarray, fs: float, lo_s: float = 0.6, hi_s: float = 2.5) -> float:
    """Dominant stride period (s) of a periodic signal from its autocorrelation.

    Parameters
    ----------
    x : (N,) float
        Signal with one cycle per stride (e.g. heel position relative to the hip).
    fs : float
        Sampling rate, Hz.
    lo_s, hi_s : float
        Range of plausible stride times, s.
    """
    x = x - np.mean(x)
    n = len(x)
    ac = np.correlate(x, x, mode="full")[n - 1:] / (np.arange(n, 0, -1))
    lo, hi = int(lo_s * fs), min(int(hi_s * fs), n // 2)
    if hi <= lo + 2:
        return float("nan")
    # the FIRST strong autocorrelation peak: later ones (2, 3 strides) can be as high
    idx, _ = find_peaks(ac[lo:hi])
    if idx.size == 0:
        return float("nan")
    strong = idx[ac[lo + idx] >= 0.7 * ac[lo + idx].max()]
    return (lo + int(strong[0])) / fs


def _parabolic(y: np.ndarray, i: int) -> float:
    """Sub-sample offset of a peak at index i from a parabola through i-1, i, i+1."""
    if i <= 0 or i >= len(y) - 1:
        return 0.0
    a, b, c = y[i - 1], y[i], y[i + 1]
    den = a - 2 * b + c
    return float(0.5 * (a - c) / den) if den != 0 else 0.0


def _peaks(t: np.ndarray, y: np.ndarray, period_s: float, fs: float) -> np.ndarray:
    """Times (s) of the peaks of ``y``, at least 0.6 stride apart, refined below one sample."""
    rng = np.percentile(y, 95) - np.percentile(y, 5)
    idx, _ = find_peaks(y, distance=max(1, int(0.6 * period_s * fs)), prominence=0.3 * rng)
    idx = idx[(idx > 0) & (idx < len(y) - 1)]
    return np.array([np.interp(i + _parabolic(y, i), np.arange(len(t)), t) for i in idx])


def zeni(t: np.ndarray, heel_fwd: dict[str, np.ndarray], toe_fwd: dict[str, np.ndarray],
         fs: float) -> dict[str, dict[str, np.ndarray]]:
    """Zeni et al. (2008) events from foot positions relative to the pelvis.

    Parameters
    ----------
    t : (N,) float
        Times, s (uniform).
    heel_fwd, toe_fwd : dict side -> (N,) float
        Heel / toe position minus mid-hip position along the walking direction (any length unit).
    fs : float
        Sampling rate, Hz.

    Returns
    -------
    dict side -> {"heel_strike_s": (n,), "toe_off_s": (m,)}
    """
    periods = [stride_period(heel_fwd[s], fs) for s in SIDES]
    if not np.isfinite(periods).any():  # too short to hold two strides
        return {s: {"heel_strike_s": np.empty(0), "toe_off_s": np.empty(0)} for s in SIDES}
    period = float(np.nanmedian(periods))
    out = {}
    for s in SIDES:
        out[s] = {"heel_strike_s": _peaks(t, heel_fwd[s], period, fs),
                  "toe_off_s": _peaks(t, -toe_fwd[s], period, fs)}
    return out


def _first_crossing(t: np.ndarray, v: np.ndarray, thr: float, below: bool) -> float:
    """Time (s) of the first crossing of ``thr`` (downward if ``below``), linearly interpolated."""
    d = (v < thr) if below else (v > thr)
    idx = np.flatnonzero(d[1:] & ~d[:-1])
    if idx.size == 0:
        return float("nan")
    i = idx[0]
    return float(t[i] + (t[i + 1] - t[i]) * (thr - v[i]) / (v[i + 1] - v[i]))


def refine_heel_strikes(t: np.ndarray, events: dict[str, dict[str, np.ndarray]],
                        heel_xy: dict[str, np.ndarray], walking_speed: float, *,
                        heel_fraction: float = 0.5, search_s: float = 0.12
                        ) -> dict[str, dict[str, np.ndarray]]:
    """Refine Zeni heel strikes with the heel-speed threshold of Bonci et al. 2022 (Front Bioeng
    Biotechnol 10:868928): foot strike when the heel speed falls below ``heel_fraction`` x the
    walking speed, searched within ``search_s`` of the Zeni estimate (a strike without a crossing
    keeps its Zeni time). Needs a still camera and an overground walk (not a treadmill).

    Toe offs are left to Zeni: on the synthetic walker Bonci's toe threshold (0.8 x walking
    speed) was later than Zeni's toe off (+28 vs +21 ms), while Zeni's heel strike was ~30 ms early
    and the refined one within 10 ms (docs/kinematics.md). This choice was made on synthetic data
    and must be re-checked against force plates.

    Parameters
    ----------
    t : (N,) float
        Times, s.
    events : dict side -> {"heel_strike_s", "toe_off_s"}
        Zeni events.
    heel_xy : dict side -> (N, 2) float
        Heel image positions, pixels.
    walking_speed : float
        Mean walking speed in the same units per second (pixels/s).

    Returns
    -------
    dict side -> {"heel_strike_s", "toe_off_s"}
    """
    out = {}
    for s in SIDES:
        vh = np.linalg.norm(np.gradient(heel_xy[s], t, axis=0), axis=1)
        hs = []
        for h in events[s]["heel_strike_s"]:
            m = (t >= h - search_s) & (t <= h + search_s)
            x = _first_crossing(t[m], vh[m], heel_fraction * walking_speed, below=True)
            hs.append(x if np.isfinite(x) else h)
        out[s] = {"heel_strike_s": np.asarray(hs), "toe_off_s": events[s]["toe_off_s"]}
    return out


# ----------------------------------------------------------------------------------- strides
def _one_between(x: np.ndarray, a: float, b: float) -> float | None:
    m = x[(x > a) & (x < b)]
    return float(m[0]) if m.size == 1 else None


def build_strides(events: dict[str, dict[str, np.ndarray]], *, tol: float = 0.2,
                  min_s: float = 0.6, max_s: float = 2.5) -> tuple[list[Stride], list[str]]:
    """Strides whose events are complete, in order and plausible; and reasons for the refused.

    Parameters
    ----------
    events : dict side -> {"heel_strike_s", "toe_off_s"}
    tol : float
        Allowed relative deviation of a stride time from the median stride time.
    min_s, max_s : float
        Absolute bounds of a stride time, s.

    Returns
    -------
    strides : list of Stride
    refused : list of str
    """
    cands, refused = [], []
    for s in SIDES:
        hs = np.sort(events[s]["heel_strike_s"])
        to = np.sort(events[s]["toe_off_s"])
        o = other(s)
        ohs, oto = np.sort(events[o]["heel_strike_s"]), np.sort(events[o]["toe_off_s"])
        for a, b in zip(hs[:-1], hs[1:]):
            t_off = _one_between(to, a, b)
            if t_off is None:
                refused.append(f"{s} stride at {a:.2f} s: not exactly one toe off")
                continue
            opp_to = _one_between(oto, a, t_off)
            opp_hs = _one_between(ohs, opp_to, t_off) if opp_to is not None else None
            if opp_to is None or opp_hs is None:
                refused.append(f"{s} stride at {a:.2f} s: contralateral events missing or "
                               "out of order")
                continue
            prev = ohs[ohs < a]
            cands.append(Stride(s, float(a), t_off, float(b), opp_to, opp_hs,
                                float(prev[-1]) if prev.size and a - prev[-1] < 0.8 * (b - a)
                                else None))
    if not cands:
        return [], refused
    med = float(np.median([c.duration for c in cands]))
    ok = []
    for c in cands:
        stance = (c.to - c.hs) / c.duration
        if not (min_s <= c.duration <= max_s) or abs(c.duration - med) > tol * med:
            refused.append(f"{c.side} stride at {c.hs:.2f} s: implausible stride time "
                           f"{c.duration:.2f} s")
        elif not 0.45 <= stance <= 0.8:
            refused.append(f"{c.side} stride at {c.hs:.2f} s: implausible stance "
                           f"{100 * stance:.0f} %")
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
