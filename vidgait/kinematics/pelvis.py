"""Pelvis, trunk and leg metrics from a front or back view, on stride-averaged curves.

The functions here turn ANY pelvic obliquity series into the pelvic drop and obliquity range (the
pelvis marker's, or the synthetic walker's true one). The pose model's hip points do NOT follow
the pelvis in a front/back view (docs/accuracy.md: correlation about -0.5 with the true obliquity
on the rendered phantom), so a pass measured on landmarks keeps only the trunk, knee and foot
metrics: :func:`landmark_pelvis` makes its :data:`OBLIQUITY_METRICS` "not measurable" with the
reason ``"marker_needed"``.

Noise in a single frame is large compared with a pelvic drop of a few degrees (the hip line is only
~0.2 m wide), and the maximum of a noisy signal is biased upward. So, as Dingenen et al. (2018)
advise (average at least 7 steps), each metric is read from the MEAN curve over strides (time-
normalised to the stance side's cycle); the SD across strides of the per-stride values is reported
beside it.

* pelvic drop of side X: during the OTHER leg's single-leg stance, the largest fall of X's pelvis
  below level, ``max(-pelvic_obliquity_X)``, degrees. A weak stance side (Trendelenburg) makes the
  swing side's value large. Flag: beyond ~8 deg (mean + 2 SD of Schwartz 2008) or a left/right
  difference beyond the 2.7-2.8 deg smallest detectable difference of 2-D drop (Dingenen 2018).
* trunk lean over stance of side S: the largest lean toward S during S's single-leg stance, deg.
* obliquity range of side S: peak-to-peak of S's obliquity over its mean cycle, deg.
* knee valgus of side S in single-leg stance: mean of S's frontal-plane projection angle (FPPA,
  :mod:`vidgait.kinematics.conventions`) over S's single-leg stance of its mean cycle, deg; the
  loaded knee's dynamic valgus (positive) or varus (negative). A 2-D projection: it mixes in
  knee flexion and hip rotation when the leg is not square to the camera.
* hip rotation of side S in swing (world landmarks, weak): mean over the swing of the angle about
  the thigh between the hip line and the knee flexion axis (defined while the knee flexes >= 20
  deg), internal positive. Meant for LEFT vs RIGHT comparison, not as an absolute angle.

The foot progression angle is not read here: it comes from the planted feet on the floor plane
(:mod:`vidgait.kinematics.footprog`), not from MediaPipe's depth.
"""

from __future__ import annotations

import numpy as np

from vidgait.kinematics.conventions import SIDES, other
from vidgait.kinematics.results import Estimate, Measure, NotMeasurable
from vidgait.kinematics.strides import Stride, normalize_cycles

#: the metrics of the pelvis's own tilt, which need the pelvis marker (not the hip landmarks)
OBLIQUITY_METRICS = ("pelvic_drop_deg", "obliquity_range_deg")


def landmark_pelvis(metrics: dict[str, dict[str, Estimate]]) -> dict[str, dict[str, Measure]]:
    """The pelvis metrics of a pass measured on the pose model's landmarks: those of
    :data:`OBLIQUITY_METRICS` replaced by ``NotMeasurable("marker_needed")`` on both sides (the
    hip points do not follow the pelvis), the others (trunk lean, knee valgus, foot progression,
    hip rotation) kept.

    Parameters
    ----------
    metrics : dict side -> metric -> Estimate
        From :func:`pelvis_metrics` and/or :func:`pelvis_metrics_without_events` on the
        landmarks' frontal angles (degrees).

    Returns
    -------
    dict side -> metric -> Estimate or NotMeasurable
    """
    refused = dict.fromkeys(OBLIQUITY_METRICS, NotMeasurable("marker_needed"))
    return {s: {k: v for k, v in metrics.get(s, {}).items() if k not in OBLIQUITY_METRICS}
            | refused for s in SIDES}


def _summary(curve_value: float, per_stride: list[float]) -> Estimate:
    """The value on the mean curve, with the per-stride spread."""
    return Estimate.of(per_stride, value=float(curve_value), method="curve")


def _window(n: int, a_pct: float, b_pct: float) -> slice:
    return slice(int(np.floor(a_pct * (n - 1) / 100)), int(np.ceil(b_pct * (n - 1) / 100)) + 1)


def _swing_mean(t: np.ndarray, y: np.ndarray, st: Stride) -> float:
    """Mean of the finite values of ``y`` during the stride's swing (NaN if none)."""
    v = y[(t >= st.to) & (t <= st.next_hs)]
    v = v[np.isfinite(v)]
    return float(v.mean()) if v.size >= 3 else float("nan")


def pelvis_metrics(t: np.ndarray, frontal: dict[str, dict[str, np.ndarray]],
                   strides: list[Stride],
                   transverse: dict[str, dict[str, np.ndarray]] | None = None
                   ) -> dict[str, dict[str, Estimate]]:
    """Pelvis, trunk and hip-rotation metrics per side.

    Parameters
    ----------
    t : (N,) float
        Times, s.
    frontal : dict side -> {"pelvic_obliquity", "trunk_lean", ...} -> (N,) degrees
        From :func:`vidgait.kinematics.angles.frontal_angles`.
    strides : list of Stride
    transverse : dict side -> {"hip_rotation", ...} -> (N,) degrees, optional

    Returns
    -------
    dict side -> metric -> Estimate
        Degrees, the value on the mean curve (``method="curve"``): ``pelvic_drop_deg`` (of THAT
        side, while the other leg stands alone),
        ``trunk_lean_over_stance_deg``, ``obliquity_range_deg``, ``knee_valgus_stance_deg``,
        ``hip_rotation_swing_deg``.
    """
    out: dict[str, dict[str, Estimate]] = {s: {} for s in SIDES}
    for s in SIDES:
        o = other(s)
        own = [st for st in strides if st.side == s and st.hs >= t[0] and st.next_hs <= t[-1]]
        if not own:
            continue
        ss_a = 100 * np.mean([(st.opp_to - st.hs) / st.duration for st in own])
        ss_b = 100 * np.mean([(st.opp_hs - st.hs) / st.duration for st in own])
        drop = normalize_cycles(t, -frontal[o]["pelvic_obliquity"], own, s)
        lean = normalize_cycles(t, frontal[s]["trunk_lean"], own, s)
        obl = normalize_cycles(t, frontal[s]["pelvic_obliquity"], own, s)
        if len(drop):
            w = _window(drop.shape[1], ss_a, ss_b)
            out[o]["pelvic_drop_deg"] = _summary(drop.mean(0)[w].max(), drop[:, w].max(1).tolist())
        if len(lean):
            w = _window(lean.shape[1], ss_a, ss_b)
            out[s]["trunk_lean_over_stance_deg"] = _summary(lean.mean(0)[w].max(),
                                                            lean[:, w].max(1).tolist())
        if len(obl):
            out[s]["obliquity_range_deg"] = _summary(np.ptp(obl.mean(0)), np.ptp(obl, 1).tolist())
        valgus = normalize_cycles(t, frontal[s]["knee_valgus"], own, s)
        if len(valgus):
            w = _window(valgus.shape[1], ss_a, ss_b)
            out[s]["knee_valgus_stance_deg"] = _summary(valgus.mean(0)[w].mean(),
                                                        valgus[:, w].mean(1).tolist())
        if transverse is not None:
            swing = [_swing_mean(t, transverse[s]["hip_rotation"], st) for st in own]
            swing = [v for v in swing if np.isfinite(v)]
            if swing:
                out[s]["hip_rotation_swing_deg"] = _summary(float(np.mean(swing)), swing)
    return out


def _stride_extremes(t: np.ndarray, y: np.ndarray, period_s: float, fs: float) -> np.ndarray:
    """Per-stride maxima of ``y`` (one per stride period at most), NaN-free values only."""
    from scipy.signal import find_peaks

    ok = np.isfinite(y)
    if ok.sum() < 3:
        return np.empty(0)
    yy = np.where(ok, y, np.nanmin(y))
    idx, _ = find_peaks(yy, distance=max(1, int(0.6 * period_s * fs)))
    # a maximum at the very edge of the record may be a partial stride: drop it
    idx = idx[(idx > 0) & (idx < len(y) - 1) & ok[idx]]
    return y[idx]


def pelvis_metrics_without_events(t: np.ndarray, frontal: dict[str, dict[str, np.ndarray]],
                                  period_s: float, fs: float
                                  ) -> dict[str, dict[str, Estimate]]:
    """Pelvic drop and trunk lean per side from per-stride extremes, with NO gait events.

    For a front/back view whose events are not usable (too few accepted strides; MediaPipe depth
    is the only event source there). Over each stride the pelvis drops once on each side, on the
    swing side while the other leg stands alone, so:

    * pelvic drop of X = median over strides of the largest fall of X below level,
      ``max(-pelvic_obliquity_X)`` (one maximum per stride period);
    * trunk lean over stance of S = median over strides of the largest lean toward S.

    Which leg stands during each extreme is not checked (that needs events), so a drop that
    happened at another phase would be counted too; the stride period comes from the obliquity
    itself (:func:`vidgait.kinematics.events.stride_period`). Median, not mean, because per-stride
    extremes of a noisy signal include outliers; the SD across strides is reported beside it.

    Parameters
    ----------
    t : (N,) float
        Times, s.
    frontal : dict side -> {"pelvic_obliquity", ...} -> (N,) float
        Frontal-plane angle series per side, deg.
    period_s : float
        Stride period, s (NaN: nothing is measured).
    fs : float
        Sampling rate of ``t``, Hz.

    Returns
    -------
    dict side -> {"pelvic_drop_deg", "trunk_lean_over_stance_deg"} -> Estimate
        Degrees; ``value`` is the median over strides (``method="extremes"``). Empty for a side
        without two full strides.
    """
    out: dict[str, dict[str, Estimate]] = {s: {} for s in SIDES}
    if not np.isfinite(period_s):
        return out
    for s in SIDES:
        for name, series in (("pelvic_drop_deg", -frontal[s]["pelvic_obliquity"]),
                             ("trunk_lean_over_stance_deg", frontal[s]["trunk_lean"])):
            v = _stride_extremes(t, series, period_s, fs)
            if v.size >= 2:
                out[s][name] = Estimate.of(v, value=float(np.median(v)), method="extremes")
    return out
