"""The dashboard's "Print the pelvis marker" download: the paper choice and the PDF from
:func:`vidgait.marker.marker_pdf` (docs/marker.md).
"""

from __future__ import annotations

import streamlit as st

from vidgait.marker import DEFAULT_SIZE_MM, MIN_SIZE_MM, largest_size_mm, marker_pdf

PAPER_LABELS = {"A4": "a4", "Letter": "letter"}


@st.cache_data(show_spinner=False)
def _pdf(paper: str, size_mm: float) -> bytes:
    return marker_pdf(paper=paper, size_mm=size_mm)


def render_marker_download() -> float:
    """An expander holding the paper and size choice and the marker PDF's download button.

    Returns
    -------
    float
        The printed black square's side, mm (what the analysis assumes for the marker).
    """
    with st.expander("Print the pelvis marker"):
        st.caption("An AprilTag card worn on the sacrum: filmed from behind, walking away, it "
                   "gives the pelvic drop per side and the timing (vidgait finds it by itself). "
                   "Print at 100 % (actual size), check the scale bar with a ruler; page 2 says "
                   "how to wear it and record: camera behind at pelvis height, 3-8 m away, "
                   "60 fps if the phone offers it, 2 s standing still, then at least 8 strides "
                   "per side.")
        label = st.radio("Paper", list(PAPER_LABELS), horizontal=True, key="marker_paper")
        paper = PAPER_LABELS[label]
        size = float(st.number_input(
            "Black square (mm)", min_value=float(MIN_SIZE_MM),
            max_value=float(largest_size_mm(paper)), value=float(DEFAULT_SIZE_MM), step=5.0,
            key="marker_size_mm", help="The printed size: the analysis uses it for the "
                                       "marker's distance (not for its angles)"))
        st.download_button("Pelvis marker (PDF)", _pdf(paper, size),
                           file_name=f"vidgait_pelvis_marker_{paper}.pdf",
                           mime="application/pdf", key="marker_download")
    return size
