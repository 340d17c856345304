"""Video writing: RGB frames with their own timestamps in, a browser-playable H.264 mp4 out.

The one encoder of vidgait (annotated videos, phantom clips, live recordings and overlays all go
through :class:`H264Writer`). Frames are RGB ``(H, W, 3) uint8``; timestamps are milliseconds and
are kept as given (in ``time_base`` units), so a variable-frame-rate source stays in sync.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import cv2
import numpy as np


class H264Writer:
    """Write RGB frames with their own timestamps to an H.264 (yuv420p) mp4 that browsers play.

    Timestamps are kept in ``time_base`` units (milliseconds by default), so variable-frame-rate
    clips stay in sync; a constant-rate source can pass ``time_base=1/fps`` for exact frame times.
    Odd frame sizes are padded by one pixel (yuv420p needs even sizes).

    Parameters
    ----------
    path : str or os.PathLike
        The mp4 file to write (its folder is created).
    width, height : int
        Frame size, px.
    fps : float
        Nominal frame rate, Hz (the stream's rate; frame times come from the timestamps).
    crf : int
        x264 constant rate factor (lower: better quality, larger file).
    preset : str
        x264 speed preset.
    time_base : Fraction
        The unit of the stored timestamps, s (default 1 ms).
    """

    def __init__(self, path: str | os.PathLike[str], width: int, height: int, fps: float, *,
                 crf: int = 23, preset: str = "veryfast",
                 time_base: Fraction = Fraction(1, 1000)) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._w, self._h = width + width % 2, height + height % 2
        self._container = av.open(str(self.path), mode="w",
                                  options={"movflags": "+faststart"})  # playable while loading
        rate = Fraction(fps).limit_denominator(1001) if fps > 0 else Fraction(30)
        self._stream = self._container.add_stream("libx264", rate=rate)
        self._stream.width, self._stream.height = self._w, self._h
        self._stream.pix_fmt = "yuv420p"
        self._tb = time_base
        self._stream.codec_context.time_base = time_base  # frame times kept as given
        self._stream.time_base = time_base
        self._stream.options = {"crf": str(crf), "preset": preset}
        self._last_pts = -1

    def write(self, rgb: np.ndarray, timestamp_ms: float) -> None:
        """Add one RGB frame shown at ``timestamp_ms`` (later than the previous one).

        Parameters
        ----------
        rgb : (H, W, 3) uint8
            The frame, RGB (padded to the writer's even size when needed).
        timestamp_ms : float
            The frame's time, ms (a time not after the previous frame's is moved one tick later).
        """
        if rgb.shape[0] != self._h or rgb.shape[1] != self._w:
            rgb = cv2.copyMakeBorder(rgb, 0, self._h - rgb.shape[0], 0, self._w - rgb.shape[1],
                                     cv2.BORDER_REPLICATE)
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        pts = max(round(timestamp_ms / 1000 / self._tb), self._last_pts + 1)
        frame.pts, frame.time_base, self._last_pts = pts, self._tb, pts
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def close(self) -> None:
        """Flush the encoder and close the file (idempotent)."""
        if self._container is None:
            return
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()
        self._container = None

    def __enter__(self) -> H264Writer:
        """Return the writer; leaving the ``with`` block closes the file."""
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Finish the file (:meth:`close`)."""
        self.close()
