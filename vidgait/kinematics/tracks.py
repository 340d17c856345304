"""Helpers on landmark tracks shared by the conditioning steps (:mod:`vidgait.kinematics.signal`,
:mod:`vidgait.kinematics.swaps`, :mod:`vidgait.kinematics.view`): runs of a per-frame mask as
index ranges, and the body scale (leg length) in pixels.
"""

from __future__ import annotations

import numpy as np

from vidgait.landmarks import INDEX


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index ranges of the True runs of a boolean array.

    Parameters
    ----------
    mask : (N,) bool
        The array to scan.
    """
    d = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(),
                    strict=True))


def leg_scale(xy: np.ndarray) -> float:
    """Median hip-knee-ankle length in pixels over both legs (body scale).

    Parameters
    ----------
    xy : (N, 33, 2) float
        Image landmarks, px.
    """
    seg = []
    for s in ("left", "right"):
        h, k, a = (xy[:, INDEX[f"{s}_{p}"]] for p in ("hip", "knee", "ankle"))
        seg.append(np.linalg.norm(k - h, axis=-1) + np.linalg.norm(a - k, axis=-1))
    v = np.concatenate(seg)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if v.size else float("nan")
