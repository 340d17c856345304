"""vidgait: gait analysis from an ordinary phone or webcam video.

Pipeline (each arrow carries one typed value)::

    video file / camera -> frames -> PoseSequence -> kinematics -> gait analysis -> report

The kinematics core is pure numpy/scipy and never imports mediapipe, so it can be
tested with synthetic landmarks and reused by the live mode.
"""

from vidgait.errors import VidgaitError

__version__ = "0.1.0"
__all__ = ["VidgaitError", "__version__"]
