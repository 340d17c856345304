"""A minimal Streamlit app for the real-browser test of the live page.

The test is tests/ui/test_live_browser.py.

Recordings go to ``$VIDGAIT_TEST_RECORDINGS``. "Analyse recording" runs the upload analysis's own
stages on the recorded file (pose stage, then the kinematics core) and shows what it found, so the
test can check the recording end to end.
"""

import os
from pathlib import Path

import streamlit as st

from vidgait.ui.live_page import render

_KEY = "live_browser_analysed"


def _analysed(path: Path) -> None:
    from vidgait.kinematics import analyze
    from vidgait.pose.stage import estimate_poses
    from vidgait.video import probe

    info = probe(path)
    seq = estimate_poses(info)
    passes = analyze(seq).passes
    walks = ", ".join(f"{p['view']} facing {p['facing']:+d}" for p in passes) or "none"
    st.session_state[_KEY] = (f"recording analysed: {path.name}, {info.width}x{info.height}, "
                              f"{info.duration_s:.1f} s, passes: {walks}")


render(on_analyse=_analysed, recordings_dir=os.environ.get("VIDGAIT_TEST_RECORDINGS"))
if _KEY in st.session_state:
    st.success(st.session_state[_KEY])
