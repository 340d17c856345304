"""The pelvis marker on the live stream: found in every processed frame, its pelvic obliquity
shown at once, and its per-frame rows kept for the rolling window's analysis.

:class:`LiveTag` looks for the tag (AprilTag 36h11 id 0, the printed size) around the followed
person's hips (:func:`vidgait.marker.track.hip_box`, :func:`vidgait.marker.detect.detect_tags`,
the camera an assumed phone lens :meth:`~vidgait.marker.detect.Intrinsics.from_fov` of the frame:
a wrong focal length scales the distance, not the roll). One tag on the person is measured;
otherwise the frame gets a status of :data:`vidgait.sequence.TAG_STATUS` (nobody to search
around, not found, too small, turned away, not a flat square, two copies) and no value.

Pelvic obliquity, deg, **+ when the patient's RIGHT side is up** (the tag is on the sacrum and
filmed from behind, so its image-right end is the patient's right: roll + = right side up), is
the tag's roll minus a zero (the card's mounting roll and the camera's own roll):

* ``"level"``: set with :meth:`LiveTag.set_level` (the page's "Set level (stand still)"): the
  median roll over the next ``LEVEL_S`` s of stream time while the patient stands still (the
  tag's image centre and size must not move more than the core's standing-still bounds,
  :mod:`vidgait.kinematics.sacrum`; otherwise the capture is refused and the old zero kept);
* ``"window_mean"``: before that, the mean roll of the tag's measured frames in the rolling
  window (values are then relative to the mean obliquity of the last ``window_s`` s).

The display is never mirrored here: sides come from the analysed (unmirrored) frame.
Nothing is interpolated: a frame without a measurement has no obliquity.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from vidgait.kinematics.sacrum import STAND_CENTRE_SHARE, STAND_SIZE_SHARE
from vidgait.marker.detect import Intrinsics, TagObservation, TagRefusal, detect_tags
from vidgait.marker.layout import DEFAULT_SIZE_MM
from vidgait.marker.track import MIN_SEEN_SHARE, hip_box, reject_jumps
from vidgait.pose.tracking import Candidate
from vidgait.sequence import TAG_STATUS, MarkerTrack

log = logging.getLogger(__name__)

#: the "Set level" capture, s of stream time (a practical choice: long enough for a median over
#: ~20-45 frames, short enough for a patient to stand still)
LEVEL_S = 1.5
#: the least share of the capture's frames with a measured tag for a level
LEVEL_MIN_SEEN = 0.6

Zero = Literal["level", "window_mean", "none"]


@dataclass(frozen=True)
class TagRow:
    """The tag in one processed frame, as the rolling window keeps it (see :class:`MarkerTrack`).

    Attributes
    ----------
    status : int
        Index into :data:`vidgait.sequence.TAG_STATUS` (0: measured).
    roll_deg, yaw_deg : float
        The tag's roll and yaw, deg (NaN when not measured).
    position_m : (3,) float
        The black square's centre in the camera frame, m (NaN when not measured).
    centre_px : (2,) float
        Its centre in the image, px.
    side_px : float
        Its mean edge in the image, px.
    header : (int, float, (float, float, float, float), bool)
        ``(tag_id, size_mm, (fx, fy, cx, cy), camera_assumed)`` of the search.
    """

    status: int
    roll_deg: float
    yaw_deg: float
    position_m: tuple[float, float, float]
    centre_px: tuple[float, float]
    side_px: float
    header: tuple[int, float, tuple[float, float, float, float], bool]


@dataclass(frozen=True)
class PelvisReading:
    """The pelvis marker in the latest processed frame, for the snapshot and the overlay.

    Attributes
    ----------
    status : str
        A :data:`vidgait.sequence.TAG_STATUS` name (``"measured"`` when the tag gave a value),
        or ``"off"`` when the marker is not looked for.
    obliquity_deg : float
        Pelvic obliquity, + when the patient's RIGHT side is up, deg, relative to ``zero``
        (NaN when not measured).
    roll_deg : float
        The tag's raw roll, deg (NaN when not measured).
    zero : {"level", "window_mean", "none"}
        What 0 means: the level set standing still, the window's mean roll, or nothing yet.
    level_deg : float
        The roll taken as level, deg (NaN without one).
    centre_px : (float, float) or None
        The tag's centre in the analysed frame, px (None when not measured).
    side_px : float
        The tag's mean edge, px (NaN when not measured).
    levelling : float or None
        Share of the level capture done (0..1) while one runs, else None.
    level_refused : {"moved", "unseen"} or None
        Why the latest level capture was refused (the patient moved, the tag was seen in too
        few of its frames), None otherwise.
    seen_share : float
        Share of the rolling window's processed frames with the tag measured (0..1).
    t_s : float
        The frame's stream time, s.
    """

    status: str = "off"
    obliquity_deg: float = math.nan
    roll_deg: float = math.nan
    zero: Zero = "none"
    level_deg: float = math.nan
    centre_px: tuple[float, float] | None = None
    side_px: float = math.nan
    levelling: float | None = None
    level_refused: Literal["moved", "unseen"] | None = None
    seen_share: float = 0.0
    t_s: float = math.nan

    @property
    def measured(self) -> bool:
        """True when this frame gave an obliquity."""
        return self.status == "measured"


class LiveTag:
    """Finds the pelvis marker frame by frame and keeps its zero (see the module notes).

    Parameters
    ----------
    size_mm : float
        The printed black square, mm.
    window_s : float
        The rolling window, s (the span of the ``"window_mean"`` zero and the seen share).
    tag_id : int
        The tag worn (0: the rear card).
    """

    def __init__(self, size_mm: float = DEFAULT_SIZE_MM, window_s: float = 12.0, *,
                 tag_id: int = 0) -> None:
        self.size_mm = float(size_mm)
        self.window_s = window_s
        self.tag_id = tag_id
        self._camera: tuple[tuple[int, int], Intrinsics] | None = None  # per frame size
        self._rolls: deque[tuple[float, float]] = deque()  # (t, roll) of measured frames
        self._seen: deque[tuple[float, bool]] = deque()    # (t, measured) of every frame
        self._lock = threading.Lock()
        self._level = math.nan
        self._request: float | None = None
        self._capture: list[tuple[float, float, float, float]] | None = None  # roll, x, y, side
        self._capture_span: tuple[float, float] = (0.0, 0.0)
        self._capture_frames = 0
        self._refused: Literal["moved", "unseen"] | None = None

    @property
    def level_deg(self) -> float:
        """The roll set as level, deg (NaN until :meth:`set_level` succeeded)."""
        return self._level

    def set_level(self, duration_s: float = LEVEL_S) -> None:
        """Take the level from the next ``duration_s`` s of stream (the patient stands still).

        Parameters
        ----------
        duration_s : float
            Length of the capture, s of stream time.
        """
        with self._lock:
            self._request = float(duration_s)

    def clear_level(self) -> None:
        """Forget the level: values are relative to the window's mean again."""
        with self._lock:
            self._level, self._request, self._capture, self._refused = math.nan, None, None, None

    def look(self, rgb: np.ndarray, person_xy: np.ndarray | None, t_s: float
             ) -> tuple[TagRow, PelvisReading]:
        """Look for the tag around the person's hips in one frame.

        Parameters
        ----------
        rgb : (H, W, 3) uint8
            The analysed (never mirrored) frame.
        person_xy : (33, 2+) float or None
            The followed person's image landmarks, px; None when nobody is followed.
        t_s : float
            The frame's stream time, s.

        Returns
        -------
        row : TagRow
            The frame's row for the rolling window.
        reading : PelvisReading
            What to show now.
        """
        h, w = rgb.shape[:2]
        if self._camera is None or self._camera[0] != (w, h):
            self._camera = ((w, h), Intrinsics.from_fov(w, h))
        k = self._camera[1]
        box = hip_box(person_xy) if person_xy is not None else None
        obs: TagObservation | None = None
        status = "not_searched"
        if box is not None:
            items = detect_tags(rgb, tag_id=self.tag_id, size_mm=self.size_mm, camera=k,
                                search_box=box)
            good = [o for o in items if isinstance(o, TagObservation)]
            refused = [o.reason for o in items if isinstance(o, TagRefusal)]
            if len(good) == 1:
                obs, status = good[0], "measured"
            else:
                status = "several" if good else (refused[0] if refused else "not_found")
        header = (self.tag_id, self.size_mm, (k.fx, k.fy, k.cx, k.cy), k.assumed)
        nan = math.nan
        if obs is None:
            row = TagRow(TAG_STATUS.index(status), nan, nan, (nan, nan, nan), (nan, nan), nan,
                         header)
        else:
            c = obs.corners_px.mean(axis=0)
            row = TagRow(0, float(obs.roll_deg), float(obs.yaw_deg),
                         tuple(float(v) for v in obs.tvec), (float(c[0]), float(c[1])),
                         float(obs.side_px), header)
        return row, self._reading(row, status, t_s)

    def _reading(self, row: TagRow, status: str, t_s: float) -> PelvisReading:
        """Update the window's statistics and the level capture with one row; the reading."""
        measured = row.status == 0
        self._seen.append((t_s, measured))
        if measured:
            self._rolls.append((t_s, row.roll_deg))
        for q in (self._seen, self._rolls):
            while q and q[0][0] < t_s - self.window_s:
                q.popleft()
        levelling = self._levelling(row, t_s)
        level = self._level
        if math.isfinite(level):
            zero: Zero = "level"
        elif self._rolls:
            zero, level = "window_mean", float(np.mean([r for _, r in self._rolls]))
        else:
            zero = "none"
        return PelvisReading(
            status=status, obliquity_deg=row.roll_deg - level if measured else math.nan,
            roll_deg=row.roll_deg, zero=zero, level_deg=level,
            centre_px=row.centre_px if measured else None, side_px=row.side_px,
            levelling=levelling, level_refused=self._refused,
            seen_share=sum(m for _, m in self._seen) / len(self._seen), t_s=t_s)

    def _levelling(self, row: TagRow, t_s: float) -> float | None:
        """Advance a level capture by one frame; its progress (0..1), None when none runs."""
        with self._lock:
            if self._request is not None:
                self._capture, self._capture_frames = [], 0
                self._capture_span = (t_s, t_s + self._request)
                self._request, self._refused = None, None
            if self._capture is None:
                return None
            self._capture_frames += 1
            if row.status == 0:
                self._capture.append((row.roll_deg, *row.centre_px, row.side_px))
            start, end = self._capture_span
            if t_s < end:
                return (t_s - start) / max(end - start, 1e-9)
            got, n = np.asarray(self._capture, float).reshape(-1, 4), self._capture_frames
            self._capture = None
        if len(got) < max(3, LEVEL_MIN_SEEN * n):
            self._refused = "unseen"
            return None
        size = float(np.median(got[:, 3]))
        off = np.linalg.norm(got[:, 1:3] - np.median(got[:, 1:3], axis=0), axis=1)
        if off.max() > STAND_CENTRE_SHARE * size or np.abs(got[:, 3] / size - 1).max() > \
                STAND_SIZE_SHARE:
            self._refused = "moved"
            return None
        self._level = float(np.median(got[:, 0]))
        return None


def look(tag: LiveTag | None, rgb: np.ndarray, person: Candidate | None, t_s: float
         ) -> tuple[TagRow | None, PelvisReading]:
    """:meth:`LiveTag.look` for the followed person, or nothing when the marker is not looked
    for (``tag`` None: no row, a reading with status ``"off"``).

    Parameters
    ----------
    tag : LiveTag or None
        The processor's marker finder.
    rgb : (H, W, 3) uint8
        The analysed frame.
    person : Candidate or None
        The followed person.
    t_s : float
        The frame's stream time, s.
    """
    if tag is None:
        return None, PelvisReading(t_s=t_s)
    try:
        return tag.look(rgb, None if person is None else person.image, t_s)
    except Exception:  # a bad frame must not end the stream
        log.exception("pelvis marker search failed")
        return None, PelvisReading(status="not_searched", t_s=t_s)


def marker_track(rows: Sequence[TagRow | None], t: np.ndarray) -> MarkerTrack | None:
    """The window's :class:`MarkerTrack` from its rows, jumps rejected
    (:func:`vidgait.marker.track.reject_jumps`), or None when the tag was measured in under
    :data:`vidgait.marker.track.MIN_SEEN_SHARE` of the frames (not worn, or seen by chance: the
    core then says the pelvic drop needs the marker).

    Parameters
    ----------
    rows : sequence of TagRow or None
        One per frame of the window (None: the marker was not looked for).
    t : (T,) float
        The frames' times, s.
    """
    last = next((r for r in reversed(rows) if r is not None), None)
    if last is None:
        return None
    tag_id, size_mm, camera, assumed = last.header
    out = MarkerTrack.empty(len(rows), tag_id=tag_id, size_mm=size_mm, camera=camera,
                            camera_assumed=assumed)
    for i, r in enumerate(rows):
        if r is None:
            continue
        out.status[i] = r.status
        out.roll_deg[i], out.yaw_deg[i], out.side_px[i] = r.roll_deg, r.yaw_deg, r.side_px
        out.position_m[i] = r.position_m
        out.centre_px[i] = r.centre_px
    if out.measured.mean() < MIN_SEEN_SHARE:
        return None
    return reject_jumps(out, np.asarray(t, float))


__all__ = ["LEVEL_S", "LiveTag", "PelvisReading", "TagRow", "look", "marker_track"]
