"""Dashboard logic with streamlit's AppTest (the real-browser tests live in test_browser*.py)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import REPO

pytestmark = pytest.mark.slow


def test_opens_on_a_bundled_sample_and_shows_the_tracked_person() -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300).run()
    assert not at.exception
    assert at.radio[0].value.startswith("Sample: phantom_side")
    found = next(m for m in at.metric if m.label == "Person found in")
    assert float(found.value.split()[0]) >= 95.0


def test_upload_choice_asks_for_a_clip() -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300).run()
    at.radio[0].set_value("Upload a clip").run()
    assert not at.exception
    assert any("Record the patient walking" in i.value for i in at.info)
