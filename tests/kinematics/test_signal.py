"""Signal conditioning (:mod:`vidgait.kinematics.signal`): low-pass, resampling across gaps,
outlier rejection and :func:`~vidgait.kinematics.signal.condition`, against the synthetic walker.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import film
from vidgait.kinematics.signal import (
    MAX_RESIDUAL_SPEED,
    condition,
    lowpass,
    mean_noise_factor,
    reject_outliers,
    resample,
)
from vidgait.kinematics.tracks import leg_scale
from vidgait.landmarks import INDEX
from vidgait.sequence import PoseSequence
from vidgait.synth import Camera, GaitParams, simulate, walkway_centre


@pytest.fixture(scope="module")
def walk():
    return simulate(GaitParams(duration_s=8.0))


def test_lowpass_is_zero_lag_and_attenuates():
    fs = 30.0
    t = np.arange(300) / fs
    slow = np.sin(2 * np.pi * 1.0 * t)
    y = lowpass(slow + 0.5 * np.sin(2 * np.pi * 12.0 * t), fs, 6.0)
    mid = slice(60, 240)
    assert np.max(np.abs(y[mid] - slow[mid])) < 0.02  # 1 Hz kept, no phase shift
    fast = lowpass(np.sin(2 * np.pi * 12.0 * t), fs, 6.0)
    assert np.max(np.abs(fast[mid])) < 0.05


def _gain_and_phase(y: np.ndarray, t: np.ndarray, f: float) -> tuple[float, float]:
    """Amplitude and phase (rad) of the ``f`` Hz sinusoid fitted to ``y`` (least squares)."""
    a, b = np.linalg.lstsq(np.c_[np.sin(2 * np.pi * f * t), np.cos(2 * np.pi * f * t)], y,
                           rcond=None)[0]
    return float(np.hypot(a, b)), float(np.arctan2(b, a))


def test_lowpass_cutoff_is_capped_for_low_frame_rates():
    """At 10 fps the asked-for 6 Hz is above Nyquist: the cut-off becomes 0.4 fs = 4 Hz, where the
    2nd-order Butterworth run forwards and backwards passes exactly half the amplitude (-3 dB
    each way), with no phase shift; 1 Hz gait motion and a constant pass unchanged.
    """
    fs = 10.0
    t = np.arange(200) / fs
    mid = slice(40, 160)  # 4 s from each end: no edge transient
    gain, phase = _gain_and_phase(lowpass(np.sin(2 * np.pi * 4.0 * t), fs, 6.0)[mid], t[mid], 4.0)
    assert gain == pytest.approx(0.5, abs=1e-3)
    assert abs(phase) < 1e-3
    slow = np.sin(2 * np.pi * 1.0 * t)
    assert np.max(np.abs(lowpass(slow, fs, 6.0)[mid] - slow[mid])) < 1e-3
    np.testing.assert_allclose(lowpass(np.full(200, 3.7), fs, 6.0), 3.7, rtol=0, atol=1e-9)


def test_resample_bridges_short_gaps_only():
    t = np.array([0.0, 0.03, 0.07, 0.10, 0.40, 0.43, 0.47])
    x = 2.0 * t[:, None]
    x[2] = np.nan  # 0.07 missing: gap 0.03 -> 0.10 is 70 ms, bridged
    grid = np.arange(0, 0.47, 0.01)
    y = resample(t, x, grid, max_gap_s=0.12)[:, 0]
    bridged = (grid >= 0.0) & (grid <= 0.10)
    assert np.allclose(y[bridged], 2.0 * grid[bridged])
    assert np.isnan(y[(grid > 0.11) & (grid < 0.39)]).all()  # 300 ms gap stays a gap


def test_outliers_are_removed_and_clean_data_is_kept(walk):
    seq = film(walk, noise_px=2.0, seed=0)
    xy = seq.image[..., :2].astype(float)
    _, n0 = reject_outliers(xy, scale_px=250.0)
    assert n0 <= 0.001 * xy.shape[0] * xy.shape[1]
    xy[100, INDEX["left_knee"]] += 80.0
    cleaned, n1 = reject_outliers(xy, scale_px=250.0)
    assert np.isnan(cleaned[100, INDEX["left_knee"]]).all()
    assert n1 >= n0 + 1


FOOT_AND_KNEE = [INDEX[f"{s}_{p}"] for s in ("left", "right")
                 for p in ("knee", "ankle", "heel", "foot_index")]


@pytest.mark.parametrize("fps", [7.5, 10.0, 15.0, 30.0, 60.0])
@pytest.mark.parametrize("view", ["side", "front"])
def test_outlier_bound_follows_the_frame_interval(fps, view):
    """Real motion is not rejected at any frame rate (the swing foot filmed at 7.5-15 fps used to
    be: 3-23 samples per walk with a bound of 0.1 leg length), and single-frame jumps beyond the
    bound (max(0.1, 3 leg/s x dt) leg lengths) still are.
    """
    truth = simulate(GaitParams(duration_s=8.0, fps=fps, painful_side="right", limp_severity=0.8))
    seq = film(truth, view, noise_px=1.5, seed=2)
    xy = seq.image[..., :2].astype(float)
    scale = leg_scale(xy)
    _, n0 = reject_outliers(xy, scale, dt=1 / fps)
    assert n0 <= 1
    # MediaPipe-like glitches: one landmark of the legs thrown up (+-30 deg) for one frame, by
    # 1.5 x the bound and at least 0.3 leg length
    rng = np.random.default_rng(0)
    frames = rng.choice(np.arange(3, len(xy) - 3), 20, replace=False)
    lms = rng.choice(FOOT_AND_KNEE, 20)
    ang = -np.pi / 2 + rng.uniform(-0.5, 0.5, 20)
    jump = max(0.3, 1.5 * max(0.1, MAX_RESIDUAL_SPEED / fps)) * scale
    bad = xy.copy()
    bad[frames, lms] += jump * np.c_[np.cos(ang), np.sin(ang)]
    cleaned, n1 = reject_outliers(bad, scale, dt=1 / fps)
    assert np.isnan(cleaned[frames, lms]).all()
    # a jump can shift its neighbours' running median by one rank: a few of them may go too
    assert n1 <= n0 + 25


def test_outlier_bound_is_unchanged_at_30_fps_and_above():
    xy = np.zeros((9, 1, 2))
    xy[4, 0, 0] = 11.0  # 0.11 leg length with a 100 px leg
    for dt in (1 / 30, 1 / 60):
        assert reject_outliers(xy, 100.0, dt=dt)[1] == 1
    assert reject_outliers(xy, 100.0, dt=1 / 15)[1] == 0  # 0.2 leg length at 15 fps
    xy[4, 0, 0] = 21.0
    assert reject_outliers(xy, 100.0, dt=1 / 15)[1] == 1


def test_condition_with_variable_frame_rate_and_a_long_gap(walk):
    rng = np.random.default_rng(4)
    t = np.cumsum(rng.uniform(0.028, 0.039, 240))
    truth = simulate(GaitParams(timestamps=tuple(t)))
    seq = film(truth, noise_px=1.0, seed=2)
    found = seq.found.copy()
    found[100:120] = False  # ~0.66 s without the person: splits the recording
    image = np.where(found[:, None, None], seq.image, np.nan)
    seq = PoseSequence(t=seq.t, image=image, world=seq.world, visibility=seq.visibility,
                       presence=seq.presence, found=found, frame_size=seq.frame_size,
                       model=seq.model)
    c = condition(seq)
    assert c.fs == pytest.approx(1 / np.median(np.diff(t)))
    assert np.allclose(np.diff(c.t), 1 / c.fs)
    assert len(c.segments) == 2
    gap = (c.t > t[100]) & (c.t < t[119])
    assert not c.valid[gap].any()
    # filtered landmarks follow the truth (same instants) to within a few pixels
    cam = Camera.side(walkway_centre(truth), distance=8.0)
    uv = cam.project(simulate(GaitParams(timestamps=tuple(c.t))).landmarks)
    k = INDEX["left_knee"]
    assert np.nanmax(np.abs(c.image[c.valid, k] - uv[c.valid, k])) < 6.0
    assert 0.5 < c.noise_px[k] < 2.0


def test_noise_estimate_tracks_the_noise(walk):
    for sd in (1.0, 3.0):
        c = condition(film(walk, noise_px=sd, seed=5))
        assert c.noise_px[INDEX["left_hip"]] == pytest.approx(sd, rel=0.4)


@pytest.mark.parametrize("fs", [30.0, 60.0])
def test_the_noise_of_a_mean_of_filtered_samples_follows_the_filter(fs):
    rng = np.random.default_rng(0)
    x = rng.normal(size=60000)
    y = lowpass(x, fs, 6.0)
    means = np.convolve(y, np.ones(5) / 5, "valid")[::20]
    assert means.std() / (x - y).std() == pytest.approx(mean_noise_factor(fs, 6.0, 5), rel=0.05)
