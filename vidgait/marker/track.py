"""Following the pelvis marker through a clip: :class:`TagTracker` looks for the tag around each
person's hips in every frame the pose stage reads, and, once the walker is known, keeps the tag
on the walker and rejects the frames that jump (:func:`reject_jumps`), as a
:class:`~vidgait.sequence.MarkerTrack`.

The search is seeded by the people's hips (only the part of the frame around them is converted
and searched, which costs a few milliseconds per frame); a tag on another person, two copies on
the walker, a blurred or misread frame each get their own status (:data:`vidgait.sequence.
TAG_STATUS`) and no value. Nothing is interpolated: a frame without a measurement stays empty.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from vidgait.landmarks import INDEX
from vidgait.marker.detect import Intrinsics, TagObservation, TagRefusal, detect_tags
from vidgait.marker.layout import DEFAULT_SIZE_MM
from vidgait.sequence import TAG_STATUS, MarkerTrack

#: the search box around a person's hips, in torso lengths (mid-shoulder to mid-hip): to each
#: side of the hips, above and below the mid-hip (the card sits on the sacrum, a little above
#: the hip joints; the box allows for a forward lean and a card worn high or low)
BOX_SIDE_TORSO = 0.6
BOX_ABOVE_TORSO = 0.8
BOX_BELOW_TORSO = 0.5
#: jump check: a frame's roll more than this far from the median of its neighbours within
#: ``JUMP_WINDOW_S`` is rejected, deg (the pelvis's obliquity changes by at most ~3 deg in
#: 0.1 s in walking: an amplitude of ~5 deg at a stride frequency of ~1 Hz)
JUMP_DEG = 3.0
#: jump check: the same for the tag's image position, in tag widths (the sacrum moves under
#: ~2 m/s, i.e. well under one 120 mm tag width per frame at 30 fps)
JUMP_TAG_WIDTHS = 1.0
#: jump check: the neighbourhood, s (each side)
JUMP_WINDOW_S = 0.1
#: the least share of frames with a measured tag for a clip's track to be kept: below it the
#: tag was seen by chance (or not worn), and no track is attached
MIN_SEEN_SHARE = 0.05

Box = tuple[float, float, float, float]


def hip_box(image_xy: np.ndarray) -> Box | None:
    """The region around one person's hips where the card can be, px.

    Parameters
    ----------
    image_xy : numpy.ndarray
        (33, 2 or 3) the person's image landmarks, px.

    Returns
    -------
    tuple of float or None
        ``(x0, y0, x1, y1)``, px; None when the hips or shoulders are missing.
    """
    p = np.asarray(image_xy, float)[:, :2]
    hips = p[[INDEX["left_hip"], INDEX["right_hip"]]]
    shoulders = p[[INDEX["left_shoulder"], INDEX["right_shoulder"]]]
    if not (np.isfinite(hips).all() and np.isfinite(shoulders).all()):
        return None
    mid = hips.mean(axis=0)
    torso = max(float(np.linalg.norm(shoulders.mean(axis=0) - mid)), 1.0)
    return (float(hips[:, 0].min() - BOX_SIDE_TORSO * torso),
            float(mid[1] - BOX_ABOVE_TORSO * torso),
            float(hips[:, 0].max() + BOX_SIDE_TORSO * torso),
            float(mid[1] + BOX_BELOW_TORSO * torso))


def _union(boxes: Sequence[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _inside(point: np.ndarray, box: Box) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


class TagTracker:
    """Collects the tag's instances frame by frame, then makes the walker's marker track.

    Parameters
    ----------
    frame_size : (int, int)
        (width, height) of the upright frames, px.
    tag_id : int
        The tag worn (0: the rear card).
    size_mm : float
        Its printed black square, mm.
    camera : Intrinsics, optional
        The camera model; default :meth:`Intrinsics.from_fov` (an assumed phone lens).
    """

    def __init__(self, frame_size: tuple[int, int], *, tag_id: int = 0,
                 size_mm: float = DEFAULT_SIZE_MM, camera: Intrinsics | None = None) -> None:
        self.tag_id = tag_id
        self.size_mm = float(size_mm)
        self.camera = camera or Intrinsics.from_fov(*frame_size)
        self._found: list[list[TagObservation]] = []
        self._status: list[int] = []

    def observe(self, rgb: np.ndarray, people_xy: Sequence[np.ndarray]) -> None:
        """Look for the tag around the hips of everyone found in this frame.

        Parameters
        ----------
        rgb : numpy.ndarray
            The upright frame, (H, W, 3) RGB or (H, W) grey, uint8.
        people_xy : sequence of numpy.ndarray
            Each person's (33, 2 or 3) image landmarks in this frame, px.
        """
        boxes = [b for b in (hip_box(p) for p in people_xy) if b is not None]
        if not boxes:
            self._found.append([])
            self._status.append(TAG_STATUS.index("not_searched"))
            return
        items = detect_tags(rgb, tag_id=self.tag_id, size_mm=self.size_mm,
                            camera=self.camera, search_box=_union(boxes))
        good = [o for o in items if isinstance(o, TagObservation)]
        refused = [o.reason for o in items if isinstance(o, TagRefusal)]
        self._found.append(good)
        self._status.append(TAG_STATUS.index(refused[0] if refused and not good
                                             else "not_found"))

    def __len__(self) -> int:
        """The number of frames observed."""
        return len(self._found)

    def track(self, walker_xy: np.ndarray, t: np.ndarray) -> MarkerTrack | None:
        """The walker's marker track, or None when the tag was seen in too few frames.

        Parameters
        ----------
        walker_xy : numpy.ndarray
            (T, 33, 2 or 3) the chosen walker's image landmarks, px (NaN where not found),
            one row per observed frame.
        t : numpy.ndarray
            (T,) the frames' times, s.

        Returns
        -------
        MarkerTrack or None
            None when the tag was measured on the walker in under ``MIN_SEEN_SHARE`` of the
            frames (not worn, or seen by chance).
        """
        n = len(self._found)
        if len(walker_xy) != n:
            raise ValueError(f"{len(walker_xy)} walker frames for {n} observed frames")
        k = self.camera
        out = MarkerTrack.empty(n, tag_id=self.tag_id, size_mm=self.size_mm,
                                camera=(k.fx, k.fy, k.cx, k.cy), camera_assumed=k.assumed)
        for i, found in enumerate(self._found):
            box = hip_box(walker_xy[i])
            mine = [o for o in found if box is not None and _inside(o.corners_px.mean(0), box)]
            if len(mine) == 1:
                _store(out, i, mine[0])
            elif len(mine) > 1:
                out.status[i] = TAG_STATUS.index("several")
            elif found:
                out.status[i] = TAG_STATUS.index("off_walker")
            else:
                out.status[i] = self._status[i]
        if n == 0 or out.measured.mean() < MIN_SEEN_SHARE:
            return None
        return reject_jumps(out, np.asarray(t, float))


def _store(track: MarkerTrack, i: int, o: TagObservation) -> None:
    track.status[i] = 0
    track.roll_deg[i] = o.roll_deg
    track.yaw_deg[i] = o.yaw_deg
    track.position_m[i] = o.tvec
    track.centre_px[i] = o.corners_px.mean(axis=0)
    track.side_px[i] = o.side_px


def reject_jumps(track: MarkerTrack, t: np.ndarray) -> MarkerTrack:
    """Mark as ``"jump"`` the measured frames whose roll or image position leaves their
    neighbours' (a blurred frame, a corner caught on a fold), in place; returns the track.

    Parameters
    ----------
    track : MarkerTrack
        The track, statuses already set.
    t : numpy.ndarray
        (T,) frame times, s.

    Returns
    -------
    MarkerTrack
        ``track`` itself.
    """
    ok = np.flatnonzero(track.measured)
    bad = []
    for j, i in enumerate(ok):
        near = ok[(np.abs(t[ok] - t[i]) <= JUMP_WINDOW_S) & (np.arange(len(ok)) != j)]
        if len(near) < 2:
            continue
        roll_off = abs(track.roll_deg[i] - float(np.median(track.roll_deg[near])))
        pos_off = float(np.linalg.norm(track.centre_px[i] - np.median(track.centre_px[near], 0)))
        if roll_off > JUMP_DEG or pos_off > JUMP_TAG_WIDTHS * track.side_px[i]:
            bad.append(i)
    for i in bad:
        track.status[i] = TAG_STATUS.index("jump")
        for a in ("roll_deg", "yaw_deg", "side_px"):
            getattr(track, a)[i] = math.nan
        track.position_m[i] = math.nan
        track.centre_px[i] = math.nan
    return track
