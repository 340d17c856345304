"""The live processor: frames in, overlay and a metrics snapshot out, latency kept bounded.

One :class:`LiveProcessor` serves the browser page (streamlit-webrtc's frame callback) and the
camera/file runner (:mod:`vidgait.live.camera`). Frames are given with their timestamps in
milliseconds; the processor

1. runs the pose model on the frame (MediaPipe, ``num_poses`` people so bystanders are seen),
2. follows one person online (:class:`~vidgait.live.follow.Follower`),
3. keeps the last ``window_s`` seconds of that person's landmarks,
4. every ``update_every_s`` seconds of stream time (``warmup_update_every_s`` until the first
   figures) analyses the window once with the kinematics core and derives the rolling metrics
   and the per-stride biofeedback from that analysis (:mod:`vidgait.live.metrics`),
5. draws the overlay: skeleton, recording guidance, metrics, biofeedback badge.

Threading (``threaded=True``, the default). :meth:`LiveProcessor.submit` never blocks on the
model: it puts the frame into a SINGLE slot (replacing, and counting as dropped, a frame that
was still waiting) and returns the newest finished overlay. When the model is slower than the
camera, frames are thinned REGULARLY (every k-th frame, k adapted to the measured model time and
frame interval) rather than at random: the kinematics core resamples onto a uniform grid and
distrusts peaks over interpolated samples, so 15 evenly spaced frames per second give better
metrics than 22 irregular ones. One inference thread takes frames
from the slot; one analysis thread runs the kinematics core. So latency cannot grow: a frame
waits at most for the frame being processed. State is shared only through the immutable
:class:`LiveSnapshot`, replaced under a lock; callers read it with :meth:`LiveProcessor.snapshot`
(no UI calls ever happen inside the processor). ``threaded=False`` does everything in the
caller's thread (:meth:`LiveProcessor.process`): deterministic, for tests and offline use.

Sides: the analysed frames are never mirrored; ``mirror_display`` flips only the overlay picture.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Protocol

import numpy as np

from vidgait.kinematics import analyze
from vidgait.landmarks import N_LANDMARKS
from vidgait.live.draw import draw_overlay
from vidgait.live.follow import Follower
from vidgait.live.guidance import SEVERAL_PEOPLE_FRAMES, Advice, frame_advice, mean_luma
from vidgait.live.metrics import (Band, Biofeedback, FeedbackState, RollingMetrics,
                                  rolling_metrics, stride_values)
from vidgait.live.recorder import Recorder, RecordingInfo
from vidgait.pose.crops import CropDetector, CropFallback
from vidgait.pose.tracking import Candidate
from vidgait.sequence import PoseSequence

log = logging.getLogger(__name__)


class PoseDetector(Protocol):
    """What the processor needs from a pose backend (:class:`MediaPipePose` fits)."""

    def detect(self, rgb: np.ndarray, timestamp_ms: float) -> list[Candidate]:
        """People in one RGB frame, pixels."""
        ...


@dataclass(frozen=True)
class LiveConfig:
    """Settings of a :class:`LiveProcessor`.

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
        Biofeedback metric (see :data:`vidgait.live.metrics.METRICS`); None: off.
    band : Band or None
        Its target band; None: the metric's default band.
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
    """

    model: str | None = None
    num_poses: int = 2
    min_confidence: float = 0.5
    window_s: float = 12.0
    update_every_s: float = 0.5
    warmup_update_every_s: float = 0.25
    min_window_s: float = 1.5
    metric: str | None = None
    band: Band | None = None
    mirror_display: bool = False
    crops: bool = False


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
        Rolling metrics of the window.
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


class _Stats:
    """Rolling counters for fps and latency (caller holds the processor lock)."""

    def __init__(self) -> None:
        self.arrivals: deque[float] = deque(maxlen=120)
        self.done: deque[float] = deque(maxlen=120)
        self.latency_ms: deque[float] = deque(maxlen=300)

    @staticmethod
    def _rate(times: deque[float]) -> float:
        if len(times) < 2:
            return 0.0
        recent = [t for t in times if t >= times[-1] - 3.0]
        span = recent[-1] - recent[0]
        return (len(recent) - 1) / span if span > 0 else 0.0

    def fps(self) -> tuple[float, float]:
        return self._rate(self.arrivals), self._rate(self.done)

    def latency(self) -> tuple[float, float]:
        if not self.latency_ms:
            return float("nan"), float("nan")
        a = np.asarray(self.latency_ms)
        return float(np.median(a)), float(np.percentile(a, 95))


class _Pacer:
    """Regular frame thinning: take every k-th frame, k from the model time and frame interval.

    ``k = ceil(margin * busy / interval)`` with exponential moving averages (weight ``alpha``) of
    the per-frame processing time and of the interval between submitted frames, re-evaluated
    every ``every`` frames. A frame that still arrives while the model is busy waits in the
    single slot, so a margin of 1 costs at most one frame of latency. Written by the inference
    thread (``busy``) and read by the submitting thread (``take``); single float/int
    assignments, so no lock is needed.
    """

    def __init__(self, margin: float = 1.0, alpha: float = 0.1, every: int = 15,
                 max_k: int = 8) -> None:
        self.margin, self.alpha, self.every, self.max_k = margin, alpha, every, max_k
        self.k = 1
        self._busy_s = 0.0
        self._interval_s = 0.0
        self._last_ms: float | None = None
        self._n = 0

    def busy(self, seconds: float) -> None:
        """Report the processing time of one frame, s."""
        self._busy_s = seconds if self._busy_s == 0 else (
            (1 - self.alpha) * self._busy_s + self.alpha * seconds)

    def take(self, timestamp_ms: float) -> bool:
        """True when this submitted frame should go to the model."""
        if self._last_ms is not None:
            dt = (timestamp_ms - self._last_ms) / 1000.0
            self._interval_s = dt if self._interval_s == 0 else (
                (1 - self.alpha) * self._interval_s + self.alpha * dt)
        self._last_ms = timestamp_ms
        if self._n % self.every == 0 and self._interval_s > 0 and self._busy_s > 0:
            need = math.ceil(self.margin * self._busy_s / self._interval_s)
            self.k = int(min(self.max_k, max(1, need)))
        take = self._n % self.k == 0
        self._n += 1
        return take


class _Window:
    """The followed person's landmarks over the last ``window_s`` seconds (bounded)."""

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self.rows: deque[tuple] = deque()
        self.frame_size: tuple[int, int] | None = None

    def add(self, t_s: float, person: Candidate | None, frame_size: tuple[int, int]) -> None:
        if frame_size != self.frame_size:  # the camera changed resolution: start again
            self.rows.clear()
            self.frame_size = frame_size
        if person is None:
            nan = np.full((N_LANDMARKS, 3), np.nan, np.float32)
            zero = np.zeros(N_LANDMARKS, np.float32)
            self.rows.append((t_s, nan, nan, zero, zero, False))
        else:
            self.rows.append((t_s, person.image, person.world, person.visibility,
                              person.presence, True))
        while self.rows and self.rows[0][0] < t_s - self.window_s:
            self.rows.popleft()

    def sequence(self, model: str) -> PoseSequence | None:
        if len(self.rows) < 3 or self.frame_size is None:
            return None
        cols = list(zip(*self.rows, strict=True))
        return PoseSequence(t=np.asarray(cols[0]), image=np.stack(cols[1]),
                            world=np.stack(cols[2]), visibility=np.stack(cols[3]),
                            presence=np.stack(cols[4]), found=np.asarray(cols[5]),
                            frame_size=self.frame_size, model=model, meta={"source": "live"})


class LiveProcessor:
    """Pose, rolling gait metrics, guidance and biofeedback on a stream of frames.

    Parameters
    ----------
    config : LiveConfig
        Settings.
    pose : PoseDetector, optional
        A pose backend; by default a MediaPipe PoseLandmarker in VIDEO mode for
        ``config.model`` (see :func:`choose_model`). Tests pass a synthetic one.
    crop_detect : callable, optional
        Finds people in an RGB crop (crop pixels), for ``config.crops``; by default, with the
        default ``pose``, a second landmarker in IMAGE mode, loaded with the first (only when
        ``config.crops``); with a ``pose`` passed in and no ``crop_detect``, no crops are
        looked at.
    threaded : bool
        True: :meth:`submit` hands frames to an inference thread (live use). False: use
        :meth:`process`, which works in the caller's thread.
    clock : callable
        Wall clock in seconds (monotonic), for latency and fps.

    Raises
    ------
    vidgait.errors.ModelError
        If the pose model cannot be loaded.
    """

    def __init__(self, config: LiveConfig = LiveConfig(), *, pose: PoseDetector | None = None,
                 crop_detect: CropDetector | None = None, threaded: bool = True,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.config = config
        self._clock = clock
        self._own_pose = pose is None
        self._crop_pose = None  # the IMAGE-mode landmarker behind the default crop_detect
        note = ""
        if pose is None:
            from vidgait.pose.mediapipe_backend import MediaPipePose

            path, note = choose_model(config.model)
            pose = MediaPipePose(path, num_poses=config.num_poses,
                                 min_confidence=config.min_confidence)
            model = path.stem
            if crop_detect is None and config.crops:
                # loaded now, not at the first empty frame: that would stall the stream ~1 s
                self._crop_pose = MediaPipePose(path, num_poses=config.num_poses,
                                                video_mode=False,
                                                min_confidence=config.min_confidence)
                crop_detect = partial(self._crop_pose.detect, timestamp_ms=0.0)
        else:
            model = type(pose).__name__
        self._pose = pose
        self._crop_detect = crop_detect if config.crops else None
        self._crops: CropFallback | None = None
        self._lock = threading.Lock()      # guards everything below that threads share
        self._follower = Follower()
        self._several: deque[bool] = deque(maxlen=SEVERAL_PEOPLE_FRAMES[1])
        self._window = _Window(config.window_s)
        self._feedback = Biofeedback(config.metric, config.band)
        self._stats = _Stats()
        self._pacer = _Pacer()
        self._mirror = config.mirror_display
        self._recorder: Recorder | None = None
        self._overlay: np.ndarray | None = None
        self._last_in_ms = -math.inf
        self._next_update_s: float | None = None
        self._snap = LiveSnapshot(model=model, model_note=note,
                                  feedback=self._feedback.state)
        self._closed = False
        self._threads: list[threading.Thread] = []
        self._slot: tuple[np.ndarray, float, float] | None = None
        self._slot_cv = threading.Condition()
        self._analysis_due = threading.Event()
        self._analysis_busy = False
        if threaded:
            self._start_threads()

    # ----------------------------------------------------------------- public, any thread
    def submit(self, rgb: np.ndarray, timestamp_ms: float) -> np.ndarray:
        """Hand over a frame without waiting for the model; returns the newest overlay.

        Parameters
        ----------
        rgb : (H, W, 3) uint8
            The frame as the camera delivered it (not mirrored). Not modified; keep it unchanged
            afterwards (it may be recorded and analysed later).
        timestamp_ms : float
            Capture time in ms, strictly increasing within the stream (others are ignored).

        Returns
        -------
        (H, W, 3) uint8
            The latest finished overlay (of this or an earlier frame), or ``rgb`` itself until
            the first overlay is ready.
        """
        arrival = self._clock()
        if not self._accept(rgb, timestamp_ms, arrival):
            return self._overlay if self._overlay is not None else rgb
        if not self._pacer.take(timestamp_ms):
            with self._lock:
                self._snap = replace(self._snap, frames_dropped=self._snap.frames_dropped + 1)
            overlay = self._overlay
            return overlay if overlay is not None else rgb
        with self._slot_cv:
            if self._slot is not None:
                with self._lock:
                    self._snap = replace(self._snap, frames_dropped=self._snap.frames_dropped + 1)
            self._slot = (rgb, timestamp_ms, arrival)
            self._slot_cv.notify()
        overlay = self._overlay
        return overlay if overlay is not None else rgb

    def process(self, rgb: np.ndarray, timestamp_ms: float) -> np.ndarray:
        """Process one frame completely in the caller's thread; returns its overlay.

        Metrics are updated inline when due, so results are deterministic.
        """
        arrival = self._clock()
        if not self._accept(rgb, timestamp_ms, arrival):
            return self._overlay if self._overlay is not None else rgb
        due = self._infer(rgb, timestamp_ms, arrival)
        if due:
            self._analyse()
        assert self._overlay is not None
        return self._overlay

    def snapshot(self) -> LiveSnapshot:
        """The latest state (immutable; safe to read from any thread)."""
        with self._lock:
            snap = self._snap
            fps_in, fps_done = self._stats.fps()
            med, p95 = self._stats.latency()
            rec = self._recorder.info() if self._recorder is not None else snap.recording
        return replace(snap, fps_in=fps_in, fps_processed=fps_done, latency_ms_median=med,
                       latency_ms_p95=p95, recording=rec)

    def recent_latencies_ms(self) -> list[float]:
        """Added latency (submitted -> overlay ready) of the last <= 300 processed frames, ms."""
        with self._lock:
            return list(self._stats.latency_ms)

    def latest_overlay(self) -> np.ndarray | None:
        """The newest finished overlay, or None before the first."""
        return self._overlay

    def set_feedback(self, metric: str | None, band: Band | None = None) -> None:
        """Choose the biofeedback metric and band; counters restart at zero."""
        fb = Biofeedback(metric, band)
        with self._lock:
            self._feedback = fb
            self._snap = replace(self._snap, feedback=fb.state)

    def set_mirror(self, mirror: bool) -> None:
        """Mirror the DISPLAYED overlay (selfie preview); the analysis is unaffected."""
        self._mirror = bool(mirror)

    def start_recording(self, path: str | os.PathLike[str]) -> Path:
        """Start recording the raw frames (with their timestamps) to an H.264 mp4 at ``path``."""
        rec = Recorder(path)
        with self._lock:
            old, self._recorder = self._recorder, rec
        if old is not None:
            old.stop()
        return rec.path

    def stop_recording(self) -> RecordingInfo:
        """Finish the recording and return its state.

        Raises
        ------
        RuntimeError
            If no recording is running, nothing was recorded or encoding failed.
        """
        with self._lock:
            rec, self._recorder = self._recorder, None
        if rec is None:
            raise RuntimeError("No recording is running.")
        info = rec.stop()
        with self._lock:
            self._snap = replace(self._snap, recording=info)
        return info

    @property
    def recording(self) -> bool:
        """True while recording."""
        return self._recorder is not None

    def close(self) -> None:
        """Stop the threads, finish a running recording and release the model (idempotent)."""
        if self._closed:
            return
        self._closed = True
        with self._slot_cv:
            self._slot_cv.notify_all()
        self._analysis_due.set()
        for th in self._threads:
            th.join(timeout=10)
        if self._recorder is not None:
            try:
                self.stop_recording()
            except RuntimeError as exc:
                log.warning("%s", exc)
        if self._own_pose and hasattr(self._pose, "close"):
            self._pose.close()
        if self._crop_pose is not None:
            self._crop_pose.close()

    def _look_in_crops(self, rgb: np.ndarray, t_s: float,
                       cands: list[Candidate]) -> list[Candidate]:
        """``cands``, or when the full frame shows nobody, the people the crop fallback finds
        in this frame (people it would back-fill into earlier frames are left out: those
        frames are gone). Crops are not looked at while anybody is found on the full frame:
        each look costs about one more detection."""
        if self._crop_detect is None:
            return cands
        h, w = rgb.shape[:2]
        if self._crops is None or self._crops.size != (w, h):
            self._crops = CropFallback(self._crop_detect, w, h)
        if cands:
            self._crops.skip(t_s, cands)
            return cands
        latest = self._crops.frames_seen
        return self._crops(rgb, t_s, cands).get(latest, [])

    def __enter__(self) -> LiveProcessor:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # ----------------------------------------------------------------------- internals
    def _accept(self, rgb: np.ndarray, timestamp_ms: float, arrival: float) -> bool:
        """Count an arriving frame and record it; False if its timestamp does not advance."""
        if self._closed or timestamp_ms <= self._last_in_ms:
            return False
        self._last_in_ms = timestamp_ms
        with self._lock:
            self._stats.arrivals.append(arrival)
            self._snap = replace(self._snap, frames_in=self._snap.frames_in + 1)
            rec = self._recorder
        if rec is not None:
            rec.write(rgb, timestamp_ms)
        return True

    def _start_threads(self) -> None:
        for target, name in ((self._infer_loop, "vidgait-live-pose"),
                             (self._analysis_loop, "vidgait-live-metrics")):
            th = threading.Thread(target=target, name=name, daemon=True)
            th.start()
            self._threads.append(th)

    def _infer_loop(self) -> None:
        while True:
            with self._slot_cv:
                while self._slot is None and not self._closed:
                    self._slot_cv.wait()
                if self._closed:
                    return
                item, self._slot = self._slot, None
            if self._infer(*item) and not self._analysis_busy:
                self._analysis_due.set()

    def _analysis_loop(self) -> None:
        while True:
            self._analysis_due.wait()
            self._analysis_due.clear()
            if self._closed:
                return
            self._analysis_busy = True
            try:
                self._analyse()
            finally:
                self._analysis_busy = False

    def _infer(self, rgb: np.ndarray, timestamp_ms: float, arrival: float) -> bool:
        """Pose, follow, guidance and overlay for one frame; True when metrics are due."""
        started = self._clock()
        t_s = timestamp_ms / 1000.0
        h, w = rgb.shape[:2]
        error = None
        try:
            cands = self._look_in_crops(rgb, t_s, self._pose.detect(rgb, timestamp_ms))
        except Exception as exc:  # a bad frame must not end the stream
            log.exception("pose detection failed")
            cands, error = [], f"pose detection failed: {exc}"
        with self._lock:
            person, people = self._follower.choose(cands, t_s)
            self._window.add(t_s, person, (w, h))
            snap = self._snap
            metric = self._feedback.metric
        self._several.append(len(people) > 1)
        advice = frame_advice(people, person, w, h, mean_luma(rgb), metric=metric,
                              view=snap.metrics.view,
                              several=sum(self._several) >= SEVERAL_PEOPLE_FRAMES[0])
        overlay = draw_overlay(
            rgb, None if person is None else person.image,
            None if person is None else person.visibility, advice, snap.metrics, snap.feedback,
            mirror=self._mirror, status=self._status(snap))
        done = self._clock()
        self._pacer.busy(done - started)
        with self._lock:
            self._overlay = overlay
            self._stats.done.append(done)
            self._stats.latency_ms.append(1000.0 * (done - arrival))
            self._snap = replace(self._snap, t_s=t_s, people=len(people),
                                 person_found=person is not None, advice=tuple(advice),
                                 frames_processed=self._snap.frames_processed + 1,
                                 error=error or self._snap.error)
            every = (self.config.update_every_s if snap.metrics.available
                     else min(self.config.update_every_s, self.config.warmup_update_every_s))
            if self._next_update_s is None:
                self._next_update_s = t_s + every
            due = t_s >= self._next_update_s
            if due:
                self._next_update_s = t_s + every
        return due

    def _status(self, snap: LiveSnapshot) -> str:
        rec = self._recorder
        parts = []
        if rec is not None:
            parts.append(f"REC {rec.info().duration_s:.0f} s")
        if snap.model_note:
            parts.append(snap.model_note.split(":")[0])
        return " | ".join(parts)

    def _analyse(self) -> None:
        """Recompute rolling metrics and biofeedback from the window (kinematics core)."""
        with self._lock:
            seq = self._window.sequence(self._snap.model)
            feedback = self._feedback
        if seq is None:
            return
        with self._lock:
            self._snap = replace(self._snap, window_fps=seq.fps,
                                 found_fraction=seq.detected_fraction)
        if seq.duration_s < self.config.min_window_s or seq.found.sum() < 3:
            return
        start = self._clock()
        try:
            analysis = analyze(seq)
            metrics = rolling_metrics(seq, analysis=analysis)
            strides = (stride_values(seq, analysis=analysis) if feedback.metric is not None
                       else [])
        except Exception as exc:  # the core refuses some windows (too short, nobody walking)
            log.debug("metrics update skipped: %s", exc)
            with self._lock:
                self._snap = replace(self._snap, metrics=RollingMetrics(window_s=seq.duration_s),
                                     analysis_ms=1000.0 * (self._clock() - start),
                                     analysis_note=f"{type(exc).__name__}: {exc}")
            return
        note = "" if metrics.available else "; ".join(metrics.warnings[-1:])
        with self._lock:
            if feedback is self._feedback:  # not replaced meanwhile
                feedback.update(strides, float(seq.t[-1]))
            self._snap = replace(self._snap, metrics=metrics, feedback=self._feedback.state,
                                 analysis_ms=1000.0 * (self._clock() - start),
                                 analysis_note=note)


__all__ = ["LiveConfig", "LiveProcessor", "LiveSnapshot", "PoseDetector", "choose_model"]
