"""'Simulate my setup': phantom truth against vidgait's own numbers, and the annotated video."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.helpers import REPO
from vidgait.landmarks import INDEX
from vidgait.phantom import load_truth
from vidgait.phantom.setup import RecordingSetup
from vidgait.render.annotate import blur_face, image_knee_flexion, knee_labels, side_view_mask
from vidgait.render.simulate import METRICS, metric_errors, simulate_setup
from vidgait.sequence import PoseSequence


def _report(cadence: float | None, knee_left: float | None) -> dict:
    side = {"stance_pct": 60.0, "step_time_s": 0.55}
    return {"spatiotemporal": {"cadence_steps_per_min": cadence, "left": side, "right": side},
            "knee": {s: {"peak_swing_flexion_deg": knee_left if s == "left" else None,
                         "flexion_range_deg": None} for s in ("left", "right")},
            "pelvis": {"drop_deg": {"left": None, "right": None}},
            "trunk": {"lean_deg": {"left": None, "right": None}}}


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


def _person(n: int = 4) -> np.ndarray:
    """(n, 33, 2) image landmarks: a straight leg (left) and a 90-deg bent knee (right)."""
    img = np.full((n, 33, 2), 50.0)
    for s, ankle in (("left", (100.0, 300.0)), ("right", (200.0, 200.0))):
        img[:, INDEX[f"{s}_hip"]] = (100.0, 100.0)
        img[:, INDEX[f"{s}_knee"]] = (100.0, 200.0)
        img[:, INDEX[f"{s}_ankle"]] = ankle
    return img


def test_image_knee_flexion() -> None:
    k = image_knee_flexion(_person())
    assert np.allclose(k["left"], 0.0) and np.allclose(k["right"], 90.0)


def test_labels_only_in_side_view_passes() -> None:
    t = np.arange(4) / 2.0  # 0, 0.5, 1, 1.5 s
    mask = side_view_mask(t, [{"view": "side", "start_s": 0.4, "stop_s": 1.1},
                              {"view": "toward", "start_s": 1.2, "stop_s": 2.0}])
    assert mask.tolist() == [False, True, True, False]
    seq = PoseSequence.empty(4, (320, 240), "test", t)
    seq.image[..., :2] = _person()
    seq.found[:] = True
    labels = knee_labels(seq, [{"view": "side", "start_s": 0.4, "stop_s": 1.1}])
    assert np.isnan(labels["right"][[0, 3]]).all() and np.allclose(labels["right"][1:3], 90.0)
    ts = {"t": t, "left_knee_flexion": np.full(4, 12.0), "right_knee_flexion": np.full(4, 34.0)}
    from_series = knee_labels(seq, [{"view": "side", "start_s": 0.0, "stop_s": 2.0}], ts)
    assert np.allclose(from_series["left"], 12.0) and np.allclose(from_series["right"], 34.0)


def test_blur_face_changes_only_the_face_box() -> None:
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 255, (240, 320, 3), dtype=np.uint8)
    before = rgb.copy()
    img = np.full((33, 2), np.nan)
    img[:11] = np.array([150.0, 60.0]) + rng.uniform(-8, 8, (11, 2))
    blur_face(rgb, img)
    changed = np.argwhere((rgb != before).any(axis=2))
    assert changed.size
    assert (np.abs(changed - np.array([60, 150])) < 40).all()
    assert (rgb[200:, :] == before[200:, :]).all()


@pytest.mark.slow
def test_simulate_a_front_setup_against_its_truth(tmp_path: Path) -> None:
    setup = RecordingSetup(view="front", width=640, height=360, noise=2.0)
    sim = simulate_setup(setup, tmp_path, duration_s=5.0)
    assert sim.video[4:8] == b"ftyp"
    # 640x360 at 8 m: the far half of the walk is small; ~56 % of frames found (measured)
    assert 0.3 < sim.detection["detection_rate"] <= 1.0
    assert sim.detection["median_pct"]["hips"] < 5.0  # % of body height
    rows = {r["metric"]: r for r in sim.errors}
    # a front view measures the pelvis and not the knee: the table says so
    assert rows["Knee peak flexion left"]["measured"] is None
    measured_pelvis = [rows[f"Pelvic drop {s}"] for s in ("left", "right")
                       if rows[f"Pelvic drop {s}"]["measured"] is not None]
    assert measured_pelvis and all(r["error"] is not None for r in measured_pelvis)
    assert all(abs(r["error"]) < 10.0 for r in measured_pelvis)
    assert sim.setup["view"] == "front" and sim.report["view"] == ["toward"]
