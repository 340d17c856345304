"""Fixtures of the rendering tests: report.json of the synthetic walker (0.5 px noise), through
JSON exactly as the file holds it.
"""

from __future__ import annotations

import json

import pytest

from tests.helpers import walker_report
from vidgait.synth import GaitParams

#: the walks behind the fixtures: (gait, view, pelvis from the marker); the marker's pelvis is
#: the walker's true hip line standing in for it (:func:`tests.helpers.as_if_marker`)
WALKS = {
    # a right-side limp (10 s) filmed from the side
    "limp_side": (GaitParams(duration_s=10, painful_side="right", limp_severity=0.8), "side",
                  False),
    # weak left hip abductors (8 deg pelvic drop, 10 s) walking toward a front camera, without
    # the pelvis marker (no pelvic drop) and with it
    "trend_front": (GaitParams(duration_s=10, path="toward", trendelenburg_side="left",
                               pelvic_drop_deg=8.0), "front", False),
    "trend_front_marker": (GaitParams(duration_s=10, path="toward", trendelenburg_side="left",
                                      pelvic_drop_deg=8.0), "front", True),
}


def _report(name: str) -> dict:
    params, view, marker = WALKS[name]
    return json.loads(json.dumps(walker_report(params, view, source=f"walker_{view}.mp4",
                                               marker=marker)))


@pytest.fixture(scope="package")
def limp_side_report() -> dict:
    return _report("limp_side")


@pytest.fixture(scope="package")
def trend_front_report() -> dict:
    return _report("trend_front")


@pytest.fixture(scope="package")
def trend_front_marker_report() -> dict:
    return _report("trend_front_marker")
