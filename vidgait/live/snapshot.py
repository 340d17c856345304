"""The live processor's state as one immutable value: what the page, the overlay and the CLI show.

Units: seconds of stream time (``t_s``), frames per second, milliseconds of wall-clock latency.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vidgait.live.biofeedback import FeedbackState
from vidgait.live.guidance import Advice
from vidgait.live.metrics import RollingMetrics
from vidgait.live.recorder import RecordingInfo
from vidgait.live.tag import PelvisReading


@dataclass(frozen=True)
class LiveSnapshot:
    """Everything the page or CLI shows, as one immutable value.

    Attributes
    ----------
    t_s : float
        Stream time of the latest processed frame, s.
    frames_in, frames_processed, frames_dropped : int
        Frames submitted, run through the pose model, and dropped because a newer frame
        arrived before the model was free.
    fps_in, fps_processed : float
        Rates over the last ~3 s of wall-clock time, frames/s.
    latency_ms_median, latency_ms_p95 : float
        Added latency (frame submitted -> its overlay ready) over the last 300 processed
        frames, ms.
    analysis_ms : float
        Wall-clock time of the latest metrics update, ms.
    people : int
        Distinct people in the latest processed frame.
    person_found : bool
        Whether the followed person was found in it.
    advice : tuple of Advice
        Recording guidance for the latest processed frame.
    metrics : RollingMetrics
        Rolling metrics of the window (:mod:`vidgait.live.metrics`).
    feedback : FeedbackState
        Biofeedback counters.
    recording : RecordingInfo or None
        The current or last recording.
    model : str
        Pose model in use.
    model_note : str
        Why that model (e.g. lite not installed), empty otherwise.
    error : str or None
        Latest processing error (the stream keeps running), None if none.
    analysis_note : str
        Why the latest metrics update gave no figures (the core's refusal), empty otherwise.
    window_fps : float
        Mean rate of the analysed frames in the window, frames/s.
    found_fraction : float
        Fraction of the window's frames in which the followed person was found, 0..1.
    pelvis : PelvisReading
        The pelvis marker in the latest processed frame: pelvic obliquity (+ = the patient's
        right side up, deg) and its zero, or why the marker was not measured.
    """

    t_s: float = 0.0
    frames_in: int = 0
    frames_processed: int = 0
    frames_dropped: int = 0
    fps_in: float = 0.0
    fps_processed: float = 0.0
    latency_ms_median: float = float("nan")
    latency_ms_p95: float = float("nan")
    analysis_ms: float = float("nan")
    people: int = 0
    person_found: bool = False
    advice: tuple[Advice, ...] = ()
    metrics: RollingMetrics = field(default_factory=RollingMetrics)
    feedback: FeedbackState = field(default_factory=FeedbackState)
    recording: RecordingInfo | None = None
    model: str = ""
    model_note: str = ""
    error: str | None = None
    analysis_note: str = ""
    window_fps: float = 0.0
    found_fraction: float = 0.0
    pelvis: PelvisReading = field(default_factory=PelvisReading)


__all__ = ["LiveSnapshot"]
