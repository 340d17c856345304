"""Pooling the passes: the per-stride values of every pass of a clip or a session turned into
spatiotemporal parameters, gait-cycle curves, the limp assessment and the pelvis block, and the
pelvis marker's measurements (:mod:`vidgait.kinematics.sacrum`) put in place of what the
landmarks cannot give: the pelvic drop, and the timing of a walk filmed from behind.

Units: times s, angles degrees, cadence steps/min.
"""

from __future__ import annotations

import numpy as np

from vidgait.kinematics.conventions import SIDES
from vidgait.kinematics.limp import LimpAssessment, assess_limp
from vidgait.kinematics.per_pass import PassResult
from vidgait.kinematics.results import (
    Curve,
    Estimate,
    Measure,
    NotMeasurable,
    Quantity,
    Spatiotemporal,
)
from vidgait.kinematics.sacrum import SacralPelvis
from vidgait.kinematics.spatiotemporal import METRICS, cadence
from vidgait.kinematics.strides import normalize_cycles
from vidgait.kinematics.trunk import TrunkSteps

#: one side's metrics of a block: each an Estimate or why it is not measurable, or the whole
#: side not measurable
SideMetrics = dict[str, Measure] | NotMeasurable


def pool(results: list[PassResult], attr: str) -> dict[str, dict[str, np.ndarray]]:
    """Per side and metric, the per-stride values of all ``results`` concatenated.

    Parameters
    ----------
    results : list of PassResult
        The passes.
    attr : str
        The :class:`~vidgait.kinematics.per_pass.PassResult` attribute holding
        side -> metric -> per-stride values (e.g. ``"per_stride"``).
    """
    out: dict[str, dict[str, list[np.ndarray]]] = {s: {} for s in SIDES}
    for r in results:
        d = getattr(r, attr)
        if d is None:
            continue
        for s in SIDES:
            for k, v in d[s].items():
                out[s].setdefault(k, []).append(np.asarray(v, float))
    return {s: {k: np.concatenate(v) for k, v in m.items()} for s, m in out.items()}


def pool_cycles(results: list[PassResult]) -> dict[str, dict[str, Curve]]:
    """Gait-cycle curves of every angle over the accepted strides of all passes.

    Parameters
    ----------
    results : list of PassResult
        The passes.
    """
    rows: dict[str, dict[str, list[np.ndarray]]] = {s: {} for s in SIDES}
    for r in results:
        for s in SIDES:
            for name, y in r.angles.get(s, {}).items():
                cyc = normalize_cycles(r.t, y, r.strides, s)
                if len(cyc):
                    rows[s].setdefault(name, []).append(cyc)
    out: dict[str, dict[str, Curve]] = {s: {} for s in SIDES}
    for s in SIDES:
        for name, parts in rows[s].items():
            a = np.vstack(parts)
            sd = a.std(axis=0, ddof=1) if len(a) > 1 else np.full(a.shape[1], np.nan)
            out[s][name] = Curve(a.mean(axis=0), sd, len(a))
    return out


def pool_spatiotemporal(timing: list[PassResult], all_results: list[PassResult],
                        height_m: float | None) -> Spatiotemporal:
    """Spatiotemporal parameters from the timing passes' strides.

    Parameters
    ----------
    timing : list of PassResult
        The passes whose strides give the timing
        (:func:`~vidgait.kinematics.per_pass.timing_passes`).
    all_results : list of PassResult
        Every pass (a treadmill side pass explains why no step length).
    height_m : float or None
        Standing height, m (lengths in metres), or None (leg lengths).
    """
    per = pool(timing, "per_stride")
    if not all(per[s].get("stride_time_s", np.empty(0)).size for s in SIDES):
        none = NotMeasurable("no_strides")
        return Spatiotemporal(none, none, none, none)
    sides = {s: {m: Estimate.of(per[s][m]) for m in METRICS} for s in SIDES}
    lengths: dict[str, list[float]] = {s: [] for s in SIDES}
    for r in timing:
        if r.step_length is not None:
            for s in SIDES:
                lengths[s].extend(r.step_length[s].tolist())
    if not any(lengths.values()):
        treadmill = any(r.view == "side" and r.info.treadmill for r in all_results)
        none = NotMeasurable("treadmill" if treadmill else "view")
        return Spatiotemporal(cadence(per), sides, none, none)
    unit = "m" if height_m else "leg lengths"
    for s in SIDES:
        sides[s]["step_length"] = Estimate.of(lengths[s])
    stride = sum(sides[s]["step_length"].value for s in SIDES)
    st = np.mean([sides[s]["stride_time_s"].value for s in SIDES])
    return Spatiotemporal(cadence(per), sides, Quantity(stride, unit),
                          Quantity(stride / st, f"{unit}/s"))


def pool_limp(per: dict[str, dict[str, np.ndarray]],
              side_per: dict[str, dict[str, np.ndarray]], accuracy: float) -> LimpAssessment:
    """The limp verdict from the timing's per-stride values and the side view's angle ranges.

    Parameters
    ----------
    per : dict side -> metric -> (n,) float
        Per-stride timing (s): stance times, or only step and stride times (contacts from the
        trunk).
    side_per : dict side -> metric -> (n,) float
        Side-view per-stride values (knee and hip ranges, deg).
    accuracy : float
        The events' systematic timing error, s.
    """
    limp_in = {s: dict(per[s]) for s in SIDES}
    for s in SIDES:
        for k in ("knee_flexion_range_deg", "hip_flexion_range_deg"):
            if k in side_per[s]:
                limp_in[s][k] = side_per[s][k]
    if all("stance_time_s" in per[s] or "step_time_s" in per[s] for s in SIDES):
        return assess_limp(limp_in, accuracy)
    return LimpAssessment("not measurable", "few_strides", None, None, float("nan"), float("nan"))


def pool_pelvis(results: list[PassResult]) -> tuple[dict[str, SideMetrics], float | None]:
    """Pelvis metrics of the front/back pass with the most strides, and its start (s).

    Parameters
    ----------
    results : list of PassResult
        The passes.
    """
    frontal = [r for r in results if r.pelvis is not None]
    if not frontal:
        return {s: NotMeasurable("view") for s in SIDES}, None
    best = max(frontal, key=lambda r: len(r.strides))
    return ({s: best.pelvis[s] or NotMeasurable("no_strides") for s in SIDES},
            best.info.start_s)




def trunk_spatiotemporal(steps: TrunkSteps, speed_m_s: float | NotMeasurable
                         ) -> tuple[Spatiotemporal, dict[str, dict[str, np.ndarray]]]:
    """Cadence and per-side step and stride times from contacts found on the trunk (no stance,
    swing or step length: no toe-off, no footprint), and the speed and stride length from the
    tag's travel when the lens is known.

    Parameters
    ----------
    steps : TrunkSteps
        Contacts from the sacral marker's motion.
    speed_m_s : float or NotMeasurable
        :attr:`vidgait.kinematics.sacrum.SacralPelvis.speed_m_s`.

    Returns
    -------
    Spatiotemporal
        ``stride_length`` (speed times the mean stride time, m) and ``speed`` (m/s), or why not.
    dict side -> {"step_time_s", "stride_time_s"} -> (n,) float
        The per-stride values, for the limp verdict.
    """
    per = steps.per_side()
    if not all(per[s]["stride_time_s"].size for s in SIDES):
        none = NotMeasurable("no_strides")
        return Spatiotemporal(none, none, none, none), per
    sides = {s: {m: Estimate.of(v) for m, v in per[s].items()} for s in SIDES}
    if isinstance(speed_m_s, NotMeasurable):
        return Spatiotemporal(cadence(per), sides, speed_m_s, speed_m_s), per
    stride = speed_m_s * float(np.mean([sides[s]["stride_time_s"].value for s in SIDES]))
    return (Spatiotemporal(cadence(per), sides, Quantity(stride, "m"),
                           Quantity(speed_m_s, "m/s")), per)


def with_marker(pelvis: dict[str, SideMetrics], marker: SacralPelvis, *,
                mirrored: bool = False) -> dict[str, SideMetrics]:
    """The pelvis block with the marker's pelvic drop and obliquity range (or why not) in place
    of the landmarks' refusals; trunk lean and the other landmark metrics kept, or refused when
    the landmarks' sides are mirrored.

    Parameters
    ----------
    pelvis : dict side -> SideMetrics
        From :func:`pool_pelvis`.
    marker : SacralPelvis
        The marker's measurement of the same walk.
    mirrored : bool
        The pose model took the patient's back (where the marker faces the camera) for a front:
        its per-side metrics (trunk lean, knee valgus, foot progression, hip rotation) become
        ``NotMeasurable("mirrored")``.
    """
    out: dict[str, SideMetrics] = {}
    for s in SIDES:
        base = dict(pelvis[s]) if isinstance(pelvis[s], dict) else {}
        if mirrored:
            base = dict.fromkeys(base, NotMeasurable("mirrored"))
        m = marker.sides[s]
        out[s] = base | (m if isinstance(m, dict) else
                         {"pelvic_drop_deg": m, "obliquity_range_deg": m})
    return out


def pool_foot(results: list[PassResult]) -> dict[str, SideMetrics]:
    """Foot progression per side over the used footprints of every pass that measured it; when
    none, the most telling reason among the passes (uncertain, few footprints, treadmill, view).

    Parameters
    ----------
    results : list of PassResult
        The passes (``foot`` set on those that measured it).
    """
    out: dict[str, SideMetrics] = {}
    measured = [r.foot for r in results if r.foot is not None]
    for s in SIDES:
        angles = [a for fp in measured for f, a, used in zip(fp.footprints, fp.angle_deg, fp.used,
                                                             strict=True)
                  if used and f.side == s]
        if angles:
            out[s] = {"foot_progression_deg": Estimate.of(angles)}
            continue
        reasons = {fp.sides[s].reason for fp in measured if isinstance(fp.sides[s], NotMeasurable)}
        out[s] = NotMeasurable(next((r for r in ("uncertain", "no_floor", "few_footprints",
                                                 "treadmill") if r in reasons), "view"))
    return out
