"""MediaPipe Tasks PoseLandmarker behind a small interface.

The only module that imports mediapipe. It converts MediaPipe's normalised image coordinates to
PIXELS here, at the boundary, once (x * width, y * height, z * width), so the aspect ratio is
never lost downstream.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from types import TracebackType

import numpy as np

from vidgait.errors import ModelError
from vidgait.landmarks import N_LANDMARKS
from vidgait.pose.tracking import Candidate

log = logging.getLogger(__name__)


class MediaPipePose:
    """A PoseLandmarker in VIDEO mode (tracking across frames) or IMAGE mode.

    Use as a context manager so the native graph is closed deterministically::

        with MediaPipePose(model_path) as pose:
            people = pose.detect(rgb, timestamp_ms)

    Parameters
    ----------
    model_path
        A ``pose_landmarker_*.task`` bundle (see :mod:`vidgait.models`).
    num_poses
        Most people returned per frame. Two or more lets the tracker tell a walker from a
        bystander; one is fastest.
    video_mode
        True: frames of one stream with strictly increasing timestamps (tracking between frames);
        False: independent images.
    min_confidence
        Detection, presence and tracking confidence thresholds (0..1).
    """

    def __init__(self, model_path: str | os.PathLike[str], *, num_poses: int = 2,
                 video_mode: bool = True, min_confidence: float = 0.5) -> None:
        from mediapipe.tasks.python import BaseOptions, vision

        path = Path(model_path)
        if not path.is_file():
            raise ModelError(f"Pose model not found: {path}. Run `vidgait models fetch`.")
        mode = vision.RunningMode.VIDEO if video_mode else vision.RunningMode.IMAGE
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(path)),
            running_mode=mode,
            num_poses=num_poses,
            min_pose_detection_confidence=min_confidence,
            min_pose_presence_confidence=min_confidence,
            min_tracking_confidence=min_confidence,
        )
        try:
            self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"Pose model {path.name} could not be loaded: {exc}") from exc
        self.model_name = path.stem
        self._video_mode = video_mode
        self._last_ms = -1

    def detect(self, rgb: np.ndarray, timestamp_ms: float) -> list[Candidate]:
        """People in one RGB frame (H, W, 3 uint8), each as a :class:`Candidate` in pixels.

        Parameters
        ----------
        rgb : (H, W, 3) uint8
            The frame, RGB.
        timestamp_ms : float
            The frame's time, ms (increasing; used in video mode only).
        """
        import mediapipe as mp

        h, w = rgb.shape[:2]
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        if self._video_mode:
            # MediaPipe needs strictly increasing integer milliseconds; container times are
            # already strictly increasing, but two may round to the same millisecond.
            ms = max(round(timestamp_ms), self._last_ms + 1)
            self._last_ms = ms
            result = self._landmarker.detect_for_video(image, ms)
        else:
            result = self._landmarker.detect(image)
        return [_to_candidate(lms, wlms, w, h)
                for lms, wlms in zip(result.pose_landmarks, result.pose_world_landmarks,
                                     strict=True)]

    def close(self) -> None:
        """Release the native graph (idempotent)."""
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> MediaPipePose:
        """Return the detector; leaving the ``with`` block closes it."""
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Close the detector (:meth:`close`)."""
        self.close()


def _to_candidate(lms: list, wlms: list, width: int, height: int) -> Candidate:
    image = np.empty((N_LANDMARKS, 3), np.float32)
    world = np.empty((N_LANDMARKS, 3), np.float32)
    vis = np.empty(N_LANDMARKS, np.float32)
    pres = np.empty(N_LANDMARKS, np.float32)
    for i, (a, b) in enumerate(zip(lms, wlms, strict=True)):
        image[i] = (a.x * width, a.y * height, a.z * width)
        world[i] = (b.x, b.y, b.z)
        vis[i] = a.visibility if a.visibility is not None else 0.0
        pres[i] = a.presence if a.presence is not None else 0.0
    return Candidate(image=image, world=world, visibility=vis, presence=pres)
