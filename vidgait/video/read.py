"""Video reading: open a file, tell its facts, yield upright RGB frames with real timestamps
(milliseconds). Cameras are read by :mod:`vidgait.video.camera`, writing is
:mod:`vidgait.video.write`.

Files are decoded with PyAV (FFmpeg), which gives the container's presentation timestamps, the
codec and the display-rotation metadata directly. Phones record variable frame rate, so a frame's
time is always its container timestamp, never ``index / nominal_fps``; timestamps are kept strictly
increasing (a frame whose timestamp does not advance is dropped and counted), because MediaPipe's
VIDEO mode requires it.

Rotation: phones store portrait video as landscape pixels plus a display matrix. FFmpeg reports the
matrix as a counter-clockwise angle (``frame.rotation``); frames are turned upright here,
explicitly, whatever OpenCV's own auto-rotate default happens to be (it changed in OpenCV 4.11).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from vidgait.errors import (
    ClipTooShortError,
    CorruptVideoError,
    EmptyVideoError,
    NotAVideoError,
    VideoLimitError,
    VideoNotFoundError,
)
from vidgait.lens import vertical_fov_from_35mm

log = logging.getLogger(__name__)

#: file suffixes the upload form and CLI accept (FFmpeg may read others; these are promised)
VIDEO_SUFFIXES: tuple[str, ...] = (".mp4", ".mov", ".m4v", ".avi", ".webm", ".mkv")

#: FFmpeg demuxers that read still images; a file opened by one of them is not a video
_IMAGE_FORMATS = {"image2", "gif", "webp_pipe", "apng"}


@dataclass(frozen=True)
class VideoLimits:
    """What vidgait accepts. Defaults suit a clinic recording of a few walking passes.

    Attributes
    ----------
    min_duration_s : float
        Shortest clip, in seconds: two strides at a brisk 120 steps/min take 2.0 s.
    max_duration_s : float
        Longest clip, in seconds (pose estimation runs at roughly real time on 2 cores).
    max_pixels : int
        Largest frame (width x height), 4K UHD by default.
    max_file_bytes : int
        Largest file, in bytes.
    """

    min_duration_s: float = 2.0
    max_duration_s: float = 600.0
    max_pixels: int = 3840 * 2160
    max_file_bytes: int = 4 * 1024**3


DEFAULT_LIMITS = VideoLimits()


@dataclass(frozen=True)
class VideoInfo:
    """Facts about a video file, as a person would see it (upright).

    Attributes
    ----------
    path : str
        The file.
    width, height : int
        Size of the UPRIGHT frame in pixels (after applying ``rotation``).
    fps : float
        Average frame rate in frames per second (not rounded: 29.97 stays 29.97).
    frame_count : int
        Frames in the stream as the container declares them (or an estimate from duration x fps
        when the container does not say).
    duration_s : float
        Stream duration in seconds.
    rotation : int
        Counter-clockwise rotation in degrees (0, 90, 180, 270) applied to the stored pixels to
        show them upright.
    codec : str
        FFmpeg codec name of the video stream (e.g. ``"h264"``, ``"vp9"``).
    container : str
        FFmpeg demuxer name (e.g. ``"mov,mp4,m4a,3gp,3g2,mj2"``).
    size_bytes : int
        File size.
    vertical_fov_deg : float or None
        The upright picture's vertical field of view from the container's metadata (a
        35 mm-equivalent focal length, as iPhones record it), deg; None when it says nothing.
    """

    path: str
    width: int
    height: int
    fps: float
    frame_count: int
    duration_s: float
    rotation: int
    codec: str
    container: str
    size_bytes: int
    vertical_fov_deg: float | None = None

    def to_dict(self) -> dict[str, object]:
        """The facts as a JSON-serialisable dict (units in the key names' docs above)."""
        return {
            "path": self.path, "width": self.width, "height": self.height, "fps": self.fps,
            "frame_count": self.frame_count, "duration_s": self.duration_s,
            "rotation_deg": self.rotation, "codec": self.codec, "container": self.container,
            "size_bytes": self.size_bytes, "vertical_fov_deg": self.vertical_fov_deg,
        }


@dataclass(frozen=True, eq=False)
class Frame:
    """One decoded, upright frame.

    Attributes
    ----------
    index : int
        Position in the decoded stream (0-based, counting only frames yielded).
    timestamp_ms : float
        Presentation time in milliseconds from the container (or a monotonic clock for cameras),
        strictly increasing within one stream.
    rgb : (H, W, 3) uint8
        The picture, RGB, C-contiguous.
    """

    index: int
    timestamp_ms: float
    rgb: np.ndarray

    @property
    def t(self) -> float:
        """Presentation time in seconds."""
        return self.timestamp_ms / 1000.0


# ------------------------------------------------------------------------------------ probing
def _check_path(path: str | os.PathLike[str], limits: VideoLimits) -> Path:
    p = Path(path)
    if not p.exists():
        raise VideoNotFoundError(f"No such file: {p}")
    if not p.is_file():
        raise VideoNotFoundError(f"Not a file: {p}")
    size = p.stat().st_size
    if size == 0:
        raise EmptyVideoError(f"{p.name} is empty (0 bytes): the upload or copy did not finish.")
    if size > limits.max_file_bytes:
        raise VideoLimitError(
            f"{p.name} is {size / 1024**3:.1f} GiB; the limit is "
            f"{limits.max_file_bytes / 1024**3:.1f} GiB. Trim the clip to the walking passes."
        )
    return p


def _has_video_signature(p: Path) -> bool:
    """True when the first bytes are those of a video container (MP4/MOV, AVI, Matroska/WebM)."""
    with p.open("rb") as f:
        head = f.read(12)
    return (head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")
            or (head[:4] == b"RIFF" and head[8:12] == b"AVI ")
            or head[:4] == b"\x1a\x45\xdf\xa3")


def _open_container(p: Path) -> av.container.InputContainer:
    try:
        container = av.open(str(p), mode="r")
    except av.error.InvalidDataError as exc:
        if _has_video_signature(p):
            raise CorruptVideoError(
                f"{p.name} is a video container but could not be read: it looks damaged or "
                f"incomplete (FFmpeg: {exc.strerror}). Copy or export the original recording again."
            ) from exc
        raise NotAVideoError(
            f"{p.name} is not a video file that can be read (FFmpeg: {exc.strerror}). "
            f"Accepted: {', '.join(VIDEO_SUFFIXES)}."
        ) from exc
    except (av.error.FFmpegError, OSError) as exc:
        # e.g. "moov atom not found": an MP4 whose end (with its index) was cut off
        raise CorruptVideoError(
            f"{p.name} could not be opened: it looks damaged or incomplete ({exc}). "
            "Copy or export the original recording again."
        ) from exc
    fmt = container.format.name
    if fmt in _IMAGE_FORMATS or fmt.endswith("_pipe"):
        container.close()
        raise NotAVideoError(f"{p.name} is a still image ({fmt}), not a video.")
    if not container.streams.video:
        container.close()
        raise NotAVideoError(f"{p.name} holds no video stream (audio or data only).")
    return container


def _stream_rate(stream: av.video.stream.VideoStream) -> float:
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    return float(rate) if rate else 0.0


def _stream_duration_s(container: av.container.InputContainer,
                       stream: av.video.stream.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000.0  # AV_TIME_BASE is microseconds
    return 0.0


def _is_truncated(p: Path, stream: av.video.stream.VideoStream) -> bool:
    """True when the container's packet index points past the end of the file."""
    try:
        entries = stream.index_entries
        if not entries:
            return False
        end = max(e.pos + e.size for e in entries)
    except (AttributeError, TypeError):  # demuxer without an index (e.g. some webm)
        return False
    return end > p.stat().st_size


def probe(path: str | os.PathLike[str], limits: VideoLimits = DEFAULT_LIMITS) -> VideoInfo:
    """Open a video, check it against ``limits`` and return its facts.

    One frame is decoded to make sure the stream is readable.

    Parameters
    ----------
    path : str or os.PathLike
        The video file.
    limits : VideoLimits
        What the video must satisfy (file size, duration, frame size, ...).

    Raises
    ------
    VideoNotFoundError, NotAVideoError, EmptyVideoError, CorruptVideoError,
    ClipTooShortError, VideoLimitError
        Each with a message for a person that says what is wrong and what to do.
    """
    p = _check_path(path, limits)
    with _open_container(p) as container:
        stream = container.streams.video[0]
        fps = _stream_rate(stream)
        duration = _stream_duration_s(container, stream)
        first = _first_frame(container, stream, p)
        rotation = int(first.rotation or 0) % 360
        w, h = first.width, first.height
        if rotation in (90, 270):
            w, h = h, w
        frames = int(stream.frames) if stream.frames else round(duration * fps)
        info = VideoInfo(
            path=str(p), width=w, height=h, fps=fps, frame_count=frames, duration_s=duration,
            rotation=rotation, codec=stream.codec_context.name, container=container.format.name,
            size_bytes=p.stat().st_size, vertical_fov_deg=_lens_fov(container, stream, w, h),
        )
        if _is_truncated(p, stream):
            raise CorruptVideoError(
                f"{p.name} is truncated: its index points past the end of the file "
                f"({info.size_bytes} bytes). The upload or copy did not finish."
            )
    _check_limits(info, limits)
    return info


#: the metadata key (container or stream) of a 35 mm-equivalent focal length, as written by
#: iPhones ("com.apple.quicktime.camera.focal_length.35mm_equivalent")
FOCAL_35MM_KEY = "focal_length.35mm_equivalent"


def _lens_fov(container: av.container.InputContainer, stream: av.video.stream.VideoStream,
              width: int, height: int) -> float | None:
    """The vertical field of view from a 35 mm-equivalent focal length in the metadata, deg."""
    for md in (container.metadata, stream.metadata):
        for key, value in md.items():
            if key.lower().endswith(FOCAL_35MM_KEY):
                try:
                    f35 = float(str(value).split()[0])
                except (ValueError, IndexError):
                    continue
                if 5.0 <= f35 <= 300.0:  # a phone's lenses are 13-120 mm equivalent
                    return vertical_fov_from_35mm(width, height, f35)
    return None


def _first_frame(container: av.container.InputContainer, stream: av.video.stream.VideoStream,
                 p: Path) -> av.VideoFrame:
    try:
        for frame in container.decode(stream):
            return frame
    except av.error.FFmpegError as exc:
        raise CorruptVideoError(f"{p.name}: the video stream cannot be decoded ({exc}).") from exc
    raise EmptyVideoError(f"{p.name} contains no decodable video frame.")


def _check_limits(info: VideoInfo, limits: VideoLimits) -> None:
    name = Path(info.path).name
    if info.width * info.height > limits.max_pixels:
        raise VideoLimitError(
            f"{name} is {info.width}x{info.height}; the limit is {limits.max_pixels:,} pixels "
            "(4K). Export at 1080p: pose estimation gains nothing above it."
        )
    if info.duration_s > limits.max_duration_s:
        raise VideoLimitError(
            f"{name} lasts {info.duration_s:.0f} s; the limit is {limits.max_duration_s:.0f} s. "
            "Trim it to the walking passes."
        )
    if info.duration_s < limits.min_duration_s or info.frame_count < 2:
        raise ClipTooShortError(
            f"{name} lasts {info.duration_s:.2f} s ({info.frame_count} frame(s)); at least "
            f"{limits.min_duration_s:.1f} s of walking is needed to hold two strides."
        )


# ------------------------------------------------------------------------------------ frames
def _upright(rgb: np.ndarray, rotation: int) -> np.ndarray:
    if rotation == 0:
        return rgb
    return np.ascontiguousarray(np.rot90(rgb, k=rotation // 90))  # rot90 turns counter-clockwise


def iter_frames(source: str | os.PathLike[str] | VideoInfo, *, max_frames: int | None = None,
                limits: VideoLimits = DEFAULT_LIMITS, threads: bool = True) -> Iterator[Frame]:
    """Yield upright RGB frames of a video file with their container timestamps.

    Parameters
    ----------
    source
        A path, or the :class:`VideoInfo` from :func:`probe` (then it is not probed again).
    max_frames
        Stop after this many frames (None: all).
    limits
        Checked when ``source`` is a path.
    threads
        Let FFmpeg decode with several threads (faster; frame order is unaffected).

    Notes
    -----
    A frame whose timestamp does not advance past the previous one is dropped (logged at the end).
    A stream that stops decoding part-way raises :class:`CorruptVideoError` after the frames that
    could be read.
    """
    info = source if isinstance(source, VideoInfo) else probe(source, limits)
    p = Path(info.path)
    dropped = 0
    with av.open(str(p), mode="r") as container:
        stream = container.streams.video[0]
        if threads:
            stream.thread_type = "AUTO"
        fallback_dt = 1.0 / info.fps if info.fps > 0 else 1.0 / 30.0
        last_t: float | None = None
        index = 0
        try:
            for frame in container.decode(stream):
                t = _frame_time(frame, last_t, fallback_dt)
                if last_t is not None and t <= last_t:
                    dropped += 1
                    continue
                last_t = t
                rgb = _upright(frame.to_ndarray(format="rgb24"), info.rotation)
                yield Frame(index=index, timestamp_ms=t * 1000.0, rgb=rgb)
                index += 1
                if max_frames is not None and index >= max_frames:
                    break
        except av.error.FFmpegError as exc:
            raise CorruptVideoError(
                f"{p.name}: decoding failed after {index} frame(s) ({exc}). The file is damaged."
            ) from exc
    if dropped:
        log.warning("%s: dropped %d frame(s) whose timestamp did not advance", p.name, dropped)
    if index == 0:
        raise EmptyVideoError(f"{p.name} contains no decodable video frame.")


def _frame_time(frame: av.VideoFrame, last_t: float | None, fallback_dt: float) -> float:
    if frame.pts is not None and frame.time_base is not None:
        return float(frame.pts * Fraction(frame.time_base))
    return 0.0 if last_t is None else last_t + fallback_dt
