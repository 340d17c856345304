"""Spatiotemporal parameters per stride and their summaries.

Definitions (per stride of side S, from its heel strike HS to its next heel strike; O = other side):

* stride time = next HS - HS; stance = TO - HS; swing = next HS - TO (s, and % of the stride)
* single support of S = O's swing inside S's stance = O HS - O TO
* double support = stance - single support (initial + terminal), % of the stride
* step time of S = HS of S - the previous HS of O (s)
* cadence = 120 / mean stride time (steps/min)
* step length of S (side view, still camera) = distance along the walking direction between the
  contact of the other heel and the next contact of S's heel (footprints), corrected for the
  near/far-foot perspective (see :func:`step_lengths`); in metres when the standing height is
  given (scale from the leg length in
  pixels = 0.491 x height, Winter 2009 thigh + shank fractions), else in leg lengths.
"""

from __future__ import annotations

import numpy as np

from vidgait.kinematics.conventions import SIDES
from vidgait.kinematics.strides import Stride

#: thigh + shank length as a fraction of standing height (Winter 2009)
LEG_FRACTION_OF_HEIGHT = 0.491

METRICS = ("stride_time_s", "stance_time_s", "swing_time_s", "single_support_time_s",
           "stance_pct", "swing_pct", "single_support_pct", "double_support_pct", "step_time_s")


def stride_metrics(strides: list[Stride]) -> dict[str, dict[str, np.ndarray]]:
    """Per-stride temporal metrics.

    Parameters
    ----------
    strides : list of Stride

    Returns
    -------
    dict side -> metric name -> (n_strides,) float
        Names in :data:`METRICS`; times in s, percentages of the stride time. ``step_time_s`` is
        NaN where the preceding contralateral heel strike was not seen.
    """
    out: dict[str, dict[str, list[float]]] = {s: {m: [] for m in METRICS} for s in SIDES}
    for st in strides:
        d = st.duration
        stance, swing, single = st.to - st.hs, st.next_hs - st.to, st.opp_hs - st.opp_to
        row = {"stride_time_s": d, "stance_time_s": stance, "swing_time_s": swing,
               "single_support_time_s": single, "stance_pct": 100 * stance / d,
               "swing_pct": 100 * swing / d, "single_support_pct": 100 * single / d,
               "double_support_pct": 100 * (stance - single) / d,
               "step_time_s": st.hs - st.prev_opp_hs if st.prev_opp_hs is not None else np.nan}
        for k, v in row.items():
            out[st.side][k].append(v)
    return {s: {k: np.asarray(v, float) for k, v in m.items()} for s, m in out.items()}




def cadence(metrics: dict[str, dict[str, np.ndarray]]) -> float:
    """Cadence in steps per minute from all strides of both sides (NaN without strides).

    Parameters
    ----------
    metrics : dict side -> {"stride_time_s", ...} -> (n,) float
        Per-stride metrics of each side; ``stride_time_s`` in s.
    """
    st = np.concatenate([metrics[s]["stride_time_s"] for s in SIDES])
    return float(120.0 / st.mean()) if st.size else float("nan")


def step_lengths(strides: list[Stride], t: np.ndarray, heel_fwd: dict[str, np.ndarray],
                 scale: float) -> dict[str, np.ndarray]:
    """Step length per stride and side: distance between successive heel contacts (footprints).

    Perspective: the two feet are at different distances from a side camera (step width), so a
    pixel measures a different length for each, and the error of a step grows linearly with how
    far off the image centre it is taken, with opposite signs for left and right steps (about
    +-8 % at 3 m off-centre, 8 m away). The model ``step = a_side + b * sign_side * position``
    (sign +1 left, -1 right) is fitted by least squares over all steps of the pass and the
    ``b`` term removed; with fewer than 4 steps the raw values are returned.

    Parameters
    ----------
    strides : list of Stride
        Strides whose ``prev_opp_hs`` is known contribute one step each.
    t : (N,) float
        Times, s.
    heel_fwd : dict side -> (N,) float
        Heel position along the walking direction in a still camera's image, pixels.
    scale : float
        Pixels per output unit (pixels per metre, or per leg length).

    Returns
    -------
    dict side -> (n,) float
    """
    rows = []
    for st in strides:
        if st.prev_opp_hs is None:
            continue
        o = "left" if st.side == "right" else "right"
        a = np.interp(st.hs, t, heel_fwd[st.side])
        b = np.interp(st.prev_opp_hs, t, heel_fwd[o])
        rows.append((st.side, (a - b) / scale, 0.5 * (a + b) / scale))
    out: dict[str, list[float]] = {s: [] for s in SIDES}
    if len(rows) >= 4 and {r[0] for r in rows} == set(SIDES):
        pos = np.array([r[2] for r in rows])
        pos = pos - pos.mean()
        sign = np.array([1.0 if r[0] == "left" else -1.0 for r in rows])
        design = np.column_stack([sign > 0, sign < 0, sign * pos]).astype(float)
        coef = np.linalg.lstsq(design, np.array([r[1] for r in rows]), rcond=None)[0]
        rows = [(r[0], r[1] - coef[2] * sg * p, r[2])
                for r, sg, p in zip(rows, sign, pos, strict=True)]
    for side, length, _ in rows:
        out[side].append(length)
    return {s: np.asarray(v, float) for s, v in out.items()}
