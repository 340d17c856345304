"""'Simulate my setup': phantom truth against vidgait's own numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import REPO
from vidgait.phantom import load_truth
from vidgait.phantom.setup import RecordingSetup
from vidgait.simulate import METRICS, metric_errors, simulate_setup


def _est(v: float | None) -> dict | None:
    """An estimate of report.json (one stride), or null."""
    return None if v is None else {"value": v, "sd": None, "n": 1, "ci95": [None, None],
                                   "method": "mean"}


def _report(cadence: float | None, knee_left: float | None) -> dict:
    side = {"stance_pct": _est(60.0), "step_time_s": _est(0.55)}
    sides = ("left", "right")
    return {"spatiotemporal": {"cadence_steps_per_min": cadence, "left": side, "right": side},
            "knee": {s: {"knee_peak_swing_flexion_deg": _est(knee_left if s == "left" else None),
                         "knee_flexion_range_deg": None} for s in sides},
            "pelvis": {s: {"pelvic_drop_deg": None} for s in sides},
            "trunk": {s: {"trunk_lean_over_stance_deg": None} for s in sides}}


def test_metric_errors_are_measured_minus_true() -> None:
    truth = {"cadence_steps_per_min": 105.0,
             "left": {"knee_peak_swing_flexion_deg": 59.0, "stance_pct": 61.0},
             "right": {"knee_peak_swing_flexion_deg": 58.0}}
    rows = {r["metric"]: r for r in metric_errors(_report(103.0, 55.5), truth)}
    assert len(rows) == len(METRICS)
    assert rows["Cadence"]["error"] == pytest.approx(-2.0)
    assert rows["Knee peak flexion left"]["error"] == pytest.approx(-3.5)
    assert rows["Stance left"]["error"] == pytest.approx(-1.0)
    # not measured in this view: no error, never a number
    assert rows["Knee peak flexion right"]["measured"] is None
    assert rows["Knee peak flexion right"]["error"] is None
    # no truth for that metric: no error either
    assert rows["Step time left"]["truth"] is None and rows["Step time left"]["error"] is None


def test_metric_errors_on_a_bundled_sample_report() -> None:
    truth = load_truth(REPO / "sample_videos" / "phantom_side_right_knee_limp.mp4")
    report = _report(truth.summary["cadence_steps_per_min"], None)
    rows = {r["metric"]: r for r in metric_errors(report, truth.summary)}
    assert rows["Cadence"]["error"] == 0.0


@pytest.mark.slow
def test_simulate_a_front_setup_against_its_truth(tmp_path: Path) -> None:
    setup = RecordingSetup(view="front", width=640, height=360, noise=2.0)
    sim = simulate_setup(setup, tmp_path, duration_s=5.0)
    assert sim.video[4:8] == b"ftyp"
    # 640x360 at 8 m: the far half of the walk is small; ~56 % of frames found (measured)
    assert 0.3 < sim.detection["detection_rate"] <= 1.0
    assert sim.detection["median_pct"]["hips"] < 5.0  # % of body height
    rows = {r["metric"]: r for r in sim.errors}
    # a front view measures the trunk lean, not the knee, and no pelvic drop without the pelvis
    # marker (the hip points do not follow the pelvis): the table says so
    assert rows["Knee peak flexion left"]["measured"] is None
    for s in ("left", "right"):
        assert rows[f"Pelvic drop {s}"]["measured"] is None
        assert rows[f"Pelvic drop {s}"]["error"] is None
        assert rows[f"Pelvic drop {s}"]["truth"] is not None
    assert sim.report["pelvis"]["reason"] == "marker_needed"
    measured_trunk = [rows[f"Trunk lean {s}"] for s in ("left", "right")
                      if rows[f"Trunk lean {s}"]["measured"] is not None]
    assert measured_trunk and all(r["error"] is not None for r in measured_trunk)
    assert sim.setup["view"] == "front" and sim.report["view"] == ["toward"]
