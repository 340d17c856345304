"""The dashboard's "Print the pelvis marker" download: the paper choice and the PDF from
:func:`vidgait.marker.marker_pdf` (docs/marker.md).
"""

from __future__ import annotations

import streamlit as st

from vidgait.marker import marker_pdf

PAPER_LABELS = {"A4": "a4", "Letter": "letter"}


@st.cache_data(show_spinner=False)
def _pdf(paper: str) -> bytes:
    return marker_pdf(paper=paper)


def render_marker_download() -> None:
    """An expander holding the paper choice and the marker PDF's download button."""
    with st.expander("Print the pelvis marker"):
        st.caption("An AprilTag card worn on the sacrum, for measuring pelvic drop from behind "
                   "(read from videos in a later version). Print at 100 % (actual size), check "
                   "the scale bar with a ruler; page 2 says how to wear it and record.")
        label = st.radio("Paper", list(PAPER_LABELS), horizontal=True, key="marker_paper")
        paper = PAPER_LABELS[label]
        st.download_button("Pelvis marker (PDF)", _pdf(paper),
                           file_name=f"vidgait_pelvis_marker_{paper}.pdf",
                           mime="application/pdf", key="marker_download")
