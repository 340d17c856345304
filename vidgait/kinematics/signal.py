"""Signal conditioning of landmark trajectories: swaps, outliers, resampling, gaps, low-pass.

Owns :func:`condition` (raw pose sequence -> :class:`Conditioned`, landmarks ready for
kinematics) and its steps. Units: times in seconds, rates and cut-offs in Hz, image coordinates
in pixels, world landmarks in metres.

Order of the steps in :func:`condition` and why:

1. Left/right leg label swaps are undone first, on the raw frames, because a swap is a jump that
   every later step (outlier test, interpolation, filter) would otherwise smear (most probable
   labelling of the whole track, Viterbi; :func:`~vidgait.kinematics.swaps.fix_leg_swaps`).
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

import functools
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import median_filter
from scipy.signal import butter, sosfiltfilt

from vidgait.errors import ClipTooShortError
from vidgait.kinematics.swaps import fix_leg_swaps, swap_legs
from vidgait.kinematics.tracks import leg_scale, runs
from vidgait.landmarks import L_SHOULDER, LOWER_BODY, N_LANDMARKS, R_SHOULDER
from vidgait.sequence import PoseSequence

#: landmarks that must all be present for a frame to count as usable
REQUIRED = (*LOWER_BODY, L_SHOULDER, R_SHOULDER)


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
    noise_median_px : (33,) float or None
        The same from the MEDIAN squared residual (``sqrt(median(r^2) / (2 ln 2))``, the SD
        per axis of a round Gaussian): not inflated by the few frames where a landmark jumps.
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
    noise_median_px: np.ndarray | None = None


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
    return out.reshape((len(t_new), *x.shape[1:]))


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


@functools.lru_cache(maxsize=64)
def mean_noise_factor(fs: float, cutoff_hz: float, frames: int) -> float:
    """SD of the mean of ``frames`` consecutive low-passed samples per unit SD of the residual
    (raw minus low-passed, as in ``Conditioned.noise_px``) of white noise.

    The filter's impulse response ``h`` gives the residual's variance ``1 - 2 h0 + sum h^2`` and
    the window mean's ``sum (n - |m|) R(m) / n^2`` (``R``: the autocorrelation of ``h``), per unit
    raw variance: at 30 fps and 6 Hz the residual holds only ~0.65 of the raw SD, and the mean of
    5 filtered samples ~0.58 of the residual's.

    Parameters
    ----------
    fs : float
        Sampling rate, Hz.
    cutoff_hz : float
        The low-pass cut-off, Hz (:func:`lowpass`).
    frames : int
        Consecutive samples averaged.

    Returns
    -------
    float
    """
    half = int(4 * fs / max(cutoff_hz, 1e-3)) + frames
    delta = np.zeros(2 * half + 1)
    delta[half] = 1.0
    h = lowpass(delta, fs, cutoff_hz)
    residual = 1.0 - 2.0 * h[half] + float(np.sum(h ** 2))
    r = np.correlate(h, h, mode="full")[len(h) - 1:len(h) - 1 + frames]
    lags = np.arange(frames)
    mean = (frames * r[0] + 2.0 * np.sum((frames - lags[1:]) * r[1:])) / frames ** 2
    return float(np.sqrt(mean / residual))


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
            world[i] = swap_legs(world[i])
    scale = leg_scale(xy)
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
    robust = np.full(N_LANDMARKS, np.nan)
    robust[counts > 0] = np.sqrt(np.nanmedian(res[:, counts > 0] ** 2, axis=0) / (2 * np.log(2)))
    raw_ok = np.isfinite(xy[:, list(LOWER_BODY)]).all(axis=(1, 2))
    filled = _far_from(grid, t[raw_ok], 0.75 / fs)
    have = np.isfinite(xy).all(-1)
    filled_lm = np.stack([_far_from(grid, t[have[:, j]], 0.75 / fs)
                          for j in range(N_LANDMARKS)], axis=1)
    return Conditioned(t=grid, fs=fs, image=image, world=world_f, valid=valid, segments=segments,
                       filled=filled,
                       noise_px=noise, cutoff_hz=min(cutoff_hz, 0.4 * fs),
                       swaps_fixed=int(swapped.sum()), outliers_removed=n_out,
                       frame_size=seq.frame_size, filled_landmark=filled_lm,
                       noise_median_px=robust)
