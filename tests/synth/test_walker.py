"""The synthetic walker: its truth must be self-consistent before anything is tested against it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from vidgait.landmarks import INDEX, N_LANDMARKS
from vidgait.synth import GaitParams, simulate


@pytest.fixture(scope="module")
def normal():
    return simulate(GaitParams(duration_s=6.0, fps=100.0))


def _cardan_yxz(r: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Angles (deg) of R = Ry(a) Rx(b) Rz(c)."""
    b = np.degrees(np.arcsin(-r[:, 1, 2]))
    a = np.degrees(np.arctan2(r[:, 0, 2], r[:, 2, 2]))
    c = np.degrees(np.arctan2(r[:, 1, 0], r[:, 1, 1]))
    return a, b, c


def test_shapes_and_sides(normal):
    lm = normal.landmarks
    assert lm.shape == (normal.t.size, N_LANDMARKS, 3)
    assert np.isfinite(lm).all()
    # facing +x, the walker's left is +y
    assert np.all(lm[:, INDEX["left_hip"], 1] > lm[:, INDEX["right_hip"], 1])
    assert np.all(lm[:, INDEX["left_ear"], 1] > lm[:, INDEX["right_ear"], 1])
    assert np.all(lm[:, INDEX["nose"], 0] > 0.5 * (lm[:, INDEX["left_ear"], 0]
                                                   + lm[:, INDEX["right_ear"], 0]))
    assert np.all(lm[:, INDEX["nose"], 2] > 1.4) and np.all(lm[:, INDEX["nose"], 2] < 1.7)
    for name, r in normal.segments.items():
        assert np.allclose(r @ np.swapaxes(r, 1, 2), np.eye(3), atol=1e-9), name


def test_angles_are_recovered_from_segment_frames(normal):
    """The stated clinical angles are exactly the Cardan angles of the built segment frames."""
    for side, sign in (("left", 1.0), ("right", -1.0)):
        rel = np.swapaxes(normal.segments["pelvis"], 1, 2) @ normal.segments[f"{side}_thigh"]
        flex, add, rot = _cardan_yxz(rel)
        a = normal.angles[side]
        assert np.allclose(-flex, a["hip_flexion"], atol=1e-6)
        assert np.allclose(-sign * add, a["hip_adduction"], atol=1e-6)
        assert np.allclose(-sign * rot, a["hip_rotation"], atol=1e-6)
        thigh = normal.joints[f"{side}_knee"] - normal.joints[f"{side}_hip"]
        shank = normal.joints[f"{side}_ankle"] - normal.joints[f"{side}_knee"]
        norms = np.linalg.norm(thigh, axis=1) * np.linalg.norm(shank, axis=1)
        cos = np.sum(thigh * shank, 1) / norms
        assert np.allclose(np.degrees(np.arccos(np.clip(cos, -1, 1))), np.abs(a["knee_flexion"]),
                           atol=1e-4)
    lm = normal.landmarks
    hips = lm[:, INDEX["left_hip"]] - lm[:, INDEX["right_hip"]]
    # left-up obliquity is the elevation of the right-to-left hip line (rotation order R-O-T)
    elev = np.degrees(np.arcsin(hips[:, 2] / np.linalg.norm(hips, axis=1)))
    assert np.allclose(elev, normal.angles["left"]["pelvic_obliquity"], atol=0.05)
    assert np.allclose(normal.angles["left"]["pelvic_obliquity"],
                       -normal.angles["right"]["pelvic_obliquity"])


def test_normal_curves_match_clinical_values(normal):
    a = normal.angles["right"]
    assert 30 <= a["hip_flexion"].max() <= 42 and -10 <= a["hip_flexion"].min() <= -2
    assert 56 <= normal.summary["right"]["knee_peak_swing_flexion_deg"] <= 62
    assert 3.0 <= np.abs(a["pelvic_obliquity"]).max() <= 5.5
    assert 9.5 <= a["pelvic_tilt"].mean() <= 12.5
    assert 3.5 <= np.abs(a["pelvic_rotation"]).max() <= 5.0


def test_events_and_summary_are_consistent(normal):
    ts = normal.summary["stride_time_s"]
    for side in ("left", "right"):
        hs, to = normal.events[side]["heel_strike_s"], normal.events[side]["toe_off_s"]
        assert np.allclose(np.diff(hs), ts)
        nxt = to[to > hs[0]][0]
        assert (nxt - hs[0]) / ts * 100 == pytest.approx(normal.summary[side]["stance_pct"])
    all_hs = np.sort(np.concatenate([normal.events[s]["heel_strike_s"] for s in ("left", "right")]))
    assert 60 / np.mean(np.diff(all_hs)) == pytest.approx(105.0, rel=1e-9)


def test_feet_stay_on_the_floor_and_do_not_slide(normal):
    t = normal.t
    for side in ("left", "right"):
        heel, toe = normal.joints[f"{side}_heel"], normal.joints[f"{side}_ball"]
        low = np.minimum(heel[:, 2], toe[:, 2])
        assert low.min() > -0.01  # no foot sinks more than 1 cm into the floor
        for h in normal.events[side]["heel_strike_s"]:
            assert abs(np.interp(h, t, heel[:, 2])) < 0.005
            to = normal.events[side]["toe_off_s"]
            to = to[to > h]
            if to.size == 0:
                continue
            m = (t >= h) & (t <= to[0])
            assert low[m].max() < 0.012
            vel = np.where((heel[:, 2] < toe[:, 2])[:, None], np.gradient(heel, t, axis=0),
                           np.gradient(toe, t, axis=0))[m, :2]
            # the contact point (heel, then ball) slides < 4 cm in all over a stance (1.43 m stride)
            assert np.sum(np.linalg.norm(vel, axis=1) * np.gradient(t)[m]) < 0.04


def test_speed_is_reached(normal):
    pel = normal.joints["pelvis"]
    speed = (pel[-1, 0] - pel[0, 0]) / (normal.t[-1] - normal.t[0])
    assert speed == pytest.approx(1.25, rel=0.02)


def test_treadmill_does_not_progress():
    tr = simulate(GaitParams(path="treadmill", duration_s=3.0))
    assert np.ptp(tr.joints["pelvis"][:, 0]) < 1e-9
    assert tr.summary["speed_m_s"] == pytest.approx(1.25, rel=1e-3)


def test_limp_and_trendelenburg_are_on_the_requested_side():
    tr = simulate(GaitParams(painful_side="right", limp_severity=0.8, trendelenburg_side="right",
                             pelvic_drop_deg=5.0, trunk_lean_deg=4.0, duration_s=4.0))
    s = tr.summary
    assert s["limp_side"] == "right"
    assert s["right"]["stance_pct"] < s["left"]["stance_pct"] - 8
    assert s["right"]["single_support_pct"] < s["left"]["single_support_pct"]
    assert s["right"]["knee_peak_swing_flexion_deg"] < s["left"]["knee_peak_swing_flexion_deg"] - 8
    # weak right: the LEFT pelvis drops during right single stance
    assert s["left"]["pelvic_drop_deg"] > s["right"]["pelvic_drop_deg"] + 2.5
    sym = simulate(GaitParams(duration_s=2.0)).summary
    assert s["right"]["pelvic_drop_deg"] == pytest.approx(sym["right"]["pelvic_drop_deg"], abs=0.3)
    assert s["right"]["trunk_lean_over_stance_deg"] > s["left"]["trunk_lean_over_stance_deg"] + 3


def test_variable_frame_rate_timestamps():
    rng = np.random.default_rng(1)
    t = np.cumsum(rng.uniform(0.025, 0.042, 150))
    tr = simulate(GaitParams(timestamps=tuple(t)))
    assert np.array_equal(tr.t, t)
    tr0 = simulate(GaitParams(fps=1000.0, duration_s=float(t[-1]) + 0.01))
    k = np.searchsorted(tr0.t, t[50])
    # same instant -> same joint angles, whatever the frame grid
    assert tr.angles["left"]["knee_flexion"][50] == pytest.approx(
        np.interp(t[50], tr0.t, tr0.angles["left"]["knee_flexion"]), abs=0.05)
    assert k > 0


@settings(max_examples=12, deadline=None, derandomize=True,
          phases=(Phase.explicit, Phase.reuse, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow])
@given(height=st.floats(1.45, 1.95), cadence=st.floats(85, 125),
       stride_per_height=st.floats(0.7, 0.9),
       severity=st.floats(0, 0.6), side=st.sampled_from(["left", "right"]))
def test_random_walkers_are_plausible(height, cadence, stride_per_height, severity, side):
    speed = stride_per_height * height * cadence / 120.0
    p = GaitParams(height_m=height, cadence_steps_per_min=cadence, speed_m_s=speed,
                   painful_side=side, limp_severity=severity, duration_s=3.0, fps=60.0)
    tr = simulate(p)
    assert np.isfinite(tr.landmarks).all()
    s = tr.summary
    other = "left" if side == "right" else "right"
    assert s[side]["stance_pct"] <= s[other]["stance_pct"] + 1e-9
    assert s[side]["step_time_s"] + s[other]["step_time_s"] == pytest.approx(s["stride_time_s"])
    pel = tr.joints["pelvis"]
    assert (pel[-1, 0] - pel[0, 0]) / (tr.t[-1] - tr.t[0]) == pytest.approx(speed, rel=0.04)
    low = np.minimum(tr.joints[f"{side}_heel"][:, 2], tr.joints[f"{side}_ball"][:, 2])
    assert low.min() > -0.035


def test_stand_then_walk_holds_the_first_contact_then_walks_on():
    from vidgait.synth import stand_then_walk

    walk = simulate(GaitParams(duration_s=4.0, fps=30.0, trendelenburg_side="left",
                               pelvic_drop_deg=6.0))
    st = stand_then_walk(walk, 2.0)
    n = 60
    assert np.allclose(np.diff(st.t), 1 / 30.0) and st.t[0] == walk.t[0]
    assert np.ptp(st.landmarks[:n], axis=0).max() == 0.0  # still
    k = len(walk.t) - (len(st.t) - n)
    np.testing.assert_array_equal(st.landmarks[n:], walk.landmarks[k:])
    np.testing.assert_array_equal(st.angles["right"]["pelvic_obliquity"][n:],
                                  walk.angles["right"]["pelvic_obliquity"][k:])
    # the held pose is a heel strike: both feet down, the pelvis near level
    first = min(walk.events[s]["heel_strike_s"][0] for s in ("left", "right"))
    assert abs(walk.t[k] - first) <= 0.5 / 30.0
    assert abs(st.angles["right"]["pelvic_obliquity"][0]) < 1.0
    shift = st.t[n] - walk.t[k]
    for s in ("left", "right"):
        kept = walk.events[s]["heel_strike_s"][walk.events[s]["heel_strike_s"] >= walk.t[k]]
        np.testing.assert_allclose(st.events[s]["heel_strike_s"], kept + shift)


def test_the_true_foot_progression_follows_toe_out_and_leg_rotation():
    """Toe-out and an external rotation of one leg turn that foot out by as much (mid-stance:
    heel and toe on the floor), the other foot not at all; toe out is negative in the truth
    (Schwartz 2008's sign).
    """
    def flat_mean(truth, side):
        z = {k: truth.landmarks[:, INDEX[f"{side}_{k}"], 2] for k in ("heel", "foot_index")}
        flat = (z["heel"] < 0.01) & (z["foot_index"] < 0.01)
        assert flat.sum() >= 5
        return float(np.mean(truth.angles[side]["foot_progression"][flat]))

    base = simulate(GaitParams(duration_s=4.0, fps=60.0))
    more = simulate(GaitParams(duration_s=4.0, fps=60.0, foot_toe_out_deg=12.0))
    left_out = simulate(GaitParams(duration_s=4.0, fps=60.0, hip_rotation_offset_deg=(-8.0, 0.0)))
    for s in ("left", "right"):
        assert flat_mean(base, s) < 0  # 7 deg toe-out by default
        assert flat_mean(more, s) - flat_mean(base, s) == pytest.approx(-5.0, abs=0.3)
    # about the thigh's axis, which leans in mid-stance: 7.4 deg of the 8 reach the floor
    assert flat_mean(left_out, "left") - flat_mean(base, "left") == pytest.approx(-8.0, abs=1.0)
    assert flat_mean(left_out, "right") == pytest.approx(flat_mean(base, "right"), abs=0.3)
