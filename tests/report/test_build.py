"""report.json: the documented fields, measurability, and numbers that match the analysis."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from tests.helpers import REPO, walker_report
from vidgait.kinematics import analyze
from vidgait.report import SCHEMA_VERSION, build_report, value
from vidgait.synth import Camera, GaitParams, simulate, to_pose_sequence, walkway_centre

REQUIRED = [
    "schema_version", "view", "quality.detected_fraction", "quality.warnings",
    "spatiotemporal.cadence_steps_per_min", "symmetry", "limp.detected", "limp.favoured_side",
    "limp.suspected_painful_side", "limp.index", "limp.reason", "limp.explanation",
    "pelvis.method", "pelvis.reason", "pelvis.obliquity_range_deg", "pelvis.left.pelvic_drop_deg",
    "pelvis.right.pelvic_drop_deg",
    "trunk.left.trunk_lean_over_stance_deg", "trunk.right.trunk_lean_over_stance_deg",
    "knee.left.knee_peak_swing_flexion_deg", "knee.right.knee_peak_swing_flexion_deg",
    "hip.left.hip_flexion_range_deg", "hip.right.hip_flexion_range_deg",
    "hip.left.hip_rotation_swing_deg", "hip.right.hip_rotation_swing_deg",
    "hip.left.foot_progression_deg", "hip.right.foot_progression_deg",
    "hip.foot_progression_measurable", "hip.foot_progression_difference_deg",
    "events.left.heel_strike_s", "events.right.toe_off_s", "summary", "measurable",
] + [f"spatiotemporal.{s}.{k}" for s in ("left", "right")
     for k in ("step_time_s", "stance_pct", "swing_pct", "n_strides")]


def get(d: dict, dotted: str):
    for part in dotted.split("."):
        d = d[part]
    return d


def report_for(params: GaitParams, view: str, height_cm: float | None = 170.0, *,
               marker: bool = False) -> dict:
    return walker_report(params, view, height_cm=height_cm, marker=marker)


@pytest.fixture(scope="module")
def limp_side() -> dict:
    return report_for(GaitParams(duration_s=12, painful_side="right", limp_severity=0.8), "side")


@pytest.fixture(scope="module")
def trendelenburg_front() -> dict:
    return report_for(GaitParams(duration_s=12, path="toward", trendelenburg_side="left",
                                 pelvic_drop_deg=8.0), "front")


def test_required_fields_and_strict_json(limp_side: dict) -> None:
    for field in REQUIRED:
        get(limp_side, field)  # KeyError names the missing field
    assert limp_side["schema_version"] == SCHEMA_VERSION
    json.dumps(limp_side, allow_nan=False)  # no NaN in the file


def test_every_field_is_documented(limp_side: dict) -> None:
    doc = (REPO / "docs" / "report.md").read_text()
    for field in REQUIRED:
        generic = re.sub(r"\.(left|right)\b", ".<side>", field)
        assert f"`{field}" in doc or f"`{generic}" in doc, field


def test_side_view_limp_is_reported_on_the_right_side(limp_side: dict) -> None:
    lp = limp_side["limp"]
    assert lp["measurable"] and lp["detected"] is True
    assert lp["suspected_painful_side"] == "right" and lp["favoured_side"] == "left"
    assert lp["index"] < 0  # right stance shorter
    st = limp_side["spatiotemporal"]
    assert value(st["left"], "stance_pct") > value(st["right"], "stance_pct")
    assert 100 < st["cadence_steps_per_min"] < 110
    assert st["length_unit"] == "m" and np.isfinite(st["speed"])  # speed in m/s
    # a side view cannot measure the pelvis: said, not guessed (and how to get the drop)
    pv = limp_side["pelvis"]
    assert pv["measurable"] is False and "pelvis marker" in pv["note"]
    assert pv["method"] is None and pv["reason"] == "view"
    assert [limp_side["pelvis"][s]["pelvic_drop_deg"] for s in ("left", "right")] == [None, None]
    assert value(limp_side["knee"]["right"], "knee_peak_swing_flexion_deg") < \
        value(limp_side["knee"]["left"], "knee_peak_swing_flexion_deg") - 5  # the stiff right knee


def test_front_view_trendelenburg(trendelenburg_front: dict) -> None:
    """Without the pelvis marker the hip landmarks give no pelvic drop: refused with its reason
    and how to get it; the trunk lean (from the shoulders) is there.
    """
    pv = trendelenburg_front["pelvis"]
    assert pv["measurable"] is False and trendelenburg_front["measurable"]["pelvis"] is False
    assert pv["method"] == "landmarks" and pv["reason"] == "marker_needed"
    assert all(pv[s][k] is None for s in ("left", "right")
               for k in ("pelvic_drop_deg", "obliquity_range_deg"))
    assert pv["obliquity_range_deg"] is None and pv["caution"] is None
    assert "needs the pelvis marker" in pv["note"] and "vidgait marker -o marker.pdf" in pv["note"]
    assert not any(f["metric"] == "pelvic_drop_deg" for f in trendelenburg_front["flags"])
    assert trendelenburg_front["trunk"]["measurable"] and all(
        value(trendelenburg_front["trunk"][s], "trunk_lean_over_stance_deg") is not None
        for s in ("left", "right"))
    assert trendelenburg_front["knee"]["measurable"] is False
    # the front view gives the knee's frontal-plane angle (the walker's knees are straight: ~0)
    knee = trendelenburg_front["knee"]
    assert knee["valgus_measurable"] and trendelenburg_front["measurable"]["knee_valgus"]
    assert all(abs(value(knee[s], "knee_valgus_stance_deg")) < 2 for s in ("left", "right"))
    assert "FPPA" in knee["valgus_note"]


def test_a_marker_pelvis_is_reported_with_its_side() -> None:
    """With the pelvis marker's drop (the walker's true hip line standing in for it) the block is
    measurable: weak LEFT abductors, the RIGHT hemipelvis drops during left single-leg stance.
    """
    rep = report_for(GaitParams(duration_s=12, path="toward", trendelenburg_side="left",
                                pelvic_drop_deg=8.0), "front", marker=True)
    pv = rep["pelvis"]
    assert pv["measurable"] and pv["method"] == "marker" and pv["reason"] is None
    assert pv["note"] is None and pv["caution"] is None
    assert value(pv["right"], "pelvic_drop_deg") > value(pv["left"], "pelvic_drop_deg") + 3
    assert any(f["metric"] == "pelvic_drop_deg" and f["side"] == "right" for f in rep["flags"])


def test_side_view_has_no_knee_valgus(limp_side: dict) -> None:
    knee = limp_side["knee"]
    assert knee["valgus_measurable"] is False
    assert knee["left"]["knee_valgus_stance_deg"] is None and "toward" in knee["valgus_note"]


def test_lengths_in_leg_lengths_without_height() -> None:
    rep = report_for(GaitParams(duration_s=10), "side", height_cm=None)
    assert rep["spatiotemporal"]["length_unit"] == "leg lengths"
    assert rep["height_cm"] is None
    assert np.isfinite(rep["spatiotemporal"]["stride_length"])


def test_person_leaving_the_frame_keeps_the_rest() -> None:
    truth = simulate(GaitParams(duration_s=12))
    seq = to_pose_sequence(truth, Camera.side(walkway_centre(truth), distance=8.0), seed=2)
    cut = len(seq) * 2 // 3
    expected = seq.found[:cut].sum() / len(seq)
    seq.found[cut:] = False  # the patient walked out of the picture
    seq.image[cut:] = np.nan
    seq.world[cut:] = np.nan
    rep = build_report(analyze(seq), [seq])
    assert rep["quality"]["detected_fraction"] == pytest.approx(expected)
    assert rep["spatiotemporal"]["measurable"]
    last_event = max(rep["events"]["left"]["heel_strike_s"]
                     + rep["events"]["right"]["heel_strike_s"])
    assert last_event < seq.t[cut]  # nothing invented after the patient left


def test_a_walk_away_with_the_pelvis_marker_is_reported_with_its_quality() -> None:
    """The marker's pelvis and timing in report.json: method, quality block, step-time limp
    basis; valid against the shipped schema; the command line's summary says how often the
    marker was measured.
    """
    import jsonschema

    from tests.helpers import rear_with_marker
    from vidgait.outputs import text_summary

    _, seq = rear_with_marker(GaitParams(duration_s=10, fps=30, path="away",
                                         painful_side="right", limp_severity=0.8), noise_px=1.5)
    rep = build_report(analyze(seq, height_cm=170), [seq], height_cm=170)
    schema = json.loads((REPO / "docs" / "report.schema.json").read_text())
    jsonschema.validate(json.loads(json.dumps(rep)), schema)
    pel = rep["pelvis"]
    assert pel["method"] == "marker" and pel["measurable"]
    mk = pel["marker"]
    assert mk["seen_share"] == 1.0 and set(mk["frames"]) == {"measured"}
    assert mk["zero"] == "walk_mean" and mk["contacts"] >= 14 and mk["side_agreement"] == 1.0
    assert rep["limp"]["basis"] == "step_time_s" and rep["limp"]["suspected_painful_side"] == \
        "right"
    assert "step time" in rep["limp"]["index_measure"]
    assert any("level taken as the walk's mean" in s for s in rep["summary"])
    text = text_summary(rep)
    assert "pelvis marker (120 mm): measured in 100 % of the" in text
