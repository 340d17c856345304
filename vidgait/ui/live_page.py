"""The Streamlit live page: webcam in the browser, skeleton, guidance, rolling metrics, biofeedback.

The browser sends its camera over WebRTC (streamlit-webrtc, aiortc on the server). Each frame
reaches :func:`_frame_callback` in a worker thread, which hands it to a
:class:`~vidgait.live.processor.LiveProcessor` (non-blocking) and returns the newest overlay.
The callback never calls streamlit; the page reads the processor's lock-protected snapshot in a
fragment that reruns every second.

ICE servers are EMPTY by default: on localhost or a clinic LAN the browser and the server reach
each other through host candidates, and no request leaves the building (streamlit-webrtc would
otherwise try Google's public STUN or a TURN service). Give servers with ``render(ice_servers=...)``
or the environment variable ``VIDGAIT_ICE_SERVERS`` (JSON list of RTCIceServer dicts).

Sides: the analysed frames are never mirrored; the "mirror preview" option flips only the picture
sent back to the browser (and the text is drawn unmirrored after the flip).

The pelvis marker (docs/live.md): when it is looked for (on by default), its pelvic obliquity is
shown on every processed frame, "Set level (stand still)" takes its zero, and the pelvic drop
becomes a biofeedback metric once the marker is measured from behind.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidgait.findings.words import MARKER_NEEDED_LIVE
from vidgait.kinematics.sacrum import MIN_SEEN_SHARE
from vidgait.live.biofeedback import DEFAULT_BANDS, METRICS, PELVIC_DROP, band_text, target_band
from vidgait.live.config import LiveConfig
from vidgait.live.draw import ZERO_WORDS, obliquity_text, tilt_text
from vidgait.live.metrics import RollingMetrics
from vidgait.live.processor import LiveProcessor
from vidgait.live.snapshot import LiveSnapshot
from vidgait.live.tag import LEVEL_S
from vidgait.marker.layout import DEFAULT_SIZE_MM, MIN_SIZE_MM, PAPERS, largest_size_mm

ICE_ENV = "VIDGAIT_ICE_SERVERS"
MODEL_CHOICES = {"auto (lite if installed, else full)": None, "lite": "lite", "full": "full",
                 "heavy": "heavy"}
_STATE_KEY = "vidgait_live_holder"


def ice_servers_from_env() -> list[dict[str, Any]]:
    """ICE servers from ``$VIDGAIT_ICE_SERVERS`` (a JSON list), else an empty list.

    Raises
    ------
    ValueError
        If the variable is set but is not a JSON list.
    """
    text = os.environ.get(ICE_ENV, "").strip()
    if not text:
        return []
    servers = json.loads(text)
    if not isinstance(servers, list):
        raise ValueError(f"${ICE_ENV} must be a JSON list of ICE servers, got {text!r}")
    return servers


class StreamClock:
    """Turns the timestamps of successive WebRTC sessions into one increasing stream time.

    Each browser session restarts its frame times near zero; the processor (and MediaPipe's
    VIDEO mode) needs strictly increasing times. A new session is recognised by a time that
    goes backwards; it continues ``gap_ms`` after the last frame of the previous one.

    Parameters
    ----------
    gap_ms : float
        Stream time inserted between two sessions, ms.
    """

    def __init__(self, gap_ms: float = 1000.0) -> None:
        self.gap_ms = gap_ms
        self._offset_ms = 0.0
        self._last_raw: float | None = None
        self._last_out = -float("inf")
        self._lock = threading.Lock()

    def __call__(self, raw_ms: float) -> float:
        """Stream time (ms) for a frame whose own session time is ``raw_ms``."""
        with self._lock:
            if self._last_raw is not None and raw_ms <= self._last_raw:
                self._offset_ms = self._last_out + self.gap_ms - raw_ms
            self._last_raw = raw_ms
            self._last_out = raw_ms + self._offset_ms
            return self._last_out


@dataclass
class _Holder:
    """What the page keeps between reruns; the frame callback only touches ``processor``."""

    processor: LiveProcessor | None = None
    model_choice: tuple[str | None, float | None] | None = None
    clock: StreamClock = field(default_factory=StreamClock)
    error: str | None = None
    last_recording: Path | None = None


def _frame_time_ms(frame: Any, fallback_ms: float) -> float:
    """A WebRTC frame's time in ms from its pts (90 kHz RTP clock), or the fallback."""
    if frame.pts is not None and frame.time_base is not None:
        return float(frame.pts * frame.time_base) * 1000.0
    return fallback_ms


def make_frame_callback(holder: _Holder) -> Callable[[Any], Any]:
    """The streamlit-webrtc video frame callback for a holder (runs in a worker thread).

    It converts the ``av.VideoFrame`` to RGB, submits it with its stream time, and returns the
    newest overlay as a new ``av.VideoFrame``; before a processor exists the frame is echoed.
    No streamlit call happens here.

    Parameters
    ----------
    holder : _Holder
        The session's processor holder and stream clock.
    """
    import av

    def callback(frame: av.VideoFrame) -> av.VideoFrame:
        proc = holder.processor
        if proc is None:
            return frame
        rgb = frame.to_ndarray(format="rgb24")
        t_ms = holder.clock(_frame_time_ms(frame, time.monotonic() * 1000.0))
        overlay = proc.submit(rgb, t_ms)
        return av.VideoFrame.from_ndarray(overlay, format="rgb24")

    return callback


def _holder() -> _Holder:
    import streamlit as st

    if _STATE_KEY not in st.session_state:
        st.session_state[_STATE_KEY] = _Holder()
    return st.session_state[_STATE_KEY]


def _ensure_processor(holder: _Holder, choice: str | None, mirror: bool,
                      marker_mm: float | None = DEFAULT_SIZE_MM) -> None:
    """Create (or re-create after a change of model or marker) the processor; errors go to
    ``holder.error``. ``marker_mm``: the printed pelvis marker's size, mm; None: not looked for.
    """
    from vidgait.errors import InputError, ModelError

    if holder.processor is not None and holder.model_choice == (choice, marker_mm):
        holder.processor.set_mirror(mirror)
        return
    old, holder.processor = holder.processor, None
    if old is not None:
        old.close()
    try:
        holder.processor = LiveProcessor(LiveConfig(
            model=choice, mirror_display=mirror, marker=marker_mm is not None,
            marker_size_mm=marker_mm or DEFAULT_SIZE_MM))
        holder.model_choice, holder.error = (choice, marker_mm), None
    except (ModelError, InputError) as exc:
        holder.error = str(exc)


def _controls(holder: _Holder) -> None:
    """Model, preview mirroring, biofeedback metric and band (sidebar)."""
    import streamlit as st

    with st.sidebar:
        st.subheader("Live settings")
        label = st.selectbox("Pose model", list(MODEL_CHOICES), key="live_model")
        mirror = st.checkbox("Mirror the preview (selfie view; numbers keep the patient's sides)",
                             value=False, key="live_mirror")
        st.subheader("Pelvis marker")
        use = st.checkbox("Look for the pelvis marker", value=True, key="live_marker", help=(
            "The printed marker (Analyse page: \"Print the pelvis marker\") on the sacrum, "
            "filmed from behind (walking away, or on a treadmill facing away): pelvic "
            "obliquity on every frame, pelvic drop per side and as biofeedback."))
        size = st.number_input("Printed marker size (mm, the black square)", value=DEFAULT_SIZE_MM,
                               min_value=MIN_SIZE_MM, max_value=max(map(largest_size_mm, PAPERS)),
                               step=5.0, key="live_marker_mm", disabled=not use)
        _ensure_processor(holder, MODEL_CHOICES[label], mirror, float(size) if use else None)
        st.subheader("Biofeedback")
        st.caption("Pelvic drop needs the pelvis marker, filmed from behind (the hip points do "
                   "not follow the pelvis); its band: how far a side may drop below level.")
        names = ["off", *METRICS]
        metric = st.selectbox("Metric", names, key="live_metric",
                              format_func=lambda m: "off" if m == "off" else
                              f"{METRICS[m][0]} ({METRICS[m][1]})")
        if metric == "off":
            band = None
        else:
            d = DEFAULT_BANDS[metric]
            low = st.number_input("Lower bound (empty: none)", value=d.low, key=f"lo_{metric}")
            high = st.number_input("Upper bound (empty: none)", value=d.high, key=f"hi_{metric}")
            band = target_band(metric, low, high)
        proc = holder.processor
        wanted = (None if metric == "off" else metric, band)
        if proc is not None and st.session_state.get("live_feedback") != wanted:
            proc.set_feedback(*wanted)
            st.session_state["live_feedback"] = wanted


def _recording(holder: _Holder, recordings_dir: Path,
               on_analyse: Callable[[Path], None] | None) -> None:
    """Start/stop recording of the raw frames, and hand a recording over for analysis; set the
    pelvis marker's level.
    """
    import streamlit as st

    proc = holder.processor
    if proc is None:
        return
    c1, c2, c3, c4 = st.columns(4)
    if proc.config.marker and c4.button(
            "Set level (stand still)", key="live_set_level",
            help=f"The patient stands still, upright, weight on both feet, for {LEVEL_S:g} s: "
                 "the marker's roll then is level (it removes the card's tilt on the sacrum "
                 "and the camera's). Until then the obliquity is relative to the mean of the "
                 "last seconds."):
        proc.set_level()
    if not proc.recording:
        if c1.button("Start recording", key="live_rec_start"):
            name = time.strftime("live-%Y%m%d-%H%M%S.mp4")
            proc.start_recording(recordings_dir / name)
            st.rerun()
    elif c1.button("Stop recording", key="live_rec_stop", type="primary"):
        try:
            info = proc.stop_recording()
            holder.last_recording = Path(info.path)
        except RuntimeError as exc:
            st.error(str(exc))
        st.rerun()
    rec = holder.last_recording
    if rec is not None and rec.is_file():
        c2.caption(f"Last recording: {rec.name}")
        if c3.button("Analyse recording", key="live_analyse"):
            if on_analyse is None:
                st.info(f"Recording saved to {rec}; run the upload analysis on it.")
            else:
                on_analyse(rec)


def _fmt(v: float, unit: str = "", digits: int = 1) -> str:
    return f"{v:.{digits}f}{unit}" if v == v else "-"


def _limp_cell(m: RollingMetrics) -> tuple[str, str | None]:
    """Value and note of the panel's limp cell, kept short (the column is narrow): the verdict
    and suspected painful side, or the strides per side collected so far for the verdict.
    """
    if m.limp_verdict == "limp":
        return "limp", f"{m.limp_side} painful?" if m.limp_side else None
    if m.limp_verdict == "collecting":
        return f"{m.strides_collected}/{m.strides_needed}", "strides collected"
    return ("-" if m.limp_verdict == "not measurable" else m.limp_verdict), None


def _pelvis_row(snap: LiveSnapshot) -> None:
    """The pelvis marker's row: obliquity now (patient's sides), what level is, the share of
    the window's frames with the marker measured; why not, when not.
    """
    import streamlit as st

    p = snap.pelvis
    if p.status == "off" or (p.seen_share == 0 and p.levelling is None
                             and snap.feedback.metric != PELVIC_DROP):
        return
    c = st.columns(4)
    c[0].metric("Pelvic obliquity (deg)", tilt_text(p.obliquity_deg) if p.measured else "-")
    c[1].metric("Level", {"level": "set standing", "window_mean": "recent mean"}.get(p.zero, "-"))
    c[2].metric("Marker seen (%)", f"{100 * p.seen_share:.0f}")
    st.caption(obliquity_text(p))


def show_snapshot(snap: LiveSnapshot) -> None:
    """The metrics panel for one snapshot (patient's left and right).

    Parameters
    ----------
    snap : LiveSnapshot
        The live processor's latest state.
    """
    import streamlit as st

    m = snap.metrics
    for a in snap.advice:
        (st.error if a.level == "error" else st.warning)(a.text)
    c = st.columns(4)
    c[0].metric("Cadence (steps/min)", _fmt(m.cadence_steps_per_min, digits=0))
    c[1].metric("Step-time SI (%)", _fmt(m.step_time_si_pct))
    value, note = _limp_cell(m)
    c[2].metric("Limp", value, delta=note, delta_color="off", delta_arrow="off")
    c[3].metric("View", m.view or "-")
    c = st.columns(4)
    c[0].metric("Pelvic drop L (deg)", _fmt(m.pelvic_drop_deg["left"]))
    c[1].metric("Pelvic drop R (deg)", _fmt(m.pelvic_drop_deg["right"]))
    c[2].metric("Knee peak L (deg)", _fmt(m.knee_peak_swing_flexion_deg["left"], digits=0))
    c[3].metric("Knee peak R (deg)", _fmt(m.knee_peak_swing_flexion_deg["right"], digits=0))
    if math.isfinite(m.marker_seen_share) and m.marker_seen_share < MIN_SEEN_SHARE:
        st.caption(f"Pelvic drop: the marker was measured in {100 * m.marker_seen_share:.0f} % "
                   f"of the walk ({100 * MIN_SEEN_SHARE:.0f} % needed): keep it flat on the "
                   "sacrum, uncovered, facing the camera.")
    elif m.pelvic_zero:
        st.caption(f"Pelvic drop from the pelvis marker ({ZERO_WORDS[m.pelvic_zero]}; marker "
                   f"measured in {100 * m.marker_seen_share:.0f} % of the walk).")
    elif m.pelvic_drop_needs_marker:
        st.caption(f"{MARKER_NEEDED_LIVE} (worn on the sacrum, filmed from behind; the hip "
                   "points do not follow the pelvis).")
    _pelvis_row(snap)
    fb = snap.feedback
    if fb.needs_marker:
        st.caption("Pelvic drop biofeedback: needs the pelvis marker, filmed from behind.")
    if fb.metric is not None:
        label, unit = METRICS[fb.metric]
        st.metric(f"Strides in band ({label} {band_text(fb.band)} {unit})",
                  f"{fb.in_band} / {fb.total}",
                  delta=None if fb.last_in_band is None else
                  ("last stride in band" if fb.last_in_band else "last stride out of band"),
                  delta_color="normal" if fb.last_in_band else "inverse")
    st.caption(
        f"{snap.model}{' - ' + snap.model_note if snap.model_note else ''} | "
        f"in {snap.fps_in:.0f} fps, analysed {snap.fps_processed:.0f} fps, "
        f"dropped {snap.frames_dropped} | latency median {_fmt(snap.latency_ms_median, ' ms', 0)}"
        f", p95 {_fmt(snap.latency_ms_p95, ' ms', 0)} | window {m.window_s:.0f} s at "
        f"{snap.window_fps:.0f} fps, person found in {100 * snap.found_fraction:.0f} %"
        + (f" | REC {snap.recording.duration_s:.0f} s" if snap.recording and
           snap.recording.active else ""))
    if snap.analysis_note:
        st.caption(f"Metrics: {snap.analysis_note}")
    if snap.error:
        st.caption(f"Last processing error: {snap.error}")


def render(*, on_analyse: Callable[[Path], None] | None = None,
           ice_servers: list[dict[str, Any]] | None = None,
           recordings_dir: str | os.PathLike[str] | None = None,
           key: str = "vidgait-live", refresh_s: float = 1.0) -> None:
    """Build the live page in the current Streamlit script.

    Parameters
    ----------
    on_analyse : callable, optional
        Called with the path of a finished recording when "Analyse recording" is pressed (the
        app runs its upload analysis on it); without it the path is shown.
    ice_servers : list of dict, optional
        RTCIceServer dicts (``{"urls": [...], "username": ..., "credential": ...}``); None:
        ``$VIDGAIT_ICE_SERVERS`` or, by default, none (localhost / LAN only).
    recordings_dir : path-like, optional
        Where recordings go (default: ``<tmp>/vidgait-live``).
    key : str
        Streamlit key of the WebRTC component.
    refresh_s : float
        Metrics panel refresh interval, s.
    """
    import streamlit as st
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    st.header("Live assessment")
    st.caption("Walk across the camera for knee flexion and timing. For pelvic obliquity and "
               "drop, wear the pelvis marker on the sacrum and film from behind (walking away, "
               "or on a treadmill facing away), press \"Set level\" while the patient stands "
               "still. Left/right are the patient's own sides.")
    holder = _holder()
    _controls(holder)
    if holder.error:
        st.error(holder.error)
        return
    servers = ice_servers if ice_servers is not None else ice_servers_from_env()
    webrtc_streamer(
        key=key, mode=WebRtcMode.SENDRECV,
        rtc_configuration={"iceServers": servers},
        media_stream_constraints={"video": True, "audio": False},
        video_frame_callback=make_frame_callback(holder),
        async_processing=True,
    )
    rec_dir = (Path(recordings_dir) if recordings_dir
               else Path(tempfile.gettempdir()) / "vidgait-live")
    _recording(holder, rec_dir, on_analyse)

    # refreshed on a timer whatever the stream state: streamlit-webrtc does not always rerun the
    # script when the stream starts playing, and the panel is cheap (one snapshot copy)
    @st.fragment(run_every=refresh_s)
    def panel() -> None:
        proc = holder.processor
        if proc is not None:
            show_snapshot(proc.snapshot())

    panel()
