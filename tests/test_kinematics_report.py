"""Per-frame series, flags, plain-language summary, sessions and the speed of ``analyze``
(synthetic walker, no video)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from vidgait.findings import flags, summary
from vidgait.kinematics import analyze, analyze_session
from vidgait.kinematics.conventions import FRONTAL, SAGITTAL, TRANSVERSE
from vidgait.kinematics.swaps import L_LEG, R_LEG, fix_leg_swaps
from vidgait.norms import RANGES
from vidgait.synth import Camera, GaitParams, simulate, to_pose_sequence, walkway_centre

SIDES = ("left", "right")


def _film(truth, view="side", *, noise=1.0, seed=0, **kw):
    c = walkway_centre(truth)
    cam = {"side": Camera.side(c, distance=8.0), "front": Camera.front(c, distance=8.0)}[view]
    return to_pose_sequence(truth, cam, noise_px=noise, seed=seed, **kw)


@pytest.fixture(scope="module")
def limp_walk():
    """Right knee limp (stiff knee) with a RIGHT Trendelenburg: the left pelvis drops 8 deg during
    right stance."""
    return simulate(GaitParams(duration_s=10.0, painful_side="right", limp_severity=0.8,
                               stiff_knee_factor=0.5, trendelenburg_side="right",
                               pelvic_drop_deg=8.0, path="across"))


@pytest.fixture(scope="module")
def limp_side(limp_walk):
    seq = _film(limp_walk)
    return seq, analyze(seq, height_cm=170)


@pytest.fixture(scope="module")
def limp_front():
    truth = simulate(GaitParams(duration_s=10.0, painful_side="right", limp_severity=0.8,
                                stiff_knee_factor=0.5, trendelenburg_side="right",
                                pelvic_drop_deg=8.0, path="toward"))
    return _film(truth, "front")


def test_timeseries_cover_every_angle_at_the_input_frames(limp_walk, limp_side):
    seq, g = limp_side
    ts = g.timeseries
    names = {f"{s}_{n}" for s in SIDES for n in SAGITTAL + FRONTAL + TRANSVERSE}
    assert set(ts) == names | {"t"}
    assert all(len(v) == len(seq.t) for v in ts.values())
    np.testing.assert_array_equal(ts["t"], seq.t)
    inside = np.zeros(len(seq.t), bool)
    for p in g.passes:
        inside |= (seq.t >= p["start_s"]) & (seq.t <= p["stop_s"])
    assert inside.mean() > 0.5
    for s in SIDES:
        true = limp_walk.angles[s]["knee_flexion"]
        est = ts[f"{s}_knee_flexion"]
        ok = np.isfinite(est)
        assert ok[inside].all() and not ok[~inside].any()
        assert np.sqrt(np.mean((est[ok] - true[ok]) ** 2)) < 5.0
        for n in FRONTAL + TRANSVERSE:  # a side view supports none of them
            assert np.isnan(ts[f"{s}_{n}"]).all()
    d = g.to_dict()
    assert "timeseries" not in d
    json.dumps(d)


def test_timeseries_are_nan_outside_the_walking_pass(limp_walk):
    seq = _film(limp_walk)
    found = seq.found.copy()
    found[:40] = False  # nobody in the first 1.3 s
    seq = dataclasses.replace(seq, found=found)
    g = analyze(seq)
    assert np.isnan(g.timeseries["left_knee_flexion"][:40]).all()
    assert np.isfinite(g.timeseries["left_knee_flexion"][80:200]).all()


def test_flags_name_their_reference_and_catch_the_limp(limp_side):
    _, g = limp_side
    assert flags(g)
    for f in flags(g):
        assert f["reference"] and f["normal"] and np.isfinite(f["value"])
    got = {(f["metric"], f["side"], f["direction"]) for f in flags(g)}
    assert ("stance_time_symmetry_index", "right", "asymmetric") in got
    assert ("knee_peak_swing_flexion_deg", "right", "asymmetric") in got
    assert ("knee_peak_swing_flexion_deg", "right", "below") in got
    # the band flags use the tabulated norms
    knee = next(f for f in flags(g) if f["metric"] == "knee_peak_swing_flexion_deg"
                and f["direction"] == "below")
    assert knee["value"] < RANGES["knee_peak_swing_flexion_deg"].low


def test_symmetric_walker_has_no_flags():
    truth = simulate(GaitParams(duration_s=10.0))
    g = analyze(_film(truth), height_cm=170)
    assert flags(g) == []
    text = " ".join(summary(g))
    assert "no limp" in text and "not measurable in this view" in text


def test_summary_side_only_says_what_is_missing(limp_side):
    _, g = limp_side
    text = " ".join(summary(g))
    assert "suspected painful side right" in text
    assert "protecting the right knee" in text
    assert "Pelvic drop and trunk lean: not measurable in this view" in text
    assert "hip-abductor" not in text  # not measured, so not claimed
    assert all(any(ch.isdigit() for ch in s) or "not measurable" in s for s in summary(g))


def test_session_combines_side_and_front(limp_side, limp_front):
    side_seq, side_only = limp_side
    g = analyze_session([side_seq, limp_front], height_cm=170)
    assert sorted({p["view"] for p in g.passes}) == ["side", "toward"]
    # timing from the side view only: identical to the side clip alone
    assert g.spatiotemporal["cadence_steps_per_min"] == pytest.approx(
        side_only.spatiotemporal["cadence_steps_per_min"])
    assert g.limp["suspected_painful_side"] == "right"
    # pelvic drop from the front clip: the LEFT pelvis drops during RIGHT stance
    assert g.pelvis["left"]["pelvic_drop_deg"]["mean"] > g.pelvis["right"][
        "pelvic_drop_deg"]["mean"] + 3.0
    assert any(f["metric"] == "pelvic_drop_deg" and f["side"] == "left" for f in flags(g))
    text = " ".join(summary(g))
    assert "protecting the right knee, with hip-abductor compensation" in text
    assert "not measurable in this view" not in text
    with pytest.raises(ValueError):
        analyze_session([])


def test_front_clip_alone_asks_for_a_side_clip(limp_front):
    g = analyze(limp_front, height_cm=170)
    text = " ".join(summary(g))
    assert "record a side clip" in text
    assert g.pelvis["left"]["pelvic_drop_deg"]["mean"] > 8.0


def test_swap_fix_through_leg_crossings():
    """MediaPipe holds a wrong label for ~0.3 s after the legs cross (rendered phantom): runs of
    swapped labels that START at a crossing must be undone too."""
    truth = simulate(GaitParams(duration_s=8.0))
    seq = _film(truth, noise=1.0, seed=3)
    xy = seq.image[..., :2].astype(float)
    legs = list(L_LEG + R_LEG)
    gap = np.linalg.norm(xy[:, list(L_LEG)] - xy[:, list(R_LEG)], axis=-1).mean(axis=1)
    # crossings: local minima of the distance between the legs
    cross = [i for i in range(20, len(gap) - 20) if gap[i] == gap[i - 3:i + 4].min()][:6]
    bad = xy.copy()
    injected = np.zeros(len(xy), bool)
    for c in cross:
        bad[c + 1:c + 9, legs] = xy[c + 1:c + 9, list(R_LEG + L_LEG)]  # 8 frames from crossing
        injected[c + 1:c + 9] = True
    fixed, _ = fix_leg_swaps(seq.t, bad)
    err = np.abs(fixed[:, legs] - xy[:, legs]).max(axis=(1, 2))
    assert injected.sum() >= 30
    # frames next to the crossing may stay ambiguous (the legs overlap); all others are fixed
    assert (err[injected] < 10.0).mean() > 0.85


def test_a_minute_at_60_fps_with_swaps_and_dropouts_is_analysed_whole():
    """Speed is measured by benchmarks/bench_analysis.py; here only that nothing is lost."""
    truth = simulate(GaitParams(duration_s=60.0, fps=60.0, path="treadmill"))
    seq = to_pose_sequence(truth, Camera.side(walkway_centre(truth), distance=5.0), noise_px=1.0,
                           swap_rate=0.01, dropout_rate=0.02, seed=0)
    res = analyze(seq, height_cm=170)
    assert len(seq) == 3600 and sum(p["strides"] for p in res.passes) > 80


def test_pelvic_drop_without_events_matches_the_truth():
    """The event-free fallback (front/back pass with too few accepted strides) on true angles."""
    from vidgait.kinematics.events import stride_period
    from vidgait.kinematics.pelvis import pelvis_metrics_without_events

    truth = simulate(GaitParams(duration_s=8.0, trendelenburg_side="left", pelvic_drop_deg=6.0,
                                trunk_lean_deg=3.0, path="toward"))
    fs = 30.0
    frontal = {s: {k: np.asarray(truth.angles[s][k], float)
                   for k in ("pelvic_obliquity", "trunk_lean")} for s in SIDES}
    period = stride_period(frontal["left"]["pelvic_obliquity"], fs)
    assert period == pytest.approx(120.0 / 105.0, abs=1.5 / fs)
    m = pelvis_metrics_without_events(truth.t, frontal, period, fs)
    for s in SIDES:
        assert m[s]["pelvic_drop_deg"]["mean"] == pytest.approx(
            truth.summary[s]["pelvic_drop_deg"], abs=0.5)
        assert m[s]["trunk_lean_over_stance_deg"]["mean"] == pytest.approx(
            truth.summary[s]["trunk_lean_over_stance_deg"], abs=0.5)
        assert m[s]["pelvic_drop_deg"]["n"] >= 5


def test_summary_does_not_call_an_unconfirmed_knee_difference_equal():
    """A short stiff-knee walk: too few strides to test the knee difference, so the summary
    gives the difference and says why it is not claimed, instead of "no difference"."""
    truth = simulate(GaitParams(duration_s=3.5, painful_side="right", limp_severity=0.8,
                                stiff_knee_factor=0.5))
    g = analyze(_film(truth), height_cm=170)
    text = " ".join(summary(g))
    assert not any(f["metric"] == "knee_peak_swing_flexion_deg" and f["direction"] ==
                   "asymmetric" for f in flags(g))
    assert "no left/right difference" not in text
    assert "the right reads" in text and "so no difference is claimed" in text, text
