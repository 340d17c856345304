"""`vidgait analyze`: the files it writes, its summary, and its refusals."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from vidgait.synth import Camera, GaitParams, simulate, to_pose_sequence, walkway_centre


def _vidgait(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vidgait.cli", *args], capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def limp_poses(tmp_path_factory: pytest.TempPathFactory) -> Path:
    truth = simulate(GaitParams(duration_s=12, painful_side="left", limp_severity=0.8))
    seq = to_pose_sequence(truth, Camera.side(walkway_centre(truth), distance=8.0),
                           noise_px=0.5, seed=5)
    return seq.save(tmp_path_factory.mktemp("poses") / "walk.npz")


def test_analyze_pose_file_writes_every_output(limp_poses: Path, tmp_path: Path) -> None:
    r = _vidgait("analyze", str(limp_poses), "-o", str(tmp_path), "--height-cm", "170")
    assert r.returncode == 0, r.stderr
    assert "suspected painful side left" in r.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["limp"]["suspected_painful_side"] == "left"
    assert report["spatiotemporal"]["length_unit"] == "m"  # speed in m/s
    with (tmp_path / "timeseries.csv").open() as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "t_s" and "left_knee_flexion_deg" in rows[0]
    assert len(rows) - 1 == report["inputs"][0]["frames"]
    knee = np.array([float(r[rows[0].index("left_knee_flexion_deg")] or "nan") for r in rows[1:]])
    assert 40 < np.nanmax(knee) < 75  # swing peak in degrees, not radians or a fraction
    mot = (tmp_path / "angles.mot").read_text()
    assert "inDegrees=yes" in mot
    assert (tmp_path / "landmarks.trc").read_text().startswith("PathFileType")


def test_session_of_two_clips_writes_every_clip(limp_poses: Path, tmp_path: Path) -> None:
    truth = simulate(GaitParams(duration_s=10, path="toward", trendelenburg_side="left",
                                pelvic_drop_deg=6.0))
    front = to_pose_sequence(truth, Camera.front(walkway_centre(truth), distance=9.0),
                             noise_px=0.5, seed=6).save(tmp_path / "front.npz")
    out = tmp_path / "out"
    r = _vidgait("analyze", str(limp_poses), str(front), "-o", str(out))
    assert r.returncode == 0, r.stderr
    report = json.loads((out / "report.json").read_text())
    with (out / "timeseries.csv").open() as f:
        rows = list(csv.reader(f))
    head = rows[0]
    assert head[:2] == ["clip", "t_s"]
    frames = [inp["frames"] for inp in report["inputs"]]
    clip = [r[0] for r in rows[1:]]
    assert clip == ["1"] * frames[0] + ["2"] * frames[1]  # every frame of both clips
    col = {name: head.index(f"left_{name}_deg") for name in ("knee_flexion", "pelvic_obliquity")}
    measured = {c: {name: any(r[i] for r in rows[1:] if r[0] == c) for name, i in col.items()}
                for c in ("1", "2")}
    # each angle only in the view that supports it: knee from the side clip, pelvis from the front
    assert measured == {"1": {"knee_flexion": True, "pelvic_obliquity": False},
                        "2": {"knee_flexion": False, "pelvic_obliquity": True}}
    for n in (1, 2):
        assert "inDegrees=yes" in (out / f"angles_{n}.mot").read_text()
        assert (out / f"landmarks_{n}.trc").read_text().startswith("PathFileType")


def test_analyze_refuses_bad_video(tmp_path: Path) -> None:
    bad = tmp_path / "clip.mp4"
    bad.write_text("not a video")
    r = _vidgait("analyze", str(bad), "-o", str(tmp_path / "out"))
    assert r.returncode == 2 and "not a video" in r.stderr and "Traceback" not in r.stderr
