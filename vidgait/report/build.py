"""The one serializer: a :class:`~vidgait.kinematics.GaitAnalysis` (the core's typed values) and
its findings into ``report.json`` (:class:`~vidgait.report.model.Report`).

Every metric block says whether the recording could measure it; a metric the views cannot support
is ``null`` with ``measurable: false`` and a ``note`` saying which view to record, never a
confident number. Sides are the patient's. ``pelvis.<side>.pelvic_drop_deg`` is how far THAT
side's hemipelvis drops below level during the other leg's single-leg stance (an uncompensated
Trendelenburg sign of weak hip abductors on the OTHER, stance, side); it needs the pelvis
marker: from the landmarks (``pelvis.method`` "landmarks") it is null with ``pelvis.reason``
"marker_needed". ``trunk.<side>.trunk_lean_over_stance_deg`` is the lean of the trunk toward
that side during its stance (a compensated Trendelenburg / Duchenne pattern).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import vidgait.report.model as m
from vidgait import __version__
from vidgait.findings import flags, summary
from vidgait.findings.words import (
    FRONT_NOTE,
    SIDE_NOTE,
    limp_explanation,
    not_measurable_text,
    notice_text,
    pelvis_note,
    refusal_text,
    trust,
)
from vidgait.kinematics import GaitAnalysis, NotMeasurable, Quantity
from vidgait.kinematics import results as core
from vidgait.kinematics.conventions import SIDES
from vidgait.kinematics.footprog import difference_of
from vidgait.sequence import PoseSequence

_VALGUS_NOTE = (
    "knee valgus (+) / varus (-) in single-leg stance: the 2-D frontal-plane projection angle "
    "(FPPA) from a front/back view, not a 3-D joint angle; it mixes in knee flexion and hip "
    "rotation; compare left with right and over sessions")
_ROTATION_NOTE = (
    "hip rotation from one camera is weak: MediaPipe depth, relative left/right comparison and "
    "within-session change only, never a lab-grade absolute angle (normal excursion ~6.5 deg, "
    "between-person SD ~9.5 deg; Schwartz 2008)")
#: What the foot progression angle can be trusted for (docs/accuracy.md, "Foot progression")
_FOOT_NOTE = (
    "foot progression in mid-stance, toe out positive, from the planted feet mapped onto the "
    "floor plane (walking toward or away from the camera; strides seen too foreshortened are "
    "left out); on a rendered walking phantom MediaPipe read the feet 2.0-6.5 deg toward toe-in "
    "from the front (the left-right difference within 3.5 deg) and found too few planted feet "
    "from behind: compare left with right and over sessions rather than with the normal range")
_SYMMETRY = ("step_time_s", "stance_time_s", "single_support_time_s", "swing_time_s",
             "knee_flexion_range_deg", "hip_flexion_range_deg")
_VIEW_ORDER = ("side", "toward", "away", "oblique")


def _num(x: Any) -> float | None:
    """A finite float or None (JSON has no NaN)."""
    if isinstance(x, (int, float, np.floating, np.integer)) and math.isfinite(float(x)):
        return float(x)
    return None


def _est(e: core.Estimate | None) -> m.Estimate | None:
    if e is None:
        return None
    return m.Estimate(value=_num(e.value), sd=_num(e.sd), n=e.n,
                      ci95=(_num(e.ci95[0]), _num(e.ci95[1])), method=e.method)


def _side_est(a: GaitAnalysis, block: str, side: str, metric: str) -> m.Estimate | None:
    return _est(a.estimate(block, side, metric))


def _spatiotemporal(a: GaitAnalysis, height_cm: float | None) -> m.Spatiotemporal:
    sp = a.spatiotemporal
    sides = {}
    for s in SIDES:
        fields = {k: _side_est(a, "spatiotemporal", s, k) for k in m.SideTiming.model_fields
                  if k != "n_strides"}
        stride = a.estimate("spatiotemporal", s, "stride_time_s")
        sides[s] = m.SideTiming(**fields, n_strides=stride.n if stride else 0)
    measurable = not isinstance(sp.cadence_steps_per_min, NotMeasurable)
    return m.Spatiotemporal(
        measurable=measurable,
        note=None if measurable else not_measurable_text(sp.cadence_steps_per_min),
        cadence_steps_per_min=_num(sp.cadence_steps_per_min) if measurable else None,
        length_unit="m" if height_cm else "leg lengths",
        stride_length=(_num(sp.stride_length.value) if isinstance(sp.stride_length, Quantity)
                       else None),
        speed=_num(sp.speed.value) if isinstance(sp.speed, Quantity) else None, **sides)


def _symmetry(a: GaitAnalysis) -> m.SymmetryBlock:
    rows = {}
    for name in _SYMMETRY:
        r = a.limp.metrics.get(name)
        rows[name] = None if r is None else m.Symmetry(
            si_pct=_num(r.si), ci95_pct=(_num(r.ci_low), _num(r.ci_high)),
            floor_pct=_num(r.floor), n_left=r.n_left, n_right=r.n_right)
    return m.SymmetryBlock(**rows, swing_gait_asymmetry_pct=_num(a.limp.gait_asymmetry_swing))


def _limp(a: GaitAnalysis) -> m.Limp:
    lp = a.limp
    measurable = lp.verdict != "not measurable"
    return m.Limp(
        measurable=measurable, detected=(lp.verdict == "limp") if measurable else None,
        verdict=lp.verdict, reason=lp.reason, favoured_side=lp.favoured_side,
        suspected_painful_side=lp.suspected_painful_side, index=_num(lp.size_si),
        basis=lp.basis, index_measure=(
            "symmetry index of stance time, % (negative: right stance shorter)"
            if lp.basis == "stance_time_s" else
            "symmetry index of step time, % (negative: right step shorter)"),
        confidence=_num(lp.confidence), explanation=limp_explanation(lp))


def _marker(a: GaitAnalysis) -> m.Marker | None:
    mk = a.marker
    if mk is None:
        return None
    steps = mk.steps
    return m.Marker(
        tag_id=mk.tag_id, size_mm=mk.size_mm, seen_share=mk.seen_share,
        frames=mk.status_counts, zero=mk.zero, zero_offset_deg=mk.zero_offset_deg,
        standing_s=mk.standing_s, camera_assumed=mk.camera_assumed,
        contacts=0 if steps is None else len(steps.contacts_s),
        side_agreement=None if steps is None else _num(steps.side_agreement))


def _pelvis_trunk(a: GaitAnalysis) -> tuple[m.Pelvis, m.Trunk]:
    pel = {s: m.PelvisSide(pelvic_drop_deg=_side_est(a, "pelvis", s, "pelvic_drop_deg"),
                           obliquity_range_deg=_side_est(a, "pelvis", s, "obliquity_range_deg"))
           for s in SIDES}
    trunk = {s: m.TrunkSide(trunk_lean_over_stance_deg=_side_est(
        a, "pelvis", s, "trunk_lean_over_stance_deg")) for s in SIDES}
    drop_ok = any(pel[s].pelvic_drop_deg is not None for s in SIDES)
    lean_ok = any(trunk[s].trunk_lean_over_stance_deg is not None for s in SIDES)
    ranges = [e.value for s in SIDES if (e := pel[s].obliquity_range_deg) is not None
              and e.value is not None]
    # why there is no pelvic drop: "marker_needed" from the landmarks, "view" without a pass
    why = None if drop_ok else next(
        (x for s in SIDES if isinstance(x := a.measure("pelvis", s, "pelvic_drop_deg"),
                                        NotMeasurable)), NotMeasurable("no_strides"))
    pelvis = m.Pelvis(measurable=drop_ok, note=None if why is None else pelvis_note(why),
                      method=a.pelvis_method, reason=None if why is None else why.reason,
                      caution=None, obliquity_range_deg=max(ranges) if ranges else None,
                      marker=_marker(a), **pel)
    lean_why = a.measure("pelvis", "left", "trunk_lean_over_stance_deg")
    lean_note = (not_measurable_text(lean_why) if isinstance(lean_why, NotMeasurable)
                 and lean_why.reason == "mirrored" else FRONT_NOTE)
    return pelvis, m.Trunk(measurable=lean_ok, note=None if lean_ok else lean_note, **trunk)


def _knee_hip(a: GaitAnalysis) -> tuple[m.Knee, m.Hip]:
    knee, hip = {}, {}
    for s in SIDES:
        unc = a.uncertainty.get(s, {})
        knee[s] = m.KneeSide(
            knee_peak_swing_flexion_deg=_side_est(a, "kinematics", s,
                                                  "knee_peak_swing_flexion_deg"),
            knee_flexion_range_deg=_side_est(a, "kinematics", s, "knee_flexion_range_deg"),
            knee_flexion_contact_deg=_side_est(a, "kinematics", s, "knee_flexion_contact_deg"),
            knee_flexion_uncertainty_deg=_num(unc.get("knee_flexion")),
            knee_valgus_stance_deg=_side_est(a, "pelvis", s, "knee_valgus_stance_deg"),
            knee_valgus_uncertainty_deg=_num(unc.get("knee_valgus")))
        hip[s] = m.HipSide(
            hip_flexion_range_deg=_side_est(a, "kinematics", s, "hip_flexion_range_deg"),
            hip_rotation_swing_deg=_side_est(a, "pelvis", s, "hip_rotation_swing_deg"),
            foot_progression_deg=_side_est(a, "foot", s, "foot_progression_deg"))
    knee_ok = any(knee[s].knee_peak_swing_flexion_deg is not None for s in SIDES)
    valgus_ok = any(knee[s].knee_valgus_stance_deg is not None for s in SIDES)
    rotation_ok = any(hip[s].hip_rotation_swing_deg is not None for s in SIDES)
    return (m.Knee(measurable=knee_ok, note=None if knee_ok else SIDE_NOTE,
                   valgus_measurable=valgus_ok,
                   valgus_note=_VALGUS_NOTE if valgus_ok else FRONT_NOTE, **knee),
            m.Hip(flexion_reference="relative to the trunk line (side view)",
                  rotation_measurable=rotation_ok, rotation_note=_ROTATION_NOTE,
                  **_foot_progression(a), **hip))


def _foot_progression(a: GaitAnalysis) -> dict[str, Any]:
    """The Hip block's foot progression fields: measurable, note, left - right and its interval."""
    est = {s: a.estimate("foot", s, "foot_progression_deg") for s in SIDES}
    ok = any(e is not None for e in est.values())
    diff, ci = (difference_of(est["left"], est["right"]) if all(est.values())
                 else (None, (None, None)))
    missing = [not_measurable_text(a.foot[s]) for s in SIDES
               if isinstance(a.foot.get(s), NotMeasurable) and a.foot[s].reason != "view"]
    note = _FOOT_NOTE if ok else (missing[0] if missing else FRONT_NOTE)
    return {"foot_progression_measurable": ok, "foot_progression_note": note,
            "foot_progression_difference_deg": _num(diff),
            "foot_progression_difference_ci95": (_num(ci[0]), _num(ci[1]))}


def _curve(c: core.Curve) -> m.Curve:
    return m.Curve(mean=[_num(v) for v in c.mean], sd=[_num(v) for v in c.sd], n=c.n)


def _quality(seqs: list[PoseSequence], a: GaitAnalysis) -> m.Quality:
    frames = sum(len(s) for s in seqs)
    found = sum(int(s.found.sum()) for s in seqs)
    return m.Quality(
        detected_fraction=found / frames if frames else 0.0, frames=frames,
        max_people_per_frame=max(int(s.meta.get("max_people_per_frame", 1)) for s in seqs),
        warnings=[notice_text(n) for n in a.notices],
        refused_strides=[refusal_text(r) for r in a.refused])


def report_model(analysis: GaitAnalysis, seqs: list[PoseSequence], *,
                 height_cm: float | None = None) -> m.Report:
    """The typed report of an analysis (validated on construction).

    Parameters
    ----------
    analysis : GaitAnalysis
        The core's measurement of the session.
    seqs : list of PoseSequence
        Its clips, in the order analysed.
    height_cm : float, optional
        Patient height, cm, as given to the analysis.

    Returns
    -------
    vidgait.report.model.Report
    """
    a = analysis
    fl = flags(a)
    pelvis, trunk = _pelvis_trunk(a)
    knee, hip = _knee_hip(a)
    spatio = _spatiotemporal(a, height_cm)
    limp = _limp(a)
    seen = a.views
    return m.Report(
        schema_version=m.SCHEMA_VERSION, generator=f"vidgait {__version__}",
        inputs=[m.Input(source=s.meta.get("source", ""), frames=len(s), duration_s=s.duration_s,
                        fps=s.fps, model=s.model,
                        frame_size=(int(s.frame_size[0]), int(s.frame_size[1]))) for s in seqs],
        height_cm=height_cm,
        view=[v for v in _VIEW_ORDER if v in seen] + sorted(seen - set(_VIEW_ORDER)),
        quality=_quality(seqs, a), spatiotemporal=spatio, symmetry=_symmetry(a), limp=limp,
        pelvis=pelvis, trunk=trunk, knee=knee, hip=hip,
        events={s: m.Events(heel_strike_s=list(a.events[s]["heel_strike_s"]),
                            toe_off_s=list(a.events[s]["toe_off_s"])) for s in SIDES},
        cycles={s: {k: _curve(c) for k, c in a.cycles[s].items()} for s in SIDES},
        passes=[m.Pass(**vars(p)) for p in a.passes], flags=[m.Flag(**f) for f in fl],
        summary=summary(a, fl), trust=trust(seen),
        measurable=m.Measurable(spatiotemporal=spatio.measurable, limp=limp.measurable,
                                pelvis=pelvis.measurable, trunk=trunk.measurable,
                                knee=knee.measurable, knee_valgus=knee.valgus_measurable,
                                hip_rotation=hip.rotation_measurable,
                                foot_progression=hip.foot_progression_measurable))


def build_report(analysis: GaitAnalysis, seqs: list[PoseSequence], *,
                 height_cm: float | None = None) -> dict[str, Any]:
    """``report.json`` as a plain dict (JSON-ready, documented in ``docs/report.md``).

    Parameters
    ----------
    analysis : GaitAnalysis
        The core's measurement of the session.
    seqs : list of PoseSequence
        Its clips, in the order analysed.
    height_cm : float, optional
        Patient height, cm, as given to the analysis.

    Returns
    -------
    dict
        :func:`report_model` dumped to JSON types (no NaN: null).
    """
    return report_model(analysis, seqs, height_cm=height_cm).model_dump(mode="json")
