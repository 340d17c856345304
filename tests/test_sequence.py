"""PoseSequence: validation at the door and a safe .npz format."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vidgait.errors import PoseFileError
from vidgait.landmarks import MIRROR, N_LANDMARKS, NAMES
from vidgait.sequence import PoseSequence


def make(n: int = 10) -> PoseSequence:
    seq = PoseSequence.empty(n, (640, 480), "test", np.arange(n) / 30.0, meta={"k": 1})
    seq.image[:5] = 1.0
    seq.found[:5] = True
    return seq


def test_round_trip(tmp_path: Path) -> None:
    seq = make()
    back = PoseSequence.load(seq.save(tmp_path / "a.npz"))
    np.testing.assert_array_equal(back.image, seq.image)
    assert back.meta == {"k": 1} and back.detected_fraction == 0.5
    assert back.fps == pytest.approx(30.0)


def test_rejects_bad_shapes_and_times() -> None:
    with pytest.raises(ValueError, match="strictly increasing"):
        PoseSequence.empty(3, (640, 480), "m", np.array([0.0, 0.1, 0.1]))
    seq = make()
    with pytest.raises(ValueError, match="image must have shape"):
        PoseSequence(t=seq.t, image=seq.image[:, :10], world=seq.world,
                     visibility=seq.visibility, presence=seq.presence, found=seq.found,
                     frame_size=(640, 480), model="m")


def test_load_refuses_non_pose_files(tmp_path: Path) -> None:
    bad = tmp_path / "x.npz"
    np.savez(bad, a=np.zeros(3))
    with pytest.raises(PoseFileError, match="not a vidgait pose file"):
        PoseSequence.load(bad)
    junk = tmp_path / "junk.npz"
    junk.write_text("hello")
    with pytest.raises(PoseFileError):
        PoseSequence.load(junk)
    with pytest.raises(PoseFileError, match="not found"):
        PoseSequence.load(tmp_path / "missing.npz")


def test_mirror_swaps_every_side() -> None:
    assert len(MIRROR) == N_LANDMARKS
    for i, j in enumerate(MIRROR):
        a, b = NAMES[i], NAMES[j]
        assert a.replace("left", "X").replace("right", "left").replace("X", "right") == b
