"""Follow people across frames and pick the one who is walking.

Pure numpy/scipy: it works on the per-frame pose candidates that a pose backend returns, so it is
tested with synthetic candidates and does not import mediapipe.

Method
------
1. Association: candidates of consecutive frames are linked into tracks greedily, cheapest pair
   first, on a cost = mean distance of shoulders and hips in units of the track's (median) torso
   length + twice the log ratio of torso sizes + the time the track went unseen (s). A pair is
   allowed only under a gate that grows with the gap, so one bad detection cannot steal a track
   (a global assignment would trade a good match for two mediocre ones). A candidate the gate
   refuses starts a track; if its torso lies on a followed person (inside the landmark box of a
   live track's latest member) that track is only provisional. It is dropped when the person is
   seen again while it is not: it was a bad or duplicate detection of that person (e.g. collapsed
   poses of a walker seen from behind), which would otherwise compete with the person or be
   continued by a false detection elsewhere. It becomes a person of its own once it moves off the
   person's body, or if the person is not seen again (a camera cut, a new pose beyond the gate).
   A track may miss frames (occlusion, a missed detection) for up to ``max_gap_s``. Fragments of
   one person are then merged (duplicates returned for one person, a track broken by an
   occlusion).
2. Selection: each track gets a walking score = (steps seen) + (progression in body heights), where
   steps are sign changes, with hysteresis, of the left-minus-right ankle separation along its main
   direction (it alternates at every step whatever the view: across, toward or away, treadmill), and
   progression is the net travel of the hip centre plus the change of apparent body size (walking
   toward or away). A person standing, waving or jumping scores near zero; the walker scores one
   point per step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy.signal import medfilt

from vidgait.landmarks import L_ANKLE, L_HIP, L_SHOULDER, R_ANKLE, R_HIP, R_SHOULDER

_TORSO = (L_SHOULDER, R_SHOULDER, L_HIP, R_HIP)


@dataclass(frozen=True, eq=False)
class Candidate:
    """One person found in one frame.

    Attributes
    ----------
    image : (33, 3) float32
        x, y in pixels; z relative depth scaled like x.
    world : (33, 3) float32
        Metres, hip-centred.
    visibility, presence : (33,) float32
        MediaPipe scores in [0, 1].
    """

    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray

    @cached_property
    def torso_centre(self) -> np.ndarray:
        """Mean of shoulders and hips in pixels, shape (2,)."""
        return self.image[list(_TORSO), :2].mean(axis=0)

    @cached_property
    def torso_length(self) -> float:
        """Distance from mid-shoulder to mid-hip in pixels (at least 1)."""
        sh = self.image[[L_SHOULDER, R_SHOULDER], :2].mean(axis=0)
        hp = self.image[[L_HIP, R_HIP], :2].mean(axis=0)
        return max(float(np.linalg.norm(sh - hp)), 1.0)


@dataclass(eq=False)
class Track:
    """Candidates of one person over time: ``frames[i]`` holds ``members[i]``.

    ``host`` is the track on whose person this one was started, while it may still be a bad
    detection of that person (see :func:`associate`); None otherwise.
    """

    frames: list[int] = field(default_factory=list)
    members: list[Candidate] = field(default_factory=list)
    host: Track | None = field(default=None, repr=False)
    _scale: float | None = field(default=None, repr=False)

    @property
    def last(self) -> Candidate:
        """The newest member."""
        return self.members[-1]

    @property
    def scale(self) -> float:
        """Median torso length (pixels) over the last 15 members: robust to one bad detection."""
        if self._scale is None:
            self._scale = float(np.median([m.torso_length for m in self.members[-15:]]))
        return self._scale

    def add(self, frame: int, cand: Candidate) -> None:
        """Append ``cand`` seen on frame ``frame``.

        Parameters
        ----------
        frame : int
            The frame number (index into the clip's frames).
        cand : Candidate
            The person seen there.
        """
        self.frames.append(frame)
        self.members.append(cand)
        self._scale = None


def match_cost(ref: Candidate, cand: Candidate, scale: float) -> float:
    """Cost of ``cand`` continuing ``ref``: mean shoulder and hip displacement in units of
    ``scale`` (a torso length, px) + twice the log ratio of ``cand``'s torso length to ``scale``.

    Parameters
    ----------
    ref : Candidate
        The person last seen (image px).
    cand : Candidate
        The candidate now (image px).
    scale : float
        The torso length to measure in, px.
    """
    d = np.linalg.norm(ref.image[list(_TORSO), :2] - cand.image[list(_TORSO), :2], axis=1).mean()
    size = abs(np.log(cand.torso_length / scale))
    return float(d / scale + 2.0 * size)


def _cost(track: Track, cand: Candidate) -> float:
    return match_cost(track.last, cand, track.scale)


def same_place(a: Candidate, b: Candidate, overlap: float = 0.5) -> bool:
    """The torsos of ``a`` and ``b`` lie within ``overlap`` torso lengths: one person twice.

    Parameters
    ----------
    a, b : Candidate
        Two candidates of one frame (image px).
    overlap : float
        The largest torso-centre distance, in torso lengths (of the larger torso).
    """
    return bool(np.linalg.norm(a.torso_centre - b.torso_centre)
                <= overlap * max(a.torso_length, b.torso_length))


def on_body(cand: Candidate, person: Candidate) -> bool:
    """The torso centre of ``cand`` lies inside the landmark box of ``person``.

    Parameters
    ----------
    cand : Candidate
        The candidate whose torso centre is tested (image px).
    person : Candidate
        The person whose landmark box is used (image px).
    """
    xy = person.image[:, :2]
    centre = cand.torso_centre
    return bool(np.all((centre >= np.nanmin(xy, axis=0)) & (centre <= np.nanmax(xy, axis=0))))


def suppress_duplicates(cands: list[Candidate], overlap: float = 0.5) -> list[Candidate]:
    """Drop candidates in the same place (:func:`same_place`) as a more visible one.

    MediaPipe asked for several people sometimes returns the same person twice.

    Parameters
    ----------
    cands : list of Candidate
        The candidates of one frame.
    overlap : float
        As in :func:`same_place`, torso lengths.
    """
    order = sorted(cands, key=lambda c: -float(c.visibility.mean()))
    kept: list[Candidate] = []
    for c in order:
        if not any(same_place(c, k, overlap) for k in kept):
            kept.append(c)
    return kept


def associate(candidates: list[list[Candidate]], t: np.ndarray, *, max_gap_s: float = 1.0,
              max_cost: float = 1.0) -> list[Track]:
    """Link per-frame candidates into tracks.

    Parameters
    ----------
    candidates
        ``candidates[i]`` lists the people found in frame ``i``.
    t : (T,) float
        Frame times in seconds.
    max_gap_s
        Longest time a track may go unseen and still be continued.
    max_cost
        Largest allowed torso displacement, in torso lengths, for consecutive frames; a gap of ``g``
        seconds allows ``max_cost * (1 + 4 g)`` (a walker covers about 1.3 m/s, ~2 torso lengths).
    """
    tracks: list[Track] = []
    for i, cands in enumerate(candidates):
        cands = suppress_duplicates(cands)
        live = [k for k, tr in enumerate(tracks) if t[i] - t[tr.frames[-1]] <= max_gap_s]
        matched: set[int] = set()
        pairs = []
        for k in live:
            gap = float(t[i] - t[tracks[k].frames[-1]])
            for c, cand in enumerate(cands):
                cost = _cost(tracks[k], cand)
                if cost <= max_cost * (1.0 + 4.0 * gap):
                    pairs.append((cost + gap, k, c))
        used: set[int] = set()
        for _, k, c in sorted(pairs):
            if k not in used and c not in matched:
                tracks[k].add(i, cands[c])
                used.add(k)
                matched.add(c)
        for c, cand in enumerate(cands):
            if c not in matched:
                tr = Track(host=next((tracks[k] for k in live if on_body(cand, tracks[k].last)),
                                     None))
                tr.add(i, cand)
                tracks.append(tr)
        tracks = [tr for tr in tracks if not _resolve_provisional(tr, i)]
    return merge_tracks(tracks, t, max_gap_s=max_gap_s, max_cost=max_cost)


def _resolve_provisional(track: Track, frame: int) -> bool:
    """Settle a provisional track after ``frame``; True when it is to be dropped.

    Its person (``track.host``) was seen in ``frame`` and it was not: its detections were bad
    detections of that person. When its latest member lies off the person's body it is a person
    of its own and no longer provisional.
    """
    host = track.host
    if host is None:
        return False
    if host.frames[-1] == frame and track.frames[-1] != frame:
        return True
    if not on_body(track.last, host.last):
        track.host = None
    return False


def _same_person(a: Track, b: Track, t: np.ndarray, max_gap_s: float, max_cost: float) -> bool:
    """Two tracks are one person: close where they overlap, or one continues the other."""
    fa, fb = (dict(zip(x.frames, x.members, strict=True)) for x in (a, b))
    common = sorted(set(fa) & set(fb))
    scale = max(a.scale, b.scale)
    if common:
        # two detections in the same frames: one person only if they nearly coincide (a duplicate
        # or a poor second detection); side by side they are two people, however close
        d = [np.linalg.norm(fa[f].torso_centre - fb[f].torso_centre) for f in common]
        return float(np.median(d)) < 0.5 * scale
    first, second = (a, b) if a.frames[-1] < b.frames[0] else (b, a)
    gap = t[second.frames[0]] - t[first.frames[-1]]
    if gap > max_gap_s:
        return False
    d = np.linalg.norm(first.last.torso_centre - second.members[0].torso_centre)
    return bool(d / scale <= max_cost * (1.0 + 4.0 * gap))


def _merge(a: Track, b: Track) -> Track:
    """One track from two; where both have a frame, the more visible candidate is kept."""
    by_frame = dict(zip(a.frames, a.members, strict=True))
    for f, m in zip(b.frames, b.members, strict=True):
        if f not in by_frame or m.visibility.mean() > by_frame[f].visibility.mean():
            by_frame[f] = m
    out = Track()
    for f in sorted(by_frame):
        out.add(f, by_frame[f])
    return out


def _near_in_time(a: Track, b: Track, t: np.ndarray, max_gap_s: float) -> bool:
    """The tracks overlap in time or one starts within ``max_gap_s`` of the other's end."""
    return bool(t[a.frames[0]] - t[b.frames[-1]] <= max_gap_s
                and t[b.frames[0]] - t[a.frames[-1]] <= max_gap_s)


def merge_tracks(tracks: list[Track], t: np.ndarray, *, max_gap_s: float = 1.0,
                 max_cost: float = 1.0) -> list[Track]:
    """Join fragments of one person (after a bad detection, a duplicate or a short occlusion).

    Longest tracks first; a track that absorbs another is compared with the rest again.

    Parameters
    ----------
    tracks : list of Track
        The tracks found by :func:`associate`.
    t : (N,) float
        Times of all the frames, s.
    max_gap_s : float
        Longest gap between two fragments that may still be joined, s.
    max_cost : float
        Largest :func:`match_cost` (plus its allowance for the gap) at which two fragments are one
        person.
    """
    tracks = sorted(tracks, key=lambda tr: -len(tr.frames))
    i = 0
    while i < len(tracks):
        j = i + 1
        while j < len(tracks):
            if (_near_in_time(tracks[i], tracks[j], t, max_gap_s)
                    and _same_person(tracks[i], tracks[j], t, max_gap_s, max_cost)):
                tracks[i] = _merge(tracks[i], tracks.pop(j))
                j = i + 1
            else:
                j += 1
        i += 1
    return tracks


def count_steps(separation: np.ndarray, t: np.ndarray, hysteresis: float,
                min_interval_s: float = 0.25) -> int:
    """Steps in a left-minus-right ankle separation signal.

    A step is a swing of the (median-filtered) signal from below ``-hysteresis`` to above
    ``+hysteresis`` or back (a Schmitt trigger), at least ``min_interval_s`` after the previous one:
    the fastest walking cadence, ~150 steps/min, gives 0.4 s per step. Frame-to-frame jitter and
    single-frame left/right label swaps do not count.

    Parameters
    ----------
    separation : (N,) float
        Left-minus-right ankle separation, px (any unit, the same as ``hysteresis``).
    t : (N,) float
        Times, s.
    hysteresis : float
        Half-width of the dead band around zero, in the unit of ``separation``.
    min_interval_s : float
        Shortest time between two counted steps, s.
    """
    if len(separation) < 3:
        return 0
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 1 / 30
    kernel = min(max(3, round(0.15 / max(dt, 1e-3)) | 1), len(separation) // 2 * 2 - 1)
    smooth = medfilt(np.nan_to_num(separation), kernel_size=kernel)
    state = 0
    steps = 0
    last = -np.inf
    for v, ti in zip(smooth, t, strict=True):
        new = 1 if v > hysteresis else -1 if v < -hysteresis else state
        if new != state:
            if state != 0 and ti - last >= min_interval_s:
                steps += 1
                last = ti
            elif state == 0:
                last = ti
            state = new
    return int(steps)


def walking_score(track: Track, t: np.ndarray) -> float:
    """Steps seen plus progression in body heights (see module notes); 0 for short tracks.

    Parameters
    ----------
    track : Track
        One person's track.
    t : (N,) float
        Times of all the frames, s (indexed by the track's frame numbers).
    """
    if len(track.members) < 5:
        return 0.0
    tt = t[np.asarray(track.frames)]
    img = np.stack([m.image[:, :2] for m in track.members])
    sep = img[:, L_ANKLE] - img[:, R_ANKLE]
    sep = sep - np.nanmean(sep, axis=0)
    # main direction of the ankle separation (horizontal across the frame, vertical toward/away)
    _, _, vt = np.linalg.svd(np.nan_to_num(sep), full_matrices=False)
    along = sep @ vt[0]
    shoulders = img[:, [L_SHOULDER, R_SHOULDER]].mean(axis=1)
    ankles = img[:, [L_ANKLE, R_ANKLE]].mean(axis=1)
    height = np.linalg.norm(shoulders - ankles, axis=1)
    body = float(np.nanmedian(height)) or 1.0
    steps = count_steps(along, tt, hysteresis=0.15 * body)
    hips = img[:, [L_HIP, R_HIP]].mean(axis=1)
    travel = float(np.linalg.norm(hips[-1] - hips[0])) / body
    looming = abs(float(np.log(max(height[-1], 1.0) / max(height[0], 1.0))))
    return steps + travel + 2.0 * looming


def select_walker(tracks: list[Track], t: np.ndarray) -> tuple[Track | None, list[float]]:
    """The track with the highest walking score (None when there is none) and all scores.

    Parameters
    ----------
    tracks : list of Track
        The people's tracks.
    t : (N,) float
        Times of all the frames, s.
    """
    scores = [walking_score(tr, t) for tr in tracks]
    if not tracks:
        return None, scores
    best = int(np.argmax(scores))
    return tracks[best], scores
