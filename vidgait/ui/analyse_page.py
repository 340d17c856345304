"""The Analyse page: clips (or a bundled sample) in, the clinician's gait report out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from vidgait.errors import InputError, VidgaitError
from vidgait.findings.words import MARKER_MIN_SEEN, marker_quality_text
from vidgait.marker.layout import DEFAULT_SIZE_MM
from vidgait.render.document import render_html, render_pdf
from vidgait.render.figures import available_curves, band_description, cycle_figure
from vidgait.render.headline import (
    headline_cards,
    injured_side_wording,
    quality_advice,
    spatiotemporal_rows,
)
from vidgait.ui.common import analyse_cached, content_key, esc, inject_css, show_cards
from vidgait.ui.marker import render_marker_download
from vidgait.ui.pipeline import SessionResult, sample_clips
from vidgait.video import VIDEO_SUFFIXES

UPLOAD = "Upload clips"
LIVE = "Live recording: "


def _choose_clips(samples_dir: Path, max_mb: int) -> list[tuple[str, bytes]] | None:
    """The clips to analyse: a bundled sample by default, or uploads (None: nothing yet)."""
    samples = sample_clips(samples_dir)
    live = st.session_state.get("live_recording")
    live_opts = [f"{LIVE}{Path(live).name}"] if live and Path(live).is_file() else []
    choice = st.radio("Video", live_opts + [f"Sample: {p.name}" for p in samples] + [UPLOAD],
                      horizontal=True, key="analyse_source")
    if choice.startswith(LIVE):
        return [(Path(live).name, Path(live).read_bytes())]
    if choice != UPLOAD:
        path = samples_dir / choice.removeprefix("Sample: ")
        return [(path.name, path.read_bytes())]
    kinds = ", ".join(s.lstrip(".") for s in VIDEO_SUFFIXES)
    ups = st.file_uploader(f"Walking clips of one session ({kinds}; up to {max_mb} MB each). "
                           "A side view and a front view together give the most metrics.",
                           type=[s.lstrip(".") for s in VIDEO_SUFFIXES],
                           accept_multiple_files=True, key="analyse_upload")
    if not ups:
        st.info("Record the patient walking across the room (side view) and toward the camera "
                "(front view); then drop the clips here.")
        return None
    return [(u.name, u.getvalue()) for u in ups]


def _options() -> tuple[float | None, str | None, bool, str, float]:
    with st.sidebar:
        st.subheader("Patient (optional)")
        height = st.number_input("Height (cm)", min_value=0.0, max_value=250.0, value=0.0,
                                 step=1.0, format="%.0f", key="height_cm",
                                 help="Lengths in metres instead of leg lengths; 0 = not given")
        injured = st.selectbox("Injured side", ["not given", "left", "right"], key="injured",
                               help="Used in the wording only, never in the numbers")
        blur = st.checkbox("Blur the face in the video", key="face_blur")
        model = st.selectbox("Pose model", ["full", "lite", "heavy"], key="model")
        marker_mm = render_marker_download()
    return (height or None, injured if injured != "not given" else None, blur, model, marker_mm)


def run_analysis(clips: list[tuple[str, bytes]], model: str, height_cm: float | None,
                 face_blur: bool, marker_size_mm: float = DEFAULT_SIZE_MM
                 ) -> SessionResult | None:
    """Run (or fetch from the cache) the analysis; show a clear message on bad input.

    Parameters
    ----------
    clips : list of (str, bytes)
        The clips' names and contents.
    model : str
        The pose model's name (lite, full, heavy).
    height_cm : float or None
        The patient's height, cm (None: lengths in leg lengths).
    face_blur : bool
        Blur the face in the annotated videos.
    marker_size_mm : float
        The printed pelvis marker's black square, mm.
    """
    try:
        return analyse_cached(content_key(clips), clips, model, height_cm, face_blur,
                              marker_size_mm)
    except InputError as exc:
        st.error(f"This file cannot be analysed. {exc}")
    except VidgaitError as exc:
        st.error(f"vidgait could not process the clip: {exc}")
    return None


@st.cache_data(show_spinner="Preparing the printable report...", max_entries=16)
def _documents(key: str, _report: dict, patient_id: str | None,
               injured: str | None) -> tuple[bytes, str]:
    """PDF and HTML of the report, cached by the clips' content hash and the header fields."""
    kw = {"patient_id": patient_id or None, "injured_side": injured}
    return render_pdf(_report, **kw), render_html(_report, **kw)


def _downloads(key: str, res: SessionResult, patient_id: str | None,
               injured: str | None) -> None:
    st.subheader("Downloads")
    pdf, page = _documents(key, res.report, patient_id, injured)
    cols = st.columns(4 + len(res.clips))
    cols[0].download_button("Report (PDF)", pdf, "gait_report.pdf", "application/pdf",
                            key="dl_pdf")
    cols[1].download_button("Report (HTML)", page, "gait_report.html", "text/html",
                            key="dl_html")
    cols[2].download_button("report.json", res.report_json, "report.json", "application/json",
                            key="dl_json")
    cols[3].download_button("timeseries.csv", res.timeseries_csv, "timeseries.csv",
                            "text/csv", key="dl_csv",
                            help="per-frame angles, deg; a 'clip' column numbers the clips"
                            if len(res.clips) > 1 else "per-frame angles, deg")
    for i, clip in enumerate(res.clips):
        many = len(res.clips) > 1
        cols[4 + i].download_button(f"Annotated video {i + 1}" if many else "Annotated video",
                                    clip.annotated,
                                    f"annotated_{i + 1}.mp4" if many else "annotated.mp4",
                                    "video/mp4", key=f"dl_video_{i}", help=clip.name)


def _save(res: SessionResult, patient_id: str) -> None:
    from vidgait.store import Store

    if st.button("Save to History", key="save_history", disabled=not patient_id.strip()):
        store = Store()
        try:
            sid = store.save(patient_id, [c.name for c in res.clips], res.report)
        finally:
            store.close()
        st.success(f"Saved as session {sid} for patient {patient_id.strip()} (the report only; "
                   "the video is not kept).")


def show_result(res: SessionResult, injured: str | None) -> None:
    """The report on the page: video, cards, findings, curves, table, quality.

    Parameters
    ----------
    res : SessionResult
        The analysis result.
    injured : str or None
        The side the clinician reported injured (``"left"``/``"right"``), or None.
    """
    rep = res.report
    left, right = st.columns([3, 2])
    with left:
        for clip in res.clips:
            st.video(clip.annotated, format="video/mp4")
            st.caption(f"{clip.name}: person found in {clip.detected_pct} % of {clip.frames} "
                       "frames. Patient's left blue, right orange; knee flexion (deg) beside "
                       "each knee in side-view passes.")
        marker = rep["pelvis"].get("marker")
        if marker:
            st.markdown("**Pelvis marker**")
            (st.info if marker["seen_share"] >= MARKER_MIN_SEEN else st.warning)(
                marker_quality_text(marker))
        advice = quality_advice(rep)
        if advice:
            st.markdown("**Recording quality**")
            for a in advice:
                st.warning(a)
    with right:
        st.markdown(f"**Views found:** {', '.join(rep['view']) or 'none'}")
        wording = injured_side_wording(rep, injured)
        findings = ([wording] if wording else []) + list(rep.get("summary") or [])
        if findings:
            st.markdown("**Findings**")
            for f in findings:
                st.markdown(f"- {f}")
    st.subheader("Headline")
    show_cards(headline_cards(rep))
    _curves(rep)
    st.subheader("Spatiotemporal parameters")
    _table(rep)


def _curves(rep: dict) -> None:
    curves = available_curves(rep)
    st.subheader("Gait-cycle curves")
    if not curves:
        st.caption("No gait cycle was measurable in this recording.")
        return
    cols = st.columns(2)
    for i, angle in enumerate(curves):
        cols[i % 2].plotly_chart(cycle_figure(rep, angle), key=f"curve_{angle}")
    st.caption(" ".join(band_description(curves)))


def _table(rep: dict) -> None:
    rows = spatiotemporal_rows(rep)
    body = "".join(
        "<tr>" + f"<td>{esc(r['parameter'])}</td>"
        + "".join(f'<td class="out">{esc(r[s])}</td>' if s in r["outside"]
                  else f"<td>{esc(r[s])}</td>" for s in ("left", "right"))
        + f"<td>{esc(r['symmetry'])}</td><td>{esc(r['normal'])}</td></tr>" for r in rows)
    st.markdown('<table class="st"><tr><th>Parameter</th><th>Left</th><th>Right</th>'
                f"<th>Symmetry</th><th>Normal range</th></tr>{body}</table>",
                unsafe_allow_html=True)
    cad = rep["spatiotemporal"]["cadence_steps_per_min"]
    st.caption(f"Cadence {'n/a' if cad is None else f'{cad:.1f}'} steps/min. SI = 100 (R - L) / "
               "(0.5 (R + L)) (Robinson 1987) with its 95 % bootstrap interval; values outside "
               "the normal range in orange.")


def render(samples_dir: Path, max_upload_mb: int) -> None:
    """Build the Analyse page.

    Parameters
    ----------
    samples_dir : Path
        The folder of the bundled sample clips.
    max_upload_mb : int
        The largest upload accepted, MB.
    """
    inject_css()
    st.title("vidgait - gait analysis from a walking video")
    st.caption("Processing is local: the video never leaves this computer. Uploads are written "
               "to a temporary file that is deleted after processing.")
    height_cm, injured, blur, model, marker_mm = _options()
    clips = _choose_clips(samples_dir, max_upload_mb)
    if clips is None:
        return
    res = run_analysis(clips, model, height_cm, blur, marker_mm)
    st.session_state["analysis_report"] = res.report if res is not None else None
    if res is None:
        return
    show_result(res, injured)
    patient_id = st.text_input("Patient ID (to save this session to History)", key="patient_id")
    _downloads(f"{content_key(clips)}-{model}-{height_cm}-{blur}", res, patient_id, injured)
    _save(res, patient_id)
    st.caption(f"Analysed {dt.datetime.now():%Y-%m-%d %H:%M}.")
