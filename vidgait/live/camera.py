"""Run a :class:`~vidgait.live.processor.LiveProcessor` on a camera or on a video file played live.

``run_camera(0)`` reads OpenCV device 0 (:func:`vidgait.video.iter_camera`); ``run_camera(path)``
plays a video file at its real-time pace as a "virtual camera" (:func:`play_file`), optionally
looped, which is how tests and the benchmark feed a live stream without a webcam. Either way each
frame is handed to the processor exactly as a browser frame would be (non-blocking
:meth:`~vidgait.live.processor.LiveProcessor.submit`), and the caller gets the overlay and a
snapshot per frame.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import takewhile
from pathlib import Path

import numpy as np

from vidgait.live.config import LiveConfig, PoseDetector
from vidgait.live.processor import LiveProcessor
from vidgait.live.snapshot import LiveSnapshot
from vidgait.video import Frame, iter_camera, iter_frames, probe


@dataclass(frozen=True, eq=False)
class LiveOutput:
    """One step of a live run.

    Attributes
    ----------
    frame : Frame
        The frame as it arrived (stream timestamp in ms, never mirrored).
    overlay : (H, W, 3) uint8
        The newest finished overlay (it may belong to an earlier frame while the model is busy).
    snapshot : LiveSnapshot
        The processor state after this frame was submitted.
    """

    frame: Frame
    overlay: np.ndarray
    snapshot: LiveSnapshot


def play_file(path: str | os.PathLike[str], *, loop: bool = False, realtime: bool = True,
              max_seconds: float | None = None,
              sleep: Callable[[float], None] = time.sleep,
              clock: Callable[[], float] = time.perf_counter) -> Iterator[Frame]:
    """Yield a video file's frames at the pace they were recorded: a virtual camera.

    Parameters
    ----------
    path : path-like
        The video (decoded with :func:`vidgait.video.iter_frames`, so rotation and real
        timestamps are honoured).
    loop : bool
        Start again at the end; timestamps keep increasing (each loop is shifted by the clip
        length plus one frame interval).
    realtime : bool
        Sleep until each frame's time has come on the wall clock (as a camera delivers it);
        False yields as fast as decoding allows.
    max_seconds : float, optional
        Stop after this much stream time, s.
    sleep, clock : callable
        Injected for tests.

    Yields
    ------
    Frame
        Indices and timestamps (ms) continue across loops.
    """
    info = probe(path)
    period = 1.0 / info.fps if info.fps > 0 else 1.0 / 30.0
    offset_ms = 0.0
    index = 0
    start = clock()
    while True:
        last_ms = offset_ms
        for f in iter_frames(info):
            t_ms = offset_ms + f.timestamp_ms
            if max_seconds is not None and t_ms / 1000.0 > max_seconds:
                return
            if realtime:
                wait = start + t_ms / 1000.0 - clock()
                if wait > 0:
                    sleep(wait)
            yield Frame(index=index, timestamp_ms=t_ms, rgb=f.rgb)
            index += 1
            last_ms = t_ms
        if not loop:
            return
        offset_ms = last_ms + 1000.0 * period


def open_source(source: int | str | os.PathLike[str], *, loop: bool = False,
                realtime: bool = True, max_seconds: float | None = None) -> Iterator[Frame]:
    """Frames of a camera (int device index, or a string of digits) or a video file.

    Parameters
    ----------
    source : int, str or os.PathLike
        A camera device index (int, or a string of digits) or a video file.
    loop : bool
        A file starts again at its end.
    realtime : bool
        A file is played at its own frame rate (False: as fast as it decodes).
    max_seconds : float, optional
        Stop after this much stream time, s; None: no limit.

    Raises
    ------
    vidgait.errors.CameraError, vidgait.errors.InputError
        When the camera cannot be opened or the file is not a usable video.
    """
    if isinstance(source, int) or (isinstance(source, str) and source.isdigit()):
        frames = iter_camera(int(source))
        if max_seconds is None:
            return frames
        return takewhile(lambda f: f.timestamp_ms / 1000.0 <= max_seconds, frames)
    return play_file(Path(source), loop=loop, realtime=realtime, max_seconds=max_seconds)


def run_camera(source: int | str | os.PathLike[str], *, config: LiveConfig = LiveConfig(),
               loop: bool = False, realtime: bool = True, seconds: float | None = None,
               record_to: str | os.PathLike[str] | None = None,
               pose: PoseDetector | None = None,
               processor: LiveProcessor | None = None) -> Iterator[LiveOutput]:
    """Run the live assessment on a camera or a video file; yields overlay and snapshot per frame.

    Parameters
    ----------
    source : int or path-like
        OpenCV device index (``0``: the first webcam) or a video file played as a camera.
    config : LiveConfig
        Processor settings (model, window, biofeedback metric and band, display mirroring).
    loop : bool
        Loop a video file (ignored for cameras).
    realtime : bool
        Play a file at its recorded pace (True) or as fast as it decodes (False; frames then
        pile up and most are dropped, as a camera faster than the model would).
    seconds : float, optional
        Stop after this much stream time, s.
    record_to : path-like, optional
        Record the raw frames to this mp4 from the start; the file is finished when the
        generator ends.
    pose : PoseDetector, optional
        Pose backend (default: MediaPipe for ``config.model``).
    processor : LiveProcessor, optional
        Use this processor (it is not closed at the end); otherwise one is made and closed.

    Yields
    ------
    LiveOutput
    """
    own = processor is None
    proc = processor or LiveProcessor(config, pose=pose)
    try:
        if record_to is not None:
            proc.start_recording(record_to)
        for frame in open_source(source, loop=loop, realtime=realtime, max_seconds=seconds):
            overlay = proc.submit(frame.rgb, frame.timestamp_ms)
            yield LiveOutput(frame, overlay, proc.snapshot())
    finally:
        if record_to is not None and proc.recording:
            proc.stop_recording()
        if own:
            proc.close()
