"""Synthetic walkers with known truth, for tests and the phantom renderer.

The public surface is re-exported here. The gait parameters and pattern live in
:mod:`vidgait.synth.gait`, the body and its forward kinematics in :mod:`vidgait.synth.body`, the
walk itself in :mod:`vidgait.synth.walker`, the pinhole camera in :mod:`vidgait.synth.camera` and
the filming into a pose sequence in :mod:`vidgait.synth.film`.
"""

from vidgait.synth.camera import Camera, walkway_centre
from vidgait.synth.film import to_pose_sequence
from vidgait.synth.gait import GaitParams
from vidgait.synth.walker import WalkerTruth, simulate, stand_then_walk

__all__ = ["Camera", "GaitParams", "WalkerTruth", "simulate", "stand_then_walk", "to_pose_sequence",
           "walkway_centre"]
