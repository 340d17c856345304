"""Signal conditioning of landmark trajectories: swaps, outliers, resampling, gaps, low-pass.

Order of the steps in :func:`condition` and why:

1. Left/right leg label swaps are undone first, on the raw frames, because a swap is a jump that
   every later step (outlier test, interpolation, filter) would otherwise smear (most probable
   labelling of the whole track, Viterbi; :func:`fix_leg_swaps`).
2. Outliers (isolated jumps from the 5-frame running median beyond what real motion covers in
   one frame interval, 3 leg lengths/s x dt but at least 10 % of the leg length, AND beyond 6
   robust SDs of the residuals; :func:`reject_outliers`) become gaps.
3. The raw frames (possibly variable frame rate) are resampled onto a uniform grid at the median
   frame rate by linear interpolation, ONLY across gaps up to ``max_gap_s``; longer gaps stay NaN
   and split the recording into segments.
4. Each segment is low-pass filtered with a zero-lag Butterworth filter (2nd order run forwards and
   backwards = 4th order zero phase; Winter 2009 recommends ~6 Hz for walking kinematics). The
   cut-off is capped at 0.4 x the sampling rate so that low-frame-rate video still gets a valid
   filter.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import median_filter
from scipy.signal import butter, sosfiltfilt

from vidgait.errors import ClipTooShortError
from vidgait.landmarks import INDEX, L_SHOULDER, LOWER_BODY, N_LANDMARKS, R_SHOULDER
from vidgait.sequence import PoseSequence

LEG_PARTS = ("knee", "ankle", "heel", "foot_index")
L_LEG = tuple(INDEX[f"left_{p}"] for p in LEG_PARTS)
R_LEG = tuple(INDEX[f"right_{p}"] for p in LEG_PARTS)
#: landmarks that must all be present for a frame to count as usable
REQUIRED = tuple(LOWER_BODY) + (L_SHOULDER, R_SHOULDER)


@dataclass(frozen=True, eq=False)
class Conditioned:
    """Landmarks ready for kinematics.

    Attributes
    ----------
    t : (N,) float
        Uniform time grid in seconds (starts at the first frame's time).
    fs : float
        Sampling rate of the grid in Hz (median frame rate of the recording).
    image : (N, 33, 2) float
        Filtered image x, y in pixels (NaN outside usable segments).
    world : (N, 33, 3) float
        Filtered world landmarks in metres (camera axes, hip-centred).
    valid : (N,) bool
        True inside a usable segment.
    segments : list of (int, int)
        [start, stop) index ranges of usable segments on the grid.
    filled : (N,) bool
        True where no raw frame with the lower body lies within 0.75 frame: the value there was
        interpolated across a gap (peaks measured over such frames are not trusted).
    filled_landmark : (N, 33) bool
        As ``filled`` but per landmark (an outlier removed from a toe does not make the knee's
        value interpolated).
    noise_px : (33,) float
        Estimated SD of the raw pixel noise per landmark (residual of raw minus filtered).
    cutoff_hz : float
        Low-pass cut-off actually used, Hz.
    swaps_fixed : int
        Raw frames whose left/right leg labels were swapped back.
    outliers_removed : int
        Raw landmark samples turned into gaps as outliers.
    frame_size : (int, int)
        (width, height) in pixels.
    """

    t: np.ndarray
    fs: float
    image: np.ndarray
    world: np.ndarray
    valid: np.ndarray
    segments: list[tuple[int, int]]
    filled: np.ndarray
    noise_px: np.ndarray
    cutoff_hz: float
    swaps_fixed: int
    outliers_removed: int
    frame_size: tuple[int, int]
    filled_landmark: np.ndarray | None = None


# ------------------------------------------------------------------------------------ swaps
def _swap_legs(frame: np.ndarray) -> np.ndarray:
    out = frame.copy()
    out[list(L_LEG)], out[list(R_LEG)] = frame[list(R_LEG)], frame[list(L_LEG)]
    return out


def _chains(t: np.ndarray, ok: np.ndarray, max_dt: float) -> list[np.ndarray]:
    """Index arrays of runs of usable frames whose successive times are <= ``max_dt`` apart."""
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return []
    cut = np.flatnonzero(np.diff(t[idx]) > max_dt) + 1
    return np.split(idx, cut)


def _viterbi_swaps(t: np.ndarray, legs_xy: np.ndarray, runs_per_s: float,
                   mean_run_s: float) -> np.ndarray:
    """Most probable keep (0) / swap (1) labelling of one chain of frames.

    ``legs_xy`` is (n, 2k, 2): the k left-leg points then the k right-leg points. The cost of a
    labelling is, frame by frame, the summed distance of the relabelled leg points from their
    constant-velocity prediction (from the two previous relabelled frames) divided by a robust
    scale of that distance, plus the negative log prior of the label sequence: a two-state Markov
    chain in which swap runs start ``runs_per_s`` times per second and last ``mean_run_s`` on
    average. The minimum over all labellings is found exactly by dynamic programming over pairs of
    consecutive states (second-order model).
    """
    n, m = legs_xy.shape[0], legs_xy.shape[1]
    k = m // 2
    alt = np.concatenate([legs_xy[:, k:], legs_xy[:, :k]], axis=1)
    pts = np.stack([legs_xy, alt], axis=1)  # (n, state, m, 2)
    if n < 3:
        return np.zeros(n, bool)
    # cost[i, c, a, b]: frame i in state b predicted from i-2 in state c and i-1 in state a
    ratio = ((t[2:] - t[1:-1]) / (t[1:-1] - t[:-2]))[:, None, None, None, None]
    prev1 = pts[1:-1][:, None, :, None]          # (n-2, 1, a, 1, m, 2)
    prev2 = pts[:-2][:, :, None, None]           # (n-2, c, 1, 1, m, 2)
    pred = prev1 + (prev1 - prev2) * ratio[..., None]
    cur = pts[2:][:, None, None, :]              # (n-2, 1, 1, b, m, 2)
    dist = np.linalg.norm(cur - pred, axis=-1).sum(axis=-1)  # (n-2, c, a, b)
    # frame 1 is predicted by a constant position (no velocity yet)
    d1 = np.linalg.norm(pts[1][None, :] - pts[0][:, None], axis=-1).sum(axis=-1)  # (a, b)
    best = dist.min(axis=(1, 2, 3))
    scale = max(float(np.median(best)), 1e-6)
    cost = dist / scale
    dt = float(np.median(np.diff(t)))
    p_in = min(runs_per_s * dt, 0.5)
    p_out = min(dt / mean_run_s, 0.5)
    trans = -np.log(np.array([[1.0 - p_in, p_in], [p_out, 1.0 - p_out]]))  # [from, to]
    start = -np.log(np.array([1.0 - p_in, p_in]))
    # D[a][b] = cost of the best labelling ending with (state of i-1, state of i); plain Python
    # floats: 8 candidate transitions per frame are cheaper than numpy calls
    tr = trans.tolist()
    d1l = (d1 / scale).tolist()
    D = [[float(start[a] + tr[a][b] + d1l[a][b]) for b in (0, 1)] for a in (0, 1)]
    back = [[[0, 0], [0, 0]] for _ in range(n)]
    cl = cost.tolist()
    for i in range(2, n):
        ci = cl[i - 2]
        newD = [[0.0, 0.0], [0.0, 0.0]]
        for a in (0, 1):
            d0, d1_ = D[0][a], D[1][a]
            for b in (0, 1):
                x0 = d0 + ci[0][a][b]
                x1 = d1_ + ci[1][a][b]
                if x1 < x0:
                    newD[a][b] = x1 + tr[a][b]
                    back[i][a][b] = 1
                else:
                    newD[a][b] = x0 + tr[a][b]
        D = newD
    Da = np.asarray(D)
    a, b = np.unravel_index(int(Da.argmin()), Da.shape)
    states = np.zeros(n, int)
    states[-1], states[-2] = b, a
    for i in range(n - 1, 1, -1):
        states[i - 2] = back[i][states[i - 1]][states[i]]
    return states.astype(bool)


def fix_leg_swaps(t: np.ndarray, xy: np.ndarray, *, runs_per_s: float = 0.5,
                  mean_run_s: float = 0.1, max_dt: float = 0.2, max_swap_s: float = 0.3,
                  cross_fraction: float = 0.25, cross_max_s: float = 0.2
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Undo left/right leg label swaps by the most probable labelling of the whole track.

    Pose models swap leg labels for a few frames at a time. Each leg (knee, ankle, heel, toe) is
    expected to move with a nearly constant velocity from frame to frame; the labelling (keep or
    swap, per frame) that makes both legs' tracks smoothest, traded against a prior that a frame is
    swapped (swap runs starting ``runs_per_s`` times a second and lasting ``mean_run_s``, about
    what MediaPipe does on side views: ~7 % of frames in runs of 1-5 frames), is found by the
    Viterbi algorithm over each chain of
    consecutive frames (:func:`_viterbi_swaps`). Unlike a frame-by-frame tracker it cannot lock
    onto the wrong legs where they cross: a crossing gives little evidence either way, so the
    model's own labels are kept there. A run of "swapped" frames longer than ``max_swap_s`` is not
    believed and put back as it came (a genuine swap that long is left uncorrected).

    Parameters
    ----------
    t : (T,) float
        Frame times, s.
    xy : (T, 33, 2) float
        Raw image coordinates in pixels (NaN where missing).
    runs_per_s, mean_run_s : float
        Prior rate of swap runs (per second) and their mean length (s).
    max_dt : float
        Frames further apart than this start a new chain, s.
    max_swap_s : float
        Longest run of swapped frames that is believed, s.
    cross_fraction : float
        Frames whose legs' points are on average closer than this fraction of the leg length
        are "crossing" frames: left out of the Viterbi decision (no evidence there; MediaPipe's
        points collapse toward each other) and labelled afterwards by their nearest decided
        neighbours.
    cross_max_s : float
        Longest crossing bridged by one chain, s (added to ``max_dt``).

    Returns
    -------
    fixed : (T, 33, 2) float
        Coordinates with leg labels corrected.
    swapped : (T,) bool
        Frames that were swapped back.
    """
    out = xy.copy()
    swapped = np.zeros(len(t), bool)
    legs = np.array(L_LEG + R_LEG)
    k = len(L_LEG)
    ok = np.isfinite(xy[:, legs]).all(axis=(1, 2))
    gap = np.full(len(t), np.inf)
    scale = _leg_scale(xy)
    if ok.any() and np.isfinite(scale):
        gap[ok] = np.linalg.norm(xy[ok][:, list(L_LEG)] - xy[ok][:, list(R_LEG)],
                                 axis=-1).mean(axis=1)
    # where the legs overlap (mean distance of their points below a quarter leg length) a swap
    # changes little and the model's points are unreliable: such frames give no evidence and
    # would spoil the velocity of the prediction, so the labelling is decided on the other frames
    # and the crossing frames are labelled afterwards from their neighbours
    crossing = ok & (gap < cross_fraction * scale)
    decide = ok & ~crossing
    for idx in _chains(t, decide, max_dt + cross_max_s):
        swapped[idx] = _viterbi_swaps(t[idx], xy[idx][:, legs], runs_per_s, mean_run_s)
    fixed = xy.copy()
    for i in np.flatnonzero(swapped):
        fixed[i] = _swap_legs(xy[i])
    dec = np.flatnonzero(decide)
    for i in np.flatnonzero(crossing):
        j = np.searchsorted(dec, i)
        nb = [dec[m] for m in (j - 1, j) if 0 <= m < len(dec) and abs(t[dec[m]] - t[i]) <= max_dt]
        if not nb:
            continue
        ref = np.mean([fixed[m, legs] for m in nb], axis=0)
        cur = xy[i, legs]
        alt = np.concatenate([cur[k:], cur[:k]])
        if np.linalg.norm(alt - ref, axis=1).sum() < np.linalg.norm(cur - ref, axis=1).sum():
            swapped[i] = True
    for a, b in runs(swapped):
        if t[b - 1] - t[a] > max_swap_s:
            swapped[a:b] = False
    for i in np.flatnonzero(swapped):
        out[i] = _swap_legs(xy[i])
    return out, swapped


# --------------------------------------------------------------------------------- outliers
#: Largest speed (leg lengths per second) at which real motion can carry a landmark away from
#: the running median of its neighbours (:func:`reject_outliers`). A 5-sample running median
#: leaves a monotonic stretch untouched, however fast (the swing foot moving forward: up to
#: ~6 leg/s on the walker); only motion that turns back within the window (the foot lifted and
#: put down, a hand reversing) leaves a residual, and the sample must then have moved away from
#: a neighbour by more than that residual within ONE frame. The largest such residual per frame
#: interval was 1.0-2.4 leg/s on the walker at 1.25 m/s (all views, 7.5-60 fps; 3.1 leg/s in one
#: limping back view) and 2.7 leg/s on the lower body of the side limp sample thinned to 15 fps.
#: 3 leg/s x 1/30 s is the 0.1 leg length that was used at every frame rate before.
MAX_RESIDUAL_SPEED = 3.0


def reject_outliers(xy: np.ndarray, scale_px: float, *, dt: float = 1.0 / 30.0,
                    leg_fraction: float = 0.1, max_speed: float = MAX_RESIDUAL_SPEED,
                    n_sd: float = 6.0, window: int = 5) -> tuple[np.ndarray, int]:
    """Turn isolated jumps into NaN gaps.

    A sample is an outlier when its distance from the running median of its landmark exceeds
    what real motion can produce in one frame interval, ``max(leg_fraction, max_speed * dt)``
    leg lengths, AND ``n_sd`` robust SDs of all residuals (the noise floor). The first bound
    grows with the frame interval, so that the swing foot filmed at 7.5-15 fps is not taken for
    a glitch; at 30 fps and above it is ``leg_fraction`` (0.1 leg length), as it always was.
    A jump smaller than the bound is kept: at 7.5 fps a glitch must exceed 0.4 leg length
    (walker: real motion leaves up to 0.33 there).

    Parameters
    ----------
    xy : (T, K, D) float
        Coordinates (pixels); NaN where missing.
    scale_px : float
        Body scale in pixels (leg length).
    dt : float
        Frame interval, s (the median one for a variable frame rate).
    leg_fraction : float
        Smallest residual taken for a jump, in leg lengths (the bound at high frame rates).
    max_speed : float
        Largest speed, leg lengths per second, at which real motion moves a sample away from
        its running median (:data:`MAX_RESIDUAL_SPEED`).
    n_sd : float
        Noise floor, in robust SDs of the residuals.
    window : int
        Running-median length in frames (odd).

    Returns
    -------
    cleaned : (T, K, D) float
    n_removed : int
        Number of (frame, landmark) samples removed.
    """
    out = xy.copy()
    if not np.isfinite(xy).any():
        return out, 0
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN landmarks stay NaN
        centre = np.nanmedian(xy, axis=0, keepdims=True)
    filled = np.where(np.isfinite(xy), xy, np.nan_to_num(centre))
    med = median_filter(filled, size=(window, 1, 1), mode="nearest")
    res = np.linalg.norm(np.where(np.isfinite(xy), xy - med, 0.0), axis=-1)  # (T, K)
    mad = 1.4826 * np.median(res[np.isfinite(xy).all(-1)]) if np.isfinite(xy).any() else 0.0
    limit = max(leg_fraction, max_speed * dt) * scale_px
    bad = (res > limit) & (res > n_sd * mad)
    out[bad] = np.nan
    return out, int(bad.sum())


# ------------------------------------------------------------------------- resample and gaps
def resample(t: np.ndarray, x: np.ndarray, t_new: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Linear resampling of each column of ``x`` onto ``t_new``, bridging gaps <= ``max_gap_s``.

    Parameters
    ----------
    t : (T,) float
        Sample times, s (strictly increasing).
    x : (T, ...) float
        Samples; NaN where missing.
    t_new : (N,) float
        Target times, s.
    max_gap_s : float
        Longest time between two valid samples that is interpolated across; longer gaps and
        times outside the valid span give NaN.

    Returns
    -------
    (N, ...) float
    """
    flat = x.reshape(len(t), -1)
    out = np.full((len(t_new), flat.shape[1]), np.nan)
    finite = np.isfinite(flat)
    # columns with the same missing frames share one set of interpolation weights
    groups: dict[bytes, list[int]] = {}
    for j, key in enumerate(np.packbits(finite, axis=0).T):
        groups.setdefault(key.tobytes(), []).append(j)
    for cols in groups.values():
        ok = finite[:, cols[0]]
        if ok.sum() < 2:
            continue
        tv = t[ok]
        idx = np.clip(np.searchsorted(tv, t_new), 1, len(tv) - 1)
        gap = tv[idx] - tv[idx - 1]
        inside = (t_new >= tv[0] - 1e-9) & (t_new <= tv[-1] + 1e-9) & (gap <= max_gap_s + 1e-9)
        lo, hi = idx[inside] - 1, idx[inside]
        w = np.clip((t_new[inside] - tv[lo]) / np.where(gap[inside] > 0, gap[inside], 1.0), 0, 1)
        xv = flat[ok][:, cols]
        out[np.ix_(inside, cols)] = xv[lo] * (1 - w)[:, None] + xv[hi] * w[:, None]
    return out.reshape((len(t_new),) + x.shape[1:])


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index ranges of the True runs of a boolean array."""
    d = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist()))


# ---------------------------------------------------------------------------------- low-pass
def lowpass(x: np.ndarray, fs: float, cutoff_hz: float = 6.0, order: int = 2) -> np.ndarray:
    """Zero-lag Butterworth low-pass along axis 0 (no NaN allowed).

    Parameters
    ----------
    x : (N, ...) float
        Uniformly sampled signal.
    fs : float
        Sampling rate, Hz.
    cutoff_hz : float
        Cut-off frequency, Hz (capped at 0.4 fs).
    order : int
        Order of the single-pass filter; forward-backward doubles it.

    Returns
    -------
    (N, ...) float
    """
    fc = min(cutoff_hz, 0.4 * fs)
    sos = butter(order, fc / (0.5 * fs), output="sos")
    padlen = min(3 * (2 * len(sos) + 1) * 3, x.shape[0] - 1)
    return sosfiltfilt(sos, x, axis=0, padlen=padlen)


def _filter_segments(x: np.ndarray, segments: list[tuple[int, int]], fs: float,
                     cutoff_hz: float) -> np.ndarray:
    out = np.full_like(x, np.nan)
    for a, b in segments:
        seg = x[a:b]
        cols = np.isfinite(seg).all(axis=0)
        filt = np.full_like(seg, np.nan)
        filt[:, cols] = lowpass(seg[:, cols], fs, cutoff_hz)
        out[a:b] = filt
    return out


def _leg_scale(xy: np.ndarray) -> float:
    """Median hip-knee-ankle length in pixels over both legs (body scale)."""
    seg = []
    for s in ("left", "right"):
        h, k, a = (xy[:, INDEX[f"{s}_{p}"]] for p in ("hip", "knee", "ankle"))
        seg.append(np.linalg.norm(k - h, axis=-1) + np.linalg.norm(a - k, axis=-1))
    v = np.concatenate(seg)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if v.size else float("nan")


def _far_from(grid: np.ndarray, times: np.ndarray, tol: float) -> np.ndarray:
    """(N,) True where no time of ``times`` lies within ``tol`` seconds of ``grid``."""
    if times.size == 0:
        return np.ones(grid.shape, bool)
    i = np.clip(np.searchsorted(times, grid), 1, max(len(times) - 1, 1))
    near = np.minimum(np.abs(times[i] - grid), np.abs(times[i - 1] - grid))
    return near > tol


# --------------------------------------------------------------------------------- top level
def condition(seq: PoseSequence, *, cutoff_hz: float = 6.0, max_gap_s: float = 0.2,
              min_segment_s: float = 1.0, fix_swaps: bool = True) -> Conditioned:
    """Clean, resample and filter a pose sequence (see module notes for the steps).

    Parameters
    ----------
    seq : PoseSequence
    cutoff_hz : float
        Low-pass cut-off, Hz.
    max_gap_s : float
        Longest gap bridged by interpolation, s (5 missing frames at 30 fps; ~1/6 of a stride).
    min_segment_s : float
        Shorter usable stretches are dropped, s.
    fix_swaps : bool
        Undo left/right leg label swaps.

    Returns
    -------
    Conditioned

    Raises
    ------
    ClipTooShortError
        With fewer than three frames.
    """
    t = seq.t
    if len(t) < 3:
        raise ClipTooShortError(f"{len(t)} frames is too short for gait analysis")
    xy = np.where(seq.found[:, None, None], seq.image[..., :2].astype(float), np.nan)
    world = np.where(seq.found[:, None, None], seq.world.astype(float), np.nan)
    swapped = np.zeros(len(t), bool)
    if fix_swaps:
        xy, swapped = fix_leg_swaps(t, xy)
        for i in np.flatnonzero(swapped):
            world[i] = _swap_legs(world[i])
    scale = _leg_scale(xy)
    dt = float(np.median(np.diff(t)))
    xy, n_out = reject_outliers(xy, scale if np.isfinite(scale) else 1e9, dt=dt)
    world[~np.isfinite(xy).all(-1)] = np.nan
    fs = 1.0 / dt
    grid = t[0] + np.arange(int(np.floor((t[-1] - t[0]) * fs + 1e-6)) + 1) / fs
    xy_u = resample(t, xy, grid, max_gap_s)
    world_u = resample(t, world, grid, max_gap_s)
    usable = np.isfinite(xy_u[:, list(REQUIRED)]).all(axis=(1, 2))
    segments = [(a, b) for a, b in runs(usable) if (b - a) / fs >= min_segment_s]
    valid = np.zeros(len(grid), bool)
    for a, b in segments:
        valid[a:b] = True
    image = _filter_segments(xy_u, segments, fs, cutoff_hz)
    world_f = _filter_segments(world_u, segments, fs, cutoff_hz)
    res = np.linalg.norm(xy_u - image, axis=-1)[valid]
    counts = np.isfinite(res).sum(axis=0)
    noise = np.full(N_LANDMARKS, np.nan)
    noise[counts > 0] = np.sqrt(np.nansum(res[:, counts > 0] ** 2, axis=0)
                                / counts[counts > 0] / 2.0)
    raw_ok = np.isfinite(xy[:, list(LOWER_BODY)]).all(axis=(1, 2))
    filled = _far_from(grid, t[raw_ok], 0.75 / fs)
    have = np.isfinite(xy).all(-1)
    filled_lm = np.stack([_far_from(grid, t[have[:, j]], 0.75 / fs)
                          for j in range(N_LANDMARKS)], axis=1)
    return Conditioned(t=grid, fs=fs, image=image, world=world_f, valid=valid, segments=segments,
                       filled=filled,
                       noise_px=noise, cutoff_hz=min(cutoff_hz, 0.4 * fs),
                       swaps_fixed=int(swapped.sum()), outliers_removed=n_out,
                       frame_size=seq.frame_size, filled_landmark=filled_lm)
