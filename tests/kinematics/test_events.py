"""Gait events (:mod:`vidgait.kinematics.events`): stride period, Zeni + heel-speed refinement in
side and front/back views, the floor-geometry check of heel strikes.

Tolerances are the accuracy reached on the walker (docs/kinematics.md), not wishes.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import film, side_pass
from vidgait.kinematics.events import (
    confirm_heel_strikes,
    floor_heel_strikes,
    ground_tracks,
    refine_heel_strikes,
    stance_speed,
    stride_period,
    zeni,
)
from vidgait.kinematics.per_pass import _world_forward
from vidgait.kinematics.signal import condition
from vidgait.kinematics.strides import build_strides
from vidgait.kinematics.view import find_passes, leg_length_px
from vidgait.landmarks import INDEX
from vidgait.synth import GaitParams, simulate

SIDES = ("left", "right")


# -------------------------------------------------------------------------------- stride period
def test_stride_period_of_a_clean_cycle():
    fs = 30.0
    t = np.arange(0, 8, 1 / fs)
    assert stride_period(np.sin(2 * np.pi * t / 1.1), fs) == pytest.approx(1.1, abs=1.5 / fs)


def test_stride_period_picks_one_stride_not_two():
    fs = 30.0
    t = np.arange(0, 12, 1 / fs)
    x = np.sin(2 * np.pi * t / 1.1) + 0.3 * np.sin(4 * np.pi * t / 1.1)
    assert stride_period(x, fs) == pytest.approx(1.1, abs=1 / fs)


# this window used to raise IndexError: its autocorrelation peaks in 0.6-2.5 s are all negative
ANTI = np.array([1, 0, 1, 0, 1, -1, -1, 2, 1, 0, -1, -1, 0, 0, 1, 2, 0, -2, -1, -1, 0, -1, -1, 2,
                 0, 1, 1, 0, 0, 1, -1, 1, 0, 1, 2, 1, 0, 1, 2, 1, 1, 1, 0, 0, 0, 0, 0, 0], float)


@pytest.mark.parametrize("x, fs", [
    (np.zeros(0), 30.0),                            # empty
    (np.zeros(3), 30.0),                            # shorter than two plausible strides
    (np.sin(np.arange(30) / 3.0), 30.0),            # 1 s: too short for a lag of 0.6 s + overlap
    (np.sin(2 * np.pi * np.arange(48) / 33.0), 30.0),  # 1.6 s, period 1.1 s: overlap < 0.6 s
    (np.full(200, 3.0), 30.0),                      # flat
    (np.r_[np.sin(np.arange(199) / 5.0), np.nan], 30.0),   # not finite
])
def test_stride_period_is_nan_when_it_cannot_be_read(x, fs):
    assert np.isnan(stride_period(x, fs))


def test_stride_period_is_nan_when_every_peak_is_negative():
    # ANTI's autocorrelation peaks at lags 0.6-0.96 s are all negative (lags up to N - 0.6 s
    # reach a weak positive one, 0.18 of the variance: no significance test is made)
    assert np.isnan(stride_period(ANTI, 25.0, hi_s=0.96))


@pytest.mark.parametrize("fs", [10.0, 15.0, 30.0])
def test_stride_period_from_less_than_two_strides(fs):
    """Lags are searched up to the window minus 0.6 s (the overlap of the compared stretches):
    1.75 strides of a 1.1 s cycle are enough, with a harmonic and noise as a limp would add.
    """
    rng = np.random.default_rng(int(fs))
    for phase in np.linspace(0, 2 * np.pi, 7, endpoint=False):
        t = np.arange(0, 1.75 * 1.1, 1 / fs)
        x = (np.sin(2 * np.pi * t / 1.1 + phase) + 0.4 * np.sin(4 * np.pi * t / 1.1 + 2 * phase)
             + 0.05 * rng.normal(size=t.size))
        assert stride_period(x, fs) == pytest.approx(1.1, abs=1.5 / fs)


@pytest.mark.parametrize("fs", [10.0, 15.0, 30.0])
def test_stride_period_of_short_walker_windows(fs):
    """Heel minus hip (side view, 1 px noise) in windows of 1.7-2.5 strides from every phase of
    the cycle: the period within 10 % of the stride time (Zeni only uses it to space peaks).
    """
    truth = simulate(GaitParams(duration_s=8.0, fps=fs, painful_side="right", limp_severity=0.8))
    seq = film(truth, noise_px=1.0, seed=0)
    hip = seq.image[:, [INDEX["left_hip"], INDEX["right_hip"]], 0].mean(axis=1)
    stride = truth.summary["stride_time_s"]
    for side in SIDES:
        x = seq.image[:, INDEX[f"{side}_heel"], 0] - hip
        for start in np.arange(0.0, 1.2, 0.15):
            for strides in (1.7, 2.0, 2.5):
                i = int(start * fs)
                w = x[i:i + int(strides * stride * fs) + 1].astype(float)
                assert stride_period(w, fs) == pytest.approx(stride, rel=0.1), (side, start)


def test_stride_period_never_raises_on_short_or_odd_windows():
    rng = np.random.default_rng(0)
    for _ in range(2000):
        n = int(rng.integers(0, 120))
        x = rng.choice([rng.normal(size=n), np.round(rng.normal(size=n)), np.ones(n)])
        p = stride_period(x, float(rng.choice([10.0, 25.0, 30.0, 60.0])))
        assert np.isnan(p) or 0.6 <= p <= 2.5


def test_zeni_on_a_window_too_short_gives_no_events():
    t = np.arange(10) / 30.0
    x = {s: np.zeros(10) for s in SIDES}
    ev = zeni(t, x, x, 30.0)
    assert all(ev[s]["heel_strike_s"].size == 0 and ev[s]["toe_off_s"].size == 0 for s in SIDES)


# ------------------------------------------------------------------------------------ side view
@pytest.fixture(scope="module")
def walk():
    return simulate(GaitParams(duration_s=10.0, trendelenburg_side="right", pelvic_drop_deg=4.0))


def _match(found, true):
    return np.array([found[np.argmin(np.abs(found - x))] - x for x in true])


def _side_events(truth, noise, seed):
    c, p = side_pass(truth, noise=noise, seed=seed)
    sl = slice(p.start, p.stop)
    t, xy = c.t[sl], c.image[sl]
    hip = 0.5 * (xy[:, INDEX["left_hip"], 0] + xy[:, INDEX["right_hip"], 0])
    fwd = {s: p.facing * (xy[:, INDEX[f"{s}_heel"], 0] - hip) for s in SIDES}
    toe = {s: p.facing * (xy[:, INDEX[f"{s}_foot_index"], 0] - hip) for s in SIDES}
    ev = zeni(t, fwd, toe, c.fs)
    speed = abs(float(np.median(np.gradient(hip, t))))
    return t, ev, refine_heel_strikes(t, ev, {s: xy[:, INDEX[f"{s}_heel"]] for s in SIDES}, speed)


@pytest.mark.parametrize("seed", [0, 1])
def test_side_view_events_within_one_frame(walk, seed):
    t, zeni_ev, ev = _side_events(walk, noise=2.0, seed=seed)
    inner = lambda x: x[(x > t[0] + 0.2) & (x < t[-1] - 0.2)]  # noqa: E731
    errors = []
    for s in SIDES:
        hs = _match(ev[s]["heel_strike_s"], inner(walk.events[s]["heel_strike_s"]))
        to = _match(ev[s]["toe_off_s"], inner(walk.events[s]["toe_off_s"]))
        assert hs.size >= 4 and to.size >= 4
        errors += [hs, to]
        assert np.abs(to).max() < 2 / 30 and np.abs(hs).max() < 2 / 30
        # the refinement is what brings heel strikes inside one frame: Zeni alone is ~1 frame early
        raw = _match(zeni_ev[s]["heel_strike_s"], inner(walk.events[s]["heel_strike_s"]))
        assert np.abs(hs).mean() < np.abs(raw).mean()
    # Zeni et al. report 94 % of events within one frame on healthy gait
    assert np.mean(np.abs(np.concatenate(errors)) < 1 / 30) >= 0.85


# ------------------------------------------------------------------ world tracks over the floor
def test_stance_speed_and_ground_tracks():
    t = np.arange(0, 4, 1 / 30)
    # a heel standing still on the floor while the pelvis moves at 1.2 m/s: relative -1.2 m/s
    rel = {s: np.c_[-1.2 * t, np.zeros_like(t), np.zeros_like(t)] for s in SIDES}
    ev = {s: {"heel_strike_s": np.array([0.5, 2.0]), "toe_off_s": np.array([1.2, 2.7])}
          for s in SIDES}
    v = stance_speed(t, ev, {s: rel[s][:, 0] for s in SIDES})
    assert v == pytest.approx(1.2)
    ground = ground_tracks(t, rel, np.array([1.0, 0.0, 0.0]), v)
    assert np.allclose(ground["left"], ground["left"][0])  # still over the floor
    none = {s: {"heel_strike_s": np.array([3.9]), "toe_off_s": np.array([1.0])} for s in SIDES}
    assert np.isnan(stance_speed(t, none, {s: rel[s][:, 0] for s in SIDES}))


def _front_events(seq):
    """Events of each front/back pass as ``analyze`` takes them (world Zeni + heel speed over the
    floor; toward the camera, heel strikes checked against the image's floor geometry).
    """
    c = condition(seq)
    passes, _ = find_passes(c)
    out = []
    for p in passes:
        sl = slice(p.start, p.stop)
        t, xy, world = c.t[sl], c.image[sl], c.world[sl]
        d = _world_forward(world)
        heel = {s: world[:, INDEX[f"{s}_heel"]] for s in SIDES}
        heel_fwd = {s: heel[s] @ d for s in SIDES}
        ev = zeni(t, heel_fwd, {s: world[:, INDEX[f"{s}_foot_index"]] @ d for s in SIDES}, c.fs)
        zeni_ev = ev
        speed = stance_speed(t, ev, heel_fwd)
        ev = refine_heel_strikes(t, ev, ground_tracks(t, heel, d, speed), speed)
        check = (floor_heel_strikes(t, {s: xy[:, INDEX[f"{s}_heel"]] for s in SIDES},
                                    {s: xy[:, INDEX[f"{s}_foot_index"]] for s in SIDES},
                                    leg_length_px(xy), c.fs)
                 if p.view == "toward" else None)
        out.append((p, zeni_ev, ev, check))
    return out


def _errors(est, true):
    return np.array([e - true[np.argmin(np.abs(true - e))] for e in est])


def _walker(view, seed, **kw):
    truth = simulate(GaitParams(duration_s=10.0, painful_side="left", limp_severity=0.5,
                                path="toward" if view == "front" else "away"))
    return truth, film(truth, view, distance=9.0, camera=kw, noise_px=1.0, dropout_rate=0.02,
                       seed=seed)


@pytest.mark.parametrize("view, seed", [("front", 1), ("back", 2)])
def test_front_and_back_view_events_on_the_walker(view, seed):
    truth, seq = _walker(view, seed)
    res = _front_events(seq)
    assert res and all(p.view in ("toward", "away") for p, *_ in res)
    hs, hs_zeni, to, stance, n_refused = [], [], [], [], 0
    for _, zeni_ev, ev, check in res:
        doubtful = confirm_heel_strikes(ev, check, 0.1) if check is not None else None
        strides, refused = build_strides(ev, doubtful=doubtful)
        n_refused += len(refused)
        for st in strides:
            tr = truth.events[st.side]
            hs += list(_errors([st.hs, st.next_hs], tr["heel_strike_s"]))
            to += list(_errors([st.to], tr["toe_off_s"]))
            stance.append(100 * (st.to - st.hs) / st.duration
                          - truth.summary[st.side]["stance_pct"])
        for s in SIDES:
            hs_zeni += list(_errors(zeni_ev[s]["heel_strike_s"], truth.events[s]["heel_strike_s"]))
    hs, to = np.array(hs), np.array(to)
    # 3 % of the walker's front strides fail the image check (24 walkers); here none or one
    assert len(stance) >= 8 and n_refused <= 1
    # Zeni alone is ~1 frame early (-33 ms); the heel-speed rule brings it to -10 +- 8 ms
    # (24 random walkers per view); toe off stays Zeni's (+20 ms)
    assert np.mean(hs_zeni) < -0.025
    assert abs(np.mean(hs)) < 0.02 and np.std(hs) < 0.02
    assert 0.0 < np.mean(to) < 0.033
    assert np.mean(np.abs(np.r_[hs, to]) <= 1 / 30) >= 0.85       # 96-97 % over 24 walkers
    # stance: +2.7 +- 1.0 points over 24 walkers per view (was +4.8): toe off still late
    assert abs(np.mean(stance)) < 3.5


@pytest.mark.parametrize("cam_height", [0.6, 1.5])
def test_floor_geometry_heel_strikes_toward_the_camera(cam_height):
    truth, seq = _walker("front", 3, cam_height=cam_height)
    (_, _, ev, check), = _front_events(seq)
    errs = np.concatenate([_errors(check[s], truth.events[s]["heel_strike_s"]) for s in SIDES])
    # +26 +- 17 ms on 12 random walkers (image only: independent of MediaPipe's depth)
    assert errs.size >= 12 and abs(errs.mean()) < 0.05 and np.abs(errs).max() < 0.1
    assert all(v.size == 0 for v in confirm_heel_strikes(ev, check, 0.1).values())


def test_floor_geometry_gives_nothing_when_it_cannot_be_fitted():
    t = np.arange(60) / 30.0
    still = {s: np.zeros((60, 2)) for s in SIDES}
    one = {s: np.zeros((1, 2)) for s in SIDES}
    for ev in (floor_heel_strikes(t, still, still, np.full(60, 100.0), 30.0),     # no motion
               floor_heel_strikes(t, still, still, np.full(60, np.nan), 30.0),    # no size
               floor_heel_strikes(t[:1], one, one, np.ones(1), 30.0)):            # one frame
        assert all(ev[s].size == 0 for s in SIDES)
