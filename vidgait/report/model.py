"""The shape of ``report.json``: one model per block, every field with its unit.

These pydantic models are the report's schema: :func:`vidgait.report.json_schema` generates the
JSON Schema shipped as ``docs/report.schema.json`` from them, and ``docs/report.md`` is checked
against it. Values the recording cannot support are ``null`` beside a ``measurable: false`` and a
``note``. Sides are the patient's; angles in degrees with the sign conventions of
:mod:`vidgait.kinematics.conventions`; times in seconds from the start of the clip.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from vidgait.kinematics.results import PelvisMethod, Reason

SCHEMA_VERSION = "2.1"

Num = float | None


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Estimate(_Block):
    """A metric measured over strides (unit: that of the metric's name)."""

    value: Num = Field(description="the estimate: mean over strides, value on the mean curve, "
                                   "or median of per-stride extremes (see method)")
    sd: Num = Field(description="stride-to-stride SD, same unit (null with one stride)")
    n: int = Field(description="strides behind the value")
    ci95: tuple[Num, Num] = Field(description="95 % confidence interval of the mean over "
                                              "strides (Student t), same unit")
    method: Literal["mean", "curve", "extremes"]


MaybeEstimate = Estimate | None


class Input(_Block):
    """One clip of the session."""

    source: str = Field(description="file name")
    frames: int = Field(description="frames in the clip")
    duration_s: float = Field(description="s")
    fps: float = Field(description="frames/s, from the container timestamps")
    model: str = Field(description="pose model")
    frame_size: tuple[int, int] = Field(description="[width, height], px")


class Quality(_Block):
    """How well the recording could be measured."""

    detected_fraction: float = Field(description="0..1, frames in which the patient was found")
    frames: int = Field(description="frames analysed (all clips)")
    max_people_per_frame: int = Field(description="most people tracked in one frame")
    warnings: list[str] = Field(description="what the analysis noticed, in words")
    refused_strides: list[str] = Field(description="strides left out and why")


class SideTiming(_Block):
    """Per side, over the accepted strides (from this side's heel strike to its next)."""

    step_time_s: MaybeEstimate = Field(description="s, step ending with this side's heel strike")
    stride_time_s: MaybeEstimate = Field(description="s")
    stance_time_s: MaybeEstimate = Field(description="s")
    swing_time_s: MaybeEstimate = Field(description="s")
    single_support_time_s: MaybeEstimate = Field(description="s")
    stance_pct: MaybeEstimate = Field(description="% of the stride")
    swing_pct: MaybeEstimate = Field(description="% of the stride")
    single_support_pct: MaybeEstimate = Field(description="% of the stride")
    double_support_pct: MaybeEstimate = Field(description="% of the stride")
    step_length: MaybeEstimate = Field(description="length_unit")
    n_strides: int = Field(description="accepted strides")


class Spatiotemporal(_Block):
    """Timing and distance."""

    measurable: bool = Field(description="whether the recording could measure this block")
    note: str | None = Field(default=None, description="when not measurable: why, and what to "
                                                       "record")
    cadence_steps_per_min: Num = Field(description="steps/min over the accepted strides")
    length_unit: Literal["m", "leg lengths"] = Field(
        description="m when height_cm is given, else leg lengths")
    stride_length: Num = Field(description="length_unit, the sum of the two mean step lengths")
    speed: Num = Field(description="length_unit per s, stride length / stride time")
    left: SideTiming
    right: SideTiming


class Symmetry(_Block):
    """Symmetry index of one per-stride metric."""

    si_pct: Num = Field(description="SI = 100 (R - L) / (0.5 (R + L)), % (Robinson 1987)")
    ci95_pct: tuple[Num, Num] = Field(description="95 % bootstrap interval of SI, %")
    floor_pct: Num = Field(description="smallest SI the event timing resolves, %")
    n_left: int = Field(description="left strides")
    n_right: int = Field(description="right strides")


class SymmetryBlock(_Block):
    """Left/right symmetry, keyed by the per-stride metric compared."""

    step_time_s: Symmetry | None
    stance_time_s: Symmetry | None
    single_support_time_s: Symmetry | None
    swing_time_s: Symmetry | None
    knee_flexion_range_deg: Symmetry | None
    hip_flexion_range_deg: Symmetry | None
    swing_gait_asymmetry_pct: Num = Field(
        description="GA = 100 abs(ln(swing_R / swing_L)), % (Yogev 2007)")


class Limp(_Block):
    """The limp verdict (timing)."""

    measurable: bool = Field(description="whether the recording could give a verdict")
    detected: bool | None = Field(description="limp beyond stride-to-stride variability AND "
                                              "the timing floor; null: not measurable")
    verdict: Literal["limp", "no limp", "not measurable"] = Field(
        description="from the symmetry of the basis time")
    basis: Literal["stance_time_s", "step_time_s"] = Field(
        description="the time the verdict rests on: stance time, or step time where no toe-off "
                    "is known (contacts from the sacral marker's motion, filmed from behind)")
    reason: Literal["few_strides", "beyond", "within", "resolution"] = Field(
        description="fewer than 3 strides per side; stance SI beyond its interval and the timing "
                    "floor; within them; or within them with a floor too coarse to rule a limp "
                    "out (frame rate)")
    favoured_side: Literal["left", "right"] | None = Field(
        description="the leg the patient puts weight on longer")
    suspected_painful_side: Literal["left", "right"] | None = Field(
        description="the leg with the shorter stance (basis stance time) or the longer step "
                    "time (basis step time)")
    index: Num = Field(description="SI of the basis time, % (negative: right time shorter)")
    index_measure: str = Field(description="what index measures, in words")
    confidence: Num = Field(description="0..1, bootstrap resamples agreeing")
    explanation: str = Field(description="the verdict's reason with its numbers, in words")


class PelvisSide(_Block):
    """One side of the pelvis (front/back view)."""

    pelvic_drop_deg: MaybeEstimate = Field(
        description="deg, how far THAT side's hemipelvis drops below level during the OTHER "
                    "leg's single-leg stance")
    obliquity_range_deg: MaybeEstimate = Field(description="deg, obliquity range over the cycle")


class Marker(_Block):
    """The pelvis marker (a printed AprilTag on the sacrum) on the walk away from the camera."""

    tag_id: int = Field(description="the tag's id (AprilTag 36h11; 0 on the sacrum)")
    size_mm: float = Field(description="the printed black square's side the pose used, mm")
    seen_share: float = Field(description="share of the walking frames where the tag was "
                                          "measured, 0..1 (under 0.8: no pelvic drop)")
    frames: dict[str, int] = Field(
        description="walking frames per status: measured, not_searched (nobody to search "
                    "around), not_found, too_small, too_oblique (turned away), reprojection "
                    "(not a flat square), jump (left its neighbours), several (two copies on the "
                    "walker), off_walker (on another person)")
    zero: Literal["standing", "walk_mean"] = Field(
        description="what level means: the standing still start (the protocol), or the walk's "
                    "mean obliquity (no still start: a one-sided drop then reads smaller)")
    zero_offset_deg: float = Field(description="the roll removed as level (card and camera), deg")
    standing_s: tuple[float, float] | None = Field(description="the still start used, s")
    camera_assumed: bool = Field(description="the lens's field of view was assumed (no "
                                             "calibration or metadata): distances scale with it")
    contacts: int = Field(description="foot contacts found from the sacrum's motion")
    side_agreement: Num = Field(description="share of steps whose sway agrees with the sides "
                                            "given to them, 0..1")


class Pelvis(_Block):
    """Pelvic drop (back view with the pelvis marker)."""

    measurable: bool = Field(description="whether the recording could measure this block")
    note: str | None = Field(default=None, description="when not measurable: why, and what to "
                                                       "record")
    method: PelvisMethod | None = Field(
        description="where the pelvis block comes from: landmarks (the pose model's hip and "
                    "shoulder points: trunk lean, knee valgus, foot progression, hip rotation, "
                    "never a pelvic drop, as the hip points do not follow the pelvis) or marker "
                    "(the pelvis marker worn on the sacrum); null without a front/back pass")
    reason: Reason | None = Field(
        description="when not measurable, why, as a code: view (no front/back pass), "
                    "marker_needed (a front/back pass without the pelvis marker), "
                    "marker_unseen (the marker measured in under 80 % of the walking frames), "
                    "no_strides")
    caution: str | None = Field(description="what the pelvic drop can be trusted for, when a "
                                            "caution applies")
    obliquity_range_deg: Num = Field(description="deg, the larger side's range")
    marker: Marker | None = Field(default=None, description="the pelvis marker's quality, when "
                                                            "it was seen on a walk away")
    left: PelvisSide
    right: PelvisSide


class TrunkSide(_Block):
    """One side's trunk lean (front/back view)."""

    trunk_lean_over_stance_deg: MaybeEstimate = Field(
        description="deg, lean toward that side during its stance")


class Trunk(_Block):
    """Lateral trunk lean (front/back view)."""

    measurable: bool = Field(description="whether the recording could measure this block")
    note: str | None = Field(default=None, description="when not measurable: why, and what to "
                                                       "record")
    left: TrunkSide
    right: TrunkSide


class KneeSide(_Block):
    """One knee."""

    knee_peak_swing_flexion_deg: MaybeEstimate = Field(description="deg, side view")
    knee_flexion_range_deg: MaybeEstimate = Field(description="deg over the stride, side view")
    knee_flexion_contact_deg: MaybeEstimate = Field(
        description="deg at initial contact (the heel strike), side view")
    knee_flexion_uncertainty_deg: Num = Field(description="deg, SD from landmark noise")
    knee_valgus_stance_deg: MaybeEstimate = Field(
        description="deg, + valgus / - varus: 2-D frontal-plane projection angle in single-leg "
                    "stance (front/back view)")
    knee_valgus_uncertainty_deg: Num = Field(description="deg, SD from landmark noise")


class Knee(_Block):
    """Knee motion."""

    measurable: bool = Field(description="whether the recording could measure this block")
    note: str | None = Field(default=None, description="when not measurable: why, and what to "
                                                       "record")
    valgus_measurable: bool = Field(description="whether a front/back view gave knee valgus")
    valgus_note: str = Field(description="what knee valgus can be trusted for")
    left: KneeSide
    right: KneeSide


class HipSide(_Block):
    """One hip and foot."""

    hip_flexion_range_deg: MaybeEstimate = Field(description="deg, relative to the trunk line")
    hip_rotation_swing_deg: MaybeEstimate = Field(
        description="deg, mean in swing from MediaPipe depth: left/right comparison only")
    foot_progression_deg: MaybeEstimate = Field(
        description="deg in mid-stance, toe-out positive: the planted foot's heel->toe line on "
                    "the floor plane against the line of progression (walking toward or away)")


class Hip(_Block):
    """Hip motion and foot progression."""

    flexion_reference: str = Field(description="what hip flexion is measured against")
    rotation_measurable: bool = Field(description="whether a front/back view gave hip rotation")
    rotation_note: str = Field(description="what hip rotation can be trusted for")
    foot_progression_measurable: bool = Field(
        description="whether planted feet on the floor gave the foot progression angle")
    foot_progression_note: str = Field(
        description="what the foot progression angle can be trusted for, or why it is missing")
    foot_progression_difference_deg: Num = Field(
        description="deg, left minus right foot progression (both sides measured)")
    foot_progression_difference_ci95: tuple[Num, Num] = Field(
        description="deg, 95 % interval of the difference (Welch; null with one stride a side)")
    left: HipSide
    right: HipSide


class Events(_Block):
    """One side's gait events, s."""

    heel_strike_s: list[float] = Field(description="s, of the passes that give the timing")
    toe_off_s: list[float] = Field(description="s")


class Curve(_Block):
    """A gait-cycle curve, deg at 0, 1, ..., 100 % of the cycle."""

    mean: list[Num] = Field(min_length=101, max_length=101, description="deg, mean over strides")
    sd: list[Num] = Field(min_length=101, max_length=101, description="deg, SD over strides")
    n: int = Field(description="strides")


class Pass(_Block):
    """A walking pass."""

    start_s: float = Field(description="s")
    stop_s: float = Field(description="s")
    view: Literal["side", "toward", "away", "oblique"] = Field(description="the camera's view "
                                                                      "of the walk")
    facing: int = Field(description="+1 / -1, the direction of walking")
    treadmill: bool = Field(description="the body did not travel")
    yaw_deg: float = Field(description="deg between the walking direction and the image plane")
    strides: int = Field(description="accepted strides")
    clip: int = Field(description="index of the clip in the session, from 0")


class Flag(_Block):
    """A value outside its normal range."""

    metric: str = Field(description="the metric's name")
    side: Literal["left", "right"] | None = Field(description="null: both sides")
    value: float = Field(description="the value, or the left/right difference, in unit")
    unit: str = Field(description="the value's unit")
    direction: Literal["above", "below", "asymmetric"] = Field(
        description="above or below the normal range, or a left/right difference")
    normal: str = Field(description="the normal range or limit, in words")
    reference: str = Field(description="its published source (vidgait.norms)")
    view: str = Field(description="the view it was measured in")
    note: str | None = Field(default=None, description="the measurement's own bias, if any")


class Measurable(_Block):
    """One line per block."""

    spatiotemporal: bool = Field(description="as spatiotemporal.measurable")
    limp: bool = Field(description="as limp.measurable")
    pelvis: bool = Field(description="as pelvis.measurable")
    trunk: bool = Field(description="as trunk.measurable")
    knee: bool = Field(description="as knee.measurable")
    knee_valgus: bool = Field(description="as knee.valgus_measurable")
    hip_rotation: bool = Field(description="as hip.rotation_measurable")
    foot_progression: bool = Field(description="as hip.foot_progression_measurable")


class Report(_Block):
    """``report.json``."""

    schema_version: Literal["2.1"] = Field(
        description="major: a field changed meaning or name; minor: a field was added")
    generator: str = Field(description="the vidgait version that wrote the file")
    inputs: list[Input]
    height_cm: Num = Field(description="cm, the patient's height if given (lengths in m)")
    view: list[str] = Field(description="views of the walking passes found: side, toward, away, "
                                        "oblique")
    quality: Quality
    spatiotemporal: Spatiotemporal
    symmetry: SymmetryBlock
    limp: Limp
    pelvis: Pelvis
    trunk: Trunk
    knee: Knee
    hip: Hip
    events: dict[Literal["left", "right"], Events]
    cycles: dict[Literal["left", "right"], dict[str, Curve]]
    passes: list[Pass]
    flags: list[Flag]
    summary: list[str] = Field(description="plain-language findings for a clinician, each with "
                                           "its numbers and normal ranges (not a diagnosis)")
    trust: dict[str, str] = Field(description="what each group of metrics can be trusted for in "
                                              "the views recorded")
    measurable: Measurable
