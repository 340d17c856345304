"""Draw the tracked skeleton on video frames and write a browser-playable H.264 mp4.

Colours follow the PATIENT's sides: left limbs blue, right limbs orange, midline white, so a mirrored
preview or a walker facing either way never confuses them.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import cv2
import numpy as np

from vidgait.landmarks import CONNECTIONS, side_of
from vidgait.sequence import PoseSequence
from vidgait.video import iter_frames, probe

#: RGB colours per side
COLOURS = {"left": (40, 120, 255), "right": (255, 140, 0), "centre": (235, 235, 235)}
_EDGE_SIDE = [side_of(a) if side_of(a) == side_of(b) else "centre" for a, b in CONNECTIONS]


def draw_skeleton(rgb: np.ndarray, image: np.ndarray, visibility: np.ndarray | None = None, *,
                  min_visibility: float = 0.3, thickness: int | None = None) -> np.ndarray:
    """Draw one person's landmarks (33, 2+ pixels) on ``rgb`` in place and return it.

    Landmarks that are NaN or below ``min_visibility`` are not drawn.
    """
    h, w = rgb.shape[:2]
    th = thickness or max(2, round(min(h, w) / 240))
    ok = np.isfinite(image[:, :2]).all(axis=1)
    if visibility is not None:
        ok &= visibility >= min_visibility
    pts = np.nan_to_num(image[:, :2]).round().astype(np.int32)
    for (a, b), side in zip(CONNECTIONS, _EDGE_SIDE, strict=True):
        if ok[a] and ok[b]:
            cv2.line(rgb, tuple(pts[a]), tuple(pts[b]), COLOURS[side], th, cv2.LINE_AA)
    for i in np.flatnonzero(ok):
        cv2.circle(rgb, tuple(pts[i]), th + 1, COLOURS[side_of(int(i))], -1, cv2.LINE_AA)
    return rgb


class H264Writer:
    """Write RGB frames with their own timestamps to an H.264 (yuv420p) mp4 that browsers play.

    Timestamps are kept in ``time_base`` units (milliseconds by default), so variable-frame-rate
    clips stay in sync; a constant-rate source can pass ``time_base=1/fps`` for exact frame times.
    Odd frame sizes are padded by one pixel (yuv420p needs even sizes).
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
        """Add one RGB frame shown at ``timestamp_ms`` (later than the previous one)."""
        if rgb.shape[0] != self._h or rgb.shape[1] != self._w:
            rgb = cv2.copyMakeBorder(rgb, 0, self._h - rgb.shape[0], 0, self._w - rgb.shape[1],
                                     cv2.BORDER_REPLICATE)
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        pts = max(int(round(timestamp_ms / 1000 / self._tb)), self._last_pts + 1)
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
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def write_overlay(video: str | os.PathLike[str], seq: PoseSequence,
                  out: str | os.PathLike[str], *, crf: int = 23) -> Path:
    """Write ``video`` with ``seq``'s skeleton drawn on every frame where the person was found."""
    info = probe(video)
    rows = {int(fi): k for k, fi in enumerate(seq.frame_index)}
    with H264Writer(out, info.width, info.height, info.fps, crf=crf) as writer:
        for frame in iter_frames(info):
            k = rows.get(frame.index)
            rgb = frame.rgb
            if k is not None and seq.found[k]:
                rgb = draw_skeleton(rgb.copy() if not rgb.flags.writeable else rgb,
                                    seq.image[k], seq.visibility[k])
            writer.write(rgb, frame.timestamp_ms)
    return Path(out)
