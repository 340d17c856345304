"""The truth file: round trip, and foreign or future files refused."""

from __future__ import annotations

import json

import numpy as np
import pytest

from vidgait.phantom import PhantomTruth, load_truth, save_truth, truth_path_for
from vidgait.synth import Camera


def _fake_truth(n=4):
    rng = np.random.default_rng(1)
    view = Camera((0, -5, 1), (0, 0, 1), (0, 0, 1), focal_px=500, width=64, height=48)
    lm = rng.normal(size=(n, 33, 3))
    return PhantomTruth(t=np.arange(n) / 30, landmarks_3d=lm, landmarks_2d=view.project(lm),
                        depth=view.depth(lm), height_px=np.full(n, 100.0), height_m=1.7,
                        fps=30.0, view=view, joints_3d={"pelvis": lm[:, 0]},
                        joints_2d={"pelvis": view.project(lm[:, 0])},
                        angles={"left": {"knee_flexion": rng.normal(size=n)}},
                        events={"left": {"heel_strike_s": np.array([0.1])}},
                        summary={"speed_m_s": 1.25, "limp_side": None},
                        params={"height_m": 1.7}, video={"file": "x.mp4"})


def test_truth_round_trip(tmp_path):
    truth = _fake_truth()
    path = save_truth(truth, truth_path_for(tmp_path / "clip.mp4"))
    assert path.name == "clip.truth.json"
    back = load_truth(tmp_path / "clip.mp4")
    np.testing.assert_allclose(back.landmarks_3d, truth.landmarks_3d, atol=1e-5)
    np.testing.assert_allclose(back.landmarks_2d, truth.landmarks_2d, atol=1e-3)
    np.testing.assert_allclose(back.joints_3d["pelvis"], truth.joints_3d["pelvis"], atol=1e-5)
    np.testing.assert_allclose(back.t, truth.t, atol=1e-6)
    assert back.angles["left"]["knee_flexion"] == pytest.approx(
        truth.angles["left"]["knee_flexion"], abs=1e-4)
    assert back.events["left"]["heel_strike_s"] == [0.1]
    assert back.summary == {"speed_m_s": 1.25, "limp_side": None}
    np.testing.assert_allclose(back.view.project(back.landmarks_3d), back.landmarks_2d, atol=1e-2)


def test_truth_loader_rejects_other_json(tmp_path):
    p = tmp_path / "x.truth.json"
    p.write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(ValueError, match="not a vidgait phantom truth"):
        load_truth(p)
    doc = _fake_truth().to_json_dict()
    doc["format_version"] = 99
    p.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="version"):
        load_truth(p)


def test_truth_without_a_marker_has_no_marker_entry(tmp_path):
    """Clips without the card write what they wrote before, and old files load."""
    doc = _fake_truth().to_json_dict()
    assert "marker" not in doc
    p = tmp_path / "old.truth.json"
    p.write_text(json.dumps(doc))
    assert load_truth(p).marker is None


def test_truth_round_trip_with_marker(tmp_path, walk):
    from vidgait.phantom import CardPlacement, card_track, marker_truth

    cam = Camera.back(walk.joints["pelvis"][0] * [1, 1, 0], distance=4.0, width=1280, height=720)
    truth = _fake_truth(len(walk.t))
    truth.marker = marker_truth(card_track(walk, CardPlacement(offset_mm=(10, 0), roll_deg=3)),
                                cam, visible=np.linspace(0, 1, len(walk.t)))
    back = load_truth(save_truth(truth, tmp_path / "m.truth.json")).marker
    m = truth.marker
    assert back["placement"]["offset_mm"] == [10.0, 0.0] and back["placement"]["roll_deg"] == 3
    assert back["intrinsics_cv"]["cx"] == 639.5 and back["tag_id"] == 0
    for key, atol in (("corners_cv_px", 1e-4), ("corners_px", 1e-4), ("rotation", 1e-8),
                      ("rvec", 1e-8), ("tvec", 1e-6), ("roll_deg", 1e-5), ("yaw_deg", 1e-5),
                      ("distance_m", 1e-6), ("visible", 1e-4), ("centre_3d", 1e-6)):
        assert back[key].shape == np.shape(m[key]), key
        np.testing.assert_allclose(back[key], m[key], atol=atol, err_msg=key)
    assert back["facing"].dtype == bool and back["facing"].all() and back["in_image"].all()
