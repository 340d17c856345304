"""OpenSim files: .trc markers and .mot angles that parse back to what was written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vidgait.export import write_mot, write_trc
from vidgait.landmarks import L_KNEE, NAMES
from vidgait.sequence import PoseSequence


def test_trc_layout_and_values(tmp_path: Path) -> None:
    n = 5
    seq = PoseSequence.empty(n, (640, 480), "m", np.arange(n) / 25.0)
    seq.world[:] = 0.0
    seq.world[:, L_KNEE] = (0.1, 0.5, 0.2)  # MediaPipe: x right, y DOWN, z AWAY
    seq.found[:4] = True
    lines = write_trc(seq, tmp_path / "m.trc").read_text().splitlines()
    assert lines[0].startswith("PathFileType\t4")
    rate, _, frames, markers, units = lines[2].split("\t")[:5]
    assert float(rate) == pytest.approx(25.0) and int(frames) == n
    assert int(markers) == len(NAMES) and units == "m"
    assert lines[3].split("\t")[2] == NAMES[0]
    row = lines[6].split("\t")
    assert row[0] == "1" and float(row[1]) == 0.0
    knee = [float(v) for v in row[2 + 3 * L_KNEE: 5 + 3 * L_KNEE]]
    assert knee == pytest.approx([0.1, -0.5, -0.2])  # OpenSim: y up, z toward the camera
    assert lines[-1].split("\t")[2] == ""  # the frame with nobody is left empty


def test_mot_round_trip_and_shape_check(tmp_path: Path) -> None:
    t = np.arange(4) / 30.0 + 1.0
    path = write_mot(t, {"left_knee_flexion": np.array([5.0, 10.0, np.nan, 20.0])},
                     tmp_path / "a.mot")
    text = path.read_text().splitlines()
    assert "inDegrees=yes" in text and "nRows=4" in text and "nColumns=2" in text
    body = text[text.index("endheader") + 1:]
    assert body[0] == "time\tleft_knee_flexion"
    assert body[1].split("\t") == ["0.000000", "5.000000"] and body[3].endswith("nan")
    with pytest.raises(ValueError, match="shape"):
        write_mot(t, {"x": np.zeros(3)}, tmp_path / "b.mot")
