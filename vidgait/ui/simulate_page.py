"""The "Simulate my setup" page: how well vidgait would measure with this camera setup."""

from __future__ import annotations

import tempfile

import streamlit as st

from vidgait.phantom.setup import VIEWS, RecordingSetup
from vidgait.render.headline import fmt
from vidgait.simulate import Simulation, simulate_setup
from vidgait.ui.common import StageBar, model_path

# The simulation's stages (vidgait.simulate.simulate_setup) and their share of the time.
SIM_STAGES, SIM_WEIGHTS = ("rendering", "pose", "analysis"), (0.45, 0.5, 0.05)
#: the first is the default: at 640x360 a walker 6.5 m away is ~110 px tall and MediaPipe swaps
#: the legs in ~22 % of frames (no stride measurable on the phantom); at 1280x720 in 6 %
RESOLUTIONS = {"1280x720": (1280, 720), "960x540": (960, 540),
               "640x360 (fastest; a small walker is tracked poorly)": (640, 360)}


def _setup_form() -> tuple[RecordingSetup, dict] | None:
    with st.form("simulate_setup"):
        c1, c2, c3 = st.columns(3)
        view = c1.selectbox("Camera view", VIEWS, key="sim_view",
                            help="front: the patient walks toward the camera")
        distance = c1.slider("Distance from the walkway (m)", 3.0, 10.0, 6.5, 0.5,
                             key="sim_distance")
        cam_h = c1.slider("Camera height (m)", 0.4, 1.8, 1.0, 0.1, key="sim_height")
        fov = c2.slider("Vertical field of view (deg)", 30, 70, 45, key="sim_fov")
        res = c2.selectbox("Resolution", list(RESOLUTIONS), key="sim_res")
        portrait = c2.checkbox("Portrait (phone held upright)", key="sim_portrait")
        fps = c3.selectbox("Frame rate (fps)", [24, 30, 60], index=1, key="sim_fps")
        noise = c3.slider("Sensor noise (grey levels SD)", 0.0, 10.0, 0.0, 0.5, key="sim_noise")
        crf = c3.slider("Compression (x264 CRF; 30+ like a messaging app)", 18, 40, 23,
                        key="sim_crf")
        limp = st.checkbox("Phantom limps (painful right knee)", key="sim_limp")
        go = st.form_submit_button("Simulate (about 30-60 s)")
    if not go:
        return None
    w, h = RESOLUTIONS[res]
    if portrait:
        w, h = h, w
    setup = RecordingSetup(view=view, distance_m=distance, camera_height_m=cam_h,
                           vertical_fov_deg=float(fov), width=w, height=h, fps=float(fps),
                           noise=noise, crf=crf)
    gait = {"painful_side": "right", "limp_severity": 0.8} if limp else {}
    return setup, gait


def show_simulation(sim: Simulation) -> None:
    """Video, detection rate and the error of each metric against the phantom truth.

    Parameters
    ----------
    sim : Simulation
        The simulated recording and its scores.
    """
    det = sim.detection
    c1, c2 = st.columns([3, 2])
    c1.video(sim.video, format="video/mp4")
    c2.metric("Landmark detection rate", f"{100 * det['detection_rate']:.1f} % of frames")
    c2.metric("Left/right swapped", f"{100 * (det['side_swap_rate'] or 0):.1f} % of frames")
    med = det["median_pct"]
    c2.caption("Median landmark error, % of body height: "
               + ", ".join(f"{k} {fmt(v)}" for k, v in med.items()))
    st.subheader("Expected error of each metric (this setup, phantom truth)")
    rows = [{"metric": r["metric"], "unit": r["unit"], "true": fmt(r["truth"], 2),
             "measured": "not measurable" if r["measured"] is None
             else fmt(r["measured"], 2),
             "error (measured - true)": "" if r["error"] is None else fmt(r["error"], 2)}
            for r in sim.errors]
    st.dataframe(rows, hide_index=True, height=36 * (len(rows) + 1) + 2)
    st.caption("'not measurable': this setup cannot support the metric (e.g. knee flexion needs a "
               "side view, trunk lean a front or back view, and pelvic drop the pelvis marker "
               "worn on the sacrum: the hip points do not follow the pelvis).")
    st.caption("One simulated walk: the error of a single recording, not a population accuracy. "
               "The phantom is a rendered mannequin; a real patient in a real room adds clothing, "
               "lighting and background effects.")


def render() -> None:
    """Build the Simulate page."""
    st.title("Simulate my setup")
    st.caption("Renders a short walk of vidgait's digital phantom (known angles and gait "
               "events) for your camera setup, runs the same analysis as for a patient, and "
               "shows how far each metric lands from the truth.")
    chosen = _setup_form()
    if chosen is not None:
        setup, gait = chosen
        bar = StageBar(SIM_STAGES, SIM_WEIGHTS)
        try:
            with tempfile.TemporaryDirectory(prefix="vidgait-sim-") as tmp:
                st.session_state["simulation"] = simulate_setup(
                    setup, tmp, model=model_path("full"), progress=bar, **gait)
        except Exception as exc:  # renderer/pose failures: a message, no traceback
            st.error(f"This setup could not be simulated: {exc}")
        finally:
            bar.clear()
    sim = st.session_state.get("simulation")
    if sim is not None:
        show_simulation(sim)
