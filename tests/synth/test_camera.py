"""The one pinhole camera (walker and phantom): projection, OpenGL matrices, the truth-file form."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.helpers import REPO, walker_cameras
from vidgait.phantom import load_truth
from vidgait.synth import Camera, GaitParams, simulate, walkway_centre


@pytest.fixture(scope="module")
def walk():
    """A short normal walk (1 s at 30 fps)."""
    return simulate(GaitParams(duration_s=1.0, fps=30.0))


def test_look_at_point_projects_to_image_centre(walk):
    cam = Camera.side(walkway_centre(walk), on="left", distance=5.0)
    target = np.asarray(cam.look_at)[None]
    assert np.allclose(cam.project(target)[0], [cam.width / 2, cam.height / 2])
    assert cam.depth(target)[0] == pytest.approx(5.0)


@pytest.mark.parametrize("name", ["side", "front", "back", "oblique"])
def test_projection_is_the_pinhole_formula(walk, name):
    cam = walker_cameras(walk)[name]
    lm = walk.landmarks
    rot = cam.rotation()
    np.testing.assert_allclose(rot @ rot.T, np.eye(3), atol=1e-12)  # a rotation
    xc = (lm - np.asarray(cam.position)) @ rot.T
    np.testing.assert_allclose(lm @ rot.T + cam.translation, xc, atol=1e-9)
    np.testing.assert_allclose(cam.to_camera(lm), xc, atol=1e-12)
    np.testing.assert_allclose(cam.depth(lm), xc[..., 2], atol=1e-12)
    uv = cam.focal_px * xc[..., :2] / xc[..., 2:] + np.array([cam.width, cam.height]) / 2
    np.testing.assert_allclose(cam.project(lm), uv, atol=1e-9)
    np.testing.assert_allclose(-rot.T @ cam.translation, cam.position, atol=1e-12)
    np.testing.assert_allclose(cam.forward, rot[2])
    assert (cam.fx, cam.fy, cam.cx, cam.cy) == (cam.focal_px, cam.focal_px, cam.width / 2,
                                                cam.height / 2)


def test_points_behind_the_camera_have_no_pixel(walk):
    cam = walker_cameras(walk)["side"]
    behind = np.asarray(cam.position) - 2.0 * cam.forward
    assert np.isnan(cam.project(behind[None])).all()
    assert cam.depth(behind[None])[0] == pytest.approx(-2.0)


def test_gl_matrices_reproduce_pixel_projection(walk):
    view = walker_cameras(walk)["oblique"]
    pts = walk.landmarks.reshape(-1, 3)
    hom = np.c_[pts, np.ones(len(pts))] @ (view.gl_projection() @ view.gl_view()).T.astype(float)
    ndc = hom[:, :3] / hom[:, 3:]
    win = np.c_[(ndc[:, 0] + 1) / 2 * view.width, (1 - ndc[:, 1]) / 2 * view.height]
    np.testing.assert_allclose(win, view.project(pts), atol=1e-3)
    assert np.all(np.abs(ndc[:, 2]) < 1)  # inside the depth range


@pytest.mark.parametrize("name", ["side", "front", "back", "oblique"])
def test_dict_round_trip(walk, name):
    cam = walker_cameras(walk)[name]
    doc = json.loads(json.dumps(cam.to_dict()))
    assert set(doc) == {"rotation", "translation", "fx", "fy", "cx", "cy", "width", "height"}
    back = Camera.from_dict(doc)
    np.testing.assert_allclose(back.project(walk.landmarks), cam.project(walk.landmarks),
                               atol=1e-9)
    np.testing.assert_allclose(back.rotation(), cam.rotation(), atol=1e-12)
    np.testing.assert_allclose(back.position, cam.position, atol=1e-12)
    assert (back.width, back.height, back.focal_px) == (cam.width, cam.height, cam.focal_px)


def test_shipped_truth_file_rebuilds_its_camera():
    truth = load_truth(REPO / "sample_videos" / "phantom_side_symmetric.truth.json")
    np.testing.assert_allclose(truth.view.project(truth.landmarks_3d), truth.landmarks_2d,
                               atol=2e-3)  # the file keeps 3 decimals of a pixel
    np.testing.assert_allclose(truth.view.position, truth.camera["position"], atol=1e-5)
    assert truth.view.focal_px == pytest.approx(truth.camera["focal_px"], abs=1e-5)


def test_from_dict_refuses_matrices_of_another_model(walk):
    doc = walker_cameras(walk)["side"].to_dict()
    doc["cx"] += 10.0
    with pytest.raises(ValueError, match="principal point"):
        Camera.from_dict(doc)
