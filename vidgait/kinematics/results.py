"""The typed values the kinematics core returns: estimates, "not measurable" with its reason,
walking passes, refused strides and notices.

Nothing here is a sentence: a value the recorded views cannot support is a
:class:`NotMeasurable` with a reason code, a refused stride a :class:`Refusal` with a reason code,
a warning a :class:`Notice` with a code. :mod:`vidgait.findings.words` turns codes into words for
people; the report (:mod:`vidgait.report`) serializes these values into ``report.json``.

Units are those of the metric a value belongs to (its name ends in ``_s``, ``_pct``, ``_deg``,
``_steps_per_min``; lengths say their unit in :class:`Quantity`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from vidgait.kinematics.conventions import Side

View = Literal["side", "toward", "away", "oblique"]

#: why a metric has no value: the views recorded do not support it ("view"), no stride of both
#: legs passed the checks ("no_strides"), a treadmill walk has no footprints ("treadmill"), the
#: pelvis's own tilt (pelvic drop, obliquity range) needs the pelvis marker because the pose
#: model's hip points do not follow the pelvis in a front/back view ("marker_needed"), the marker
#: was seen in too few of the walking frames ("marker_unseen"), the pose model took the patient's
#: back (where the marker faces the camera) for a front, so its left and right are not the
#: patient's ("mirrored"), too few planted feet were seen ("few_footprints"), no flat floor under
#: one still camera fits the walk ("no_floor"), the view's geometry makes each stride's value
#: more uncertain than its stated limit ("uncertain"), a distance needs the lens, which was
#: assumed ("lens_unknown")
Reason = Literal["view", "no_strides", "treadmill", "marker_needed", "marker_unseen", "mirrored",
                 "few_footprints", "no_floor", "uncertain", "lens_unknown"]

#: where the pelvis metrics come from: the hip and shoulder landmarks ("landmarks": trunk lean,
#: knee valgus, foot progression and hip rotation, never the pelvis's own tilt) or the printed
#: pelvis marker worn on the sacrum ("marker")
PelvisMethod = Literal["landmarks", "marker"]

#: how an estimate's value was obtained: mean of the per-stride values ("mean"), the value on the
#: mean gait-cycle curve ("curve"), the median of per-stride extremes found without gait events
#: ("extremes")
Method = Literal["mean", "curve", "extremes"]


@dataclass(frozen=True)
class NotMeasurable:
    """A metric the recording cannot support.

    Attributes
    ----------
    reason : str
        One of :data:`Reason` (see there).
        Why (see :data:`Reason`).
    """

    reason: Reason


@dataclass(frozen=True)
class Estimate:
    """A metric measured over strides, in its own unit.

    Attributes
    ----------
    value : float
        The estimate (see ``method``).
    sd : float
        Stride-to-stride standard deviation (ddof 1); NaN with fewer than two strides.
    n : int
        Strides behind it.
    ci95 : (float, float)
        95 % confidence interval of the mean over strides (Student t); NaN with fewer than two.
    method : {"mean", "curve", "extremes"}
        How ``value`` was obtained (:data:`Method`).
    """

    value: float
    sd: float
    n: int
    ci95: tuple[float, float]
    method: Method = "mean"

    @classmethod
    def of(cls, values: np.ndarray | list[float], *, value: float | None = None,
           method: Method = "mean") -> Estimate:
        """The estimate of per-stride ``values`` (non-finite ones left out).

        Parameters
        ----------
        values : array-like of float
            One value per stride, in the metric's unit.
        value : float, optional
            The estimate when it is not the mean (e.g. the value on the mean curve).
        method : {"mean", "curve", "extremes"}
            How ``value`` was obtained.

        Returns
        -------
        Estimate
        """
        v = np.asarray(values, float)
        v = v[np.isfinite(v)]
        mean = float(v.mean()) if v.size else float("nan")
        sd = float(v.std(ddof=1)) if v.size > 1 else float("nan")
        if v.size > 1:
            half = float(stats.t.ppf(0.975, v.size - 1)) * sd / math.sqrt(v.size)
            ci = (mean - half, mean + half)
        else:
            ci = (float("nan"), float("nan"))
        return cls(mean if value is None else float(value), sd, int(v.size), ci, method)


#: one metric: its estimate, or why the recording cannot give it
Measure = Estimate | NotMeasurable


def value_of(estimate: Estimate | None) -> float:
    """The value of an estimate, NaN when there is none (not measured).

    Parameters
    ----------
    estimate : Estimate or None
        A core estimate, in its metric's unit.

    Returns
    -------
    float
    """
    return float(estimate.value) if estimate is not None else float("nan")


@dataclass(frozen=True)
class Quantity:
    """A single value with its unit (stride length, walking speed).

    Attributes
    ----------
    value : float
    unit : str
        ``"m"``, ``"m/s"``, ``"leg lengths"`` or ``"leg lengths/s"``.
    """

    value: float
    unit: str


@dataclass(frozen=True)
class Curve:
    """A gait-cycle curve of one angle and side.

    Attributes
    ----------
    mean, sd : (101,) float
        Mean and SD over strides at 0, 1, ..., 100 % of the cycle, degrees (SD NaN for one
        stride).
    n : int
        Strides.
    """

    mean: np.ndarray
    sd: np.ndarray
    n: int


@dataclass(frozen=True)
class Spatiotemporal:
    """Timing and distance of the accepted strides.

    Attributes
    ----------
    cadence_steps_per_min : float or NotMeasurable
        120 / mean stride time over both sides.
    sides : dict side -> metric -> Estimate, or NotMeasurable
        Per side: the temporal metrics of
        :data:`~vidgait.kinematics.spatiotemporal.METRICS` (s and % of the stride) and
        ``step_length`` (unit of ``stride_length``) when measurable.
    stride_length, speed : Quantity or NotMeasurable
        Sum of the two mean step lengths, and stride length / stride time.
    """

    cadence_steps_per_min: float | NotMeasurable
    sides: dict[str, dict[str, Estimate]] | NotMeasurable
    stride_length: Quantity | NotMeasurable
    speed: Quantity | NotMeasurable

    def get(self, side: str, metric: str) -> Estimate | None:
        """The estimate of ``metric`` on ``side``, or None when not measured.

        Parameters
        ----------
        side : str
            ``"left"`` or ``"right"`` (the patient's side).
        metric : str
            The metric's name, with its unit suffix (e.g. ``"stance_pct"``).
        """
        if isinstance(self.sides, NotMeasurable):
            return None
        return self.sides[side].get(metric)


@dataclass(frozen=True)
class PassInfo:
    """One walking pass.

    Attributes
    ----------
    start_s, stop_s : float
        Its first and last analysed time, s.
    view : {"side", "toward", "away", "oblique"}
    facing : int
        +1 / -1: the direction of walking in the image (side view) or toward/away.
    treadmill : bool
        The body did not travel (treadmill).
    yaw_deg : float
        Angle between the walking direction and the image plane, degrees.
    strides : int
        Accepted strides.
    clip : int
        Index of the clip it comes from in a session (0 for one clip).
    """

    start_s: float
    stop_s: float
    view: View
    facing: int
    treadmill: bool
    yaw_deg: float
    strides: int = 0
    clip: int = 0


RefusalReason = Literal["toe_off", "contralateral", "unconfirmed", "stride_time", "stance"]


@dataclass(frozen=True)
class Refusal:
    """A stride left out by the plausibility checks.

    Attributes
    ----------
    side : {"left", "right"}
    at_s : float
        Its heel strike, s.
    reason : {"toe_off", "contralateral", "unconfirmed", "stride_time", "stance"}
        Not exactly one toe off; the other leg's events missing or out of order; a heel strike
        (at ``value`` s) not confirmed by an independent estimate; stride time (``value`` s)
        implausible; stance (``value`` % of the stride) implausible.
    value : float
        The number the reason refers to (NaN where none).
    clip : int
        Clip index in a session.
    """

    side: Side
    at_s: float
    reason: RefusalReason
    value: float = float("nan")
    clip: int = 0


NoticeCode = Literal["swaps_fixed", "no_pass", "timing_from_side", "running", "no_timing",
                     "timing_from_marker", "marker_not_from_behind", "sides_mirrored"]


@dataclass(frozen=True)
class Notice:
    """Something the analysis noticed that a reader should know.

    Attributes
    ----------
    code : str
        One of :data:`NoticeCode`: leg labels swapped and corrected in ``value`` frames
        (``swaps_fixed``); no walking pass of at least 1.5 s (``no_pass``); timing taken from
        the side-view passes only (``timing_from_side``); cadence ``value`` steps/min looks like
        running (``running``); no stride of both sides passed the checks (``no_timing``);
        timing from the contacts the sacral marker's motion gives (``timing_from_marker``);
        the marker was seen but on no walk away from the camera (``marker_not_from_behind``);
        the pose model took the back the marker is on for a front (``sides_mirrored``).
    value : float
        The number the code refers to (NaN where none).
    clip : int or None
        Clip index in a session of several clips, None when it concerns the whole session.
    """

    code: NoticeCode
    value: float = float("nan")
    clip: int | None = None


__all__ = ["Curve", "Estimate", "Measure", "Method", "NotMeasurable", "Notice", "NoticeCode",
           "PassInfo", "PelvisMethod", "Quantity", "Reason", "Refusal", "RefusalReason", "Side",
           "Spatiotemporal", "View", "value_of"]
