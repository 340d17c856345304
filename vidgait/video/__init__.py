"""Video in and out: read files (:mod:`vidgait.video.read`) and cameras
(:mod:`vidgait.video.camera`), write H.264 mp4s (:mod:`vidgait.video.write`).

Frames are upright RGB ``(H, W, 3) uint8`` with timestamps in milliseconds, both ways. The public
names are re-exported here: ``from vidgait.video import probe, iter_frames, H264Writer``.
"""

from vidgait.video.camera import iter_camera
from vidgait.video.read import (
    DEFAULT_LIMITS,
    VIDEO_SUFFIXES,
    Frame,
    VideoInfo,
    VideoLimits,
    iter_frames,
    probe,
)
from vidgait.video.write import H264Writer

__all__ = ["DEFAULT_LIMITS", "VIDEO_SUFFIXES", "Frame", "H264Writer", "VideoInfo", "VideoLimits",
           "iter_camera", "iter_frames", "probe"]
