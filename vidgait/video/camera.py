"""Camera reading: yield upright RGB frames from a camera (an integer OpenCV device index).

Cameras are read with OpenCV (files go through PyAV in :mod:`vidgait.video.read`); their
timestamps come from a monotonic clock because a live device has no container time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from vidgait.errors import CameraError
from vidgait.video.read import Frame


def iter_camera(index: int = 0, *, width: int | None = None, height: int | None = None,
                max_frames: int | None = None, max_failures: int = 30) -> Iterator[Frame]:
    """Yield RGB frames from a camera (OpenCV device index) with monotonic-clock timestamps.

    Raises :class:`CameraError` when the device cannot be opened or stops delivering frames.

    Parameters
    ----------
    index : int
        OpenCV device index.
    width, height : int, optional
        Frame size to ask the camera for, px (None: its default).
    max_frames : int, optional
        Stop after this many frames (None: run until the caller stops).
    max_failures : int
        Consecutive failed reads before :class:`CameraError`.
    """
    import cv2  # OpenCV only for devices: files go through PyAV

    cap = cv2.VideoCapture(index)
    if not cap.isOpened():
        raise CameraError(f"Camera {index} could not be opened (is it connected and free?).")
    try:
        if width:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        if height:
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        t0 = time.monotonic()
        n = failures = 0
        while max_frames is None or n < max_frames:
            ok, bgr = cap.read()
            if not ok:
                failures += 1
                if failures >= max_failures:
                    raise CameraError(f"Camera {index} stopped delivering frames.")
                continue
            failures = 0
            t_ms = (time.monotonic() - t0) * 1000.0
            yield Frame(index=n, timestamp_ms=t_ms, rgb=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            n += 1
    finally:
        cap.release()
