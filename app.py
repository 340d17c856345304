"""vidgait dashboard (Streamlit, multipage).

Pages: **Analyse** (default: a bundled sample, so a first visit shows a full report without any
file), **Simulate my setup** (the walking phantom filmed with your camera setup), **Live** (when
``vidgait.ui.live_page`` imports), and **History** (saved sessions per patient). Everything runs
on this machine: uploads go to temporary files deleted after processing. See docs/dashboard.md.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

REPO = Path(__file__).resolve().parent
SAMPLES = REPO / "sample_videos"
MAX_UPLOAD_MB = int(st.get_option("server.maxUploadSize"))


def _analyse() -> None:
    from vidgait.ui import analyse_page

    analyse_page.render(SAMPLES, MAX_UPLOAD_MB)


def _simulate() -> None:
    from vidgait.ui import simulate_page

    simulate_page.render()


def _history() -> None:
    from vidgait.ui import history_page

    history_page.render()


def _live_page(analyse: st.Page) -> st.Page | None:
    """The Live page when its module (and streamlit-webrtc) import, else None.

    "Analyse recording" on the live page hands the recorded file to the Analyse page.
    """
    try:
        from vidgait.ui import live_page
    except ImportError:  # e.g. streamlit-webrtc missing: leave the page out, keep the app
        return None

    def on_analyse(path: Path) -> None:
        st.session_state["live_recording"] = str(path)
        st.switch_page(analyse)

    return st.Page(lambda: live_page.render(on_analyse=on_analyse), title="Live",
                   icon=":material/videocam:", url_path="live")


def main() -> None:
    """Build the navigation and run the chosen page."""
    st.set_page_config(page_title="vidgait", layout="wide")
    analyse = st.Page(_analyse, title="Analyse", icon=":material/directions_walk:",
                      url_path="analyse", default=True)
    pages = [analyse, st.Page(_simulate, title="Simulate my setup",
                              icon=":material/photo_camera:", url_path="simulate")]
    live = _live_page(analyse)
    if live is not None:
        pages.append(live)
    pages.append(st.Page(_history, title="History", icon=":material/history:",
                         url_path="history"))
    st.navigation(pages).run()


main()
