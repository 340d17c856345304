"""Flags: measured values outside their normal range or left/right differences beyond a limit.

Each flag is a dict naming the metric, the side, the value with its unit, the direction
(``"above"``, ``"below"``, ``"asymmetric"``), the normal range as text, its reference and the view
it was measured in. Every range and limit comes from :mod:`vidgait.norms`.

Foot progression has a normal range in the norms but is never flagged: from MediaPipe depth it is
a left/right comparison at best, never an absolute angle to hold against a band.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from vidgait.kinematics import GaitAnalysis
from vidgait.kinematics.conventions import SIDES, other
from vidgait.norms import (
    DIFFERENCES,
    KNEE_FLEXION_UNDERREAD_DEG,
    RANGES,
    ROBINSON,
    STANCE_READS_HIGH_PCT,
)

Flag = dict[str, Any]


def value_of(result: GaitAnalysis, block: str, side: str, metric: str) -> float:
    """The value of ``metric`` on ``side`` in ``block`` (``"spatiotemporal"``,
    ``"kinematics"``, ``"pelvis"``), NaN when not measured.

    Parameters
    ----------
    result : GaitAnalysis
        The kinematics core's result.
    block : str
        ``"spatiotemporal"``, ``"kinematics"`` or ``"pelvis"``.
    side : str
        ``"left"`` or ``"right"`` (the patient's side).
    metric : str
        The metric's name, with its unit suffix (e.g. ``"stance_pct"``).
    """
    est = result.estimate(block, side, metric)
    return est.value if est is not None else float("nan")


def _band_flag(metric: str, side: str | None, value: float, view: str) -> Flag | None:
    rng = RANGES[metric]
    if not np.isfinite(value) or rng.contains(value) is not False:
        return None
    direction = "below" if rng.low is not None and value < rng.low else "above"
    return {"metric": metric, "side": side, "value": float(value), "unit": rng.unit,
            "direction": direction, "normal": rng.text(),
            "reference": f"{rng.source}" + (f" ({rng.note})" if rng.note else ""), "view": view}


def knee_asymmetry(result: GaitAnalysis) -> tuple[str, float, float] | None:
    """(side with less knee flexion, its peak, the other's peak), deg, when the difference is
    beyond :data:`vidgait.norms.DIFFERENCES` AND the 95 % interval of the knee-range symmetry
    index excludes 0; else None.

    Parameters
    ----------
    result : GaitAnalysis
        The kinematics core's result.
    """
    peaks = {s: value_of(result, "kinematics", s, "knee_peak_swing_flexion_deg") for s in SIDES}
    if not all(np.isfinite(v) for v in peaks.values()):
        return None
    low = min(SIDES, key=lambda s: peaks[s])
    diff = peaks[other(low)] - peaks[low]
    rng = result.limp.metrics.get("knee_flexion_range_deg")
    excl = rng is not None and (rng.ci_low > 0 or rng.ci_high < 0)
    if diff > DIFFERENCES["knee_peak_swing_flexion_deg"].value and excl:
        return low, peaks[low], peaks[other(low)]
    return None


def _difference_flag(metric: str, side: str, value: float, view: str) -> Flag:
    lim = DIFFERENCES[metric]
    return {"metric": metric, "side": side, "value": value, "unit": lim.unit,
            "direction": "asymmetric", "normal": f"left/right difference <= {lim.text()}",
            "reference": f"{lim.note}, {lim.source}", "view": view}


def flags(result: GaitAnalysis) -> list[Flag]:
    """Values outside their normal range, each with its reference.

    Parameters
    ----------
    result : GaitAnalysis
        The measured gait.

    Returns
    -------
    list of dict
        ``metric``, ``side`` (None for both), ``value``, ``unit``, ``direction`` ("above",
        "below" or "asymmetric"), ``normal`` (range text), ``reference``, ``view``, and a
        ``note`` where the measurement's own bias matters.
    """
    out: list[Flag] = []
    cad = result.spatiotemporal.cadence_steps_per_min
    f = _band_flag("cadence_steps_per_min", None,
                   cad if isinstance(cad, float) else float("nan"), "timing")
    if f:
        out.append(f)
    for s in SIDES:
        stance = value_of(result, "spatiotemporal", s, "stance_pct")
        f = _band_flag("stance_pct", s, stance, "timing")
        if f:
            f["note"] = (f"the side-view estimate reads ~{STANCE_READS_HIGH_PCT:g} points high "
                         "(toe off ~0.6 frame late)")
            out.append(f)
    lo, hi = KNEE_FLEXION_UNDERREAD_DEG
    for s in SIDES:
        f = _band_flag("knee_peak_swing_flexion_deg", s,
                       value_of(result, "kinematics", s, "knee_peak_swing_flexion_deg"), "side")
        if f:
            f["note"] = (f"MediaPipe under-reads deep knee flexion by ~{lo:g}-{hi:g} deg "
                         "(docs/accuracy.md)")
            out.append(f)
    knee = knee_asymmetry(result)
    if knee:
        low, v, o = knee
        out.append(_difference_flag("knee_peak_swing_flexion_deg", low, v - o, "side"))
    m = result.limp.stance
    if result.limp.verdict == "limp" and m is not None:
        out.append({"metric": "stance_time_symmetry_index", "side":
                    result.limp.suspected_painful_side, "value": float(m.si), "unit": "%",
                    "direction": "asymmetric",
                    "normal": f"95 % interval including 0 or |SI| <= {m.floor:.1f} % "
                              "(the events' resolution)",
                    "reference": f"symmetry index, {ROBINSON}; threshold from the measurement "
                                 "(docs/kinematics.md)", "view": "timing"})
    for s in SIDES:
        f = _band_flag("pelvic_drop_deg", s, value_of(result, "pelvis", s, "pelvic_drop_deg"),
                       "front/back")
        if f:
            out.append(f)
    for metric in ("pelvic_drop_deg", "trunk_lean_over_stance_deg"):
        v = {s: value_of(result, "pelvis", s, metric) for s in SIDES}
        if all(np.isfinite(x) for x in v.values()):
            high = max(SIDES, key=lambda s: v[s])
            if v[high] - v[other(high)] > DIFFERENCES[metric].value:
                out.append(_difference_flag(metric, high, v[high] - v[other(high)],
                                            "front/back"))
    return out


def find_flag(fl: list[Flag], metric: str, side: str | None = None,
              direction: str | None = None) -> Flag | None:
    """The first flag of ``metric`` (and ``side`` / ``direction`` when given), or None.

    Parameters
    ----------
    fl : list of Flag
        The flags to search.
    metric : str
        The flagged metric's name.
    side : str, optional
        ``"left"`` or ``"right"``; None: any side.
    direction : str, optional
        ``"below"`` or ``"above"`` the normal range; None: either.
    """
    for f in fl:
        if f["metric"] == metric and (side is None or f["side"] == side) and (
                direction is None or f["direction"] == direction):
            return f
    return None
