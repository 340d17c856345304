"""Record the raw live frames, with their own timestamps, to an H.264 mp4.

The recording holds the frames as the camera delivered them (never the overlay, never mirrored),
so it can go through the full upload analysis afterwards. Timestamps are kept in milliseconds
relative to the first recorded frame (:class:`vidgait.video.H264Writer`), so a camera's variable
frame rate stays true.

Encoding runs in its own thread behind a bounded queue, so a slow encoder never stalls the frame
callback; if the queue is full the frame is not recorded and counted in ``dropped`` (the file
stays valid: the next frame keeps its true timestamp).
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vidgait.video import H264Writer

log = logging.getLogger(__name__)

_STOP = object()


@dataclass(frozen=True)
class RecordingInfo:
    """State of a recording.

    Attributes
    ----------
    path : str
        The mp4 file.
    frames : int
        Frames written (or queued to be written).
    dropped : int
        Frames not recorded because the encoder fell behind.
    duration_s : float
        Time from the first to the last recorded frame, s.
    active : bool
        True while recording.
    """

    path: str
    frames: int
    dropped: int
    duration_s: float
    active: bool


class Recorder:
    """Write frames to an H.264 mp4 in a background thread.

    Parameters
    ----------
    path : path-like
        Output ``.mp4`` (parent folders are created).
    fps : float
        Nominal frame rate written into the stream header (frame times stay the real ones).
    queue_size : int
        Frames buffered for the encoder (about 2 s at 30 fps by default).
    crf : int
        x264 constant rate factor (lower: better quality, bigger file).
    """

    def __init__(self, path: str | os.PathLike[str], *, fps: float = 30.0,
                 queue_size: int = 60, crf: int = 20) -> None:
        self.path = Path(path)
        self._fps = fps
        self._crf = crf
        self._q: queue.Queue = queue.Queue(maxsize=queue_size)
        self._t0: float | None = None
        self._last_ms = -1.0
        self._frames = 0
        self._dropped = 0
        self._error: BaseException | None = None
        self._active = True
        self._thread = threading.Thread(target=self._work, name="vidgait-record", daemon=True)
        self._thread.start()

    def write(self, rgb: np.ndarray, timestamp_ms: float) -> None:
        """Queue one raw RGB frame taken at ``timestamp_ms`` (stream time, ms); never blocks.

        Parameters
        ----------
        rgb : (H, W, 3) uint8
            The frame, RGB.
        timestamp_ms : float
            The frame's stream time, ms; a frame not later than the last queued one is dropped.
        """
        if not self._active:
            return
        if self._t0 is None:
            self._t0 = timestamp_ms
        rel = timestamp_ms - self._t0
        if rel <= self._last_ms:
            return  # timestamps must advance
        try:
            self._q.put_nowait((rgb, rel))
        except queue.Full:
            self._dropped += 1
            return
        self._last_ms = rel
        self._frames += 1

    def _work(self) -> None:
        writer: H264Writer | None = None
        try:
            while True:
                item = self._q.get()
                if item is _STOP:
                    break
                rgb, rel = item
                if writer is None:
                    h, w = rgb.shape[:2]
                    writer = H264Writer(self.path, w, h, self._fps, crf=self._crf)
                writer.write(rgb, rel)
        except BaseException as exc:  # reported by stop()
            self._error = exc
            log.exception("recording to %s failed", self.path)
        finally:
            if writer is not None:
                writer.close()

    def info(self) -> RecordingInfo:
        """The recording's state now."""
        return RecordingInfo(str(self.path), self._frames, self._dropped,
                             max(self._last_ms, 0.0) / 1000.0, self._active)

    def stop(self, timeout_s: float = 30.0) -> RecordingInfo:
        """Finish the file (flush the encoder) and return its final state.

        Parameters
        ----------
        timeout_s : float
            How long to wait for the encoder to finish, s.

        Raises
        ------
        RuntimeError
            If nothing was recorded or the encoder failed.
        """
        if self._active:
            self._active = False
            self._q.put(_STOP)
            self._thread.join(timeout_s)
        if self._error is not None:
            raise RuntimeError(f"Recording failed: {self._error}") from self._error
        if self._frames == 0:
            raise RuntimeError("Nothing was recorded: no frame arrived while recording.")
        return self.info()
