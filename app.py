"""vidgait dashboard (Streamlit).

This first page runs the pose stage on an uploaded walking clip (or a bundled sample) and shows
the tracked skeleton; the full gait report comes with the kinematics core. Everything runs on this
machine: uploads are written to a temporary file that is deleted after processing.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import streamlit as st

from vidgait.errors import VidgaitError
from vidgait.video import VIDEO_SUFFIXES

REPO = Path(__file__).resolve().parent
SAMPLES = REPO / "sample_videos"
MAX_UPLOAD_MB = st.get_option("server.maxUploadSize")


@st.cache_resource(show_spinner="Preparing the pose model (first run only)...")
def model_path(name: str) -> str:
    """Provision the pose model once per process."""
    from vidgait.models import resolve_model

    return str(resolve_model(name, progress=False))


@st.cache_data(show_spinner=False, max_entries=8)
def analyse_pose(digest: str, video_bytes: bytes, suffix: str, model: str) -> tuple[bytes, dict]:
    """Pose + overlay for one clip, cached by content hash (re-runs are instant)."""
    from vidgait.overlay import write_overlay
    from vidgait.pose import PoseOptions, estimate_poses
    from vidgait.video import probe

    bar = st.progress(0.0, text="Reading the video...")
    with tempfile.TemporaryDirectory(prefix="vidgait-") as tmp:
        src = Path(tmp) / f"input{suffix}"
        src.write_bytes(video_bytes)
        info = probe(src)

        def progress(done: int, total: int) -> None:
            bar.progress(min(done / max(total, 1), 1.0),
                         text=f"Tracking the person: frame {done} of {total}")

        seq = estimate_poses(info, options=PoseOptions(model=model_path(model)),
                             progress=progress)
        bar.progress(1.0, text="Drawing the skeleton...")
        out = write_overlay(src, seq, Path(tmp) / "overlay.mp4")
        overlay = out.read_bytes()
    bar.empty()
    facts = info.to_dict() | {
        "detected_pct": round(100 * seq.detected_fraction, 1),
        "max_people_per_frame": seq.meta.get("max_people_per_frame", 1),
    }
    facts.pop("path")
    return overlay, facts


def main() -> None:
    st.set_page_config(page_title="vidgait", layout="wide")
    st.title("vidgait - gait analysis from a walking video")
    st.caption("Processing is local: the video never leaves this computer.")
    samples = sorted(SAMPLES.glob("*.mp4"), key=lambda p: "side" not in p.name)  # side view first
    choice = st.radio("Video", [f"Sample: {p.name}" for p in samples] + ["Upload a clip"],
                      horizontal=True)  # a bundled sample by default: a result without any file
    if choice == "Upload a clip":
        up = st.file_uploader(
            f"Walking clip ({', '.join(s.lstrip('.') for s in VIDEO_SUFFIXES)}; "
            f"up to {MAX_UPLOAD_MB} MB)", type=[s.lstrip(".") for s in VIDEO_SUFFIXES])
        if up is None:
            st.info("Record the patient walking across the room (side view) or toward the camera.")
            return
        data, suffix, label = up.getvalue(), Path(up.name).suffix.lower(), up.name
    else:
        path = SAMPLES / choice.removeprefix("Sample: ")
        data, suffix, label = path.read_bytes(), path.suffix, path.name
    model = st.sidebar.selectbox("Pose model", ["full", "lite", "heavy"], index=0)
    digest = hashlib.sha256(data).hexdigest()
    try:
        overlay, facts = analyse_pose(digest, data, suffix, model)
    except VidgaitError as exc:
        st.error(f"{label}: {exc}")
        return
    left, right = st.columns([3, 2])
    left.video(overlay, format="video/mp4")
    right.metric("Person found in", f"{facts['detected_pct']} % of frames")
    right.metric("Most people in one frame", facts["max_people_per_frame"])
    right.json(facts, expanded=False)


main()
