"""A minimal Streamlit app for the real-browser test of the live page.

The test is tests/ui/test_live_browser.py.

Recordings go to ``$VIDGAIT_TEST_RECORDINGS``. "Analyse recording" runs the session pipeline (the
upload analysis's own, :func:`vidgait.pipeline.run_session`) on the recorded file and shows what
it found, so the test can check the recording end to end.
"""

import os
from pathlib import Path

import streamlit as st

from vidgait.ui.live_page import render

_KEY = "live_browser_analysed"


def _analysed(path: Path) -> None:
    from vidgait.pipeline import run_session

    session = run_session([path])
    info = session.videos[0]
    walks = ", ".join(f"{p['view']} facing {p['facing']:+d}"
                      for p in session.report["passes"]) or "none"
    st.session_state[_KEY] = (f"recording analysed: {path.name}, {info.width}x{info.height}, "
                              f"{info.duration_s:.1f} s, passes: {walks}")


render(on_analyse=_analysed, recordings_dir=os.environ.get("VIDGAIT_TEST_RECORDINGS"))
if _KEY in st.session_state:
    st.success(st.session_state[_KEY])
