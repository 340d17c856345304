"""The pelvis marker's motion over the floor: the sacrum's height and sideways position on a
uniform grid (what the trunk's foot contacts are read from, :mod:`vidgait.kinematics.trunk`), and
the walking speed from the tag's travel when the lens is known.

Metres and seconds, in the camera frame of :class:`vidgait.sequence.MarkerTrack` (OpenCV's: x
right, y down, z along the optical axis).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import detrend

from vidgait.kinematics.results import NotMeasurable
from vidgait.kinematics.signal import resample
from vidgait.kinematics.tracks import runs
from vidgait.sequence import MarkerTrack

#: the least speed of the tag over the floor read as walking overground, m/s (slower: on a
#: treadmill, where the tag's travel is not the walk's)
MIN_OVERGROUND_SPEED = 0.2


def sacral_trajectory(t: np.ndarray, track: MarkerTrack, grid: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
    """The sacrum's height and sideways position on a uniform grid, m, from the tag filmed from
    behind, for :func:`vidgait.kinematics.trunk.trunk_steps`.

    The tag's image centre is precise to a fraction of a pixel, its distance (from its size) to
    only 1-5 %, so the position is the centre's offset from the principal point times a
    distance smoothed over each measured run (a straight line in time: walking away at a steady
    pace); each run's linear trend is removed too (a camera pitched down sees the walk's
    progress as a steady rise).

    Parameters
    ----------
    t : (T,) float
        The track's frame times, s.
    track : MarkerTrack
        The tag (tag 0, on the sacrum, seen from behind).
    grid : (N,) float
        A uniform time grid, s.

    Returns
    -------
    up_m, left_m : (N,) float
        Up and toward the patient's left, m, each run without its linear trend (NaN where the
        tag was not measured in both neighbouring frames).
    """
    t = np.asarray(t, float)
    fx, fy, cx, cy = track.camera
    ok = track.measured
    step = 1.5 * float(np.median(np.diff(t))) if len(t) > 1 else 0.0
    u, v = (resample(t, np.where(ok, track.centre_px[:, i], np.nan), grid, step) for i in (0, 1))
    z = resample(t, np.where(ok, track.position_m[:, 2], np.nan), grid, step)
    up, left = np.full(len(grid), np.nan), np.full(len(grid), np.nan)
    for a, b in runs(np.isfinite(u) & np.isfinite(z)):
        if b - a < 3:
            continue
        zz = np.polyval(np.polyfit(grid[a:b], z[a:b], 1), grid[a:b])
        up[a:b] = detrend(-(v[a:b] - cy) * zz / fy)
        left[a:b] = detrend(-(u[a:b] - cx) * zz / fx)  # from behind: image right = patient right
    return up, left


def tag_speed(t: np.ndarray, track: MarkerTrack, spans: list[tuple[float, float]]
              ) -> float | NotMeasurable:
    """Walking speed from the tag's travel in the camera frame, m/s (see
    :attr:`SacralPelvis.speed_m_s`).

    Parameters
    ----------
    t : (T,) float
        The track's frame times, s.
    track : MarkerTrack
        The tag.
    spans : list of (float, float)
        Walking spans, s.

    Returns
    -------
    float or NotMeasurable
    """
    if track.camera_assumed:
        return NotMeasurable("lens_unknown")
    speeds, weights = [], []
    for a, b in spans:
        m = (t >= a) & (t <= b) & track.measured
        if m.sum() >= 10:
            v = [np.polyfit(t[m], track.position_m[m, i], 1)[0] for i in range(3)]
            speeds.append(float(np.linalg.norm(v)))
            weights.append(b - a)
    if not speeds:
        return NotMeasurable("no_strides")
    speed = float(np.average(speeds, weights=weights))
    return speed if speed >= MIN_OVERGROUND_SPEED else NotMeasurable("treadmill")
