"""Pose stage: frames -> :class:`~vidgait.sequence.PoseSequence`.

MediaPipe is behind a small interface.

Importing this package does not import mediapipe; only running the stage does.
"""

from vidgait.pose.stage import PoseOptions, build_sequence, estimate_poses, prefetch

__all__ = ["PoseOptions", "build_sequence", "estimate_poses", "prefetch"]
