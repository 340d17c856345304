"""A second look, on crops of the frame, where the full-frame person detector misses people.

Pure numpy: the crop detector is any callable (RGB array -> candidates in the crop's pixels), so the
logic is tested without mediapipe.

Why
---
MediaPipe's pose landmarker finds people with a detector that sees the WHOLE frame letterboxed to
224x224 px; its landmark model then works on a region of interest (ROI) cut at full resolution
around the person (in VIDEO mode, around the previous frame's landmarks). A person who fills a
small part of a large frame (a walker 1.7 m tall 8.5 m from a 1080p camera: ~30 px in the
detector's input) is missed, although the same pixels cropped are found (mediapipe issue #5157).

Method
------
Per frame, after the full-frame detection:

1. ROI: a person seen within the last ``max_gap_s`` whom no current candidate continues (by the
   gate of :func:`~vidgait.pose.tracking.associate`) is looked for in a box around their last
   landmarks, ``roi_scale`` times their extent (room for ~1 s of walking), as MediaPipe's own
   tracking does. People seen there who were already found are not added again, and the lost
   person is then dropped (it was one of them: a duplicate or a bad detection).
2. Tiles: while nobody is found and nobody is followed, every ``tile_every``-th frame is looked at
   in overlapping square tiles, each at least ``min_zoom`` times smaller than the frame's long
   side, so a person is at least that much larger in the detector's input. The tiles overlap by a
   quarter of their side, which holds a person small enough to have been missed.
3. Back-fill: the frames of such a search since the last tiles are held (at most ``tile_every``);
   when someone is then found (in tiles or on the full frame), they are followed backwards
   through the held frames in ROIs.

Landmarks found in a crop are moved to full-frame pixels; world landmarks (metres, hip-centred),
visibility and presence do not depend on the crop and are kept as they are. Frames where the
full-frame detector finds everyone cost nothing extra.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from vidgait.pose.tracking import Candidate, match_cost, same_place, suppress_duplicates

#: (x0, y0, x1, y1) in pixels, x1 and y1 exclusive
Box = tuple[int, int, int, int]
#: finds people in an RGB crop, landmarks in the crop's pixels
CropDetector = Callable[[np.ndarray], list[Candidate]]


def _starts(length: int, side: int, overlap: float) -> list[int]:
    """Evenly spaced starts of windows of ``side`` covering ``length``, overlapping by at least
    ``overlap`` of ``side``.
    """
    if side >= length:
        return [0]
    n = 1 + math.ceil((length - side) / ((1.0 - overlap) * side))
    return [round(k * (length - side) / (n - 1)) for k in range(n)]


def tiles(width: int, height: int, *, min_zoom: float = 1.5, overlap: float = 0.25) -> list[Box]:
    """Overlapping square tiles covering a frame.

    Parameters
    ----------
    width, height
        Frame size in pixels.
    min_zoom
        The tile side is at most the long side / ``min_zoom`` (and at most the short side).
    overlap
        Smallest overlap of neighbouring tiles, as a fraction of their side.

    Returns
    -------
    list of Box
        For 16:9 frames three squares of the short side; for 4:3 or square frames a 2x2 grid.
    """
    side = int(min(width, height, max(width, height) / min_zoom))
    return [(x, y, x + side, y + side) for y in _starts(height, side, overlap)
            for x in _starts(width, side, overlap)]


def roi(cand: Candidate, width: int, height: int, scale: float = 2.5) -> Box:
    """A square box ``scale`` times the candidate's landmark extent, centred on its torso.

    The extent is taken as at least two torso lengths (a body is about three), so collapsed
    landmarks still give a usable box. The box is moved (not shrunk) to lie inside the frame and
    limited to the frame's short side.

    Parameters
    ----------
    cand : Candidate
        The person (image landmarks, px).
    width, height : int
        The frame's size, px.
    scale : float
        The box side as a multiple of the landmark extent (dimensionless).
    """
    xy = cand.image[:, :2]
    extent = float(np.max(np.ptp(xy, axis=0)))
    side = min(max(scale * extent, 2.0 * scale * cand.torso_length), width, height)
    cx, cy = cand.torso_centre
    x0 = round(min(max(cx - side / 2, 0.0), width - side))
    y0 = round(min(max(cy - side / 2, 0.0), height - side))
    return x0, y0, x0 + int(side), y0 + int(side)


def shift(cand: Candidate, x0: float, y0: float) -> Candidate:
    """The candidate moved by (x0, y0) pixels: crop coordinates to frame coordinates.

    Parameters
    ----------
    cand : Candidate
        A person found in a crop (crop pixels).
    x0, y0 : float
        The crop's top-left corner in the frame, px.
    """
    image = cand.image.copy()
    image[:, 0] += x0
    image[:, 1] += y0
    return replace(cand, image=image)


def look(detect: CropDetector, rgb: np.ndarray, box: Box) -> list[Candidate]:
    """People in one box of the frame, landmarks in frame pixels.

    Parameters
    ----------
    detect : CropDetector
        The detector to run on the crop.
    rgb : (H, W, 3) uint8
        The whole frame, RGB.
    box : (x0, y0, x1, y1) int
        The crop, frame pixels.
    """
    x0, y0, x1, y1 = box
    return [shift(c, x0, y0) for c in detect(rgb[y0:y1, x0:x1])]


def continued(ref: Candidate, cands: list[Candidate], gap_s: float) -> bool:
    """Some candidate continues ``ref`` after ``gap_s`` seconds, by the gate of
    :func:`~vidgait.pose.tracking.associate` (a bad detection nearby does not).

    Parameters
    ----------
    ref : Candidate
        The person last seen.
    cands : list of Candidate
        The people found now.
    gap_s : float
        Time since ``ref`` was seen, s.
    """
    return any(match_cost(ref, c, ref.torso_length) <= 1.0 + 4.0 * gap_s for c in cands)


class CropFallback:
    """Looks for people in crops of frames where the full-frame detector did not find them.

    Feed it every frame of one stream in order, with the people found on the full frame; it
    returns the extra people found in crops, by frame number (0 = first frame fed), for this frame
    and for held frames (back-fill)::

        for i, extra in fallback(rgb, t, found).items():
            people[i] += extra

    Parameters
    ----------
    detect
        Finds people in an RGB crop (e.g. a PoseLandmarker in IMAGE mode: each crop is a new
        image, so VIDEO mode's increasing timestamps do not apply).
    width, height
        Frame size in pixels.
    max_gap_s
        How long a person who is no longer found is looked for around their last position.
    roi_scale
        ROI side in units of the person's landmark extent.
    tile_every
        While searching, tiles are looked at in one frame out of this many; the others are held
        for back-fill.
    """

    def __init__(self, detect: CropDetector, width: int, height: int, *, max_gap_s: float = 1.0,
                 roi_scale: float = 2.5, tile_every: int = 5) -> None:
        self._detect = detect
        self._size = (width, height)
        self._tiles = tiles(width, height)
        self._max_gap_s = max_gap_s
        self._roi_scale = roi_scale
        self._tile_every = tile_every
        self._recent: list[tuple[float, Candidate]] = []
        self._held: deque[tuple[int, float, np.ndarray]] = deque(maxlen=tile_every)
        self._count = 0
        self._searched = 0
        #: crops looked at, and frames where crops found someone
        self.looks = 0
        self.frames_found = 0

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the frames this fallback cuts, pixels."""
        return self._size

    @property
    def frames_seen(self) -> int:
        """Frames passed so far: the number the next frame gets in the returned dicts."""
        return self._count

    def skip(self, t: float, found: list[Candidate]) -> None:
        """Count a frame whose full-frame people are enough (no crops looked at): they become
        the recent people a later frame's ROIs look for. For a caller that cannot afford ROI
        looks for every person the full frame missed (the live mode, where the full-frame
        detector's occasional second, ghost person would cost one look per frame).

        Parameters
        ----------
        t : float
            The frame's time, s.
        found : list of Candidate
            The people the full frame found.
        """
        self._count += 1
        self._recent = [(t, c) for c in found]
        self._held.clear()
        self._searched = 0

    def __call__(self, rgb: np.ndarray, t: float, found: list[Candidate],
                 ) -> dict[int, list[Candidate]]:
        """Extra people by frame number, given those found on the full frame at time ``t`` (s)."""
        i = self._count
        self._count += 1
        recent = [(tl, c) for tl, c in self._recent if t - tl <= self._max_gap_s]
        lost = [(tl, c) for tl, c in recent if not continued(c, found, t - tl)]
        extra, missing = self._follow(rgb, lost, found)
        searching = not found and not recent
        if searching:
            self._searched += 1
            if self._searched % self._tile_every == 1:
                extra = self._look(rgb, self._tiles)
        now = found + extra
        out = {i: extra} if extra else {}
        if now:
            out.update(self._backfill(now, t))
            self._held.clear()
            self._searched = 0
        elif searching:
            self._held.append((i, t, rgb))
        self.frames_found += len(out)
        self._recent = [(t, c) for c in now] + missing
        return out

    def _follow(self, rgb: np.ndarray, lost: list[tuple[float, Candidate]],
                found: list[Candidate]) -> tuple[list[Candidate], list[tuple[float, Candidate]]]:
        """Looks for lost people in ROIs: the new people seen, and the lost people still missing.

        A lost person whose ROI holds only people already found was one of them (a duplicate or
        a bad detection) and is not followed any more.
        """
        extra: list[Candidate] = []
        missing = []
        for tl, c in lost:
            seen = self._look(rgb, [self._roi(c)])
            extra += [k for k in seen if not any(same_place(k, o) for o in found + extra)]
            if not seen:
                missing.append((tl, c))
        return extra, missing

    def _roi(self, cand: Candidate) -> Box:
        return roi(cand, *self._size, scale=self._roi_scale)

    def _look(self, rgb: np.ndarray, boxes: list[Box]) -> list[Candidate]:
        """People in some boxes of a frame, one candidate per person."""
        self.looks += len(boxes)
        return suppress_duplicates([c for box in boxes for c in look(self._detect, rgb, box)])

    def _backfill(self, people: list[Candidate], t: float) -> dict[int, list[Candidate]]:
        """Each person followed backwards through the held frames, until lost."""
        out: dict[int, list[Candidate]] = {}
        for ref in people:
            t_ref = t
            for j, tj, rgb in reversed(self._held):
                near = [c for c in self._look(rgb, [self._roi(ref)])
                        if continued(ref, [c], t_ref - tj)]
                if not near:
                    break
                ref, t_ref = near[0], tj
                out.setdefault(j, []).append(ref)
        return out
