"""End to end: ``analyze`` on filmed synthetic walkers must recover what went in.

Tolerances are the accuracy actually reached on the walker (docs/kinematics.md), not wishes.
"""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.helpers import film
from vidgait.errors import ClipTooShortError
from vidgait.findings.words import NOT_MEASURABLE, limp_explanation, notice_text, trust
from vidgait.kinematics import Estimate, NotMeasurable, analyze
from vidgait.kinematics.limp import (
    MIN_STRIDES,
    symmetry_index,
)
from vidgait.kinematics.pelvis import OBLIQUITY_METRICS, pelvis_metrics
from vidgait.report import build_report
from vidgait.sequence import PoseSequence
from vidgait.synth import Camera, GaitParams, simulate, to_pose_sequence, walkway_centre

SIDES = ("left", "right")
#: shrinking re-runs the whole pipeline hundreds of times; report the failing example as found
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)


def _stance_si(truth):
    r, left = truth.summary["right"]["stance_pct"], truth.summary["left"]["stance_pct"]
    return symmetry_index(left, r)


def _film(truth, view="side", *, noise=1.0, seed=0, **kw):
    """Film from 8 m: the walker is ~315 px tall, so 1 px of noise is ~2 px at a typical framing."""
    return film(truth, view, noise_px=noise, seed=seed, **kw)


@pytest.fixture(scope="module")
def normal_side():
    truth = simulate(GaitParams(duration_s=10.0))
    seq = _film(truth, swap_rate=0.01)
    return truth, analyze(seq, height_cm=170), seq


def test_symmetric_walker_side_view(normal_side):
    truth, g, _ = normal_side
    st_ = g.spatiotemporal
    assert st_.cadence_steps_per_min == pytest.approx(105.0, rel=0.02)
    for s in SIDES:
        stance = st_.get(s, "stance_pct").value
        assert stance == pytest.approx(truth.summary[s]["stance_pct"], abs=3.0)
        assert st_.get(s, "step_length").value == pytest.approx(
            truth.summary["stride_length_m"] / 2, rel=0.05)
        peak = g.estimate("kinematics", s, "knee_peak_swing_flexion_deg").value
        assert peak == pytest.approx(truth.summary[s]["knee_peak_swing_flexion_deg"], abs=3.0)
        assert len(g.cycles[s]["knee_flexion"].mean) == 101
    assert st_.speed.value == pytest.approx(1.25, rel=0.05)
    assert g.limp.verdict == "no limp"
    assert g.pelvis["left"] == NotMeasurable("view")  # a side view cannot see pelvic drop
    assert g.pelvis_method is None and g.measure("pelvis", "left", "pelvic_drop_deg") == \
        NotMeasurable("view")
    assert trust(g.views)["frontal_angles"] == NOT_MEASURABLE


def test_dropouts_split_but_do_not_spoil_timing(normal_side):
    truth, _, _ = normal_side
    g = analyze(_film(truth, dropout_rate=0.05, seed=4), height_cm=170)
    assert g.spatiotemporal.cadence_steps_per_min == pytest.approx(105.0, rel=0.02)
    for s in SIDES:
        assert g.spatiotemporal.get(s, "stance_pct").n >= 2


def test_out_and_back_gives_two_passes_with_consistent_angles(normal_side):
    truth, single, _ = normal_side
    c = walkway_centre(truth)
    out = to_pose_sequence(truth, Camera.side(c, on="left", distance=8.0), noise_px=1.0, seed=1)
    back = to_pose_sequence(truth, Camera.side(c, on="right", distance=8.0), noise_px=1.0, seed=2)
    gap = 1.0  # the turn, off camera
    seq = PoseSequence(
        t=np.concatenate([out.t, out.t + out.t[-1] + gap]),
        image=np.concatenate([out.image, back.image]),
        world=np.concatenate([out.world, back.world]),
        visibility=np.concatenate([out.visibility, back.visibility]),
        presence=np.concatenate([out.presence, back.presence]),
        found=np.concatenate([out.found, back.found]), frame_size=out.frame_size, model=out.model)
    g = analyze(seq, height_cm=170)
    assert [p.facing for p in g.passes] == [-1, 1]
    assert g.spatiotemporal.cadence_steps_per_min == pytest.approx(105.0, rel=0.02)
    for s in SIDES:
        assert g.cycles[s]["knee_flexion"].n > single.cycles[s]["knee_flexion"].n
        peak = g.estimate("kinematics", s, "knee_peak_swing_flexion_deg").value
        assert peak == pytest.approx(truth.summary[s]["knee_peak_swing_flexion_deg"], abs=3.0)
        assert float(np.max(g.cycles[s]["knee_flexion"].sd)) < 4.0  # no flipped strides


def test_result_is_json_serialisable(normal_side):
    _, g, seq = normal_side
    d = build_report(g, [seq], height_cm=170)
    back = json.loads(json.dumps(d, allow_nan=False))
    assert back["passes"][0]["view"] == "side"
    assert back["limp"]["verdict"] == "no limp"


def test_without_height_lengths_are_in_leg_lengths(normal_side):
    truth, _, _ = normal_side
    g = analyze(_film(truth), height_cm=None)
    leg = 0.491 * truth.params.height_m
    assert g.spatiotemporal.speed.unit == "leg lengths/s"
    assert g.spatiotemporal.get("left", "step_length").value == pytest.approx(
        truth.summary["stride_length_m"] / 2 / leg, rel=0.05)


@pytest.mark.parametrize("view", ["front", "back"])
def test_trendelenburg_from_front_and_back(view):
    """Trunk lean is measured from the landmarks; the pelvic drop is refused (it needs the pelvis
    marker: MediaPipe's hips do not follow the pelvis), while the pure drop function still
    recovers the walker's drop from its TRUE hip line (what the marker will feed it).
    """
    truth = simulate(GaitParams(duration_s=10.0, trendelenburg_side="right", pelvic_drop_deg=5.0,
                                trunk_lean_deg=4.0))
    g = analyze(_film(truth, view, noise=1.5, seed=3), height_cm=170)
    assert g.pelvis_method == "landmarks"
    for s in SIDES:
        for k in OBLIQUITY_METRICS:
            assert g.pelvis[s][k] == NotMeasurable("marker_needed")
            assert g.estimate("pelvis", s, k) is None and np.isnan(g.value("pelvis", s, k))
            assert g.measure("pelvis", s, k) == NotMeasurable("marker_needed")
        assert g.pelvis[s]["trunk_lean_over_stance_deg"].value == pytest.approx(
            truth.summary[s]["trunk_lean_over_stance_deg"], abs=1.5)
    # the walker's hip points are the true ones (plus pixel noise): its obliquity is the truth
    (r,) = [r for r in g.pass_results if r.pelvis is not None]
    true_pel = pelvis_metrics(r.t, r.angles, r.strides)
    drop = {s: true_pel[s]["pelvic_drop_deg"].value for s in SIDES}
    for s in SIDES:
        assert drop[s] == pytest.approx(truth.summary[s]["pelvic_drop_deg"], abs=1.5)
    diff = drop["left"] - drop["right"]
    true_diff = truth.summary["left"]["pelvic_drop_deg"] - truth.summary["right"]["pelvic_drop_deg"]
    assert 0 < diff == pytest.approx(true_diff, abs=1.5)  # the swing side of the weak leg drops
    assert trust(g.views)["sagittal_angles"] == NOT_MEASURABLE
    assert g.kinematics["left"] == NotMeasurable("view")
    assert "knee_flexion" not in g.cycles["left"]


def test_hip_rotation_left_versus_right():
    truth = simulate(GaitParams(duration_s=10.0, hip_rotation_offset_deg=(-10.0, 0.0)))
    g = analyze(_film(truth, "front", seed=5), height_cm=170)
    est = {s: g.pelvis[s]["hip_rotation_swing_deg"].value for s in SIDES}
    # true difference: the constant offset (the curves are otherwise the same on both sides)
    assert est["left"] - est["right"] == pytest.approx(-10.0, abs=2.5)
    # more external rotation -> more toe out (toe out positive, from the floor plane)
    fpa = {s: g.foot[s]["foot_progression_deg"].value for s in SIDES}
    assert fpa["left"] > fpa["right"] + 5
    assert "foot_progression_deg" not in g.pelvis["left"]  # no longer from MediaPipe depth


@pytest.mark.parametrize("view", ["front", "back"])
def test_front_and_back_view_event_timing(view):
    truth = simulate(GaitParams(duration_s=10.0, path="toward" if view == "front" else "away"))
    g = analyze(_film(truth, view, noise=1.0, seed=4, dropout_rate=0.02), height_cm=170)
    err = {k: [] for k in ("heel_strike_s", "toe_off_s")}
    for s in SIDES:
        for k in err:
            true = np.asarray(truth.events[s][k])
            err[k] += [e - true[np.argmin(np.abs(true - e))] for e in g.events[s][k]]
    hs, to = np.array(err["heel_strike_s"]), np.array(err["toe_off_s"])
    # world Zeni + heel speed over the floor: heel strike -10 +- 8 ms, toe off +20 +- 11 ms
    # (24 random walkers per view); Zeni alone put heel strikes ~1 frame early (-33 ms)
    assert hs.size >= 8 and abs(hs.mean()) < 0.02
    assert np.mean(np.abs(np.r_[hs, to]) <= 1 / 30) >= 0.85  # 96-97 % over 24 walkers
    for s in SIDES:  # +2.7 +- 1.0 points (toe off late), was +4.8
        assert g.spatiotemporal.get(s, "stance_pct").value == pytest.approx(
            truth.summary[s]["stance_pct"], abs=3.5)


@pytest.mark.parametrize(("view", "valgus"), [("front", (8.0, 0.0)), ("back", (-5.0, 5.0))])
def test_knee_valgus_in_stance_recovers_the_walker(view: str, valgus: tuple) -> None:
    path = "toward" if view == "front" else "away"
    truth = simulate(GaitParams(duration_s=10.0, path=path, knee_valgus_deg=valgus))
    g = analyze(_film(truth, view, seed=3), height_cm=170)
    est = {s: g.pelvis[s]["knee_valgus_stance_deg"].value for s in SIDES}
    # the knee is nearly straight in single-leg stance, so the 2-D angle is close to the 3-D one
    for s, true in zip(SIDES, valgus, strict=True):
        assert est[s] == pytest.approx(true, abs=1.5), (s, est)


@pytest.mark.parametrize("severity", [0.0, 0.8])
def test_no_limp_is_not_said_when_the_frame_rate_cannot_rule_one_out(severity: float) -> None:
    # at 7.5 fps one frame is ~20 % of the stance time: a 10 % limp could hide in it
    truth = simulate(GaitParams(duration_s=12.0, fps=7.5, painful_side="right",
                                limp_severity=severity))
    g = analyze(_film(truth, seed=2), height_cm=170)
    assert g.limp.verdict in ("limp", "not measurable"), g.limp
    if g.limp.verdict == "limp":  # only a limp beyond the resolution may be reported
        assert g.limp.suspected_painful_side == "right"
    else:
        assert g.limp.reason == "resolution"
        assert "too coarse to rule out a 10 % limp" in limp_explanation(g.limp)


def test_a_running_cadence_is_flagged_as_not_walking() -> None:
    truth = simulate(GaitParams(duration_s=8.0, cadence_steps_per_min=165.0, speed_m_s=None))
    g = analyze(_film(truth, seed=1))
    assert g.spatiotemporal.cadence_steps_per_min == pytest.approx(165, rel=0.02)
    assert any(n.code == "running" for n in g.notices)
    assert any("looks like running" in notice_text(n) for n in g.notices)
    normal = analyze(_film(simulate(GaitParams(duration_s=8.0)), seed=1))
    assert not any("running" in notice_text(n) for n in normal.notices)


def test_nothing_to_analyse_is_said_not_guessed():
    truth = simulate(GaitParams(duration_s=1.2))
    g = analyze(_film(truth))
    assert g.limp.verdict == "not measurable"
    assert g.notices
    empty = PoseSequence.empty(90, (1920, 1080), "x", t=np.arange(90) / 30)
    nobody = analyze(empty)
    assert nobody.passes == () and nobody.limp.verdict == "not measurable"
    assert nobody.pelvis["left"] == NotMeasurable("view")
    json.dumps(build_report(nobody, [empty]), allow_nan=False)
    with pytest.raises(ClipTooShortError):
        analyze(PoseSequence.empty(2, (1920, 1080), "x", t=np.arange(2) / 30))


def test_a_minute_at_60_fps_with_swaps_and_dropouts_is_analysed_whole():
    """Speed is measured by benchmarks/bench_analysis.py; here only that nothing is lost."""
    truth = simulate(GaitParams(duration_s=60.0, fps=60.0, path="treadmill"))
    seq = to_pose_sequence(truth, Camera.side(walkway_centre(truth), distance=5.0), noise_px=1.0,
                           swap_rate=0.01, dropout_rate=0.02, seed=0)
    res = analyze(seq, height_cm=170)
    assert len(seq) == 3600 and sum(p.strides for p in res.passes) > 80


@settings(max_examples=8, deadline=None, derandomize=True, phases=NO_SHRINK,
          suppress_health_check=[HealthCheck.too_slow])
@given(cadence=st.floats(92, 118), severity=st.sampled_from([0.0, 0.5, 0.8]),
       side=st.sampled_from(SIDES), noise=st.floats(0.0, 1.5), seed=st.integers(0, 10_000),
       on=st.sampled_from(["left", "right"]))
def test_random_walkers_side_view(cadence, severity, side, noise, seed, on):
    p = GaitParams(cadence_steps_per_min=cadence, speed_m_s=0.8 * 1.7 * cadence / 120,
                   painful_side=side if severity else None, limp_severity=severity,
                   duration_s=10.0)
    truth = simulate(p)
    seq = film(truth, camera={"on": on}, noise_px=noise, seed=seed, swap_rate=0.01,
               dropout_rate=0.02)
    g = analyze(seq, height_cm=170)
    st_ = g.spatiotemporal
    if isinstance(st_.sides, NotMeasurable):  # dropouts cut the walk into passes too short
        assert g.limp.verdict == "not measurable" and g.notices
        return
    assert st_.cadence_steps_per_min == pytest.approx(cadence, rel=0.02)
    for s in SIDES:
        # stance: target 2 points, reached +1.9 +- 1.0, max 3.9 (toe off late; docs/kinematics.md)
        stance = st_.get(s, "stance_pct").value
        assert stance == pytest.approx(truth.summary[s]["stance_pct"], abs=5.0)
        # knee peak: target 3 deg; over 160 random legs -0.6 +- 0.9 deg, 95th pct 2.1, max 3.7
        peak = g.kinematics[s]["knee_peak_swing_flexion_deg"]
        if peak.n:
            assert peak.value == pytest.approx(truth.summary[s]["knee_peak_swing_flexion_deg"],
                                                 abs=3.5)
    si = _stance_si(truth)
    if g.limp.verdict == "not measurable":  # refused, not guessed: only with too few strides
        assert min(st_.get(s, "stance_pct").n for s in SIDES) < MIN_STRIDES
        return
    if abs(si) >= 10:
        assert g.limp.verdict == "limp"
        assert g.limp.suspected_painful_side == side
        assert g.limp.favoured_side != side
    if severity == 0:
        assert g.limp.verdict == "no limp"


def test_each_knee_peak_names_the_stride_it_belongs_to(normal_side):
    """With frames missing, strides with filled frames in swing have no knee peak, so the peaks
    are fewer than the strides; ``knee_peak_strides`` says which stride each one is.
    """
    truth, _, _ = normal_side
    g = analyze(_film(truth, dropout_rate=0.1, seed=4), height_cm=170)  # 2 of 9 left out
    shorter = 0
    for r in g.pass_results:
        for s in SIDES:
            peaks = r.per_stride[s]["knee_peak_swing_flexion_deg"]
            index = r.knee_peak_strides[s]
            assert index.dtype.kind == "i" and len(index) == len(peaks)
            assert np.all(np.diff(index) > 0)
            shorter += len(r.per_stride[s]["stride_time_s"]) - len(peaks)
            for i, peak in zip(index, peaks, strict=True):
                st_ = r.strides[i]
                swing = (r.t >= st_.to) & (r.t <= st_.next_hs)
                assert st_.side == s
                assert peak == r.angles[s]["knee_flexion"][swing].max()
    assert shorter > 0  # the dropouts did leave strides out


def test_pass_results_are_the_detail_behind_the_pooled_figures():
    from vidgait.kinematics import PassResult, analyze, analyze_session, timing_passes
    from vidgait.kinematics.spatiotemporal import cadence, stride_metrics

    truth = simulate(GaitParams(duration_s=8.0, painful_side="right", limp_severity=0.8))
    seq = to_pose_sequence(truth, Camera.side(walkway_centre(truth), distance=10.0, width=1280,
                                              height=720), noise_px=1.0, seed=1)
    a = analyze(seq)
    assert len(a.pass_results) == len(a.passes) >= 1
    r = a.pass_results[0]
    assert isinstance(r, PassResult) and r.info is a.passes[0] and r.view == "side"
    with pytest.raises(FrozenInstanceError):
        r.strides = []
    assert len(r.strides) == r.info.strides and r.strides
    assert r.t.shape == r.angles["left"]["knee_flexion"].shape
    assert r.t[0] == pytest.approx(r.info.start_s) and r.t[-1] == pytest.approx(r.info.stop_s)
    for stride in r.strides:  # accepted strides are made of the pass's detected events
        assert stride.hs in r.events[stride.side]["heel_strike_s"]
        assert stride.next_hs in r.events[stride.side]["heel_strike_s"]
    timing, kind = timing_passes(a.pass_results)
    assert kind == "side" and timing == list(a.pass_results)
    strides = [stride for p in timing for stride in p.strides]
    assert cadence(stride_metrics(strides)) == a.spatiotemporal.cadence_steps_per_min
    knee = np.concatenate([p.per_stride["right"]["knee_peak_swing_flexion_deg"] for p in timing])
    core_knee = a.kinematics["right"]["knee_peak_swing_flexion_deg"].value
    assert knee.mean() == pytest.approx(core_knee)
    session = analyze_session([seq, seq])
    assert [p.info.clip for p in session.pass_results] == [0] * len(a.passes) + [1] * len(
        a.passes)
    assert a.passes[0].clip == 0  # a session does not touch another analysis's passes


@pytest.mark.parametrize("seed", range(6))
def test_knee_flexion_at_contact_matches_the_walker(seed):
    """Knee flexion at initial contact (side view) against the walker's true angle at its true
    heel strikes. Measured on 16 legs (8 walkers, cadence 90-120, limps up to 0.8, stiff knees):
    error +0.24 +- 0.58 deg, max 1.57; the tolerance is that plus about a degree.
    """
    rng = np.random.default_rng(seed)
    truth = simulate(GaitParams(duration_s=10, cadence_steps_per_min=float(rng.uniform(90, 120)),
                                painful_side=("left", "right", None)[seed % 3],
                                limp_severity=float(rng.uniform(0, 0.8)),
                                stiff_knee_factor=float(rng.uniform(0.3, 0.6))))
    g = analyze(_film(truth, seed=seed), height_cm=170)
    for s in SIDES:
        est = g.kinematics[s]["knee_flexion_contact_deg"]
        hs = np.asarray(truth.events[s]["heel_strike_s"])
        true = np.interp(hs, truth.t, truth.angles[s]["knee_flexion"]).mean()
        assert est.n >= 3
        assert est.value == pytest.approx(true, abs=2.5)
        assert est.ci95[0] < est.value < est.ci95[1]
    assert isinstance(analyze(_film(truth, "front", seed=seed)).kinematics["left"], NotMeasurable)


@pytest.mark.parametrize("kw", [{}, {"trendelenburg_side": "left", "pelvic_drop_deg": 6.0},
                                {"painful_side": "left", "limp_severity": 0.8}],
                         ids=["symmetric", "trendelenburg-left", "limp-left"])
def test_a_walk_away_with_the_pelvis_marker(kw):
    """Filmed from behind with the marker: the pelvis comes from the marker (the larger drop on
    the side that drops), the timing from the sacrum's motion (cadence within 2 %), and the limp
    verdict from step times: none on the symmetric and Trendelenburg walkers, the painful side
    on the limping one.
    """
    from tests.helpers import rear_with_marker

    walk, seq = rear_with_marker(GaitParams(duration_s=10, fps=30, path="away", **kw),
                                 noise_px=1.5)
    g = analyze(seq, height_cm=170)
    assert g.pelvis_method == "marker" and g.marker is not None
    assert "timing_from_marker" in [n.code for n in g.notices]
    assert g.spatiotemporal.cadence_steps_per_min == pytest.approx(
        walk.summary["cadence_steps_per_min"], rel=0.02)
    assert g.limp.basis == "step_time_s"
    drop = {s: g.value("pelvis", s, "pelvic_drop_deg") for s in ("left", "right")}
    truth = {s: walk.summary[s]["pelvic_drop_deg"] for s in ("left", "right")}
    if kw.get("trendelenburg_side"):
        assert drop["right"] > drop["left"] + 1.0  # the walk-mean zero shrinks the difference
        assert g.limp.verdict == "no limp"
    elif kw.get("painful_side"):
        assert g.limp.verdict == "limp" and g.limp.suspected_painful_side == "left"
    else:
        assert all(abs(drop[s] - truth[s]) < 0.5 for s in drop)
        assert g.limp.verdict == "no limp"
    assert set(g.marker.curves) == {"left", "right"}
    assert g.cycles["left"]["pelvic_obliquity"] is g.marker.curves["left"]


def test_a_marker_seen_too_rarely_refuses_the_drop_and_leaves_the_depth_timing():
    from dataclasses import replace

    from tests.helpers import rear_with_marker
    from vidgait.sequence import TAG_STATUS

    _, seq = rear_with_marker(GaitParams(duration_s=10, fps=30, path="away"), noise_px=1.5)
    tr = seq.marker
    lost = np.arange(0, len(tr), 3)  # every third frame turned away
    tr.status[lost] = TAG_STATUS.index("too_oblique")
    tr.roll_deg[lost] = np.nan
    g = analyze(replace(seq, marker=tr), height_cm=170)
    assert g.pelvis_method == "marker"
    for s in ("left", "right"):
        assert g.measure("pelvis", s, "pelvic_drop_deg") == NotMeasurable("marker_unseen")
    assert "timing_from_marker" not in [n.code for n in g.notices]
    assert g.marker.status_counts["too_oblique"] > 0.3 * len(tr) - 2


@pytest.mark.parametrize("weak,drop", [("left", 4.0), ("right", 10.0)])
def test_the_standing_start_zeroes_a_mounting_roll(weak, drop):
    """With 2 s standing still first, a card mounted 3 deg askew gives each side's drop within
    0.5 deg of truth relative to the standing level (measured within 0.1 deg; the issue's
    tolerance with placement errors is 1.5 deg).
    """
    from tests.helpers import rear_with_marker

    walk, seq = rear_with_marker(
        GaitParams(duration_s=10, fps=30, path="away", trendelenburg_side=weak,
                   pelvic_drop_deg=drop), noise_px=1.5, mount_roll=3.0, stand_s=2.0)
    g = analyze(seq, height_cm=170)
    assert g.marker.zero == "standing" and g.marker.standing_s[1] > 1.5
    # level is the pelvis at the held heel strike (right side up +), plus the mounting roll;
    # the left side's drop is the right side's rise above level, so relative to that level
    # it is summary - level, the right side's summary + level
    level = walk.angles["right"]["pelvic_obliquity"][0] + 3.0
    assert g.marker.zero_offset_deg == pytest.approx(level, abs=0.2)
    for s in ("left", "right"):
        truth = walk.summary[s]["pelvic_drop_deg"] - (1 if s == "left" else -1) * (level - 3.0)
        # measured within 0.1 deg (the tolerance is 1.0)
        assert g.value("pelvis", s, "pelvic_drop_deg") == pytest.approx(truth, abs=0.5)


def test_a_back_taken_for_a_front_gives_no_landmark_sides():
    """From behind MediaPipe often labels the sides as if the patient faced the camera. With the
    marker on the back facing the camera, a pass the landmarks say faces the camera has its left
    and right mirrored: trunk lean and the other landmark per-side metrics are refused, the
    marker's pelvic drop (which needs no leg label) stays.
    """
    from dataclasses import replace

    from tests.helpers import rear_with_marker
    from vidgait.landmarks import MIRROR

    _, seq = rear_with_marker(GaitParams(duration_s=10, fps=30, path="away",
                                         trendelenburg_side="left", pelvic_drop_deg=6.0),
                              noise_px=1.5)
    m = list(MIRROR)
    swapped = replace(seq, image=seq.image[:, m], world=seq.world[:, m],
                      visibility=seq.visibility[:, m], presence=seq.presence[:, m])
    g = analyze(swapped, height_cm=170)
    assert any(p.facing > 0 for p in g.passes)
    assert "sides_mirrored" in [n.code for n in g.notices]
    for s in ("left", "right"):
        assert g.measure("pelvis", s, "trunk_lean_over_stance_deg") == NotMeasurable("mirrored")
    assert g.value("pelvis", "right", "pelvic_drop_deg") > g.value("pelvis", "left",
                                                                   "pelvic_drop_deg") + 1.0
    plain = analyze(seq, height_cm=170)  # labels right: lean kept
    assert "sides_mirrored" not in [n.code for n in plain.notices]
    assert isinstance(plain.measure("pelvis", "left", "trunk_lean_over_stance_deg"), Estimate)


def test_walking_speed_from_the_tag_only_with_a_known_lens():
    from dataclasses import replace

    from tests.helpers import rear_with_marker

    walk, seq = rear_with_marker(GaitParams(duration_s=10, fps=30, path="away"), noise_px=1.5)
    g = analyze(seq, height_cm=170)  # the helper's lens is known (camera_assumed False)
    speed = g.spatiotemporal.speed
    assert speed.unit == "m/s" and speed.value == pytest.approx(walk.summary["speed_m_s"],
                                                                rel=0.03)
    assert g.spatiotemporal.stride_length.value == pytest.approx(
        walk.summary["stride_length_m"], rel=0.04)
    assumed = replace(seq, marker=replace(seq.marker, camera_assumed=True))
    assert analyze(assumed, height_cm=170).spatiotemporal.speed == NotMeasurable("lens_unknown")
