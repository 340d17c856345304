"""Filming the walker: the pose sequence a camera sees (sides, visibility, world axes), with the
noise, dropouts and leg swaps asked for.
"""

from __future__ import annotations

import numpy as np
import pytest

from vidgait.landmarks import INDEX
from vidgait.synth import Camera, GaitParams, simulate, to_pose_sequence, walkway_centre


@pytest.fixture(scope="module")
def normal():
    return simulate(GaitParams(duration_s=6.0, fps=100.0))


def test_side_camera_geometry(normal):
    cam = Camera.side(walkway_centre(normal), on="left", distance=5.0)
    seq = to_pose_sequence(normal, cam)
    assert 0.4 < seq.detected_fraction < 1.0  # 7.5 m walked, ~6 m in view
    hip_x = seq.image[seq.found, INDEX["left_hip"], 0]
    assert hip_x[-1] < hip_x[0]  # seen from its left, the walker moves to image-left
    # the near (left) leg is more visible than the far one
    vis = seq.visibility
    assert vis[:, INDEX["left_knee"]].mean() > vis[:, INDEX["right_knee"]].mean()
    w = seq.world[seq.found]
    mid = 0.5 * (w[:, INDEX["left_hip"]] + w[:, INDEX["right_hip"]])
    assert np.allclose(mid, 0, atol=1e-5)
    assert np.all(w[:, INDEX["nose"], 1] < -0.5)  # y down: the head is up
    assert np.all(w[:, INDEX["right_hip"], 2] > w[:, INDEX["left_hip"], 2])  # z away: right is far


def test_front_camera_sees_left_on_image_right():
    tr = simulate(GaitParams(path="toward", duration_s=3.0))
    seq = to_pose_sequence(tr)
    assert np.all(seq.image[:, INDEX["left_hip"], 0] > seq.image[:, INDEX["right_hip"], 0])
    back = to_pose_sequence(tr, Camera.back(walkway_centre(tr)))
    assert np.all(back.image[:, INDEX["left_hip"], 0] < back.image[:, INDEX["right_hip"], 0])


def test_noise_dropouts_and_swaps_are_as_requested(normal):
    cam = Camera.side(walkway_centre(normal), distance=10.0)
    clean = to_pose_sequence(normal, cam)
    noisy = to_pose_sequence(normal, cam, noise_px=2.0, dropout_rate=0.05, swap_rate=0.02, seed=3)
    assert clean.detected_fraction == 1.0
    assert 0.02 < 1 - noisy.detected_fraction < 0.10
    both = noisy.found
    err = (noisy.image[both, INDEX["nose"], :2] - clean.image[both, INDEX["nose"], :2]).ravel()
    assert 1.6 < err.std() < 2.4
    assert np.isnan(noisy.image[~noisy.found]).all()
    swapped = np.asarray(noisy.meta["swapped_frames"], dtype=int)
    assert swapped.size > 0
    lk, rk = INDEX["left_knee"], INDEX["right_knee"]
    d_swapped = np.abs(noisy.image[swapped, lk, :2] - clean.image[swapped, rk, :2]).max()
    assert d_swapped < 20
    assert noisy.meta["seed"] == 3
