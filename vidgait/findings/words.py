"""Words for the core's codes: notices, refused strides, the limp verdict's reason, what each
metric group can be trusted for in the views recorded, and why a metric is not measurable.

The kinematics core returns codes and numbers (:mod:`vidgait.kinematics.results`); every sentence
a person reads about them is written here, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vidgait.kinematics.conventions import FRONTAL, SAGITTAL, TRANSVERSE
from vidgait.kinematics.limp import MIN_STRIDES, RULE_OUT_SI_PCT, LimpAssessment
from vidgait.kinematics.results import Notice, NotMeasurable, Refusal
from vidgait.kinematics.sacrum import MIN_SEEN_SHARE as MARKER_MIN_SEEN
from vidgait.norms import FOOT_PROGRESSION_MAX_SD, RUNNING_CADENCE

NOT_MEASURABLE = "not measurable in this view"
#: what to record when a front/back or a side metric is missing
FRONT_NOTE = ("not measurable in this view: record the patient walking toward or away from the "
              "camera")
SIDE_NOTE = "not measurable in this view: record the patient walking across, side-on to the camera"
#: how to get the pelvic drop: the printed pelvis marker (docs/marker.md)
MARKER_HOW = ("print the pelvis marker (dashboard: \"Print the pelvis marker\"; command line: "
              "vidgait marker -o marker.pdf), wear it on the sacrum and film the patient from "
              "behind, walking away from the camera")
#: the pelvic drop's place on the live panel and overlay without the marker (ASCII)
MARKER_NEEDED_LIVE = "Pelvic drop: needs the pelvis marker"
#: why a front/back clip without the marker has no pelvic drop, and how to get one
MARKER_NEEDED = ("needs the pelvis marker: the pose model's hip points do not follow the pelvis "
                 "in a front or back view (they missed most of a true drop on a rendered "
                 "walker), so no pelvic drop is computed from them; " + MARKER_HOW)
#: the pelvis block's note without a front/back view
PELVIS_VIEW_NOTE = ("not measurable in this view: the pelvic drop needs the pelvis marker; "
                    + MARKER_HOW)

_REASONS = {
    "view": NOT_MEASURABLE,
    "no_strides": "no stride of both legs passed the plausibility checks",
    "treadmill": "a treadmill walk leaves no footprints to measure step length from",
    "marker_needed": MARKER_NEEDED,
    "marker_unseen": "the pelvis marker was measured in too few of the walking frames (see the "
                     "marker quality): keep it flat on the sacrum, uncovered, facing the camera",
    "mirrored": "the pose model took the patient's back for a front (the pelvis marker on the "
                "back faces the camera), so its left and right are not the patient's",
    "lens_unknown": "the video does not say which lens filmed it, and a distance from the pelvis "
                    "marker scales with that lens (the angles and the timing do not)",
    "few_footprints": "too few planted feet were seen: record a longer straight walk toward or "
                      "away from the camera, feet in the picture",
    "no_floor": "the floor could not be found from this clip (a moving camera, or a walk that "
                "neither comes closer nor goes away): film from a tripod, the patient walking "
                "toward or away from the camera",
    "uncertain": "the feet are seen too foreshortened or too small in this view for one stride's "
                 f"value to be known within {FOOT_PROGRESSION_MAX_SD.value:g} deg: record the "
                 "patient walking toward or away from the camera",
}


def not_measurable_text(value: NotMeasurable) -> str:
    """Why a metric has no value, in words.

    Parameters
    ----------
    value : NotMeasurable
        The core's "not measurable" with its reason code.

    Returns
    -------
    str
    """
    return _REASONS[value.reason]


#: the pelvis marker's frame statuses (:data:`vidgait.sequence.TAG_STATUS`) in words
TAG_STATUS_WORDS = {
    "measured": "measured", "not_searched": "nobody found to search around",
    "not_found": "not found", "too_small": "too small in the image",
    "too_oblique": "turned away", "reprojection": "not seen as a flat square",
    "jump": "rejected as a jump", "several": "two copies on the walker",
    "off_walker": "on another person",
}


def marker_quality_text(marker: Mapping[str, Any]) -> str:
    """The pelvis marker's quality line: how often it was measured on the walk away, why not in
    the other frames, and what level means.

    Parameters
    ----------
    marker : mapping
        ``report.json``'s ``pelvis.marker`` (``seen_share``, ``frames``, ``zero``,
        ``size_mm``).

    Returns
    -------
    str
    """
    frames = dict(marker["frames"])
    total = sum(frames.values())
    missed = ", ".join(f"{n} {TAG_STATUS_WORDS.get(k, k)}" for k, n in
                       sorted(frames.items(), key=lambda kv: -kv[1]) if k != "measured" and n)
    share = float(marker["seen_share"])
    text = (f"pelvis marker ({marker['size_mm']:g} mm): measured in {100 * share:.0f} % of the "
            f"{total} walking frames" + (f" ({missed})" if missed else ""))
    if share < MARKER_MIN_SEEN:
        return (text + f": under the {100 * MARKER_MIN_SEEN:.0f} % a pelvic drop needs; keep "
                "the card flat on the sacrum, uncovered and facing the camera")
    return text + ("; level from standing still" if marker["zero"] == "standing" else
                   "; level from the walk's mean (no still start)")


def marker_zero_text(zero: str) -> str:
    """What "level" means for the pelvis marker's pelvic drop, in words.

    Parameters
    ----------
    zero : {"standing", "walk_mean"}
        :attr:`vidgait.kinematics.sacrum.SacralPelvis.zero`.

    Returns
    -------
    str
    """
    if zero == "standing":
        return ("Pelvis from the pelvis marker, level taken from the patient standing still at "
                "the start.")
    return ("Pelvis from the pelvis marker, level taken as the walk's mean obliquity (no still "
            "start was filmed): a drop on one side then reads smaller and the other side's "
            "larger; for the full drop, have the patient stand still for 2 s before walking.")


def pelvis_note(value: NotMeasurable) -> str:
    """Why ``report.json``'s pelvis block has no pelvic drop, and what to record for it.

    Parameters
    ----------
    value : NotMeasurable
        The core's "not measurable" of the pelvic drop.

    Returns
    -------
    str
    """
    return PELVIS_VIEW_NOTE if value.reason == "view" else not_measurable_text(value)


def notice_text(notice: Notice) -> str:
    """One notice in words (``"clip N: "`` first when it concerns one clip of a session).

    Parameters
    ----------
    notice : Notice
        A notice of :attr:`vidgait.kinematics.GaitAnalysis.notices`.

    Returns
    -------
    str
    """
    head = f"clip {notice.clip + 1}: " if notice.clip is not None else ""
    text = {
        "swaps_fixed": f"{notice.value:.0f} frames with left/right leg labels swapped were "
                       "corrected",
        "no_pass": "no walking pass of at least 1.5 s was found",
        "timing_from_side": "timing taken from the side-view passes only (front/back events "
                            "come from MediaPipe depth and are less accurate)",
        "running": f"cadence {notice.value:.0f} steps/min is above {RUNNING_CADENCE:g}: this looks "
                   "like running, and vidgait's events, stance phases and normal ranges are for "
                   "walking",
        "no_timing": "no stride of both sides passed the checks: timing not measurable",
        "timing_from_marker": "timing from the pelvis marker's motion (filmed from behind: "
                              "cadence and step times; stance and swing need a side view)",
        "marker_not_from_behind": "the pelvis marker was seen, but not on a walk away from the "
                                  "camera: film the patient from behind, walking away",
        "sides_mirrored": "the pose model took the patient's back for a front (the pelvis "
                          "marker faces the camera): trunk lean, knee valgus and the legs' "
                          "rotation from its landmarks are not given, as its left and right are "
                          "swapped",
    }[notice.code]
    return head + text


def refusal_text(refusal: Refusal) -> str:
    """One refused stride and why, in words.

    Parameters
    ----------
    refusal : Refusal
        A refused stride of :attr:`vidgait.kinematics.GaitAnalysis.refused`.

    Returns
    -------
    str
    """
    why = {
        "toe_off": "not exactly one toe off",
        "contralateral": "contralateral events missing or out of order",
        "unconfirmed": f"heel strike at {refusal.value:.2f} s not confirmed by an independent "
                       "estimate",
        "stride_time": f"implausible stride time {refusal.value:.2f} s",
        "stance": f"implausible stance {refusal.value:.0f} %",
    }[refusal.reason]
    return f"{refusal.side} stride at {refusal.at_s:.2f} s: {why}"


def limp_explanation(limp: LimpAssessment) -> str:
    """Why the limp verdict is what it is, with its numbers.

    Parameters
    ----------
    limp : LimpAssessment
        The core's verdict.

    Returns
    -------
    str
    """
    m = limp.main
    if limp.reason == "few_strides" or m is None:
        return f"fewer than {MIN_STRIDES} accepted strides per side"
    what = "stance" if limp.basis == "stance_time_s" else "step time"
    if limp.reason == "beyond":
        side, fav = limp.suspected_painful_side, limp.favoured_side
        if limp.basis == "step_time_s":
            return (f"the step onto the {fav} leg is {abs(m.si):.1f} % shorter (95 % CI "
                    f"{m.ci_low:.1f} to {m.ci_high:.1f} %; resolution {m.floor:.1f} %): the "
                    f"{side} leg is left early, suspected painful side {side}")
        return (f"stance is {abs(m.si):.1f} % shorter on the {side} (95 % CI {m.ci_low:.1f} to "
                f"{m.ci_high:.1f} %; resolution {m.floor:.1f} %): the {side} leg is spared, "
                f"suspected painful side {side}")
    if limp.reason == "resolution":
        return (f"{what} SI {m.si:.1f} %, but the timing resolution ({m.floor:.1f} %, from the "
                f"frame rate) is too coarse to rule out a {RULE_OUT_SI_PCT:g} % limp: record at "
                f"{limp.required_fps:.0f} frames per second or more (30 recommended)")
    return (f"{what} SI {m.si:.1f} % (95 % CI {m.ci_low:.1f} to {m.ci_high:.1f} %) is within "
            f"stride-to-stride variability or the {m.floor:.1f} % timing resolution")


def trust(views: frozenset[str] | set[str]) -> dict[str, str]:
    """What each metric group can be trusted for, given the views recorded.

    Parameters
    ----------
    views : set of str
        The views of the walking passes found.

    Returns
    -------
    dict group -> str
        ``timing``, ``sagittal_angles``, ``frontal_angles``, ``transverse``, ``step_length``,
        and the angle names of each plane (``sagittal``, ``frontal``, ``transverse_angles``).
    """
    side = "side" in views
    front = bool(set(views) & {"toward", "away"})
    return {
        "timing": ("events from a side view (Zeni 2008, within ~1 frame on the synthetic walker)"
                   if side else ("events from MediaPipe depth (front/back view; walking toward "
                                 "the camera, heel strikes must agree with the image's floor "
                                 "geometry within 0.1 s): trusted less")
                   if views else NOT_MEASURABLE),
        "sagittal_angles": ("side view; hip flexion is relative to the trunk line" if side
                            else NOT_MEASURABLE),
        "frontal_angles": "front/back view, 2-D projection" if front else NOT_MEASURABLE,
        "transverse": ("foot progression from the planted feet on the floor plane, with its "
                       "uncertainty; pelvic and hip rotation relative left/right only, from "
                       "MediaPipe depth (weak)"
                       if set(views) - {"side"} else NOT_MEASURABLE),
        "step_length": "side view, scaled by leg length" if side else NOT_MEASURABLE,
        "sagittal": ",".join(SAGITTAL), "frontal": ",".join(FRONTAL),
        "transverse_angles": ",".join(TRANSVERSE),
    }
