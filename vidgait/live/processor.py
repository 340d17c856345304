"""The live processor: frames in, overlay and a metrics snapshot out, latency kept bounded.

One :class:`LiveProcessor` serves the browser page (streamlit-webrtc's frame callback) and the
camera/file runner (:mod:`vidgait.live.camera`). Frames are given with their timestamps in
milliseconds; the processor composes

1. the pose model on the frame (MediaPipe, ``num_poses`` people so bystanders are seen; the
   crop fallback of :mod:`vidgait.pose.crops` when ``crops`` is on),
2. the follower of one person (:class:`~vidgait.live.follow.Follower`),
3. the pelvis marker around that person's hips, pelvic obliquity at once (:mod:`vidgait.live.tag`),
   and the rolling landmark window of that person (:class:`~vidgait.live.window.LandmarkWindow`),
4. every ``update_every_s`` seconds of stream time (``warmup_update_every_s`` until the first
   figures), ONE analysis of the window by the kinematics core, from which the panel metrics
   (:mod:`vidgait.live.metrics`) and the per-stride biofeedback (:mod:`vidgait.live.biofeedback`)
   are read,
5. the overlay: skeleton, recording guidance, metrics, biofeedback badge (:mod:`vidgait.live.draw`).

It composes no sentence about the gait: the figures go out as numbers and typed verdicts in the
:class:`~vidgait.live.snapshot.LiveSnapshot`; words are the page's and the overlay's.

Threading (``threaded=True``, the default). :meth:`LiveProcessor.submit` never blocks on the
model: it puts the frame into a SINGLE slot (replacing, and counting as dropped, a frame that
was still waiting) and returns the newest finished overlay. When the model is slower than the
camera, frames are thinned regularly (:class:`~vidgait.live.pacing.Pacer`). One inference thread
takes frames from the slot; one analysis thread runs the kinematics core. So latency cannot grow:
a frame waits at most for the frame being processed. State is shared only through the immutable
snapshot, replaced under a lock; callers read it with :meth:`LiveProcessor.snapshot` (no UI calls
ever happen inside the processor). ``threaded=False`` does everything in the caller's thread
(:meth:`LiveProcessor.process`): deterministic, for tests and offline use.

Units: frame timestamps in milliseconds, stream time in seconds, wall-clock times in seconds.
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
from dataclasses import replace
from functools import partial
from pathlib import Path
from types import TracebackType

import numpy as np

from vidgait.findings.words import notice_text
from vidgait.kinematics import analyze
from vidgait.live.biofeedback import Biofeedback, marker_missing, stride_values
from vidgait.live.config import LiveConfig, PoseDetector, choose_model
from vidgait.live.crops import LiveCrops
from vidgait.live.draw import draw_overlay
from vidgait.live.follow import Follower
from vidgait.live.guidance import SEVERAL_PEOPLE_FRAMES, frame_advice, mean_luma
from vidgait.live.metrics import RollingMetrics, rolling_metrics
from vidgait.live.pacing import Pacer, StreamStats
from vidgait.live.recorder import Recorder, RecordingInfo
from vidgait.live.snapshot import LiveSnapshot
from vidgait.live.tag import LEVEL_S, LiveTag, look
from vidgait.live.window import LandmarkWindow
from vidgait.norms import Range
from vidgait.pose.crops import CropDetector

log = logging.getLogger(__name__)


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
        self._crops = LiveCrops(crop_detect) if config.crops and crop_detect else None
        self._lock = threading.Lock()      # guards everything below that threads share
        self._follower = Follower()
        self._several: deque[bool] = deque(maxlen=SEVERAL_PEOPLE_FRAMES[1])
        self._window = LandmarkWindow(config.window_s)
        self._tag = LiveTag(config.marker_size_mm, config.window_s) if config.marker else None
        self._feedback = Biofeedback(config.metric, config.band)
        self._stats = StreamStats()
        self._pacer = Pacer()
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

        Parameters
        ----------
        rgb : (H, W, 3) uint8
            The frame, RGB.
        timestamp_ms : float
            The frame's stream time, ms.
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

    def set_feedback(self, metric: str | None, band: Range | None = None) -> None:
        """Choose the biofeedback metric and band; counters restart at zero.

        Parameters
        ----------
        metric : str or None
            A key of :data:`vidgait.live.biofeedback.METRICS`; None: biofeedback off.
        band : Range, optional
            The target band, in the metric's unit; None: the metric's default band.
        """
        fb = Biofeedback(metric, band)
        with self._lock:
            self._feedback = fb
            self._snap = replace(self._snap, feedback=fb.state)

    def set_level(self, duration_s: float = LEVEL_S) -> None:
        """Take the pelvis marker's level from the next ``duration_s`` s (patient standing
        still); until then obliquity is relative to the window's mean (:mod:`vidgait.live.tag`).

        Parameters
        ----------
        duration_s : float
            Length of the capture, s of stream time.
        """
        if self._tag is not None:
            self._tag.set_level(duration_s)

    def set_mirror(self, mirror: bool) -> None:
        """Mirror the DISPLAYED overlay (selfie preview); the analysis is unaffected.

        Parameters
        ----------
        mirror : bool
            True: the overlay is shown flipped left-right.
        """
        self._mirror = bool(mirror)

    def start_recording(self, path: str | os.PathLike[str]) -> Path:
        """Start recording the raw frames (with their timestamps) to an H.264 mp4 at ``path``.

        Parameters
        ----------
        path : str or os.PathLike
            The mp4 file to write (a recording already running is stopped first).
        """
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

    def __enter__(self) -> LiveProcessor:
        """Return the processor; leaving the ``with`` block closes it."""
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Close the processor (:meth:`close`)."""
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
            cands = self._pose.detect(rgb, timestamp_ms)
            if self._crops is not None:
                cands = self._crops(rgb, t_s, cands)
        except Exception as exc:  # a bad frame must not end the stream
            log.exception("pose detection failed")
            cands, error = [], f"pose detection failed: {exc}"
        with self._lock:
            person, people = self._follower.choose(cands, t_s)
        row, pelvis = look(self._tag, rgb, person, t_s)
        with self._lock:
            self._window.add(t_s, person, (w, h), row)
            snap = self._snap
            metric = self._feedback.metric
        self._several.append(len(people) > 1)
        advice = frame_advice(people, person, w, h, mean_luma(rgb), metric=metric,
                              view=snap.metrics.view,
                              several=sum(self._several) >= SEVERAL_PEOPLE_FRAMES[0])
        overlay = draw_overlay(
            rgb, None if person is None else person.image,
            None if person is None else person.visibility, advice, snap.metrics, snap.feedback,
            mirror=self._mirror, status=self._status(snap), pelvis=pelvis)
        done = self._clock()
        self._pacer.busy(done - started)
        with self._lock:
            self._overlay = overlay
            self._stats.done.append(done)
            self._stats.latency_ms.append(1000.0 * (done - arrival))
            self._snap = replace(self._snap, t_s=t_s, people=len(people), pelvis=pelvis,
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
        start, level = self._clock(), self._tag.level_deg if self._tag is not None else None
        try:
            analysis = analyze(seq)
            metrics = rolling_metrics(seq, analysis=analysis, level_deg=level)
            strides = (stride_values(seq, analysis=analysis, level_deg=level)
                       if feedback.metric is not None else [])
        except Exception as exc:  # the core refuses some windows (too short, nobody walking)
            log.debug("metrics update skipped: %s", exc)
            with self._lock:
                self._snap = replace(self._snap, metrics=RollingMetrics(window_s=seq.duration_s),
                                     analysis_ms=1000.0 * (self._clock() - start),
                                     analysis_note=f"{type(exc).__name__}: {exc}")
            return
        note = ("" if metrics.available or not metrics.notices
                else notice_text(metrics.notices[-1]))
        with self._lock:
            if feedback is self._feedback:  # not replaced meanwhile
                feedback.update(strides, float(seq.t[-1]), no_marker=marker_missing(analysis))
            self._snap = replace(self._snap, metrics=metrics, feedback=self._feedback.state,
                                 analysis_ms=1000.0 * (self._clock() - start),
                                 analysis_note=note)


__all__ = ["LiveProcessor"]
