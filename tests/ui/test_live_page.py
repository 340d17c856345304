"""The live page's glue (:mod:`vidgait.ui.live_page`).

Stream clock, ICE servers, frame callback, limp cell.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from tests.live.helpers import (
    WalkerPose,
    front_walker,
)
from vidgait.live.config import LiveConfig
from vidgait.live.metrics import RollingMetrics
from vidgait.live.processor import LiveProcessor


@pytest.fixture(scope="module")
def front_seq():
    """A well-framed walker approaching the camera."""
    _, seq = front_walker(duration_s=4.0, distance=6.0)
    return seq

def test_stream_clock_keeps_time_increasing_across_sessions():
    from vidgait.ui.live_page import StreamClock

    clock = StreamClock(gap_ms=1000.0)
    first = [clock(t) for t in (0.0, 33.0, 66.0)]
    second = [clock(t) for t in (5.0, 38.0)]  # the browser restarted its stream
    assert first == [0.0, 33.0, 66.0]
    assert second == [1066.0, 1099.0]


def test_ice_servers_default_empty_and_configurable(monkeypatch):
    from vidgait.ui.live_page import ice_servers_from_env

    monkeypatch.delenv("VIDGAIT_ICE_SERVERS", raising=False)
    assert ice_servers_from_env() == []
    monkeypatch.setenv("VIDGAIT_ICE_SERVERS", '[{"urls": ["stun:stun.clinic.lan:3478"]}]')
    assert ice_servers_from_env() == [{"urls": ["stun:stun.clinic.lan:3478"]}]
    monkeypatch.setenv("VIDGAIT_ICE_SERVERS", '{"urls": "x"}')
    with pytest.raises(ValueError):
        ice_servers_from_env()


def test_frame_callback_submits_unmirrored_rgb_and_returns_overlay(front_seq):
    import av

    from vidgait.ui.live_page import _Holder, make_frame_callback

    pose = WalkerPose(front_seq)
    holder = _Holder(processor=LiveProcessor(LiveConfig(mirror_display=True), pose=pose,
                                             threaded=False))
    # the page's processor is threaded; here process() stands in for submit() to be synchronous
    holder.processor.submit = holder.processor.process
    cb = make_frame_callback(holder)
    rgb = np.zeros((640, 360, 3), np.uint8)
    rgb[:, :16] = 255  # a white band on the left of the captured picture
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
    frame.pts, frame.time_base = 90_000, Fraction(1, 90_000)
    out = cb(frame)
    assert isinstance(out, av.VideoFrame) and out.width == 360
    seen = pose.frames_seen[-1]
    assert seen[:, :10].mean() > 200 and seen[:, -10:].mean() < 50  # analysed as captured
    shown = out.to_ndarray(format="rgb24")
    assert shown[280:360, -10:].mean() > 200 and shown[280:360, :10].mean() < 50  # mirrored
    assert holder.processor.snapshot().t_s == pytest.approx(1.0)
    holder.processor.close()


def test_limp_cell_of_the_page_is_short():
    from vidgait.ui.live_page import _limp_cell

    collecting = RollingMetrics(cadence_steps_per_min=105.0, limp_verdict="collecting",
                                strides_per_side={"left": 2, "right": 1})
    assert _limp_cell(collecting) == ("1/3", "strides collected")
    assert _limp_cell(RollingMetrics(limp_verdict="limp", limp_side="right")) == (
        "limp", "right painful?")
    assert _limp_cell(RollingMetrics()) == ("-", None)
    assert _limp_cell(RollingMetrics(limp_verdict="no limp")) == ("no limp", None)
    # the cell reads the typed fields, not a sentence
    assert _limp_cell(RollingMetrics(limp_verdict="collecting", strides_needed=5,
                                     strides_per_side={"left": 4, "right": 2})) == (
        "2/5", "strides collected")


def _pelvis_panel() -> None:
    import dataclasses
    import tempfile
    from pathlib import Path

    import streamlit as st

    from vidgait.live.biofeedback import Biofeedback
    from vidgait.live.config import LiveConfig
    from vidgait.live.metrics import RollingMetrics
    from vidgait.live.snapshot import LiveSnapshot
    from vidgait.live.tag import PelvisReading
    from vidgait.ui.live_page import _Holder, _recording, show_snapshot

    fb = Biofeedback("pelvic_drop_deg")
    fb.update([], 10.0, no_marker=True)
    show_snapshot(LiveSnapshot(
        pelvis=PelvisReading(status="measured", obliquity_deg=-2.34, zero="level", level_deg=3.0,
                             centre_px=(10.0, 10.0), side_px=60.0, seen_share=0.9),
        metrics=dataclasses.replace(RollingMetrics(cadence_steps_per_min=105.0, view="away"),
                                    marker_seen_share=0.62, pelvic_zero="walk_mean"),
        feedback=fb.state))

    class _Proc:  # the page's processor, as far as the buttons use it
        config = LiveConfig()
        recording = False

        def set_level(self) -> None:
            st.session_state["levelled"] = True

    _recording(_Holder(processor=_Proc()), Path(tempfile.gettempdir()), None)


def test_the_live_panel_shows_the_markers_obliquity_and_sets_the_level():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_pelvis_panel).run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Pelvic obliquity (deg)"] == "L up 2.3"  # the patient's left side is up
    assert metrics["Level"] == "set standing" and metrics["Marker seen (%)"] == "90"
    captions = " ".join(c.value for c in at.caption)
    assert "measured in 62 % of the walk (80 % needed)" in captions
    assert "Pelvic drop biofeedback: needs the pelvis marker" in captions
    assert "levelled" not in at.session_state
    at.button(key="live_set_level").click().run()
    assert at.session_state["levelled"]
