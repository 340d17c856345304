"""The floor plane (:mod:`vidgait.kinematics.floor`): image points mapped onto it, and the plane
found from a walk by a camera that is pitched and rolled, against the synthetic camera's truth.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tests.helpers import walk_in_view
from vidgait.kinematics.floor import (
    Floor,
    fit_floor,
    floor_basis,
    normal_of,
    on_floor,
    stride_mean,
)
from vidgait.kinematics.footprints import find_footprints, stride_frames
from vidgait.kinematics.signal import condition
from vidgait.kinematics.view import find_passes
from vidgait.landmarks import INDEX
from vidgait.lens import pinhole
from vidgait.synth import Camera, to_pose_sequence


def tilted(cam: Camera, pitch_deg: float, roll_deg: float) -> Camera:
    """``cam`` turned to look ``pitch_deg`` further down and rolled ``roll_deg`` about its axis
    (its top toward its right, so that the lab's up leans to the image's LEFT).
    """
    pos = np.asarray(cam.position, float)
    f = np.asarray(cam.look_at, float) - pos
    f /= np.linalg.norm(f)
    right = np.cross(f, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    p, r = np.radians(pitch_deg), np.radians(roll_deg)
    f2 = np.cos(p) * f - np.sin(p) * np.array([0.0, 0.0, 1.0])
    up = np.cross(right, f2)
    return Camera(tuple(pos), tuple(pos + f2), tuple(np.cos(r) * up + np.sin(r) * right),
                  cam.focal_px, cam.width, cam.height)


def up_in_camera(cam: Camera) -> np.ndarray:
    """The lab's up direction in the camera's axes: the floor's true normal."""
    return cam.rotation() @ np.array([0.0, 0.0, 1.0])


def test_on_floor_undoes_the_projection_at_any_height():
    cam = tilted(Camera.back((0, 0, 0), distance=5.0, cam_height=1.3, width=1080, height=1920,
                             vertical_fov_deg=60.0), 8.0, 3.0)
    lens = pinhole(cam.width, cam.height, 60.0)
    rng = np.random.default_rng(0)
    pts = np.column_stack([rng.uniform(-2, 3, 50), rng.uniform(-1, 1, 50), np.zeros(50)])
    for z in (0.0, 0.4):
        lab = pts + np.array([0.0, 0.0, z])
        got = on_floor(cam.project(lab), up_in_camera(cam), lens, height=z / 1.3)
        # camera axes, in units of the camera's height above the floor
        assert np.allclose(got, cam.to_camera(lab) / 1.3, atol=1e-9)
    # a point above the horizon never meets the floor in front of the camera
    assert np.isnan(on_floor(np.array([540.0, 0.0]), up_in_camera(cam), lens)).all()


def test_normal_and_basis_conventions():
    level = normal_of(0.0, 0.0)
    assert np.allclose(level, [0.0, -1.0, 0.0])  # up is image-up for a level camera
    f, left = floor_basis(level, np.array([0.0, 0.3, 1.0]))
    assert np.allclose(f, [0.0, 0.0, 1.0]) and np.allclose(left, [-1.0, 0.0, 0.0])
    x = np.arange(10.0)[:, None] * np.ones((1, 2))
    assert np.allclose(stride_mean(x, 4)[:, 0], [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5])
    assert np.array_equal(stride_mean(x, 1), x)


@pytest.mark.parametrize("view", ["back", "front", "oblique", "side"])
def test_the_floor_is_found_from_the_walk(view):
    """Pitch within 1 deg (in a side view the walk stays at one depth: pitch comes only from the
    trunk's vertical, 0.3-0.7 deg measured), roll within 1 deg (0.2 from the side, where the walk
    runs along the horizon), with a camera pitched 6 deg down and rolled 3 deg, 1 px noise.
    """
    truth, cam, _, _, _ = walk_in_view(view, 5.0)
    cam = tilted(cam, 6.0, 3.0)
    seq = to_pose_sequence(truth, cam, noise_px=1.0, seed=1)
    c = condition(seq)
    passes, _ = find_passes(c)
    p = max(passes, key=lambda q: q.stop - q.start)
    xy, t = c.image[p.start:p.stop], c.t[p.start:p.stop]
    fp = find_footprints(t, xy, c.fs, seq.frame_size)
    body = np.stack([0.5 * (xy[:, INDEX[f"left_{q}"]] + xy[:, INDEX[f"right_{q}"]])
                     for q in ("hip", "shoulder", "ear")], axis=1)
    floor = fit_floor(body, np.array([f.heel_px for f in fp]), np.array([f.hip_px for f in fp]),
                      pinhole(*seq.frame_size), stride_frames(fp, c.fs))
    n = up_in_camera(cam)
    pitch, roll = np.degrees(np.arcsin(-n[2])), np.degrees(np.arctan2(n[0], -n[1]))
    assert pitch == pytest.approx(6.0, abs=1e-6) and roll == pytest.approx(-3.0, abs=1e-6)
    assert floor.pitch_deg == pytest.approx(pitch, abs=1.0)
    assert floor.roll_deg == pytest.approx(roll, abs=0.2 if view == "side" else 1.0)
    # camera 1 m up, mid-hip ~0.9 m up in mid-stance: the camera is ~1.1 hip heights up
    assert floor.camera_height == pytest.approx(1.1, abs=0.1)
    assert np.all(np.isfinite(floor.cov)) and floor.cov[0, 0] > 0


def test_no_floor_without_footprints_or_frames():
    lens = pinhole(1080, 1920)
    body = np.full((50, 3, 2), 500.0)
    assert fit_floor(body, np.full((1, 2), 900.0), np.full((1, 2), 800.0), lens) is None
    assert fit_floor(body[:5], np.full((4, 2), 900.0), np.full((4, 2), 800.0), lens) is None


def test_a_fit_at_its_bounds_or_with_the_camera_below_the_hips_is_no_floor():
    lens = pinhole(1080, 1920)
    good = Floor((0.01, -0.05), np.eye(2) * 1e-6, lens, 3.0, 1.1, 0.5)
    assert good.plausible
    assert not replace(good, params=(0.0, 0.6)).plausible  # pitched to the bound
    assert not replace(good, camera_height=float("nan")).plausible
