"""Stride segmentation (:mod:`vidgait.kinematics.strides`): order and plausibility checks, the
stride-time outlier rule, doubtful heel strikes, cycle normalisation.
"""

from __future__ import annotations

import numpy as np
import pytest

from vidgait.findings.words import refusal_text
from vidgait.kinematics.events import confirm_heel_strikes
from vidgait.kinematics.strides import Stride, build_strides, near_median_duration, normalize_cycles


def test_build_strides_checks_order_and_plausibility():
    ev = {"left": {"heel_strike_s": np.array([0.0, 1.1, 2.2, 3.3]),
                   "toe_off_s": np.array([0.66, 1.76, 2.86])},
          "right": {"heel_strike_s": np.array([0.55, 1.65, 2.75]),
                    "toe_off_s": np.array([0.11, 1.21, 2.31])}}
    strides, refused = build_strides(ev)
    left = [s for s in strides if s.side == "left"]
    assert len(left) == 3 and not [r for r in refused if r.side == "left"]
    assert left[0].opp_to == pytest.approx(0.11) and left[0].opp_hs == pytest.approx(0.55)
    ev["left"]["toe_off_s"] = np.array([0.66, 2.86])  # a toe off missed
    strides, refused = build_strides(ev)
    assert len([s for s in strides if s.side == "left"]) == 2
    assert any(r.reason == "toe_off" for r in refused)
    assert any("not exactly one toe off" in refusal_text(r) for r in refused)
    ev["left"]["heel_strike_s"] = np.array([0.0, 1.1, 2.2, 6.0])  # a 3.8 s "stride"
    ev["left"]["toe_off_s"] = np.array([0.66, 1.76, 2.86])
    _, refused = build_strides(ev)
    assert any(r.reason == "stride_time" for r in refused)
    assert any("implausible stride time" in refusal_text(r) for r in refused)


def test_unconfirmed_heel_strikes_refuse_their_strides():
    ev = {"left": {"heel_strike_s": np.array([0.0, 1.1, 2.2]),
                   "toe_off_s": np.array([0.66, 1.76])},
          "right": {"heel_strike_s": np.array([0.55, 1.65]),
                    "toe_off_s": np.array([0.11, 1.21, 2.31])}}
    ok, refused = build_strides(ev)
    assert len(ok) == 3 and not refused
    check = {"left": np.array([0.02, 1.35, 2.21]), "right": np.array([0.56, 1.64])}
    doubtful = confirm_heel_strikes(ev, check, 0.1)
    assert doubtful["left"].tolist() == [1.1] and doubtful["right"].size == 0
    ok, refused = build_strides(ev, doubtful=doubtful)
    # both left strides use the heel strike at 1.1 s; the right one has it inside its stance
    assert not ok and len(refused) == 3
    assert all(r.reason == "unconfirmed" for r in refused)
    assert all("not confirmed" in refusal_text(r) for r in refused)
    none = confirm_heel_strikes(ev, {"left": np.empty(0), "right": np.empty(0)}, 0.1)
    assert none["left"].size == 3 and none["right"].size == 2


def test_normalize_cycles_to_101_points():
    t = np.linspace(0, 3, 301)
    y = t.copy()
    st = [Stride("left", 0.5, 1.1, 1.5, 0.6, 1.0, None),
          Stride("left", 1.5, 2.1, 2.5, 1.6, 2.0, None),
          Stride("right", 1.0, 1.6, 2.0, 1.1, 1.5, None)]
    rows = normalize_cycles(t, y, st, "left")
    assert rows.shape == (2, 101)
    assert np.allclose(rows[0], np.linspace(0.5, 1.5, 101))
    y[200] = np.nan
    assert normalize_cycles(t, y, st, "left").shape == (1, 101)


def _stride(duration: float) -> Stride:
    """A left stride from 0 s lasting exactly ``duration`` s."""
    return Stride("left", 0.0, 0.6 * duration, duration, 0.1 * duration, 0.5 * duration, None)


def test_stride_time_outlier_rule_keeps_strides_within_20_percent_of_the_median():
    # median 1.0 s: 0.8 and 1.2 s lie on the bound (kept), 0.79 and 1.21 s beyond it
    durations = [1.0, 1.0, 1.0, 0.8, 1.2, 0.79, 1.21]
    strides = [_stride(d) for d in durations]
    assert near_median_duration(strides) == [True, True, True, True, True, False, False]
    assert near_median_duration(strides, tol=0.1) == [True, True, True] + [False] * 4
    assert near_median_duration([]) == []


def test_build_strides_leaves_out_a_stride_beyond_20_percent_of_the_median():
    # left strides of 1.1, 1.1 and 1.45 s, right ones of 1.1 and 1.275 s: the median is 1.1 s,
    # 1.275 s lies 16 % above it (kept), 1.45 s 32 % (left out)
    hs = np.array([0.0, 1.1, 2.2, 3.65])
    ev = {"left": {"heel_strike_s": hs, "toe_off_s": hs[:-1] + 0.66 * np.diff(hs)},
          "right": {"heel_strike_s": hs[:-1] + 0.5 * np.diff(hs),
                    "toe_off_s": hs[:-1] + 0.1 * np.diff(hs)}}
    strides, refused = build_strides(ev)
    assert [(s.side, s.hs) for s in strides if s.side == "left"] == [("left", 0.0), ("left", 1.1)]
    assert sum(s.side == "right" for s in strides) == 2
    assert [(r.side, r.reason) for r in refused] == [("left", "stride_time")]
    assert refused[0].at_s == pytest.approx(2.2) and refused[0].value == pytest.approx(1.45)
    assert [refusal_text(r) for r in refused] == [
        "left stride at 2.20 s: implausible stride time 1.45 s"]
