"""Headline cards, the spatiotemporal table and recording advice, from the report dict.

Values are taken from the report as they are; the optional reported injured side changes only the
wording (:func:`injured_side_wording`), never a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vidgait.norms import DETECTABLE_CHANGE, DIFFERENCES, PELVIC_DROP_MIN_STEPS, RANGES, ROBINSON
from vidgait.report import value

#: why the pelvis marker gives no pelvic rotation (measured: docs/marker.md)
PELVIC_ROTATION_NOTE = ("Pelvic rotation is not given: the marker card's turn toward or away from "
                        "the camera cannot be read finer than the pelvis turns in walking "
                        "(docs/marker.md).")

SIDES = ("left", "right")


def fmt(value: float | None, digits: int = 1, unit: str = "") -> str:
    """A number for people: fixed digits, ``"n/a"`` for None, unit appended with a space.

    Parameters
    ----------
    value : float or None
        The number.
    digits : int
        Digits after the decimal point.
    unit : str
        The unit to append ("" for none).
    """
    if value is None:
        return "n/a"
    text = f"{value:.{digits}f}"
    return f"{text} {unit}" if unit else text


@dataclass(frozen=True)
class Card:
    """One headline metric.

    Attributes
    ----------
    key : str
        Stable identifier: ``"limp"`` or the metric's name (``"pelvic_drop_deg"``,
        ``"trunk_lean_over_stance_deg"``, ``"knee_peak_swing_flexion_deg"``,
        ``"foot_progression_deg"``, ``"cadence_steps_per_min"``).
    title : str
        Heading shown to the clinician.
    value : str
        The measured value(s), formatted (``"not measurable"`` when the view cannot support it,
        ``"needs the pelvis marker"`` for a pelvic drop from a clip without the marker).
    normal : str
        The normal range with its reference, or why there is none.
    outside : bool
        True only when a measured value lies outside its normal range (the card is coloured).
    note : str
        Extra words: what to record, how much to trust the value.
    numbers : dict of str -> float or None
        The raw values shown, as in report.json (for tests and exports).
    """

    key: str
    title: str
    value: str
    normal: str
    outside: bool = False
    note: str = ""
    numbers: dict[str, float | None] = field(default_factory=dict)


def _lr(values: dict[str, float | None], unit: str, digits: int = 1) -> str:
    return f"L {fmt(values.get('left'), digits)} / R {fmt(values.get('right'), digits)} {unit}"


def _limp_card(report: dict[str, Any]) -> Card:
    lp = report["limp"]
    step = lp.get("basis") == "step_time_s"  # contacts from the trunk: no stance time
    what = "step time" if step else "stance"
    normal = (f"no limp: {'step' if step else 'stance'}-time symmetry index (SI, {ROBINSON}) "
              "within the stride-to-stride variability and the timing resolution")
    if not lp["measurable"]:
        return Card("limp", "Limp", "not measurable", normal, note=lp.get("explanation", ""))
    if lp["detected"]:
        text = (f"favours the {lp['favoured_side']} leg; {what} SI {fmt(lp['index'])} %, "
                 f"confidence {fmt(lp['confidence'], 2)}")
    else:
        text = f"no limp; {what} SI {fmt(lp['index'])} %"
    return Card("limp", "Limp", text, normal, outside=bool(lp["detected"]),
                note=lp.get("explanation", ""),
                numbers={"index": lp["index"], "confidence": lp["confidence"]})


def _pelvic_drop_card(report: dict[str, Any]) -> Card:
    pv = report["pelvis"]
    rng, diff = RANGES["pelvic_drop_deg"], DIFFERENCES["pelvic_drop_deg"]
    sdd, sdd_ref = diff.value, f"{diff.note}, {diff.source}"
    normal = (f"{rng.text()} per side ({rng.reference}); left/right difference "
              f"<= {sdd:g} deg ({sdd_ref})")
    if not pv["measurable"]:
        # a front/back clip without the pelvis marker: the hip landmarks give no pelvic drop
        text = ("needs the pelvis marker" if pv.get("reason") == "marker_needed"
                else "not measurable")
        return Card("pelvic_drop_deg", "Pelvic drop", text, normal, note=pv.get("note") or "")
    drop = {s: value(pv[s], "pelvic_drop_deg") for s in SIDES}
    outside = any(rng.contains(drop[s]) is False for s in SIDES)
    if drop["left"] is not None and drop["right"] is not None:
        outside |= abs(drop["left"] - drop["right"]) > sdd
    note = ("the value on a side is how far THAT side of the pelvis drops while the other leg is "
            "in single stance; " + (pv.get("caution") or ""))
    return Card("pelvic_drop_deg", "Pelvic drop", _lr(drop, "deg"), normal, outside, note,
                numbers={f"pelvic_drop_deg_{s}": drop[s] for s in SIDES})


def _trunk_card(report: dict[str, Any]) -> Card:
    tr = report["trunk"]
    sdc = DETECTABLE_CHANGE["trunk_lean_over_stance_deg"]
    sdd, sdd_ref = sdc.value, f"{sdc.source}: {sdc.note}"
    normal = (f"no normal range in vidgait's references (not coloured); change between sessions "
              f"is judged against {sdd:g} deg ({sdd_ref})")
    if not tr["measurable"]:
        return Card("trunk_lean_over_stance_deg", "Trunk lean", "not measurable", normal,
                    note=tr.get("note", ""))
    lean = {s: value(tr[s], "trunk_lean_over_stance_deg") for s in SIDES}
    return Card("trunk_lean_over_stance_deg", "Trunk lean", _lr(lean, "deg"), normal,
                note="lean toward that side during its stance (a compensated Trendelenburg sign)",
                numbers={f"trunk_lean_over_stance_deg_{s}": lean[s] for s in SIDES})


def _knee_card(report: dict[str, Any]) -> Card:
    kn = report["knee"]
    rng = RANGES["knee_peak_swing_flexion_deg"]
    normal = f"{rng.text()} ({rng.reference})"
    if not kn["measurable"]:
        return Card("knee_peak_swing_flexion_deg", "Knee peak flexion (swing)", "not measurable",
                    normal, note=kn.get("note", ""))
    peaks = {s: value(kn[s], "knee_peak_swing_flexion_deg") for s in SIDES}
    unc = [u for s in SIDES if (u := kn[s]["knee_flexion_uncertainty_deg"]) is not None]
    note = f"landmark-noise SD about {fmt(max(unc))} deg" if unc else ""
    return Card("knee_peak_swing_flexion_deg", "Knee peak flexion (swing)", _lr(peaks, "deg"),
                normal, any(rng.contains(peaks[s]) is False for s in SIDES), note,
                numbers={f"knee_peak_swing_flexion_deg_{s}": peaks[s] for s in SIDES})


def _leg_rotation_card(report: dict[str, Any]) -> Card:
    """Leg rotation as the foot progression angle L / R (toe out +) and their difference, never
    coloured: the pose model's absolute error is larger than the normal band's margins
    (docs/accuracy.md); one camera gives no absolute hip rotation.
    """
    hip = report["hip"]
    rng = RANGES["foot_progression_deg"]
    normal = (f"{rng.text()} toe out ({rng.reference}); not coloured: compare left with right "
              "and over sessions")
    marker = report["pelvis"].get("method") == "marker"
    extra = PELVIC_ROTATION_NOTE if marker else ""

    def note(text: str | None) -> str:
        text = (text or "").rstrip()
        if not extra or not text:
            return text or extra
        return f"{text}{'' if text.endswith('.') else '.'} {extra}"

    if not hip["foot_progression_measurable"]:
        return Card("foot_progression_deg", "Leg rotation (foot progression)", "not measurable",
                    normal, note=note(hip["foot_progression_note"]))
    fpa = {s: value(hip[s], "foot_progression_deg") for s in SIDES}
    diff = hip["foot_progression_difference_deg"]
    text = _lr(fpa, "deg toe out")
    if diff is not None:
        text += f" (L - R {fmt(diff)} deg)"
    return Card("foot_progression_deg", "Leg rotation (foot progression)", text, normal, False,
                note(hip["foot_progression_note"]),
                numbers={**{f"foot_progression_deg_{s}": fpa[s] for s in SIDES},
                         "foot_progression_difference_deg": diff})


def _cadence_card(report: dict[str, Any]) -> Card:
    cad = report["spatiotemporal"]["cadence_steps_per_min"]
    rng = RANGES["cadence_steps_per_min"]
    normal = f"{rng.text()} ({rng.reference})"
    if cad is None:
        return Card("cadence_steps_per_min", "Cadence", "not measurable", normal,
                    note=report["spatiotemporal"].get("note", ""))
    return Card("cadence_steps_per_min", "Cadence", fmt(cad, 1, "steps/min"), normal,
                rng.contains(cad) is False, numbers={"cadence_steps_per_min": cad})


def headline_cards(report: dict[str, Any]) -> list[Card]:
    """The six headline cards: limp, pelvic drop, trunk lean, knee peak, leg rotation (foot
    progression), cadence.

    Parameters
    ----------
    report : dict
        A report built by :func:`vidgait.report.build_report`.

    Returns
    -------
    list of Card
    """
    return [_limp_card(report), _pelvic_drop_card(report), _trunk_card(report),
            _knee_card(report), _leg_rotation_card(report), _cadence_card(report)]


#: spatiotemporal table rows: report field -> (label, digits, symmetry row in report["symmetry"])
_ROWS: dict[str, tuple[str, int, str | None]] = {
    "step_time_s": ("Step time (s)", 3, "step_time_s"),
    "stride_time_s": ("Stride time (s)", 3, None),
    "stance_pct": ("Stance (% of stride)", 1, "stance_time_s"),
    "swing_pct": ("Swing (% of stride)", 1, "swing_time_s"),
    "single_support_pct": ("Single support (% of stride)", 1, "single_support_time_s"),
    "double_support_pct": ("Double support (% of stride)", 1, None),
    "step_length": ("Step length", 3, None),
}


def _symmetry_text(report: dict[str, Any], name: str | None) -> str:
    row = report["symmetry"].get(name) if name else None
    if not row or row.get("si_pct") is None:
        return ""
    lo, hi = row["ci95_pct"]
    return f"SI {fmt(row['si_pct'])} % (95 % CI {fmt(lo)} to {fmt(hi)})"


def spatiotemporal_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The spatiotemporal table: one dict per parameter.

    Parameters
    ----------
    report : dict
        The report (``report.json``'s content).

    Returns
    -------
    list of dict
        Keys ``parameter``, ``left``, ``right`` (formatted), ``symmetry`` (SI with its 95 % CI,
        Robinson 1987), ``normal`` (range and reference), ``outside`` (sides outside the range)
        and ``values`` (raw report values per side).
    """
    st = report["spatiotemporal"]
    unit = st.get("length_unit") or "leg lengths"
    rows = []
    for key, (label, digits, sym) in _ROWS.items():
        vals = {s: value(st[s], key) for s in SIDES}
        rng = RANGES.get(key)
        rows.append({
            "parameter": label if key != "step_length" else f"Step length ({unit})",
            "left": fmt(vals["left"], digits), "right": fmt(vals["right"], digits),
            "symmetry": _symmetry_text(report, sym),
            "normal": f"{rng.text()} ({rng.reference})" if rng else "",
            "outside": [s for s in SIDES if rng is not None and rng.contains(vals[s]) is False],
            "values": vals})
    rows.append({"parameter": "Strides accepted", "left": str(st["left"]["n_strides"]),
                 "right": str(st["right"]["n_strides"]), "symmetry": "", "normal": "",
                 "outside": [], "values": {s: st[s]["n_strides"] for s in SIDES}})
    return rows


#: report block -> what to record so that it becomes measurable
_VIEW_ADVICE = {
    "pelvis": "Pelvic drop needs the pelvis marker: print it (dashboard: \"Print the pelvis "
              "marker\", or vidgait marker -o marker.pdf), wear it on the sacrum and record the "
              f"patient walking away from the camera, at least {PELVIC_DROP_MIN_STEPS} steps "
              f"(Dingenen 2018 averaged >= {PELVIC_DROP_MIN_STEPS} steps). The hip points of a "
              "front or back clip without it do not follow the pelvis.",
    "trunk": "Front view needed for trunk lean: record the patient walking toward the camera.",
    "knee": "Side view needed for knee flexion: record the patient walking across the picture, "
            "side-on to the camera, whole body in view.",
    "spatiotemporal": "Timing and limp need at least 3 clean strides per leg: record a longer "
                      "straight walk (about 8-10 m), side-on, without turning in the picture.",
    "foot_progression": "Leg rotation (foot progression) needs the patient walking toward or away "
                        "from the camera, the feet in the picture, for a straight walk of several "
                        "steps.",
}

#: report block -> the views it is measured in (``report["view"]`` names)
_BLOCK_VIEWS = {"pelvis": {"toward", "away"}, "trunk": {"toward", "away"}, "knee": {"side"},
                "foot_progression": {"toward", "away", "oblique"}}


def _block_advice(report: dict[str, Any], block: str) -> str:
    """What to record for a block that is not measurable: the missing view (for the pelvis: the
    marker), or, when that view was recorded, that its strides did not pass the checks.
    """
    views = set(report["view"]) & _BLOCK_VIEWS.get(block, set())
    if not views or (block == "pelvis" and report["pelvis"].get("reason") == "marker_needed"):
        return _VIEW_ADVICE[block]
    if block == "foot_progression":  # measured without gait events: its own reason
        return f"Leg rotation (foot progression): {report['hip']['foot_progression_note']}."
    name = block.replace("_", " ").capitalize()
    return (f"{name}: not measurable although a {'/'.join(sorted(views))} view was recorded: "
            "none of its strides passed the gait-event checks (refused strides are listed in "
            "report.json); record a longer straight pass of at least "
            f"{PELVIC_DROP_MIN_STEPS} steps.")


def quality_advice(report: dict[str, Any]) -> list[str]:
    """Recording-quality warnings, each with what to do about it.

    Parameters
    ----------
    report : dict
        The report (``report.json``'s content).

    Returns
    -------
    list of str
        Plain sentences; empty when the recording supports every metric.
    """
    advice: list[str] = []
    q = report["quality"]
    if q["detected_fraction"] < 0.9:
        advice.append(f"The patient was found in only {100 * q['detected_fraction']:.0f} % of "
                      "frames: keep the whole body (head to feet) in the picture and light the "
                      "room evenly.")
    if q["max_people_per_frame"] > 1:
        advice.append(f"Up to {q['max_people_per_frame']} people were in view: the walking person "
                      "was followed, but record with nobody else in the picture when you can.")
    for block in _VIEW_ADVICE:
        if not report["measurable"].get(block, True):
            advice.append(_block_advice(report, block))
    advice += [f"{w[0].upper()}{w[1:]}." if not w.endswith(".") else w
               for w in q["warnings"]]
    if q["refused_strides"]:
        advice.append(f"{len(q['refused_strides'])} strides were left out (refused, not guessed); "
                      "see the details in report.json.")
    return advice


def injured_side_wording(report: dict[str, Any], injured_side: str | None) -> str:
    """A sentence relating the clinician's reported injured side to what the gait shows.

    The reported side changes only this sentence, never a number.

    Parameters
    ----------
    report : dict
        The report (``report.json``'s content).
    injured_side : str or None
        The side the clinician reported injured (``"left"``/``"right"``; anything else: none).
    """
    if injured_side not in SIDES:
        return ""
    lp = report["limp"]
    head = f"Reported injured side: {injured_side}."
    if not lp["measurable"]:
        return f"{head} The recording could not measure a limp, so it cannot be compared."
    if not lp["detected"]:
        return f"{head} No limp beyond measurement variability was found in this recording."
    painful = lp["suspected_painful_side"]
    agree = "agrees with" if painful == injured_side else "does NOT agree with"
    return (f"{head} The gait spares the {painful} leg (suspected painful side {painful}, "
            f"favours the {lp['favoured_side']}), which {agree} the reported side.")


__all__ = ["Card", "fmt", "headline_cards", "injured_side_wording", "quality_advice",
           "spatiotemporal_rows"]
