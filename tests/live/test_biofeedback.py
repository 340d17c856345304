"""Per-stride biofeedback (:mod:`vidgait.live.biofeedback`): counting, bands, values."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from tests.live.helpers import (
    WalkerPose,
    front_walker,
    side_walker,
)
from vidgait.kinematics import analyze
from vidgait.kinematics.conventions import other
from vidgait.kinematics.limp import symmetry_index
from vidgait.live.biofeedback import (
    ANY,
    DEFAULT_BANDS,
    METRICS,
    Biofeedback,
    StrideValue,
    band_text,
    in_band,
    stride_values,
    target_band,
)
from vidgait.live.config import LiveConfig
from vidgait.live.metrics import KNEE_PEAK
from vidgait.live.processor import LiveProcessor
from vidgait.norms import BIOFEEDBACK_TARGETS


def _sv(side: str, hs: float, value: float) -> StrideValue:
    return StrideValue(side, hs, hs + 1.1, "toward", {"step_time_asymmetry_pct": value})


def test_biofeedback_counts_each_stride_once():
    fb = Biofeedback("step_time_asymmetry_pct", target_band("step_time_asymmetry_pct", high=5.0))
    first = [_sv("left", 1.0, 3.0), _sv("right", 1.55, 7.0), _sv("left", 2.1, 4.0)]
    assert len(fb.update(first, window_end_s=3.0)) == 2  # the third ends too late (settling)
    assert (fb.state.in_band, fb.state.total) == (1, 2)
    # the next window finds the same strides again, times moved by a few ms, plus one new one
    again = [_sv("left", 1.004, 3.1), _sv("right", 1.548, 7.2), _sv("left", 2.103, 4.0),
             _sv("right", 2.66, 8.0)]
    fb.update(again, window_end_s=4.2)
    s = fb.state
    assert (s.in_band, s.total) == (2, 4)
    assert s.last_value == 8.0 and s.last_in_band is False


def test_band():
    below5 = target_band("step_time_asymmetry_pct", high=5)
    above50 = target_band(KNEE_PEAK, low=50)
    assert in_band(below5, 4.9) and in_band(below5, 5.0) and not in_band(below5, 5.1)
    assert in_band(above50, 55) and not in_band(above50, 49.9)
    assert above50.contains(math.nan) is None  # a NaN is never judged (biofeedback skips it)
    assert in_band(ANY, -1e9) and in_band(target_band("cadence_steps_per_min"), 300.0)
    assert band_text(target_band("cadence_steps_per_min", 99, 113)) == "99-113"
    assert band_text(below5) == "< 5" and band_text(above50) == "> 50" and band_text(ANY) == "any"
    assert above50.unit == "deg" and below5.unit == "%"
    with pytest.raises(ValueError):
        Biofeedback("pelvic_tilt")


def test_default_bands_are_the_norms_biofeedback_targets():
    assert DEFAULT_BANDS is BIOFEEDBACK_TARGETS
    assert set(DEFAULT_BANDS) == set(METRICS)  # the pelvic drop's too (with the marker)
    fb = Biofeedback(KNEE_PEAK)
    assert fb.band is BIOFEEDBACK_TARGETS[KNEE_PEAK] and band_text(fb.band) == "> 50"
    assert Biofeedback().band is ANY and Biofeedback().update([_sv("left", 1.0, 3.0)], 9.0) == []


def test_knee_peaks_and_step_times_are_the_cores_per_stride_values():
    """Each stride's knee peak is the core's swing peak of THAT stride (strides with filled
    frames in swing have none), its cadence the core's stride time and its step-time asymmetry
    the |SI| of the core's two step times ending at its heel strike.
    """
    _, seq = side_walker(duration_s=10.0)
    holes = seq.found.copy()
    holes[100:104] = holes[160:163] = False  # a few lost frames: filled by the core
    seq = dataclasses.replace(seq, found=holes)
    a = analyze(seq)
    values = stride_values(seq, analysis=a)
    assert len(values) >= 6
    left_out = 0
    core, steps, strides = {}, {}, {}
    for r in a.pass_results:
        for s in ("left", "right"):
            peaks = r.per_stride[s][KNEE_PEAK]
            core |= {(s, r.strides[i].hs): p for i, p in zip(r.knee_peak_strides[s], peaks,
                                                              strict=True)}
        steps |= {(st.side, st.hs): st.hs - st.prev_opp_hs for st in r.strides
                  if st.prev_opp_hs is not None}
        strides |= {(st.side, st.hs): st for st in r.strides}
    for v in values:
        st = strides[(v.side, v.hs_s)]
        assert v.values["cadence_steps_per_min"] == pytest.approx(120.0 / st.duration)
        if (v.side, v.hs_s) in core:
            assert v.values[KNEE_PEAK] == core[(v.side, v.hs_s)]
        else:
            assert math.isnan(v.values[KNEE_PEAK])
            left_out += 1
        mine = steps.get((v.side, v.hs_s), math.nan)
        theirs = steps.get((other(v.side), st.prev_opp_hs), math.nan)
        pair = {v.side: mine, other(v.side): theirs}
        want = abs(symmetry_index(pair["left"], pair["right"]))
        got = v.values["step_time_asymmetry_pct"]
        assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want)
    assert left_out >= 1  # the lost frames did take a stride's knee peak out
    knee = [v.values[KNEE_PEAK] for v in values if v.side == "right"]
    assert np.nanmean(knee) < np.nanmean([v.values[KNEE_PEAK] for v in values
                                          if v.side == "left"]) - 5  # the stiff right knee


def test_biofeedback_on_a_trendelenburg_walker():
    """No pelvic-drop biofeedback from the hip landmarks (it needs the pelvis marker): a
    Trendelenburg walker's strides without the marker carry no pelvic drop; biofeedback on
    another metric still counts each stride of the front walk once.
    """
    truth, seq = front_walker(drop=10.0)
    assert all("pelvic_drop_deg" not in v.values for v in stride_values(seq))
    true_strides = sum(len(truth.events[s]["heel_strike_s"]) - 1 for s in ("left", "right"))
    rgb = np.full((640, 360, 3), 120, np.uint8)
    config = LiveConfig(metric="cadence_steps_per_min")
    with LiveProcessor(config, pose=WalkerPose(seq), threaded=False) as proc:
        for t in seq.t:
            proc.process(rgb, t * 1000.0)
        snap = proc.snapshot()
    fb = snap.feedback
    assert 0.7 * true_strides <= fb.total <= true_strides  # each stride counted once
    assert fb.in_band / fb.total > 0.7  # cadence 105, within 99-113
    assert snap.metrics.view == "toward" and snap.metrics.pelvic_drop_needs_marker
    assert all(math.isnan(v) for v in snap.metrics.pelvic_drop_deg.values())
