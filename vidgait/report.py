"""The gait report: a versioned, documented JSON document built from a gait analysis.

The field list, with units, is in ``docs/report.md``; :data:`SCHEMA_VERSION` changes when a field
changes meaning (major) or is added (minor). Every metric block says whether it was measurable in
the recording; a metric the views cannot support is ``null`` with ``measurable: false`` and a
``note`` saying which view to record, never a confident number.

Sides are the patient's. ``pelvis.drop_deg.<side>`` is how far THAT side's hemipelvis drops below
level during the other leg's single-leg stance (an uncompensated Trendelenburg sign of weak hip
abductors on the OTHER, stance, side). ``trunk.lean_deg.<side>`` is the lean of the trunk toward
that side during that side's stance (a compensated Trendelenburg / Duchenne pattern).
"""

from __future__ import annotations

import math
from typing import Any

from vidgait import __version__
from vidgait.findings import flags, summary
from vidgait.kinematics import GaitAnalysis
from vidgait.sequence import PoseSequence

SCHEMA_VERSION = "1.1"
SIDES = ("left", "right")

#: spatiotemporal fields per side copied from the analysis (all means over accepted strides)
_PER_SIDE = ("step_time_s", "stride_time_s", "stance_pct", "swing_pct", "single_support_pct",
             "double_support_pct", "step_length")
#: symmetry rows: report name -> analysis per-stride metric
_SYMMETRY = {"step_time": "step_time_s", "stance": "stance_time_s",
             "single_support": "single_support_time_s", "swing": "swing_time_s",
             "knee_range": "knee_flexion_range_deg", "hip_range": "hip_flexion_range_deg"}

#: What a front-view pelvic drop from MediaPipe can be trusted for (docs/accuracy.md, docs/phantom.md)
PELVIS_CAUTION = (
    "unverified: on a rendered walking phantom MediaPipe's hip points followed the tilt of the "
    "trunk, not a true 4-10 deg pelvic drop (correlation -0.3 to -0.7 at every size tried), so a "
    "normal value does not rule out a Trendelenburg sign and a high value may come from trunk "
    "lean; confirm clinically")
_FRONT_NOTE = "not measurable in this view: record the patient walking toward or away from the camera"
_SIDE_NOTE = "not measurable in this view: record the patient walking across, side-on to the camera"


def _num(x: Any) -> float | None:
    """A finite float or None (JSON has no NaN)."""
    if isinstance(x, (int, float)) and math.isfinite(x):
        return float(x)
    return None


def _mean(block: Any, key: str) -> float | None:
    """``block[key]["mean"]`` when the analysis measured it, else None."""
    if isinstance(block, dict) and isinstance(block.get(key), dict):
        return _num(block[key].get("mean"))
    return None


def _n(block: Any, key: str) -> int:
    if isinstance(block, dict) and isinstance(block.get(key), dict):
        return int(block[key].get("n") or 0)
    return 0


def _quality(seqs: list[PoseSequence], a: dict[str, Any]) -> dict[str, Any]:
    frames = sum(len(s) for s in seqs)
    found = sum(int(s.found.sum()) for s in seqs)
    return {
        "detected_fraction": found / frames if frames else 0.0,
        "frames": frames,
        "max_people_per_frame": max(int(s.meta.get("max_people_per_frame", 1)) for s in seqs),
        "warnings": list(a.get("warnings", [])),
        "refused_strides": list(a.get("refused", [])),
    }


def _views(a: dict[str, Any]) -> list[str]:
    order = ("side", "toward", "away", "oblique")
    seen = {p["view"] for p in a.get("passes", [])}
    return [v for v in order if v in seen] + sorted(seen - set(order))


def _spatiotemporal(a: dict[str, Any]) -> dict[str, Any]:
    st = a.get("spatiotemporal", {})
    out: dict[str, Any] = {"cadence_steps_per_min": _num(st.get("cadence_steps_per_min"))}
    measurable = out["cadence_steps_per_min"] is not None
    for s in SIDES:
        side = st.get(s)
        out[s] = {k: _mean(side, k) for k in _PER_SIDE}
        out[s]["n_strides"] = _n(side, "stride_time_s")
        out[s]["sd"] = {k: _num(side[k].get("sd")) for k in _PER_SIDE
                        if isinstance(side, dict) and isinstance(side.get(k), dict)}
    for k in ("stride_length", "speed"):
        v = st.get(k)
        out[k] = ({"value": _num(v.get("value")), "unit": v.get("unit")}
                  if isinstance(v, dict) else None)
    out["measurable"] = measurable
    if not measurable:
        out["note"] = "no stride of both legs passed the plausibility checks"
    return out


def _symmetry(a: dict[str, Any]) -> dict[str, Any]:
    metrics = a.get("limp", {}).get("metrics", {}) or {}
    out: dict[str, Any] = {}
    for name, key in _SYMMETRY.items():
        m = metrics.get(key)
        out[name] = None if not isinstance(m, dict) else {
            "si_pct": _num(m.get("si")), "ci95_pct": [_num(m.get("ci_low")), _num(m.get("ci_high"))],
            "floor_pct": _num(m.get("floor")), "n_left": m.get("n_left"),
            "n_right": m.get("n_right")}
    out["swing_gait_asymmetry_pct"] = _num(a.get("limp", {}).get("gait_asymmetry_swing"))
    return out


def _limp(a: dict[str, Any]) -> dict[str, Any]:
    lp = a.get("limp", {})
    verdict = lp.get("verdict", "not measurable")
    measurable = verdict != "not measurable"
    return {
        "measurable": measurable,
        "detected": (verdict == "limp") if measurable else None,
        "verdict": verdict,
        "favoured_side": lp.get("favoured_side"),
        "suspected_painful_side": lp.get("suspected_painful_side"),
        "index": _num(lp.get("size_si")),
        "index_measure": "symmetry index of stance time, % (negative: right stance shorter)",
        "confidence": _num(lp.get("confidence")),
        "explanation": lp.get("explanation", ""),
    }


def _pelvis_trunk(a: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    pv = a.get("pelvis", {})
    sides = {s: pv.get(s) if isinstance(pv.get(s), dict) else {} for s in SIDES}
    drop = {s: _mean(sides[s], "pelvic_drop_deg") for s in SIDES}
    lean = {s: _mean(sides[s], "trunk_lean_over_stance_deg") for s in SIDES}
    ranges = [v for v in (_mean(sides[s], "obliquity_range_deg") for s in SIDES) if v is not None]
    rotation = {s: _mean(sides[s], "hip_rotation_swing_deg") for s in SIDES}
    fpa = {s: _mean(sides[s], "foot_progression_deg") for s in SIDES}
    valgus = {s: _mean(sides[s], "knee_valgus_stance_deg") for s in SIDES}
    pelvis_ok = any(v is not None for v in drop.values())
    pelvis = {"measurable": pelvis_ok, "obliquity_range_deg": max(ranges) if ranges else None,
              "drop_deg": drop, "caution": PELVIS_CAUTION if pelvis_ok else None}
    trunk = {"measurable": any(v is not None for v in lean.values()), "lean_deg": lean}
    for block in (pelvis, trunk):
        if not block["measurable"]:
            block["note"] = _FRONT_NOTE
    transverse = {"rotation_deg": rotation, "foot_progression_deg": fpa,
                  "measurable": any(v is not None for v in rotation.values()),
                  "knee_valgus_deg": valgus}
    return pelvis, trunk, transverse


def _knee_hip(a: dict[str, Any], transverse: dict[str, Any]) -> tuple[dict, dict]:
    kin = a.get("kinematics", {})
    knee: dict[str, Any] = {}
    hip: dict[str, Any] = {}
    unc = a.get("uncertainty", {})
    for s in SIDES:
        k = kin.get(s) if isinstance(kin.get(s), dict) else {}
        knee[s] = {"peak_swing_flexion_deg": _mean(k, "knee_peak_swing_flexion_deg"),
                   "flexion_range_deg": _mean(k, "knee_flexion_range_deg"),
                   "uncertainty_deg": _num(unc.get(s, {}).get("knee_flexion")),
                   "valgus_stance_deg": transverse["knee_valgus_deg"][s],
                   "valgus_uncertainty_deg": _num(unc.get(s, {}).get("knee_valgus"))}
        hip[s] = {"flexion_range_deg": _mean(k, "hip_flexion_range_deg"),
                  "flexion_reference": "relative to the trunk line (side view)",
                  "rotation_deg": transverse["rotation_deg"][s],
                  "foot_progression_deg": transverse["foot_progression_deg"][s]}
    knee["measurable"] = any(knee[s]["peak_swing_flexion_deg"] is not None for s in SIDES)
    if not knee["measurable"]:
        knee["note"] = _SIDE_NOTE
    knee["valgus_measurable"] = any(knee[s]["valgus_stance_deg"] is not None for s in SIDES)
    knee["valgus_note"] = (
        "knee valgus (+) / varus (-) in single-leg stance: the 2-D frontal-plane projection angle "
        "(FPPA) from a front/back view, not a 3-D joint angle; it mixes in knee flexion and hip "
        "rotation; compare left with right and over sessions" if knee["valgus_measurable"]
        else _FRONT_NOTE)
    hip["rotation_measurable"] = transverse["measurable"]
    hip["rotation_note"] = (
        "hip rotation from one camera is weak: MediaPipe depth, relative left/right comparison "
        "and within-session change only, never a lab-grade absolute angle (normal excursion "
        "~6.5 deg, between-person SD ~9.5 deg; Schwartz 2008)")
    return knee, hip


def build_report(analysis: GaitAnalysis, seqs: list[PoseSequence], *,
                 height_cm: float | None = None) -> dict[str, Any]:
    """The report dict (JSON-ready; documented field by field in ``docs/report.md``)."""
    a = analysis.to_dict()
    fl = flags(analysis)
    pelvis, trunk, transverse = _pelvis_trunk(a)
    knee, hip = _knee_hip(a, transverse)
    spatio = _spatiotemporal(a)
    limp = _limp(a)
    report: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generator": f"vidgait {__version__}",
        "inputs": [{"source": s.meta.get("source", ""), "frames": len(s),
                    "duration_s": s.duration_s, "fps": s.fps, "model": s.model,
                    "frame_size": list(s.frame_size)} for s in seqs],
        "height_cm": height_cm,
        "view": _views(a),
        "quality": _quality(seqs, a),
        "spatiotemporal": spatio,
        "symmetry": _symmetry(a),
        "limp": limp,
        "pelvis": pelvis,
        "trunk": trunk,
        "knee": knee,
        "hip": hip,
        "events": a.get("events", {}),
        "cycles": a.get("cycles", {}),
        "passes": a.get("passes", []),
        "flags": fl,
        "summary": summary(analysis, fl),
        "trust": a.get("trust", {}),
    }
    report["measurable"] = {
        "spatiotemporal": spatio["measurable"], "limp": limp["measurable"],
        "pelvis": pelvis["measurable"], "trunk": trunk["measurable"],
        "knee": knee["measurable"], "knee_valgus": knee["valgus_measurable"],
        "hip_rotation": hip["rotation_measurable"]}
    return report
