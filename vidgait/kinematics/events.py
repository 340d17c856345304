"""Gait events: heel strike and toe off times (s) of each side, from landmark tracks.

Zeni et al. 2008 (Gait Posture 27:710): heel strike at the forward-most heel position and toe off
at the rearmost toe (foot_index) position, both relative to the mid-hip along the walking direction.
It works wherever "forward relative to the pelvis" can be measured:

* side view: from image pixels along the image x axis (signed by the walking direction); works on a
  treadmill too;
* toward / away / oblique views: from MediaPipe's hip-centred WORLD landmarks along the body's
  forward direction (this relies on MediaPipe's depth, the least accurate coordinate; trusted less).

Event times are refined below one frame by a parabola through the peak sample and its
neighbours. Zeni's heel strike comes early (the heel is most forward relative to the pelvis while
it still moves forward over the floor, ~30 ms before contact on the walker), so in an overground
walk heel strikes are then refined with a heel-speed threshold (Bonci et al. 2022;
:func:`refine_heel_strikes`): in a side view on the heel's image track (a still camera), in
front / back / oblique views on the heel's world track carried over the floor at the walking
speed (:func:`stance_speed`, :func:`ground_tracks`). Toe offs stay Zeni's (see
:func:`refine_heel_strikes`). Walking toward the camera, MediaPipe's depth can be far off (on the
rendered phantom its heel depth trails the truth by 2-3 frames), so those heel strikes are
checked against an estimate from the image alone (:func:`floor_heel_strikes`, floor geometry);
heel strikes without a counterpart within :data:`CONFIRM_TOL_S` are doubtful
(:func:`confirm_heel_strikes`). The events are then cut into strides and checked in
:mod:`vidgait.kinematics.strides`.

Units: times in seconds; positions in the units of the tracks given (image pixels, or metres for
world landmarks); speeds in those units per second.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import find_peaks

from vidgait.kinematics.conventions import SIDES

#: Largest difference (s) accepted between two independent estimates of one heel strike
#: (:func:`confirm_heel_strikes`): twice the front/back event accuracy assumed by the limp
#: threshold (0.05 s), i.e. 3 frames at 30 fps. On the walker 3 % of front-view strides fail it;
#: on the rendered phantom through MediaPipe (depth events 100+ ms late) all of them do.
CONFIRM_TOL_S = 0.1


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

    Returns
    -------
    float
        The lag of the first autocorrelation peak within ``[lo_s, hi_s]`` that reaches 70 % of the
        highest one, s; NaN when no period can be read: ``x`` empty or not finite everywhere, the
        window too short to hold a lag range of at least 3 samples beyond ``lo_s`` with the
        overlap below (``N < 2 * lo_s * fs + 3``, about), or no POSITIVE autocorrelation peak in
        the range (a flat or aperiodic signal).

    Notes
    -----
    The (unbiased) autocorrelation at lag L averages the N - L products of the window's first
    N - L samples with its last N - L. Lags are searched up to ``N - lo_s * fs``: the overlap
    must span at least ``lo_s``, one period of the fastest plausible gait and about half of a
    typical stride: the compared stretches then reach from one extreme of the heel's excursion
    to the other. Searching only up to N / 2 (a full period of overlap at
    the period's lag, as before) needed ~2.2 strides in the window; this bound needs ~1.6. On the
    walker (46 500 windows of 1.5-5 s at 10, 15 and 30 fps, 90-120 steps/min, with and without
    a limp, side and front views, 1-3 px noise, 6 Hz low-pass) no period came out more than 15 %
    off with either bound, and 9 % of the windows gave none (28 % with N / 2). Windows of at
    least ``2 * hi_s`` are not affected. There is no significance test: a short window of noise
    can show a weak positive peak and get a period.
    """
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n == 0 or not np.isfinite(x).all():
        return float("nan")
    x = x - np.mean(x)
    ac = np.correlate(x, x, mode="full")[n - 1:] / (np.arange(n, 0, -1))
    lo = int(lo_s * fs)
    # the overlap of the two stretches compared at the last lag spans at least lo_s
    hi = min(int(hi_s * fs), n - int(np.ceil(lo_s * fs)))
    if hi <= lo + 2:
        return float("nan")
    # the FIRST strong autocorrelation peak: later ones (2, 3 strides) can be as high
    idx, _ = find_peaks(ac[lo:hi])
    if idx.size == 0:
        return float("nan")
    top = ac[lo + idx].max()
    if not top > 0:  # anti-correlated or flat at every candidate lag: no periodicity
        return float("nan")
    strong = idx[ac[lo + idx] >= 0.7 * top]
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
    keeps its Zeni time). Needs positions in a frame fixed to the floor: image pixels from a still
    camera in an overground walk (not a treadmill), or world landmarks carried over the floor by
    :func:`ground_tracks`.

    Toe offs are left to Zeni: on the synthetic walker Bonci's toe threshold (0.8 x walking
    speed) was later than Zeni's toe off (+28 vs +21 ms), while Zeni's heel strike was ~30 ms early
    and the refined one within 10 ms (docs/kinematics.md). Zeni's toe off is late by construction
    (the toe is rearmost relative to the pelvis when its speed over the floor has grown to the
    pelvis's: +23 ms on the walker's exact landmarks, with or without the 6 Hz filter). Toe-speed
    thresholds (0.5 or 0.8 x walking speed) and a still-then-moving fit of the toe track were
    either later (+29 ms) or 2-4 x more scattered (SD 17-35 ms against 8-13 ms) on the walker.
    These choices were made on synthetic data and must be re-checked against force plates.

    Parameters
    ----------
    t : (N,) float
        Times, s.
    events : dict side -> {"heel_strike_s", "toe_off_s"}
        Zeni events.
    heel_xy : dict side -> (N, k) float
        Heel positions in a frame fixed to the floor: image pixels (k = 2) from a still camera,
        or world metres (k = 3) from :func:`ground_tracks`.
    walking_speed : float
        Mean walking speed in the same units per second (pixels/s or m/s).
    heel_fraction : float
        The heel-speed threshold as a fraction of ``walking_speed`` (dimensionless).
    search_s : float
        How far from each Zeni heel strike the crossing is searched, s (each way).

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


def stance_speed(t: np.ndarray, events: dict[str, dict[str, np.ndarray]],
                 heel_fwd: dict[str, np.ndarray]) -> float:
    """Walking speed from the stance foot: minus the median forward velocity of the heel relative
    to the pelvis between each (Zeni) heel strike and the next toe off of the same side, when
    that foot stands on the floor and the pelvis passes over it.

    Parameters
    ----------
    t : (N,) float
        Times, s.
    events : dict side -> {"heel_strike_s", "toe_off_s"}
    heel_fwd : dict side -> (N,) float
        Heel position relative to the pelvis along the walking direction.

    Returns
    -------
    float
        Speed in the units of ``heel_fwd`` per second; NaN without a complete stance.
    """
    v = []
    for s in SIDES:
        vf = np.gradient(heel_fwd[s], t)
        to = np.sort(events[s]["toe_off_s"])
        for hs in events[s]["heel_strike_s"]:
            nxt = to[to > hs]
            if nxt.size:
                v.append(vf[(t > hs) & (t < nxt[0])])
    v = np.concatenate(v) if v else np.empty(0)
    v = v[np.isfinite(v)]
    return -float(np.median(v)) if v.size else float("nan")


def ground_tracks(t: np.ndarray, rel: dict[str, np.ndarray], forward: np.ndarray,
                  speed: float) -> dict[str, np.ndarray]:
    """Pelvis-relative positions (hip-centred world landmarks) turned into positions over the
    floor, taking the pelvis to move at a constant ``speed`` along ``forward``.

    With these tracks, :func:`refine_heel_strikes` applies the same heel-speed rule (Bonci et al.
    2022) to a front, back or oblique view as to a side view: the heel's speed over the floor is
    its velocity relative to the pelvis plus the walking velocity. The pelvis's own speed
    fluctuation within a stride is neglected: on the walker this leaves front/back heel strikes
    -10 +- 8 ms (side view, on image tracks: -2 +- 7 ms).

    Parameters
    ----------
    t : (N,) float
        Times, s.
    rel : dict side -> (N, 3) float
        Positions relative to the pelvis (e.g. MediaPipe world landmarks), metres.
    forward : (3,) float
        Unit walking direction in the same axes.
    speed : float
        Walking speed, metres per second (:func:`stance_speed`).

    Returns
    -------
    dict side -> (N, 3) float
    """
    shift = np.outer(t - t[0], speed * np.asarray(forward, float))
    return {s: np.asarray(rel[s], float) + shift for s in rel}


def _distance_profile(t: np.ndarray, size_px: np.ndarray) -> np.ndarray:
    """Apparent size (px) smoothed by a straight-line fit of 1 / size against time: at a steady
    speed along the optical axis the distance, hence 1 / size, changes linearly (the leg's own
    foreshortening within a stride averages out).
    """
    ok = np.isfinite(size_px) & (size_px > 0)
    if ok.sum() < 2:
        raise ValueError("fewer than two frames with a size")
    b = np.polyfit(t[ok], 1.0 / size_px[ok], 1)
    return 1.0 / np.polyval(b, t)


def _still_fraction(t: np.ndarray, xy: np.ndarray, q: float) -> np.ndarray:
    """Samples whose image speed is in the slowest ``q`` % of the track (a foot on the floor)."""
    speed = np.linalg.norm(np.gradient(xy, t, axis=0), axis=1)
    return speed <= np.percentile(speed, q)


def floor_heel_strikes(t: np.ndarray, heel_xy: dict[str, np.ndarray],
                       toe_xy: dict[str, np.ndarray], size_px: np.ndarray, fs: float, *,
                       still_pct: float = 30.0) -> dict[str, np.ndarray]:
    """Heel strikes of a walk TOWARD a still camera from the image alone (floor geometry).

    A point on the floor at distance d is seen ``f H / d`` pixels below the horizon (camera height
    H above the floor, focal length f), and the body's apparent size is ``f S / d_body``. The
    image rows of the feet while they stand still, regressed on the body's apparent size, give
    the horizon row ``y_h`` and ``k = H / S``; then ``r = (y_heel - y_h) / (k * size)`` is
    ``d_body / d_heel`` for a heel on the floor (> 1 ahead of the body). A lifted heel looks
    farther away (smaller r), so ``r`` peaks where the heel comes down ahead of the body: Zeni's
    most-forward heel with the heel's descent added, i.e. at the contact. Unlike MediaPipe's depth
    it uses only image x/y; it needs the camera above the feet, a steady walk roughly along the
    optical axis and no camera roll. Not usable walking AWAY (the heel's lift and its progression
    then move it the same way in the image).

    On the walker (9 m, noise 0-1.5 px): +26 +- 17 ms. Meant as an independent check of the
    depth events (:func:`confirm_heel_strikes`), not as the event itself.

    Parameters
    ----------
    t : (N,) float
        Times, s (uniform).
    heel_xy, toe_xy : dict side -> (N, 2) float
        Heel and toe (foot_index) image positions, pixels.
    size_px : (N,) float
        Apparent body size, pixels (e.g. leg length).
    fs : float
        Sampling rate, Hz.
    still_pct : float
        Share (%) of the slowest samples of each foot point taken as standing on the floor.

    Returns
    -------
    dict side -> (n,) float
        Heel strike times, s (empty when the geometry cannot be fitted).
    """
    empty = {s: np.empty(0) for s in SIDES}
    if len(t) < 4:
        return empty
    try:
        size = _distance_profile(t, np.asarray(size_px, float))
    except (TypeError, ValueError, np.linalg.LinAlgError):
        return empty
    ys, sz = [], []
    for track in (heel_xy, toe_xy):
        for s in SIDES:
            still = _still_fraction(t, track[s], still_pct)
            ys.append(track[s][still, 1])
            sz.append(size[still])
    ys, sz = np.concatenate(ys), np.concatenate(sz)
    if ys.size < 4 or not np.all(np.isfinite(size) & (size > 0)) or np.ptp(sz) <= 0:
        return empty
    k, y_h = np.polyfit(sz, ys, 1)
    if not k > 0:  # feet not below the horizon, or not getting lower as the body comes closer
        return empty
    r = {s: (heel_xy[s][:, 1] - y_h) / (k * size) for s in SIDES}
    periods = [stride_period(r[s], fs) for s in SIDES]
    if not np.isfinite(periods).any():
        return empty
    period = float(np.nanmedian(periods))
    return {s: _peaks(t, r[s], period, fs) for s in SIDES}


def confirm_heel_strikes(events: dict[str, dict[str, np.ndarray]],
                         check: dict[str, np.ndarray], tol_s: float = CONFIRM_TOL_S
                         ) -> dict[str, np.ndarray]:
    """Heel strikes NOT confirmed by an independent estimate within ``tol_s``.

    Parameters
    ----------
    events : dict side -> {"heel_strike_s", "toe_off_s"}
    check : dict side -> (m,) float
        Independent heel strike times (e.g. :func:`floor_heel_strikes`).
    tol_s : float
        Largest accepted difference, s (:data:`CONFIRM_TOL_S`).

    Returns
    -------
    dict side -> (k,) float
        The heel strikes of ``events`` without a counterpart; pass them to
        :func:`~vidgait.kinematics.strides.build_strides` as ``doubtful`` to refuse the strides
        that use them.
    """
    out = {}
    for s in SIDES:
        c = np.asarray(check[s], float)
        hs = np.asarray(events[s]["heel_strike_s"], float)
        near = (np.abs(hs[:, None] - c[None, :]).min(axis=1) <= tol_s if c.size
                else np.zeros(hs.size, bool))
        out[s] = hs[~near]
    return out
