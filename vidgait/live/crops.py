"""The crop fallback on a live stream: look again on crops only while nobody is found.

The offline pose stage's :class:`~vidgait.pose.crops.CropFallback` finds a person who is too
small for the full-frame detector (far away, or a 1080p camera) in crops of the frame. Live, a
look costs about one more detection, so crops are looked at only while the full frame shows
nobody, and people it would back-fill into earlier frames are left out (those frames are gone).
Units: frame pixels, stream time in seconds.
"""

from __future__ import annotations

import numpy as np

from vidgait.pose.crops import CropDetector, CropFallback
from vidgait.pose.tracking import Candidate


class LiveCrops:
    """Per-frame crop search for a live stream.

    Parameters
    ----------
    detect : callable
        Finds people in an RGB crop (crop pixels), e.g. an IMAGE-mode landmarker's ``detect``.
    """

    def __init__(self, detect: CropDetector) -> None:
        self._detect = detect
        self._crops: CropFallback | None = None

    def __call__(self, rgb: np.ndarray, t_s: float, cands: list[Candidate]) -> list[Candidate]:
        """``cands`` (the full frame's people), or when there are none, the people the crop
        fallback finds in this frame.
        """
        h, w = rgb.shape[:2]
        if self._crops is None or self._crops.size != (w, h):  # a new camera size: start again
            self._crops = CropFallback(self._detect, w, h)
        if cands:
            self._crops.skip(t_s, cands)
            return cands
        latest = self._crops.frames_seen
        return self._crops(rgb, t_s, cands).get(latest, [])


__all__ = ["LiveCrops"]
