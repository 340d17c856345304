"""Left/right leg label swaps: the most probable labelling of a landmark track (Viterbi).

Pose models (MediaPipe) exchange the labels of the two legs for a few frames at a time, mostly
where the legs cross in a side view. :func:`fix_leg_swaps` finds, per chain of consecutive
frames, the keep / swap labelling that makes both legs move most smoothly against a prior on
how often and how long swaps happen, and puts the labels back. It is the first step of
:func:`vidgait.kinematics.signal.condition`. Units: times in seconds, image coordinates in
pixels, swap rates per second.
"""

from __future__ import annotations

import numpy as np

from vidgait.kinematics.tracks import leg_scale, runs
from vidgait.landmarks import INDEX

#: the leg points whose labels a swap exchanges (the hips are left as they are)
LEG_PARTS = ("knee", "ankle", "heel", "foot_index")
L_LEG = tuple(INDEX[f"left_{p}"] for p in LEG_PARTS)
R_LEG = tuple(INDEX[f"right_{p}"] for p in LEG_PARTS)


def swap_legs(frame: np.ndarray) -> np.ndarray:
    """A copy of one frame's landmarks (33, k) with the left and right leg points exchanged.

    Parameters
    ----------
    frame : (33, k) float
        One frame's landmarks.
    """
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
    scale = leg_scale(xy)
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
        fixed[i] = swap_legs(xy[i])
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
        out[i] = swap_legs(xy[i])
    return out, swapped
