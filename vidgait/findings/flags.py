"""Flags: measured values outside their normal range or left/right differences beyond a limit.

Each flag is a dict naming the metric, the side, the value with its unit, the direction
(``"above"``, ``"below"``, ``"asymmetric"``), the normal range as text, its reference and the view
it was measured in. Every range and limit comes from :mod:`vidgait.norms`.

Foot progression has a normal range in the norms but is never flagged: on the rendered phantom
MediaPipe's feet seen from the front read 2.0-6.5 deg toward toe-in (docs/accuracy.md), so its
absolute value is not held against a band; compare left with right and over sessions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from vidgait.kinematics import GaitAnalysis
from vidgait.kinematics.conventions import SIDES, other
from vidgait.norms import (
    DIFFERENCES,
    RANGES,
    ROBINSON,
)

Flag = dict[str, Any]


#: where each block's estimates are measured (said in a flag's ``view``)
_BLOCK_VIEW = {"spatiotemporal": "timing", "kinematics": "side", "pelvis": "front/back"}


def _band_flag(metric: str, side: str | None, value: float, view: str) -> Flag | None:
    rng = RANGES[metric]
    if not np.isfinite(value) or rng.contains(value) is not False:
        return None
    direction = "below" if rng.low is not None and value < rng.low else "above"
    flag = {"metric": metric, "side": side, "value": float(value), "unit": rng.unit,
            "direction": direction, "normal": rng.text(),
            "reference": f"{rng.source}" + (f" ({rng.note})" if rng.note else ""), "view": view}
    if rng.caveat:
        flag["note"] = rng.caveat
    return flag


def _band_flags(result: GaitAnalysis, block: str) -> list[Flag]:
    """Every per-side estimate of ``block`` outside a range of :data:`vidgait.norms.RANGES`
    that is to be flagged (``Range.flag``), metric by metric in the order of the norms.
    """
    out = []
    for metric, rng in RANGES.items():
        if not rng.flag:
            continue
        for s in SIDES:
            est = result.estimate(block, s, metric)
            if est is not None and (f := _band_flag(metric, s, est.value, _BLOCK_VIEW[block])):
                out.append(f)
    return out


def _interval_excludes_zero(result: GaitAnalysis, metric: str) -> bool:
    sym = result.limp.metrics.get(metric)
    return sym is not None and (sym.ci_low > 0 or sym.ci_high < 0)


def difference(result: GaitAnalysis, metric: str) -> tuple[str, float, float] | None:
    """A left/right difference beyond its limit (:data:`vidgait.norms.DIFFERENCES`).

    Parameters
    ----------
    result : GaitAnalysis
        The measured gait.
    metric : str
        A metric of ``DIFFERENCES``, measured per side in one block of ``result``.

    Returns
    -------
    (side, its value, the other side's value) or None
        ``side`` is the side with the larger value (for the knee's swing peak, the SMALLER:
        the stiff knee), values in the metric's unit; None when either side is not measured,
        the difference is within the limit, or the limit asks for a symmetry interval that
        includes 0 (``Threshold.interval_of``).
    """
    block = next((b for b in _BLOCK_VIEW if result.estimate(b, "left", metric) is not None), None)
    return None if block is None else _difference(result, block, metric)


def _difference(result: GaitAnalysis, block: str, metric: str) -> tuple[str, float, float] | None:
    """:func:`difference` of a metric measured in ``block``."""
    lim = DIFFERENCES[metric]
    v = {s: result.value(block, s, metric) for s in SIDES}
    if not all(np.isfinite(x) for x in v.values()):
        return None
    pick = min if metric == "knee_peak_swing_flexion_deg" else max
    side = pick(SIDES, key=lambda s: v[s])
    if abs(v[side] - v[other(side)]) <= lim.value:
        return None
    if lim.interval_of and not _interval_excludes_zero(result, lim.interval_of):
        return None
    return side, v[side], v[other(side)]


def knee_asymmetry(result: GaitAnalysis) -> tuple[str, float, float] | None:
    """(side with less knee flexion in swing, its peak, the other's peak), deg, when the
    difference is flagged (:func:`difference`); else None.

    Parameters
    ----------
    result : GaitAnalysis
        The measured gait.

    Returns
    -------
    tuple or None
    """
    return difference(result, "knee_peak_swing_flexion_deg")


def _block_flags(result: GaitAnalysis, block: str) -> list[Flag]:
    """The band flags of ``block`` (:func:`_band_flags`), then its left/right differences beyond
    their limits, in the order of :data:`vidgait.norms.DIFFERENCES`.
    """
    out = _band_flags(result, block)
    for metric, lim in DIFFERENCES.items():
        if (found := _difference(result, block, metric)) is not None:
            side, v, o = found
            out.append({"metric": metric, "side": side, "value": v - o, "unit": lim.unit,
                        "direction": "asymmetric",
                        "normal": f"left/right difference <= {lim.text()}",
                        "reference": f"{lim.note}, {lim.source}", "view": _BLOCK_VIEW[block]})
    return out


def flags(result: GaitAnalysis) -> list[Flag]:
    """Values outside their normal range, and left/right differences beyond their limit.

    Every range and limit is :mod:`vidgait.norms`' (a metric with a flagged range there is
    flagged wherever the core measured it, with no code here).

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
    out += _block_flags(result, "spatiotemporal") + _block_flags(result, "kinematics")
    m = result.limp.main
    if result.limp.verdict == "limp" and m is not None:
        what = result.limp.basis.removesuffix("_s")
        out.append({"metric": f"{what}_symmetry_index", "side":
                    result.limp.suspected_painful_side, "value": float(m.si), "unit": "%",
                    "direction": "asymmetric",
                    "normal": f"95 % interval including 0 or |SI| <= {m.floor:.1f} % "
                              "(the events' resolution)",
                    "reference": f"symmetry index, {ROBINSON}; threshold from the measurement "
                                 "(docs/kinematics.md)", "view": "timing"})
    return out + _block_flags(result, "pelvis")


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
