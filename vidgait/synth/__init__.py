"""Synthetic walkers with known truth, for tests and the phantom renderer.

The public surface is re-exported here; the implementation lives in :mod:`vidgait.synth.walker`.
"""

from vidgait.synth.walker import (
    Camera,
    GaitParams,
    WalkerTruth,
    simulate,
    to_pose_sequence,
    walkway_centre,
)

__all__ = ["Camera", "GaitParams", "WalkerTruth", "simulate", "to_pose_sequence", "walkway_centre"]
