"""Words for the core's codes: notices, refused strides, the limp verdict's reason, what each
metric group can be trusted for in the views recorded, and why a metric is not measurable.

The kinematics core returns codes and numbers (:mod:`vidgait.kinematics.results`); every sentence
a person reads about them is written here, once.
"""

from __future__ import annotations

from vidgait.kinematics.conventions import FRONTAL, SAGITTAL, TRANSVERSE
from vidgait.kinematics.limp import MIN_STRIDES, RULE_OUT_SI_PCT, LimpAssessment
from vidgait.kinematics.results import Notice, NotMeasurable, Refusal
from vidgait.norms import FOOT_PROGRESSION_MAX_SD, RUNNING_CADENCE

NOT_MEASURABLE = "not measurable in this view"
#: what to record when a front/back or a side metric is missing
FRONT_NOTE = ("not measurable in this view: record the patient walking toward or away from the "
              "camera")
SIDE_NOTE = "not measurable in this view: record the patient walking across, side-on to the camera"

_REASONS = {
    "view": NOT_MEASURABLE,
    "no_strides": "no stride of both legs passed the plausibility checks",
    "treadmill": "a treadmill walk leaves no footprints to measure step length from",
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
    m = limp.stance
    if limp.reason == "few_strides" or m is None:
        return f"fewer than {MIN_STRIDES} accepted strides per side"
    if limp.reason == "beyond":
        side = limp.suspected_painful_side
        return (f"stance is {abs(m.si):.1f} % shorter on the {side} (95 % CI {m.ci_low:.1f} to "
                f"{m.ci_high:.1f} %; resolution {m.floor:.1f} %): the {side} leg is spared, "
                f"suspected painful side {side}")
    if limp.reason == "resolution":
        return (f"stance SI {m.si:.1f} %, but the timing resolution ({m.floor:.1f} %, from the "
                f"frame rate) is too coarse to rule out a {RULE_OUT_SI_PCT:g} % limp: record at "
                f"{limp.required_fps:.0f} frames per second or more (30 recommended)")
    return (f"stance SI {m.si:.1f} % (95 % CI {m.ci_low:.1f} to {m.ci_high:.1f} %) is within "
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
