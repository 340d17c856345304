"""Settings of the live processor, the pose model it uses, and what it needs from a pose backend.

Units: seconds of stream time for the window and update intervals, 0..1 for confidences.
Nothing is downloaded here: a live page must not stall on a download.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from vidgait.marker.layout import DEFAULT_SIZE_MM
from vidgait.norms import Range
from vidgait.pose.tracking import Candidate


class PoseDetector(Protocol):
    """What the processor needs from a pose backend (:class:`MediaPipePose` fits)."""

    def detect(self, rgb: np.ndarray, timestamp_ms: float) -> list[Candidate]:
        """People in one RGB frame, pixels.

        Parameters
        ----------
        rgb : (H, W, 3) uint8
            The frame, RGB.
        timestamp_ms : float
            The frame's stream time, ms (increasing).
        """
        ...


@dataclass(frozen=True)
class LiveConfig:
    """Settings of a :class:`~vidgait.live.processor.LiveProcessor`.

    Attributes
    ----------
    model : str or None
        ``"lite"``, ``"full"``, ``"heavy"`` or a ``.task`` path; None: lite when installed, else
        full (with a note in the snapshot).
    num_poses : int
        People MediaPipe may return per frame (2: a bystander is seen and flagged).
    min_confidence : float
        MediaPipe detection/presence/tracking thresholds, 0..1.
    window_s : float
        Rolling window of landmarks analysed, s (12 s holds ~10 strides at normal cadence).
    update_every_s : float
        Stream time between two metric updates, s.
    warmup_update_every_s : float
        Stream time between two updates while no cadence is measured yet, s: the windows are
        short then (cheap to analyse), and the first figures show up sooner after the second
        stride.
    min_window_s : float
        Shortest window analysed, s (the core's shortest walking pass; the core itself refuses
        what it cannot measure).
    metric : str or None
        Biofeedback metric (see :data:`vidgait.live.biofeedback.METRICS`); None: off.
    band : Range or None
        Its target band (:func:`vidgait.live.biofeedback.target_band`); None: the
        metric's default band.
    mirror_display : bool
        Flip the overlay picture (selfie preview); the analysis never sees a flipped frame.
    crops : bool
        Look again on crops of the frame where the full-frame detector misses the person (as
        the offline pose stage does, :class:`~vidgait.pose.crops.CropFallback`): someone small
        in a large picture (far away, or a 1080p camera) is still followed. Off by default:
        on 2 cores the second landmarker slows the stream for about a second after each look
        (measured 7 instead of 15 processed frames/s while it runs, docs/live.md), and the
        guidance already asks for a person filling 30 % of the picture. Costs nothing while
        anybody is found on the full frame; while nobody is, a person just lost is looked for
        around their last position (1 extra detection per frame, for up to 1 s), else every
        fifth frame is searched in tiles (3 extra detections).
    marker : bool
        Look for the pelvis marker (AprilTag 36h11 id 0 on the sacrum) around the followed
        person's hips in every processed frame (:mod:`vidgait.live.tag`): pelvic obliquity in
        real time, the marker's pelvic drop in the panel and as biofeedback. Costs a few ms
        per frame (docs/live.md).
    marker_size_mm : float
        The printed marker's black square, mm (what ``vidgait marker`` printed).
    """

    model: str | None = None
    num_poses: int = 2
    min_confidence: float = 0.5
    window_s: float = 12.0
    update_every_s: float = 0.5
    warmup_update_every_s: float = 0.25
    min_window_s: float = 1.5
    metric: str | None = None
    band: Range | None = None
    mirror_display: bool = False
    crops: bool = False
    marker: bool = True
    marker_size_mm: float = DEFAULT_SIZE_MM


def choose_model(name: str | None) -> tuple[Path, str]:
    """The pose model bundle for live use and a note for the user.

    Parameters
    ----------
    name : str or None
        A model name or ``.task`` path; None picks ``lite`` when installed (fastest), else
        ``full``. Nothing is downloaded here (a live page must not stall on a download).

    Returns
    -------
    path : Path
        The bundle.
    note : str
        Empty, or why another model than the fastest is used.

    Raises
    ------
    vidgait.errors.ModelError
        If the requested (or fallback) model is not installed.
    """
    from vidgait.models import find_model, resolve_model

    if name is not None:
        return resolve_model(name, allow_fetch=False), ""
    lite = find_model("lite")
    if lite is not None:
        return lite, ""
    return (resolve_model("full", allow_fetch=False),
            "lite model not installed: using full (slower); `vidgait models fetch lite`")


__all__ = ["LiveConfig", "PoseDetector", "choose_model"]
