"""report.json's JSON Schema: generated from the model, shipped, documented, and met by reports."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from tests.helpers import REPO, film, held_still, walker_report
from vidgait.kinematics import analyze
from vidgait.report import SCHEMA_VERSION, build_report, json_schema
from vidgait.report.fields import BEGIN, END, field_table
from vidgait.synth import GaitParams, simulate

SHIPPED = REPO / "docs" / "report.schema.json"


@pytest.fixture(scope="module")
def reports() -> list[dict]:
    """A side-view limp (timing, knee), a front-view Trendelenburg (pelvis) and a person standing
    still (nothing measurable).
    """
    limp = GaitParams(duration_s=10, painful_side="right", limp_severity=0.8)
    front = GaitParams(duration_s=10, trendelenburg_side="left", pelvic_drop_deg=8.0,
                       path="toward")
    walk = film(simulate(GaitParams(duration_s=6)))
    still = held_still(walk)
    return [walker_report(limp, "side"), walker_report(front, "front"),
            build_report(analyze(still), [still])]


def test_the_shipped_schema_is_the_generated_one():
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert shipped == json_schema(), \
        "regenerate: python -m vidgait.report > docs/report.schema.json"
    jsonschema.Draft202012Validator.check_schema(shipped)


def test_docs_report_md_holds_the_generated_field_table():
    doc = (REPO / "docs" / "report.md").read_text(encoding="utf-8")
    assert f"schema {SCHEMA_VERSION}" in doc.splitlines()[0]
    start, stop = doc.index(BEGIN), doc.index(END) + len(END)
    assert doc[start:stop] == field_table(), "regenerate: python -m vidgait.report --fields"


def test_every_report_meets_the_schema(reports):
    validator = jsonschema.Draft202012Validator(json_schema())
    for rep in reports:
        errors = sorted(validator.iter_errors(rep), key=str)
        assert not errors, errors[:3]
    measured, front, nothing = reports
    assert measured["measurable"]["spatiotemporal"] and measured["measurable"]["knee"]
    assert front["measurable"]["trunk"] and not front["measurable"]["knee"]
    assert not front["measurable"]["pelvis"] and front["pelvis"]["method"] == "landmarks"
    assert not any(nothing["measurable"].values())


def test_the_schema_refuses_what_is_not_a_report(reports):
    """The check above can fail: an unknown field, a renamed 1.x field, a string for a number."""
    validator = jsonschema.Draft202012Validator(json_schema())
    extra = copy.deepcopy(reports[0])
    extra["knee"]["left"]["peak_swing_flexion_deg"] = 50.0  # the 1.x name
    wrong = copy.deepcopy(reports[0])
    wrong["spatiotemporal"]["cadence_steps_per_min"] = "not measurable in this view"
    old = copy.deepcopy(reports[0])
    old["schema_version"] = "1.1"
    for bad in (extra, wrong, old):
        assert list(validator.iter_errors(bad))


def test_a_metric_value_is_an_estimate_with_its_interval(reports):
    knee = reports[0]["knee"]["right"]["knee_peak_swing_flexion_deg"]
    assert set(knee) == {"value", "sd", "n", "ci95", "method"}
    lo, hi = knee["ci95"]
    assert knee["n"] >= 3 and lo < knee["value"] < hi and knee["method"] == "mean"
    assert reports[2]["knee"]["right"]["knee_peak_swing_flexion_deg"] is None
