"""Limp: symmetry of timing and motion between the legs, with a threshold from the measurement.

* Symmetry index SI = 100 (R - L) / (0.5 (R + L)) on the per-side means (Robinson 1987; Herzog et
  al. 1989). Negative: the right value is smaller.
* Gait asymmetry GA = 100 |ln(swing_R / swing_L)| (Yogev et al. 2007), for swing time.

Threshold. The usual 10 % cut-off is arbitrary. Here a difference counts only if BOTH

1. it is beyond what stride-to-stride variability explains: the 95 % bootstrap interval of SI
   (strides resampled within each side, 2000 resamples, fixed seed) excludes 0, and
2. it is beyond the resolution of the events, which the bootstrap cannot see: a systematic
   timing error of ``event_accuracy_s`` on one side's events, expressed as SI of the mean stance
   time: ``floor = 100 * event_accuracy_s / mean stance``. :data:`EVENT_ACCURACY_S` holds the
   accuracy per view measured on the synthetic walker (docs/kinematics.md), never below one frame;
   it matches the ~0.02 s per step agreement of 2-D video with motion capture (Stenum et al. 2021)
   in order of magnitude. About 5 % for a side view, 8 % for a front/back view.

"No limp" is only said when the floor is at most :data:`RULE_OUT_SI_PCT` (10 %): with a coarser
resolution (e.g. 7.5 fps) a non-significant SI is "not measurable", not reassurance.

The verdict uses stance time (an antalgic limp shortens stance and single support on the painful
side; Perry). The side with the SHORTER stance is the suspected painful side; the other is the
favoured side. Where no toe-off is known (contacts from the trunk, filmed from behind) it uses
step time instead (the ``basis``): leaving the painful leg early shortens the step onto the
other leg, so the side with the LONGER step time is the suspected painful side, and the floor is
the events' accuracy over the mean step time. Confidence is the fraction of bootstrap resamples
with the same sign and beyond the floor. Knee and hip range asymmetries are reported alongside,
with their own intervals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from vidgait.kinematics.conventions import SIDES, Side
from vidgait.norms import EVENT_ERROR, LIMP_SI

#: metrics compared between sides (per-stride arrays keyed by these names)
LIMP_METRICS = ("step_time_s", "stance_time_s", "single_support_time_s", "swing_time_s",
                "knee_flexion_range_deg", "hip_flexion_range_deg")
MIN_STRIDES = 3
#: stance SI (%) a verdict of "no limp" must be able to rule out (:data:`vidgait.norms.LIMP_SI`):
#: when the timing resolution (floor) is coarser, e.g. at 7.5 fps, "no limp" cannot be said
RULE_OUT_SI_PCT = LIMP_SI.value
#: systematic event-timing error per view, s (:data:`vidgait.norms.EVENT_ERROR`)
EVENT_ACCURACY_S = {view: e.value for view, e in EVENT_ERROR.items()}

Verdict = Literal["limp", "no limp", "not measurable"]
#: why the verdict is what it is: fewer than MIN_STRIDES strides per side ("few_strides"); stance
#: SI beyond its interval and the timing floor ("beyond"); within them ("within"); within them
#: but the floor is coarser than RULE_OUT_SI_PCT ("resolution")
VerdictReason = Literal["few_strides", "beyond", "within", "resolution"]
#: the per-stride time the verdict rests on: stance time, or step time where no toe-off is known
Basis = Literal["stance_time_s", "step_time_s"]


def symmetry_index(left: float, right: float) -> float:
    """SI = 100 (R - L) / (0.5 (R + L)), percent.

    Parameters
    ----------
    left, right : float
        The same quantity on each side, in any unit (both in the same one).
    """
    return float(100.0 * (right - left) / (0.5 * (right + left)))


def gait_asymmetry(swing_left: float, swing_right: float) -> float:
    """GA = 100 |ln(swing_R / swing_L)|, percent (Yogev et al. 2007).

    Parameters
    ----------
    swing_left, swing_right : float
        Mean swing time of each side, s (any unit, the same for both).
    """
    return float(100.0 * abs(np.log(swing_right / swing_left)))


def bootstrap_si(left: np.ndarray, right: np.ndarray, *, n_boot: int = 2000,
                 seed: int = 0) -> np.ndarray:
    """SI (%) of bootstrap resamples, strides resampled with replacement within side; (n_boot,).

    Parameters
    ----------
    left, right : (n,) float
        Per-stride values of each side, in any unit (the same for both).
    n_boot : int
        Number of bootstrap resamples.
    seed : int
        Seed of the random generator (the result is reproducible).
    """
    rng = np.random.default_rng(seed)
    lm = rng.choice(left, size=(n_boot, left.size)).mean(axis=1)
    rm = rng.choice(right, size=(n_boot, right.size)).mean(axis=1)
    return 100.0 * (rm - lm) / (0.5 * (rm + lm))


@dataclass(frozen=True)
class SymmetryResult:
    """Symmetry of one metric.

    Attributes
    ----------
    si : float
        Symmetry index, % (negative: right smaller).
    ci_low, ci_high : float
        95 % bootstrap interval of SI, %.
    floor : float
        Smallest SI the measurement resolves, % (NaN if not defined for this metric).
    n_left, n_right : int
        Strides per side.
    """

    si: float
    ci_low: float
    ci_high: float
    floor: float
    n_left: int
    n_right: int

    @property
    def significant(self) -> bool:
        """Beyond both the stride-to-stride interval and the measurement floor."""
        excl = self.ci_low > 0 or self.ci_high < 0
        return bool(excl and abs(self.si) > (self.floor if np.isfinite(self.floor) else 0.0))


@dataclass(frozen=True)
class LimpAssessment:
    """The limp verdict.

    Attributes
    ----------
    verdict : {"limp", "no limp", "not measurable"}
    reason : {"few_strides", "beyond", "within", "resolution"}
        Why (:data:`VerdictReason`).
    suspected_painful_side, favoured_side : {"left", "right"} or None
    size_si : float
        SI of the basis time, % (negative: right time shorter).
    confidence : float
        0..1, fraction of bootstrap resamples agreeing with a limp on that side beyond the floor.
    metrics : dict name -> SymmetryResult
    gait_asymmetry_swing : float
        GA of swing time, %.
    required_fps : float
        With ``reason == "resolution"``: the frame rate whose one-frame timing floor could rule
        out a :data:`RULE_OUT_SI_PCT` limp, frames per second; NaN otherwise.
    basis : {"stance_time_s", "step_time_s"}
        The time whose symmetry the verdict rests on (:data:`Basis`); ``size_si`` is its SI.
    """

    verdict: Verdict
    reason: VerdictReason
    suspected_painful_side: Side | None
    favoured_side: Side | None
    size_si: float
    confidence: float
    metrics: dict[str, SymmetryResult] = field(default_factory=dict)
    gait_asymmetry_swing: float = float("nan")
    required_fps: float = float("nan")
    basis: Basis = "stance_time_s"

    @property
    def main(self) -> SymmetryResult | None:
        """The symmetry the verdict rests on, of :attr:`basis` (None with too few strides)."""
        return self.metrics.get(self.basis)


def _symmetry(left: np.ndarray, right: np.ndarray, floor: float) -> SymmetryResult | None:
    left, right = left[np.isfinite(left)], right[np.isfinite(right)]
    if left.size < MIN_STRIDES or right.size < MIN_STRIDES:
        return None
    boot = bootstrap_si(left, right)
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return SymmetryResult(symmetry_index(left.mean(), right.mean()), float(lo), float(hi), floor,
                          int(left.size), int(right.size))


def assess_limp(per_stride: dict[str, dict[str, np.ndarray]],
                event_accuracy_s: float) -> LimpAssessment:
    """Limp verdict from per-stride metrics of both sides.

    Parameters
    ----------
    per_stride : dict side -> metric -> (n,) float
        Must hold the timing metrics of :data:`LIMP_METRICS`; the angle ranges are optional.
    event_accuracy_s : float
        Systematic event-timing error, s (sets the timing floor; see module notes).

    Returns
    -------
    LimpAssessment
    """
    stance = np.concatenate([per_stride[s].get("stance_time_s", np.empty(0)) for s in SIDES])
    basis: Basis = "stance_time_s" if stance.size else "step_time_s"
    ref = np.concatenate([per_stride[s].get(basis, np.empty(0)) for s in SIDES])
    ref = ref[np.isfinite(ref)]
    time_floor = 100.0 * event_accuracy_s / ref.mean() if ref.size else float("nan")
    results = {}
    for m in LIMP_METRICS:
        if all(m in per_stride[s] for s in SIDES):
            floor = time_floor if m.endswith("_s") else float("nan")
            r = _symmetry(per_stride["left"][m], per_stride["right"][m], floor)
            if r is not None:
                results[m] = r
    main = results.get(basis)
    if main is None:
        return LimpAssessment("not measurable", "few_strides", None, None, float("nan"), 0.0,
                              results, basis=basis)
    sw = [per_stride[s].get("swing_time_s", np.empty(0)) for s in SIDES]
    ga = (gait_asymmetry(float(np.mean(sw[0])), float(np.mean(sw[1])))
          if all(x.size for x in sw) else float("nan"))
    vals = [per_stride[s][basis][np.isfinite(per_stride[s][basis])] for s in SIDES]
    boot = bootstrap_si(*vals)
    # stance: the painful leg's is shorter; step: the step onto the other leg is shorter
    shorter_right = main.si < 0
    painful: Side = ("right" if shorter_right else "left") if basis == "stance_time_s" else (
        "left" if shorter_right else "right")
    favoured: Side = "left" if painful == "right" else "right"
    agree = (np.sign(boot) == np.sign(main.si)) & (np.abs(boot) > main.floor)
    if main.significant:
        return LimpAssessment("limp", "beyond", painful, favoured, main.si, float(agree.mean()),
                              results, ga, basis=basis)
    if main.floor > RULE_OUT_SI_PCT:
        fps = float(np.ceil(100.0 / (RULE_OUT_SI_PCT * ref.mean())))
        return LimpAssessment("not measurable", "resolution", None, None, main.si, 0.0, results,
                              ga, fps, basis=basis)
    return LimpAssessment("no limp", "within", None, None, main.si, float(1.0 - agree.mean()),
                          results, ga, basis=basis)
