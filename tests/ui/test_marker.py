"""The dashboard's pelvis-marker download (AppTest on the widget alone: no analysis runs)."""

from __future__ import annotations

import io

from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from vidgait.ui.marker import _pdf


def _page() -> None:
    from vidgait.ui.marker import render_marker_download

    render_marker_download()


def test_the_marker_download_offers_a4_and_letter_pdfs() -> None:
    at = AppTest.from_function(_page).run()
    assert not at.exception, at.exception
    buttons = [b for b in at.get("download_button") if b.label == "Pelvis marker (PDF)"]
    assert len(buttons) == 1
    assert at.radio(key="marker_paper").options == ["A4", "Letter"]
    at.radio(key="marker_paper").set_value("Letter").run()
    assert not at.exception, at.exception
    for paper, width_mm in (("a4", 210.0), ("letter", 215.9)):
        page = PdfReader(io.BytesIO(_pdf(paper, 120.0))).pages[0]
        assert abs(float(page.mediabox.width) * 25.4 / 72 - width_mm) < 0.05


def _sized_page() -> None:
    import streamlit as st

    from vidgait.ui.marker import render_marker_download

    st.session_state["returned_size"] = render_marker_download()


def test_the_printed_size_is_offered_and_returned() -> None:
    at = AppTest.from_function(_sized_page).run()
    assert not at.exception, at.exception
    assert at.number_input(key="marker_size_mm").value == 120.0
    assert at.session_state["returned_size"] == 120.0
    at.number_input(key="marker_size_mm").set_value(100.0).run()
    assert not at.exception, at.exception
    assert at.session_state["returned_size"] == 100.0
