"""Signal conditioning and view/pass detection, against the synthetic walker."""

from __future__ import annotations

import numpy as np
import pytest

from vidgait.kinematics.signal import (
    L_LEG,
    MAX_RESIDUAL_SPEED,
    R_LEG,
    _leg_scale,
    condition,
    fix_leg_swaps,
    lowpass,
    reject_outliers,
    resample,
    runs,
)
from vidgait.kinematics.view import find_passes
from vidgait.landmarks import INDEX
from vidgait.sequence import PoseSequence
from vidgait.synth import Camera, GaitParams, simulate, to_pose_sequence, walkway_centre


@pytest.fixture(scope="module")
def walk():
    return simulate(GaitParams(duration_s=8.0))


def _side(truth, **kw):
    return to_pose_sequence(truth, Camera.side(walkway_centre(truth), distance=8.0), **kw)


def test_lowpass_is_zero_lag_and_attenuates():
    fs = 30.0
    t = np.arange(300) / fs
    slow = np.sin(2 * np.pi * 1.0 * t)
    y = lowpass(slow + 0.5 * np.sin(2 * np.pi * 12.0 * t), fs, 6.0)
    mid = slice(60, 240)
    assert np.max(np.abs(y[mid] - slow[mid])) < 0.02  # 1 Hz kept, no phase shift
    fast = lowpass(np.sin(2 * np.pi * 12.0 * t), fs, 6.0)
    assert np.max(np.abs(fast[mid])) < 0.05


def test_lowpass_cutoff_is_capped_for_low_frame_rates():
    y = lowpass(np.random.default_rng(0).normal(size=100), fs=10.0, cutoff_hz=6.0)
    assert np.isfinite(y).all()


def test_resample_bridges_short_gaps_only():
    t = np.array([0.0, 0.03, 0.07, 0.10, 0.40, 0.43, 0.47])
    x = 2.0 * t[:, None]
    x[2] = np.nan  # 0.07 missing: gap 0.03 -> 0.10 is 70 ms, bridged
    grid = np.arange(0, 0.47, 0.01)
    y = resample(t, x, grid, max_gap_s=0.12)[:, 0]
    bridged = (grid >= 0.0) & (grid <= 0.10)
    assert np.allclose(y[bridged], 2.0 * grid[bridged])
    assert np.isnan(y[(grid > 0.11) & (grid < 0.39)]).all()  # 300 ms gap stays a gap


def test_runs():
    assert runs(np.array([0, 1, 1, 0, 1], bool)) == [(1, 3), (4, 5)]
    assert runs(np.zeros(3, bool)) == []


def test_outliers_are_removed_and_clean_data_is_kept(walk):
    seq = _side(walk, noise_px=2.0, seed=0)
    xy = seq.image[..., :2].astype(float)
    clean, n0 = reject_outliers(xy, scale_px=250.0)
    assert n0 <= 0.001 * xy.shape[0] * xy.shape[1]
    xy[100, INDEX["left_knee"]] += 80.0
    _, n1 = reject_outliers(xy, scale_px=250.0)
    cleaned, _ = reject_outliers(xy, scale_px=250.0)
    assert np.isnan(cleaned[100, INDEX["left_knee"]]).all()
    assert n1 >= n0 + 1


FOOT_AND_KNEE = [INDEX[f"{s}_{p}"] for s in ("left", "right")
                 for p in ("knee", "ankle", "heel", "foot_index")]


@pytest.mark.parametrize("fps", [7.5, 10.0, 15.0, 30.0, 60.0])
@pytest.mark.parametrize("view", ["side", "front"])
def test_outlier_bound_follows_the_frame_interval(fps, view):
    """Real motion is not rejected at any frame rate (the swing foot filmed at 7.5-15 fps used to
    be: 3-23 samples per walk with a bound of 0.1 leg length), and single-frame jumps beyond the
    bound (max(0.1, 3 leg/s x dt) leg lengths) still are."""
    truth = simulate(GaitParams(duration_s=8.0, fps=fps, painful_side="right", limp_severity=0.8))
    c = walkway_centre(truth)
    cam = Camera.side(c, distance=8.0) if view == "side" else Camera.front(c, distance=8.0)
    seq = to_pose_sequence(truth, cam, noise_px=1.5, seed=2)
    xy = seq.image[..., :2].astype(float)
    scale = _leg_scale(xy)
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


def test_leg_swaps_are_undone(walk):
    clean = _side(walk, noise_px=1.0, seed=1)
    swapped = _side(walk, noise_px=1.0, swap_rate=0.05, seed=1)
    true_swaps = np.asarray(swapped.meta["swapped_frames"])
    assert true_swaps.size > 5
    fixed, mask = fix_leg_swaps(swapped.t, swapped.image[..., :2].astype(float))
    legs = list(L_LEG + R_LEG)
    err = np.abs(fixed[:, legs] - clean.image[:, legs, :2])
    ok = np.nanmax(err, axis=(1, 2)) < 10.0
    # legs overlap in the image near mid-swing, where a swap changes little; all other frames fixed
    assert ok[np.isfinite(err).all(axis=(1, 2))].mean() > 0.98
    assert abs(int(mask.sum()) - true_swaps.size) <= 0.25 * true_swaps.size


def test_long_swap_runs_are_not_believed(walk):
    """A run of 'swapped' frames longer than 0.3 s means the tracker, not the model, lost the legs."""
    seq = _side(walk, noise_px=1.0, seed=1)
    xy = seq.image[..., :2].astype(float)
    legs_l, legs_r = list(L_LEG), list(R_LEG)
    for a, b in ((60, 63), (150, 170)):  # 0.1 s and 0.67 s of swapped labels
        xy[a:b, legs_l + legs_r] = xy[a:b, legs_r + legs_l]
    _, mask = fix_leg_swaps(seq.t, xy)
    assert mask[60:63].all()
    assert not mask[150:170].any()


def test_swap_tracker_does_not_lock_onto_the_wrong_legs():
    """Regression: this walk once had 263 frames 'corrected' for 2 real swaps."""
    truth = simulate(GaitParams(cadence_steps_per_min=101, speed_m_s=0.8 * 1.7 * 101 / 120,
                                painful_side="right", limp_severity=0.5, duration_s=10.0))
    seq = to_pose_sequence(truth, Camera.side(walkway_centre(truth), on="right", distance=8.0),
                           noise_px=0.85, seed=5857, swap_rate=0.01, dropout_rate=0.02)
    c = condition(seq)
    assert c.swaps_fixed <= 2 * max(1, len(seq.meta["swapped_frames"]))


def test_condition_with_variable_frame_rate_and_a_long_gap(walk):
    rng = np.random.default_rng(4)
    t = np.cumsum(rng.uniform(0.028, 0.039, 240))
    truth = simulate(GaitParams(timestamps=tuple(t)))
    seq = _side(truth, noise_px=1.0, seed=2)
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
        c = condition(_side(walk, noise_px=sd, seed=5))
        assert c.noise_px[INDEX["left_hip"]] == pytest.approx(sd, rel=0.4)


# ----------------------------------------------------------------------------------- views
@pytest.mark.parametrize(("make", "view", "facing"), [
    (lambda c: Camera.side(c, on="left", distance=8.0), "side", -1),
    (lambda c: Camera.side(c, on="right", distance=8.0), "side", 1),
    (lambda c: Camera.front(c), "toward", 1),
    (lambda c: Camera.back(c), "away", -1),
])
def test_view_and_direction_of_a_pass(walk, make, view, facing):
    seq = to_pose_sequence(walk, make(walkway_centre(walk)), noise_px=1.5, seed=3)
    passes, _ = find_passes(condition(seq))
    assert len(passes) == 1
    assert passes[0].view == view and passes[0].facing == facing
    assert passes[0].duration_s(30.0) > 4.0


def test_oblique_view_is_not_called_side_or_front():
    tr = simulate(GaitParams(duration_s=4.0))
    seq = to_pose_sequence(tr, Camera.oblique(walkway_centre(tr), angle_deg=45, distance=12.0))
    passes, f = find_passes(condition(seq))
    assert [p.view for p in passes] == ["oblique"]
    assert 30 < passes[0].yaw_deg < 60


def test_treadmill_pass_takes_direction_from_the_feet():
    tr = simulate(GaitParams(path="treadmill", duration_s=5.0))
    for on, facing in (("left", -1), ("right", 1)):
        seq = to_pose_sequence(tr, Camera.side(walkway_centre(tr), on=on, distance=4.0))
        passes, _ = find_passes(condition(seq))
        assert len(passes) == 1 and passes[0].treadmill and passes[0].facing == facing


def test_standing_is_not_a_pass(walk):
    seq = _side(walk, seed=0)
    still = np.repeat(seq.image[40:41], len(seq), axis=0)
    still = still + np.random.default_rng(0).normal(0, 1.0, still.shape).astype(np.float32)
    seq = PoseSequence(t=seq.t, image=still, world=np.repeat(seq.world[40:41], len(seq), 0),
                       visibility=seq.visibility, presence=seq.presence,
                       found=np.ones(len(seq), bool), frame_size=seq.frame_size, model="x")
    passes, _ = find_passes(condition(seq))
    assert passes == []
