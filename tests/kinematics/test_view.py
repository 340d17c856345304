"""Views and walking passes (:mod:`vidgait.kinematics.view`) of the filmed walker."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import film
from vidgait.kinematics.signal import condition
from vidgait.kinematics.view import find_passes
from vidgait.sequence import PoseSequence
from vidgait.synth import Camera, GaitParams, simulate, to_pose_sequence, walkway_centre


@pytest.fixture(scope="module")
def walk():
    return simulate(GaitParams(duration_s=8.0))


@pytest.mark.parametrize(("make", "view", "facing"), [
    (lambda c: Camera.side(c, on="left", distance=8.0), "side", -1),
    (lambda c: Camera.side(c, on="right", distance=8.0), "side", 1),
    (lambda c: Camera.front(c), "toward", 1),
    (lambda c: Camera.back(c), "away", -1),
])
def test_view_and_direction_of_a_pass(walk, make, view, facing):
    seq = to_pose_sequence(walk, make(walkway_centre(walk)), noise_px=1.5, seed=3)
    passes, _ = find_passes(condition(seq))
    assert len(passes) == 1
    assert passes[0].view == view and passes[0].facing == facing
    assert passes[0].duration_s(30.0) > 4.0


def test_oblique_view_is_not_called_side_or_front():
    tr = simulate(GaitParams(duration_s=4.0))
    seq = to_pose_sequence(tr, Camera.oblique(walkway_centre(tr), angle_deg=45, distance=12.0))
    passes, _ = find_passes(condition(seq))
    assert [p.view for p in passes] == ["oblique"]
    assert 30 < passes[0].yaw_deg < 60


def test_treadmill_pass_takes_direction_from_the_feet():
    tr = simulate(GaitParams(path="treadmill", duration_s=5.0))
    for on, facing in (("left", -1), ("right", 1)):
        seq = to_pose_sequence(tr, Camera.side(walkway_centre(tr), on=on, distance=4.0))
        passes, _ = find_passes(condition(seq))
        assert len(passes) == 1 and passes[0].treadmill and passes[0].facing == facing


def test_standing_is_not_a_pass(walk):
    seq = film(walk, seed=0)
    still = np.repeat(seq.image[40:41], len(seq), axis=0)
    still = still + np.random.default_rng(0).normal(0, 1.0, still.shape).astype(np.float32)
    seq = PoseSequence(t=seq.t, image=still, world=np.repeat(seq.world[40:41], len(seq), 0),
                       visibility=seq.visibility, presence=seq.presence,
                       found=np.ones(len(seq), bool), frame_size=seq.frame_size, model="x")
    passes, _ = find_passes(condition(seq))
    assert passes == []
