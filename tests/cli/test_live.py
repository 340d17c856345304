"""`vidgait live` on a video file played as a camera: status lines, raw recording, overlay."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO
from vidgait.video import probe

pytestmark = pytest.mark.slow


def test_live_cli_on_a_sample_records_and_reports(tmp_path: Path) -> None:
    clip = REPO / "sample_videos" / "phantom_side_symmetric.mp4"
    r = subprocess.run([sys.executable, "-m", "vidgait.cli", "live", str(clip), "--seconds", "4",
                        "--record", str(tmp_path / "rec.mp4"), "--overlay",
                        str(tmp_path / "ov.mp4")], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("t=")]
    assert len(lines) >= 3 and "fps" in lines[-1]
    rec = probe(tmp_path / "rec.mp4")
    assert rec.duration_s == pytest.approx(4.0, abs=0.5)
    assert (rec.width, rec.height) == (1920, 1080)
    assert probe(tmp_path / "ov.mp4").codec == "h264"


def test_live_cli_missing_camera_file_exits_2(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "vidgait.cli", "live", str(tmp_path / "no.mp4"),
                        "--seconds", "1"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr
