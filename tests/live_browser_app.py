"""A minimal Streamlit app for the real-browser test of the live page (tests/test_live_browser.py)."""

import streamlit as st

from vidgait.ui.live_page import render


def _analysed(path):
    st.success(f"analyse requested: {path}")


render(on_analyse=_analysed)
