"""Camera view and walking passes, from image pixels only.

Per frame (on the filtered landmarks of :func:`vidgait.kinematics.signal.condition`):

* body yaw relative to the image plane from the apparent shoulder + hip width divided by the leg
  length (a side view shows almost no width); 90 deg = side view, 0 deg = frontal.
* facing the camera or not: in a frontal view the patient's left hip appears on the image RIGHT
  when the person faces the camera (walks toward it), on the image left when walking away.
* progression along the image x axis (leg lengths per second) and gait activity (how much the
  ankles move relative to each other), to drop standing and turns.

A pass is a stretch of at least ``min_pass_s`` seconds with one view and one direction. In a side
view the walking direction in the image ("facing" +1 = toward image right, -1 = left) comes from
the progression; on a treadmill (no progression) from the heel->toe direction. Angles are computed
in a frame that turns with this direction, so they never flip when the walker turns round.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.ndimage import median_filter, uniform_filter1d

from vidgait.kinematics.signal import Conditioned
from vidgait.kinematics.tracks import runs
from vidgait.landmarks import INDEX

View = Literal["side", "toward", "away", "oblique", "standing"]

#: apparent (shoulder + hip) width / leg length of a person seen square-on (walker ~0.67)
FRONTAL_WIDTH_RATIO = 0.67


@dataclass(frozen=True)
class Pass:
    """One walking pass.

    Attributes
    ----------
    start, stop : int
        [start, stop) indices on the conditioned time grid.
    view : {"side", "toward", "away", "oblique"}
    facing : int
        Side view: +1 walking toward image right, -1 toward image left. Frontal/oblique: +1 if
        the walker faces the camera (patient's left on image right), -1 if it faces away.
    treadmill : bool
        True when the legs walk but the body does not progress (side view).
    yaw_deg : float
        Median body yaw relative to the image plane (90 = side view), degrees.
    """

    start: int
    stop: int
    view: str
    facing: int
    treadmill: bool
    yaw_deg: float

    def duration_s(self, fs: float) -> float:
        """Length of the pass in seconds.

        Parameters
        ----------
        fs : float
            Sampling rate of the frame indices, Hz.
        """
        return (self.stop - self.start) / fs


def _pt(xy: np.ndarray, name: str) -> np.ndarray:
    return xy[:, INDEX[name]]


def leg_length_px(xy: np.ndarray) -> np.ndarray:
    """Per-frame mean (over both legs) of thigh + shank length in pixels, (N,).

    Parameters
    ----------
    xy : (N, 33, 2) float
        Image landmarks, px.
    """
    tot = 0.0
    for s in ("left", "right"):
        h, k, a = _pt(xy, f"{s}_hip"), _pt(xy, f"{s}_knee"), _pt(xy, f"{s}_ankle")
        tot = tot + np.linalg.norm(k - h, axis=1) + np.linalg.norm(a - k, axis=1)
    return tot / 2.0


@dataclass(frozen=True, eq=False)
class ViewFeatures:
    """Per-frame view features (all (N,), NaN outside valid frames).

    Attributes
    ----------
    yaw_deg : body yaw relative to the image plane, degrees (90 = side).
    facing_camera : +1 if the patient's left hip is on the image right, else -1.
    progression : hip-mid image x velocity in leg lengths per second (smoothed over 1 s).
    activity : SD over 1 s of the ankle-to-ankle image vector, in leg lengths.
    foot_direction : sign of the mean heel->toe image x direction (+1 image right).
    leg_px : leg length in pixels.
    """

    yaw_deg: np.ndarray
    facing_camera: np.ndarray
    progression: np.ndarray
    activity: np.ndarray
    foot_direction: np.ndarray
    leg_px: np.ndarray


def view_features(c: Conditioned) -> ViewFeatures:
    """Compute :class:`ViewFeatures` from conditioned landmarks.

    Parameters
    ----------
    c : Conditioned
        Conditioned landmarks (image pixels, sampling rate ``c.fs`` Hz).
    """
    xy = c.image
    leg = leg_length_px(xy)
    width = (np.abs(_pt(xy, "left_shoulder")[:, 0] - _pt(xy, "right_shoulder")[:, 0])
             + np.abs(_pt(xy, "left_hip")[:, 0] - _pt(xy, "right_hip")[:, 0])) / leg
    ref = max(FRONTAL_WIDTH_RATIO, float(np.nanpercentile(width, 95)) if c.valid.any() else 0)
    yaw = np.degrees(np.arccos(np.clip(width / ref, 0, 1)))
    facing = np.sign(_pt(xy, "left_hip")[:, 0] - _pt(xy, "right_hip")[:, 0])
    win = max(3, round(c.fs))
    hip_x = 0.5 * (_pt(xy, "left_hip")[:, 0] + _pt(xy, "right_hip")[:, 0])
    prog = np.full(len(c.t), np.nan)
    act = np.full(len(c.t), np.nan)
    ankle = _pt(xy, "left_ankle") - _pt(xy, "right_ankle")
    for a, b in c.segments:
        v = np.gradient(hip_x[a:b], c.t[a:b]) / leg[a:b]
        prog[a:b] = uniform_filter1d(v, min(win, b - a), mode="nearest")
        m = uniform_filter1d(ankle[a:b], min(win, b - a), axis=0, mode="nearest")
        m2 = uniform_filter1d(ankle[a:b] ** 2, min(win, b - a), axis=0, mode="nearest")
        act[a:b] = np.sqrt(np.clip(m2 - m ** 2, 0, None).sum(axis=1)) / leg[a:b]
    foot = np.sign(_pt(xy, "left_foot_index")[:, 0] - _pt(xy, "left_heel")[:, 0]
                   + _pt(xy, "right_foot_index")[:, 0] - _pt(xy, "right_heel")[:, 0])
    return ViewFeatures(yaw_deg=yaw, facing_camera=facing, progression=prog, activity=act,
                        foot_direction=foot, leg_px=leg)


def classify_frames(f: ViewFeatures, fs: float, *, min_activity: float = 0.05,
                    min_progression: float = 0.25) -> tuple[np.ndarray, np.ndarray]:
    """Label every frame with a view and a direction.

    Parameters
    ----------
    f : ViewFeatures
    fs : float
        Sampling rate, Hz.
    min_activity : float
        Below this ankle activity (leg lengths) the person is standing.
    min_progression : float
        Side-view progression (leg lengths/s) below which the walk is treated as a treadmill.

    Returns
    -------
    view : (N,) object array of str
        "side", "toward", "away", "oblique", "standing" or "" (invalid frame).
    direction : (N,) int
        Side: +1/-1 image direction of walking; frontal/oblique: facing_camera (+1/-1).
    """
    win = max(3, round(fs) | 1)
    yaw = median_filter(np.nan_to_num(f.yaw_deg, nan=-1.0), size=win, mode="nearest")
    facing = median_filter(np.nan_to_num(f.facing_camera), size=win, mode="nearest")
    n = len(yaw)
    view = np.full(n, "", dtype=object)
    direction = np.zeros(n, int)
    ok = np.isfinite(f.yaw_deg)
    side = ok & (yaw >= 60)
    frontal = ok & (yaw <= 30)
    view[side] = "side"
    view[ok & ~side & ~frontal] = "oblique"
    view[frontal & (facing > 0)] = "toward"
    view[frontal & (facing <= 0)] = "away"
    moving = np.abs(np.nan_to_num(f.progression)) >= min_progression
    direction[side] = np.where(moving[side], np.sign(np.nan_to_num(f.progression[side])),
                               f.foot_direction[side])
    direction[~side & ok] = np.where(facing[~side & ok] > 0, 1, -1)
    view[ok & (np.nan_to_num(f.activity) < min_activity)] = "standing"
    return view, direction


def find_passes(c: Conditioned, *, min_pass_s: float = 1.5) -> tuple[list[Pass], ViewFeatures]:
    """Walking passes of one view and direction lasting at least ``min_pass_s`` seconds.

    Parameters
    ----------
    c : Conditioned
        Conditioned landmarks.
    min_pass_s : float
        Shortest pass kept, s.

    Returns
    -------
    passes : list of Pass
        In time order; standing, turns and too-short stretches are left out.
    features : ViewFeatures
    """
    f = view_features(c)
    view, direction = classify_frames(f, c.fs)
    passes: list[Pass] = []
    key = np.array([f"{v}{d:+d}" if v not in ("", "standing") else "" for v, d in
                    zip(view, direction, strict=True)], dtype=object)
    for a, b in runs(key != ""):
        for a2, b2 in _constant_runs(key[a:b]):
            s, e = a + a2, a + b2
            if (e - s) / c.fs < min_pass_s:
                continue
            v = str(view[s])
            prog = np.nanmedian(np.abs(f.progression[s:e]))
            passes.append(Pass(start=s, stop=e, view=v, facing=int(direction[s]),
                               treadmill=bool(v == "side" and prog < 0.25),
                               yaw_deg=float(np.nanmedian(f.yaw_deg[s:e]))))
    return passes, f


def _constant_runs(values: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) ranges over which ``values`` stays the same."""
    edges = np.flatnonzero(values[1:] != values[:-1]) + 1
    bounds = np.concatenate([[0], edges, [len(values)]])
    return list(itertools.pairwise(bounds.tolist()))
