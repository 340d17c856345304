"""Footprints: the planted feet of a walk seen by a still camera, found in the image alone.

A planted foot stands still in the image. For each leg track, the heel's and toe's
(``foot_index``) image speeds over +-0.1 s (:data:`HALF_SPEED_S`), in leg lengths per second, have
one minimum per stride at mid-stance (the foot flat); a minimum around which the faster of the two
stays slower, on average over +-0.05 s (:data:`HALF_WINDOW_S`), than a third of the foot's swing
speed (its 90th percentile) is a footprint, and its heel, toe, mid-hip and mid-shoulder are their
mean image points over those frames (px). No gait event and no depth is used, so footprints are
found where the events are refused. Which foot it is, the person's side, comes from the floor
(:func:`assign_sides`, given each footprint's offset from the line of progression), not from the
pose model's labels.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.signal import find_peaks

from vidgait.kinematics.conventions import SIDES, Side
from vidgait.kinematics.events import stride_period
from vidgait.kinematics.view import leg_length_px
from vidgait.landmarks import INDEX

#: half-width of the image-speed differences, s
HALF_SPEED_S = 0.1
#: half-width of the window a footprint's points are averaged over (and must stay still in), s:
#: the middle of the foot-flat phase, which lasts ~0.2 s at a normal pace
HALF_WINDOW_S = 0.05
#: a speed minimum is a footprint when slower than this share of the foot's swing speed
STILL_SHARE = 1.0 / 3.0


@dataclass(frozen=True)
class Footprint:
    """One planted foot at mid-stance.

    Attributes
    ----------
    label : {"left", "right"}
        The pose model's label of the leg track it was found on.
    t_s : float
        Time of mid-stance (the foot's slowest moment), s.
    start, stop : int
        The frames [start, stop) it was averaged over, on the caller's grid.
    heel_px, toe_px, hip_px, shoulder_px : (2,) float
        Mean heel, toe (``foot_index``), mid-hip and mid-shoulder image points there, px.
    side : {"left", "right"} or None
        The person's side, from the side of the line of progression it lies on (None until
        :func:`assign_sides` decides it).
    speed : float
        The faster of heel and toe, mean image speed over the frames, leg lengths per second.
    """

    label: Side
    t_s: float
    start: int
    stop: int
    heel_px: np.ndarray
    toe_px: np.ndarray
    hip_px: np.ndarray
    shoulder_px: np.ndarray
    side: Side | None = None
    speed: float = float("nan")

    @property
    def frames(self) -> int:
        """Frames averaged."""
        return self.stop - self.start


def _speed(x: np.ndarray, k: int, fs: float) -> np.ndarray:
    """|x(t + k) - x(t - k)| / (2k / fs), NaN at the ends."""
    v = np.full(len(x), np.nan)
    if len(x) > 2 * k:
        v[k:-k] = np.linalg.norm(x[2 * k:] - x[:-2 * k], axis=1) * fs / (2 * k)
    return v


def _inside(p: np.ndarray, frame_size: tuple[int, int] | None) -> bool:
    if not np.all(np.isfinite(p)):
        return False
    return frame_size is None or bool(0 <= p[0] < frame_size[0] and 0 <= p[1] < frame_size[1])


def find_footprints(t: np.ndarray, xy: np.ndarray, fs: float,
                    frame_size: tuple[int, int] | None = None) -> list[Footprint]:
    """The planted feet of a walking pass seen by a still camera (module notes, step 1).

    Parameters
    ----------
    t : (N,) float
        Uniform times, s.
    xy : (N, 33, 2) float
        Image landmarks (filtered), px.
    fs : float
        Sampling rate, Hz.
    frame_size : (int, int), optional
        (width, height), px: footprints with a point outside the picture are left out.

    Returns
    -------
    list of Footprint
        In time order, ``side`` None.
    """
    k = max(1, round(HALF_SPEED_S * fs))
    w = max(1, round(HALF_WINDOW_S * fs))
    leg = float(np.nanmedian(leg_length_px(xy)))
    mid_hip = 0.5 * (xy[:, INDEX["left_hip"]] + xy[:, INDEX["right_hip"]])
    mid_sh = 0.5 * (xy[:, INDEX["left_shoulder"]] + xy[:, INDEX["right_shoulder"]])
    if not np.isfinite(leg) or leg <= 0 or len(t) < 4 * k + 3:
        return []
    out, periods = [], []
    for s in SIDES:
        heel, toe = xy[:, INDEX[f"{s}_heel"]], xy[:, INDEX[f"{s}_foot_index"]]
        v = np.fmax(_speed(heel, k, fs), _speed(toe, k, fs)) / leg
        if np.isfinite(v).sum() < 4 * k:
            continue
        swing = float(np.nanpercentile(v, 90))
        period = stride_period(np.nan_to_num(v, nan=float(np.nanmedian(v))), fs)
        periods.append(period)
        dist = max(1, int(0.6 * (period if np.isfinite(period) else 1.0) * fs))
        idx, _ = find_peaks(-np.nan_to_num(v, nan=np.inf), distance=dist)
        for i in idx:
            lo, hi = i - w, i + w + 1
            # still on average over the window (a swing foot only pauses for an instant)
            if lo < 0 or hi > len(t) or not np.mean(v[lo:hi]) < STILL_SHARE * swing:
                continue
            pts = [np.nanmean(a[lo:hi], axis=0) for a in (heel, toe, mid_hip, mid_sh)]
            if not (_inside(pts[0], frame_size) and _inside(pts[1], frame_size)
                    and all(np.all(np.isfinite(p)) for p in pts)):
                continue
            out.append(Footprint(s, float(t[i]), lo, hi, *pts, speed=float(np.mean(v[lo:hi]))))
    period = float(np.nanmax(periods)) if np.isfinite(periods).any() else 1.0
    return _apart(out, period)


def _apart(fp: list[Footprint], period: float) -> list[Footprint]:
    """One foot stands in mid-stance while the other swings, so the two feet's footprints are
    about half a stride apart and one foot's a whole stride: of two footprints closer than a
    quarter of the stride (any feet) or 0.6 of it (one foot), the stiller one stays.
    """
    kept: list[Footprint] = []
    for f in sorted(fp, key=lambda g: g.speed):
        if all(abs(f.t_s - g.t_s) >= (0.6 if f.label == g.label else 0.25) * period
               for g in kept):
            kept.append(f)
    return sorted(kept, key=lambda g: g.t_s)


def assign_sides(fp: list[Footprint], lateral: np.ndarray) -> list[Footprint]:
    """Each footprint's side from the side of the line of progression it lies on.

    A leg track's footprints must agree: those on the other side than most of their track's are
    dropped (a leg swap, or a footprint beside the line); when both tracks lie mostly on one
    side, the floor cannot tell the feet apart and the pose model's labels are kept.

    Parameters
    ----------
    fp : list of Footprint
        The footprints, in time order.
    lateral : (K,) float
        Each one's offset from the line of progression toward the walker's left (any unit).

    Returns
    -------
    list of Footprint
        With ``side`` set; inconsistent ones left out.
    """
    geo = ["left" if x > 0 else "right" for x in lateral]
    major = {}
    for s in SIDES:
        mine = [g for f, g in zip(fp, geo, strict=True) if f.label == s]
        n_left = mine.count("left")
        major[s] = ("left" if n_left > len(mine) - n_left
                    else "right" if n_left < len(mine) - n_left else None)
    if major["left"] is None or major["left"] == major["right"]:
        return [replace(f, side=f.label) for f in fp]
    return [replace(f, side=g) for f, g in zip(fp, geo, strict=True) if g == major[f.label]]


def stride_frames(fp: list[Footprint], fs: float) -> int:
    """Samples per stride: the median time between footprints of one leg track.

    Parameters
    ----------
    fp : list of Footprint
        The footprints of a pass.
    fs : float
        Sampling rate, Hz.

    Returns
    -------
    int
        At least 1 (1 without two footprints on one track).
    """
    gaps = []
    for s in SIDES:
        times = [f.t_s for f in fp if f.label == s]
        gaps += list(np.diff(times))
    return max(1, round(float(np.median(gaps)) * fs)) if gaps else 1
