"""The dashboard in a real headless Chromium: upload, report, video playback, PDF, bad file.

One ``streamlit run app.py`` server on a free localhost port serves the whole module. Screenshots
go to ``artifacts/`` (git-ignored).
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import CHROMIUM, CHROMIUM_ARGS, REPO, streamlit_app

pytestmark = pytest.mark.slow
ARTIFACTS = REPO / "artifacts"
UPLOAD = REPO / "sample_videos" / "phantom_side_symmetric.mp4"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip("chromium not installed")
    env = dict(os.environ, VIDGAIT_DB=str(tmp_path_factory.mktemp("db") / "h.sqlite3"))
    with streamlit_app(REPO / "app.py", tmp_path_factory.mktemp("log") / "streamlit.log",
                       env) as url:
        yield url


@pytest.fixture(scope="module")
def page(server: str):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        ctx = browser.new_context(viewport={"width": 1400, "height": 3400}, accept_downloads=True)
        pg = ctx.new_page()
        pg.set_default_timeout(180_000)
        pg.goto(server)
        yield pg
        browser.close()


def _card_text(page, key: str) -> str:
    return page.locator(f'.vg-card[data-key="{key}"] .v').inner_text()


def _to_upload(page) -> None:
    page.get_by_text("Upload clips", exact=True).click()
    page.locator('[data-testid="stFileUploader"]').wait_for()


def _finished(page) -> None:
    """Wait until the script run has finished (no running indicator, no progress bar)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stProgress\"]')")


def test_sample_report_on_first_visit(page) -> None:
    page.locator('.vg-card[data-key="cadence_steps_per_min"]').wait_for()
    page.get_by_role("button", name="Report (PDF)").wait_for()
    _finished(page)
    assert "steps/min" in _card_text(page, "cadence_steps_per_min")
    page.screenshot(path=str(ARTIFACTS / "browser_sample.png"), full_page=True)


def test_upload_shows_the_report_plays_the_video_and_downloads_the_pdf(page) -> None:
    _to_upload(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(UPLOAD))
    page.get_by_text(UPLOAD.name).first.wait_for()
    page.locator('.vg-card[data-key="cadence_steps_per_min"]').wait_for(timeout=240_000)
    _finished(page)
    cadence = _card_text(page, "cadence_steps_per_min")
    knee = _card_text(page, "knee_peak_swing_flexion_deg")
    assert re.fullmatch(r"\d+\.\d steps/min", cadence), cadence
    assert re.search(r"L \d+\.\d / R \d+\.\d deg", knee), knee
    # the annotated video loads in the browser (H.264): metadata read, duration > 0
    page.wait_for_function("() => { const v = document.querySelector('video');"
                           " return v && v.readyState >= 1 && v.duration > 0; }")
    duration = page.evaluate("() => document.querySelector('video').duration")
    assert duration > 4.0
    with page.expect_download() as dl:
        page.get_by_role("button", name="report.json").click()
    report = json.loads(Path(dl.value.path()).read_text())
    assert report["inputs"][0]["source"] == UPLOAD.name
    cad = report["spatiotemporal"]["cadence_steps_per_min"]
    assert cadence == f"{cad:.1f} steps/min"
    with page.expect_download() as dl:
        page.get_by_role("button", name="Report (PDF)").click()
    pdf = Path(dl.value.path()).read_bytes()
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert f"{cad:.1f} steps/min" in text
    page.screenshot(path=str(ARTIFACTS / "browser_upload.png"), full_page=True)


def test_bad_file_shows_a_message(page, tmp_path: Path) -> None:
    bad = tmp_path / "notes.mp4"
    bad.write_text("this is a text file, not a video\n" * 20)
    _to_upload(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(bad))
    alert = page.locator('[data-testid="stAlert"]', has_text="not a video file")
    alert.wait_for(timeout=120_000)
    assert "notes.mp4" in alert.inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "browser_bad_file.png"), full_page=True)
