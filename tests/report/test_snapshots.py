"""report.json of each shipped sample clip, held against a saved snapshot: any change to a number
is a visible diff in ``tests/report/snapshots/`` (the pose stage is real MediaPipe).

After an intended change, rewrite the snapshots with ``VIDGAIT_UPDATE_SNAPSHOTS=1 pytest
tests/report/test_snapshots.py`` and say in the commit why the numbers moved.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import REPO
from vidgait.pipeline import measure
from vidgait.report import build_report

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
SAMPLES = sorted(p.stem for p in (REPO / "sample_videos").glob("*.mp4"))
#: relative tolerance of a number: far below any reported digit, above float noise of the pose
#: model between two runs of the same build
REL_TOL = 1e-6

pytestmark = pytest.mark.slow


def differences(expected: Any, got: Any, path: str = "") -> list[str]:
    """Where two JSON values differ (numbers within :data:`REL_TOL`), as ``path: a != b``."""
    if isinstance(expected, dict) and isinstance(got, dict):
        out = [f"{path}.{k}: missing" for k in expected if k not in got]
        out += [f"{path}.{k}: unexpected" for k in got if k not in expected]
        for k in expected.keys() & got.keys():
            out += differences(expected[k], got[k], f"{path}.{k}")
        return out
    if isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            return [f"{path}: {len(expected)} items != {len(got)}"]
        return [d for i, (a, b) in enumerate(zip(expected, got, strict=True))
                for d in differences(a, b, f"{path}[{i}]")]
    numbers = (int, float)
    if (isinstance(expected, numbers) and isinstance(got, numbers)
            and not isinstance(expected, bool) and not isinstance(got, bool)):
        ok = math.isclose(expected, got, rel_tol=REL_TOL, abs_tol=1e-9)
        return [] if ok else [f"{path}: {expected!r} != {got!r}"]
    return [] if expected == got else [f"{path}: {expected!r} != {got!r}"]


def test_differences_finds_a_moved_number():
    """The comparison can fail: a number beyond the tolerance, a renamed key, a list length."""
    a = {"knee": {"value": 49.1357, "n": 5}, "events": [0.1, 0.2]}
    assert differences(a, json.loads(json.dumps(a))) == []
    assert differences(a, {"knee": {"value": 49.1358, "n": 5}, "events": [0.1, 0.2]})
    assert differences(a, {"knee": {"val": 49.1357, "n": 5}, "events": [0.1, 0.2]})
    assert differences(a, {"knee": {"value": 49.1357, "n": 5}, "events": [0.1]})


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_report_matches_its_snapshot(name, phantom):
    seq, truth = phantom(name)
    height_cm = round(100 * truth.height_m)
    report = build_report(measure([seq], height_cm=height_cm), [seq], height_cm=height_cm)
    report.pop("generator")  # the version string, not a measurement
    report = json.loads(json.dumps(report))
    path = SNAPSHOTS / f"{name}.json"
    if os.environ.get("VIDGAIT_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        if os.environ.get("VIDGAIT_UPDATE_SNAPSHOTS") != "1":
            pytest.fail(f"{path.name} did not exist: written now, commit it")
    expected = json.loads(path.read_text(encoding="utf-8"))
    diff = differences(expected, report)
    assert not diff, f"{len(diff)} differences, first: {diff[:8]}"
