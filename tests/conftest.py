"""Shared fixtures (the builders behind them are in ``tests/helpers.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import write_video


@pytest.fixture
def tiny_video(tmp_path: Path) -> Path:
    """A valid 2.5 s, 30 fps, 64x48 H.264 clip."""
    return write_video(tmp_path / "tiny.mp4")


@pytest.fixture(scope="session")
def limp_walk():
    """Right knee limp (stiff knee) with a RIGHT Trendelenburg: the left pelvis drops 8 deg during
    right stance (synthetic walker, 10 s across the camera).
    """
    from vidgait.synth import GaitParams, simulate

    return simulate(GaitParams(duration_s=10.0, painful_side="right", limp_severity=0.8,
                               stiff_knee_factor=0.5, trendelenburg_side="right",
                               pelvic_drop_deg=8.0, path="across"))


@pytest.fixture(scope="session")
def limp_side(limp_walk):
    """``limp_walk`` filmed from the side (8 m, 1 px noise) and its analysis: (seq, analysis)."""
    from tests.helpers import film
    from vidgait.kinematics import analyze

    seq = film(limp_walk, noise_px=1.0, seed=0)
    return seq, analyze(seq, height_cm=170)


@pytest.fixture(scope="session")
def limp_front():
    """The same limp walking toward a front camera (8 m, 1 px noise): the pose sequence."""
    from tests.helpers import film
    from vidgait.synth import GaitParams, simulate

    truth = simulate(GaitParams(duration_s=10.0, painful_side="right", limp_severity=0.8,
                                stiff_knee_factor=0.5, trendelenburg_side="right",
                                pelvic_drop_deg=8.0, path="toward"))
    return film(truth, "front", noise_px=1.0, seed=0)


@pytest.fixture(scope="session")
def phantom():
    """Shipped sample clip name -> (PoseSequence, PhantomTruth); the pose stage runs once per
    clip per test session (~10-60 s per clip on 2 cores).
    """
    from tests.helpers import REPO
    from vidgait.phantom import load_truth
    from vidgait.pose import estimate_poses

    cache: dict[str, tuple] = {}

    def get(name: str):
        if name not in cache:
            clip = REPO / "sample_videos" / f"{name}.mp4"
            cache[name] = (estimate_poses(clip), load_truth(clip))
        return cache[name]

    return get
