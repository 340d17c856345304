"""The pelvis from the sacral marker: pelvic obliquity frame by frame from the printed tag's roll,
its zero, and each side's pelvic drop (degrees).

The tag (AprilTag 36h11 id 0 on a rigid card on the sacrum, filmed from behind) turns with the
pelvis: its roll in the image is the pelvis's obliquity in the camera's frontal plane (+ when
the image-right end, the patient's right seen from behind, is higher) plus the card's mounting
roll and the camera's own roll. Both are removed by the **zero**: the median roll while the
patient stands still at the start of the clip (``"standing"``; Dingenen et al. 2018 measure drop
from the standing posture too), or, without a still start, the mean over the walk
(``"walk_mean"``: values are then relative to the mean obliquity over the walk; a one-sided drop
pulls that mean toward its side, which shrinks the left/right difference while keeping its side:
an 8 deg drop on the walker reads 8.3 / 6.0 deg instead of 9.9 / 4.4 deg; the report says so).

Pelvic drop of side X = the largest fall of X's hemipelvis below level, once per stride, during
the other leg's single-leg stance (where the swing side falls): from the tag the side that falls
is known from the sign of the roll, so no gait event and no leg label is needed (MediaPipe's
leg labels are unreliable from behind). Each stride's largest fall is read on the obliquity
low-passed at ``CUTOFF_HZ`` (the per-frame roll noise of a small tag would otherwise raise every
maximum); the value is the median over strides (``method="extremes"``) with their spread. A
maximum next to a frame without a measurement is not counted (its true peak may be in the gap):
frames are never interpolated across a missing one; nor is a maximum that rises less than half
the stride's range above the troughs beside it (a wiggle, not the top of a stride's swing).

A side is not measurable (``marker_unseen``) when the tag was measured in under
``MIN_SEEN_SHARE`` of the walking frames: too much of the gait cycle would be guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.signal import find_peaks

from vidgait.kinematics.events import stride_period
from vidgait.kinematics.results import Curve, Estimate, NotMeasurable
from vidgait.kinematics.signal import lowpass, resample
from vidgait.kinematics.tag_motion import sacral_trajectory, tag_speed
from vidgait.kinematics.tracks import runs
from vidgait.kinematics.trunk import TrunkSteps, trunk_steps
from vidgait.sequence import TAG_STATUS, MarkerTrack

#: the least share of the walking frames with a measured tag for a pelvic drop (below it the
#: gait cycle's single-stance phases are too often missing; the pelvis-marker issue's ~80 %)
MIN_SEEN_SHARE = 0.8
#: the obliquity's low-pass before each stride's maximum is read, Hz (the pelvis's frontal
#: motion in walking lies well under it; the usual 6 Hz of gait kinematics)
CUTOFF_HZ = 6.0
#: standing still: the least duration, s, and how still (the tag's image centre within this
#: share of its width, its size within this share of its median) over it
STAND_MIN_S = 1.0
STAND_CENTRE_SHARE = 0.25
STAND_SIZE_SHARE = 0.04
#: the last part of the still start left out of the zero, s (the weight shift that starts the
#: first step begins a few tenths of a second before the foot leaves the floor)
STAND_TRIM_S = 0.3
#: a stride's maximum is counted only with this many measured frames on each side of it
PEAK_CLEARANCE = 2
#: ... and only when it rises above the troughs beside it (its prominence) by at least this
#: share of the median stride range: a stride's maximum is the top of the obliquity's swing,
#: whose prominence is about the whole range, not a wiggle of a few tenths of a degree in a
#: still start the walking span took in (on a rendered clip 3 such wiggles among 6 "strides"
#: read a 4.8 deg drop as 2.3 deg), at a trough or at the end of the walk
PEAK_PROMINENCE_SHARE = 0.5
#: walking spans: the shortest kept, and the longest pause bridged inside one, s
MIN_SPAN_S = 1.5
BRIDGE_S = 0.5
#: the largest median turn of the tag from the camera (its yaw) for its roll to be read as the
#: pelvis's obliquity, deg: the roll reads tan(obliquity) / cos(yaw), 6 % too large at 20 deg
MAX_REAR_YAW_DEG = 20.0

Zero = str  # "standing" or "walk_mean"
_NO_SPEED = NotMeasurable("no_strides")


@dataclass(frozen=True)
class SacralPelvis:
    """The pelvis measured with the sacral marker over a clip's walking frames.

    Attributes
    ----------
    sides : dict side -> dict metric -> Estimate, or NotMeasurable
        ``pelvic_drop_deg`` of that side (how far that hemipelvis falls below level during
        the other leg's single-leg stance) and ``obliquity_range_deg`` (the obliquity's range
        over each stride, the same on both sides and free of the zero), deg;
        ``NotMeasurable("marker_unseen")`` when the tag was seen in too few walking frames,
        ``NotMeasurable("no_strides")`` without a stride period in the obliquity.
    zero : {"standing", "walk_mean"}
        What level means (see the module notes).
    zero_offset_deg : float
        The roll subtracted as level (mounting and camera roll), deg.
    standing_s : (float, float) or None
        The still start used for the zero, s.
    seen_share : float
        Share of the walking frames with a measured tag (0..1).
    status_counts : dict str -> int
        Walking frames per :data:`vidgait.sequence.TAG_STATUS` name (those that occurred).
    t : (N,) float
        The walking frames' uniform time grid, s.
    obliquity_deg : (N,) float
        Pelvic obliquity, + when the RIGHT side is up, deg, zeroed, low-passed (NaN where
        not measured).
    period_s : float
        The stride period read from the obliquity, s (NaN when none).
    steps : TrunkSteps or None
        Foot contacts from the sacrum's trajectory over the walking spans
        (:func:`vidgait.kinematics.trunk.trunk_steps`); None when the tag was seen too rarely.
    curves : dict side -> Curve
        That side's obliquity (+ = that side up, deg) over its cycles from one contact to the
        next of the same side (contacts from the trunk, a few tens of ms after the heel
        strikes), 0..100 %; sides without two measured cycles are absent.
    """

    sides: dict[str, dict[str, Estimate] | NotMeasurable]
    zero: Zero
    zero_offset_deg: float
    standing_s: tuple[float, float] | None
    seen_share: float
    status_counts: dict[str, int]
    t: np.ndarray = field(repr=False)
    obliquity_deg: np.ndarray = field(repr=False)
    period_s: float = float("nan")
    steps: TrunkSteps | None = None
    curves: dict[str, Curve] = field(default_factory=dict, repr=False)
    tag_id: int = 0
    size_mm: float = float("nan")
    camera_assumed: bool = True
    speed_m_s: float | NotMeasurable = _NO_SPEED


def walking_spans(t: np.ndarray, walking: np.ndarray) -> list[tuple[float, float]]:
    """The stretches of walking, whatever view the pose model's landmarks suggest.

    From behind, MediaPipe's hips and shoulders often make the body look turned or facing the
    camera, which splits a walk into short passes of changing views; the tag facing the camera
    says by itself that the camera sees the back. So the marker is read over every frame the
    walker walks in (not standing, landmarks found), pauses of up to ``BRIDGE_S`` bridged.

    Parameters
    ----------
    t : (N,) float
        The conditioned time grid, s.
    walking : (N,) bool
        Frames where the walker walks (any view).

    Returns
    -------
    list of (float, float)
        Start and end of each span of at least ``MIN_SPAN_S``, s.
    """
    merged: list[list[int]] = []
    for a, b in runs(np.asarray(walking, bool)):
        if merged and t[a] - t[merged[-1][1] - 1] <= BRIDGE_S:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    return [(float(t[a]), float(t[b - 1])) for a, b in merged if t[b - 1] - t[a] >= MIN_SPAN_S]


def faces_camera(t: np.ndarray, track: MarkerTrack, spans: list[tuple[float, float]]) -> bool:
    """Whether the tag faces the camera over the spans (median yaw within
    ``MAX_REAR_YAW_DEG``): the camera is behind the patient.

    Parameters
    ----------
    t : (T,) float
        The track's frame times, s.
    track : MarkerTrack
        The tag.
    spans : list of (float, float)
        Walking spans, s.
    """
    inside = np.zeros(len(t), bool)
    for a, b in spans:
        inside |= (t >= a) & (t <= b)
    yaw = track.yaw_deg[inside & track.measured]
    return bool(yaw.size) and abs(float(np.median(yaw))) <= MAX_REAR_YAW_DEG


def standing_still(t: np.ndarray, track: MarkerTrack) -> tuple[float, float] | None:
    """The still start of a clip, from the tag: the first frames over which its image centre and
    size do not move (a person walking away changes the tag's size by a third in a second).

    Parameters
    ----------
    t : (T,) float
        The frames' times, s.
    track : MarkerTrack
        The tag on those frames.

    Returns
    -------
    (float, float) or None
        Start and end of the still period, s, when it lasts at least ``STAND_MIN_S``.
    """
    ok = np.flatnonzero(track.measured)
    if ok.size < 3:
        return None
    first = ok[t[ok] <= t[ok[0]] + 0.5]
    centre = np.median(track.centre_px[first], axis=0)
    size = float(np.median(track.side_px[first]))
    end = ok[0]
    for i in range(ok[0], len(t)):
        if not track.measured[i]:
            if track.status[i] == TAG_STATUS.index("jump"):
                continue
            break
        still = (np.linalg.norm(track.centre_px[i] - centre) <= STAND_CENTRE_SHARE * size
                 and abs(track.side_px[i] / size - 1.0) <= STAND_SIZE_SHARE)
        if not still:
            break
        end = i
    span = (float(t[ok[0]]), float(t[end]))
    return span if span[1] - span[0] >= STAND_MIN_S else None


def _smooth(y: np.ndarray, fs: float) -> np.ndarray:
    """``y`` low-passed run by run (runs too short to filter stay as they are)."""
    out = y.copy()
    for a, b in runs(np.isfinite(y)):
        if b - a > 12:
            out[a:b] = lowpass(y[a:b], fs, CUTOFF_HZ)
    return out


def _stride_maxima(y: np.ndarray, period_s: float, fs: float,
                   min_prominence: float = 0.0) -> np.ndarray:
    """One maximum of ``y`` per stride period at most, each with ``PEAK_CLEARANCE`` measured
    frames on both sides and rising at least ``min_prominence`` above the troughs beside it.
    """
    ok = np.isfinite(y)
    if ok.sum() < 3:
        return np.empty(0)
    idx, _ = find_peaks(np.where(ok, y, np.nanmin(y)), distance=max(1, int(0.6 * period_s * fs)),
                        prominence=min_prominence)
    c = PEAK_CLEARANCE
    keep = [i for i in idx if i - c >= 0 and i + c < len(y) and ok[i - c:i + c + 1].all()]
    return y[np.asarray(keep, int)]


def _period(y: np.ndarray, fs: float) -> float:
    """The stride period of the obliquity, from its longest measured run."""
    found = runs(np.isfinite(y))
    if not found:
        return float("nan")
    a, b = max(found, key=lambda r: r[1] - r[0])
    return stride_period(y[a:b], fs)


def sacral_pelvis(t: np.ndarray, track: MarkerTrack, spans: list[tuple[float, float]],
                  fs: float) -> SacralPelvis:
    """Pelvic obliquity and drop per side from the sacral marker over the walking spans.

    Parameters
    ----------
    t : (T,) float
        The clip's frame times, s (the track's rows).
    track : MarkerTrack
        The tag, filmed from behind (tag 0 on the sacrum).
    spans : list of (float, float)
        The walking passes seen from behind (start, end), s.
    fs : float
        The analysis rate, Hz (the grid the obliquity is read on).

    Returns
    -------
    SacralPelvis
    """
    t = np.asarray(t, float)
    walking = np.zeros(len(t), bool)
    for a, b in spans:
        walking |= (t >= a) & (t <= b)
    counts: dict[str, int] = {}
    for s in track.status[walking]:
        counts[TAG_STATUS[s]] = counts.get(TAG_STATUS[s], 0) + 1
    seen = float(track.measured[walking].mean()) if walking.any() else 0.0
    still = standing_still(t, track)
    roll = np.where(track.measured, track.roll_deg, np.nan)
    if still is not None:
        keep = (t >= still[0]) & (t <= still[1] - STAND_TRIM_S) & track.measured
        zero: Zero = "standing"
        offset = float(np.median(track.roll_deg[keep]))
    else:
        zero, offset = "walk_mean", float(np.nanmean(roll[walking])) if walking.any() else 0.0
    grid = (np.arange(spans[0][0], spans[-1][1] + 0.5 / fs, 1.0 / fs) if spans
            else np.empty(0))
    on_grid = resample(t, roll, grid, max_gap_s=1.5 * float(np.median(np.diff(t))))
    inside = np.zeros(len(grid), bool)
    for a, b in spans:
        inside |= (grid >= a) & (grid <= b)
    right_up = _smooth(np.where(inside, on_grid - offset, np.nan), fs)
    period = _period(right_up, fs)
    sides: dict[str, dict[str, Estimate] | NotMeasurable] = {}
    ranges = _stride_ranges(right_up, period, fs)
    for s, sign in (("left", 1.0), ("right", -1.0)):
        if seen < MIN_SEEN_SHARE:
            sides[s] = NotMeasurable("marker_unseen")
            continue
        prominence = PEAK_PROMINENCE_SHARE * float(np.median(ranges)) if ranges else 0.0
        falls = (_stride_maxima(sign * right_up, period, fs, prominence)
                 if np.isfinite(period) else [])
        sides[s] = ({"pelvic_drop_deg": Estimate.of(falls, value=float(np.median(falls)),
                                                    method="extremes"),
                     "obliquity_range_deg": Estimate.of(ranges, value=float(np.median(ranges)),
                                                        method="extremes")}
                    if len(falls) >= 2 and len(ranges) >= 2 else NotMeasurable("no_strides"))
    steps = None
    if seen >= MIN_SEEN_SHARE:
        up, left = sacral_trajectory(t, track, grid)
        keep = inside & np.isfinite(up)
        steps = trunk_steps(grid, np.where(keep, up, np.nan), np.where(keep, left, np.nan), fs)
    curves = _cycles(grid, right_up, steps) if steps is not None else {}
    return SacralPelvis(sides, zero, offset, still, seen, counts, grid, right_up, period, steps,
                        curves, track.tag_id, track.size_mm, track.camera_assumed,
                        tag_speed(t, track, spans))



def _cycles(t: np.ndarray, right_up: np.ndarray, steps: TrunkSteps) -> dict[str, Curve]:
    """Each side's obliquity over its cycles between same-side contacts of one run."""
    out: dict[str, Curve] = {}
    c, pct = steps.contacts_s, np.linspace(0.0, 1.0, 101)
    for side, sign in (("left", -1.0), ("right", 1.0)):
        rows = []
        for k in range(len(c) - 2):
            if steps.sides[k] != side or steps.run[k] != steps.run[k + 2]:
                continue
            m = (t >= c[k]) & (t <= c[k + 2])
            if m.sum() >= 5 and np.isfinite(right_up[m]).all():
                rows.append(sign * np.interp(c[k] + pct * (c[k + 2] - c[k]), t[m], right_up[m]))
        if len(rows) >= 2:
            a = np.vstack(rows)
            out[side] = Curve(a.mean(axis=0), a.std(axis=0, ddof=1), len(a))
    return out


def _stride_ranges(y: np.ndarray, period_s: float, fs: float) -> list[float]:
    """The range of ``y`` over each whole stride period measured throughout, in turn."""
    if not np.isfinite(period_s):
        return []
    n = max(3, round(period_s * fs))
    out = []
    for a, b in runs(np.isfinite(y)):
        out += [float(np.ptp(y[i:i + n])) for i in range(a, b - n + 1, n)]
    return out


