"""History store: save, list and compare sessions against the smallest detectable change."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from vidgait.store import Store, change_table, default_db_path


def _est(v: float | None) -> dict | None:
    return None if v is None else {"value": v, "sd": None, "n": 1, "ci95": [None, None],
                                   "method": "curve"}


def _report(drop_left: float | None, cadence: float = 105.0, *, version: str = "2.1",
            method: str | None = "marker") -> dict:
    """A report with the headline metrics (knee and hip rotation not measured), its pelvic drop
    from the pelvis marker (report 2.0 has no ``pelvis.method``: its drop came from the hips).
    """
    pelvis = {"left": {"pelvic_drop_deg": _est(drop_left)},
              "right": {"pelvic_drop_deg": _est(1.0)}}
    if version != "2.0":
        pelvis["method"] = method
    return {"schema_version": version, "view": ["toward"], "limp": {"index": -5.0},
            "spatiotemporal": {"cadence_steps_per_min": cadence},
            "pelvis": pelvis,
            "trunk": {"left": {"trunk_lean_over_stance_deg": _est(2.0)},
                      "right": {"trunk_lean_over_stance_deg": None}},
            "knee": {s: {"knee_peak_swing_flexion_deg": None} for s in ("left", "right")},
            "hip": {s: {"hip_rotation_swing_deg": None} for s in ("left", "right")}}


def _report_1_1(drop_left: float | None) -> dict:
    """The same, as vidgait wrote it before report 2.0."""
    return {"schema_version": "1.1", "view": ["toward"], "limp": {"index": -5.0},
            "spatiotemporal": {"cadence_steps_per_min": 105.0},
            "pelvis": {"drop_deg": {"left": drop_left, "right": 1.0}},
            "trunk": {"lean_deg": {"left": 2.0, "right": None}},
            "knee": {"left": {"peak_swing_flexion_deg": 55.0},
                     "right": {"peak_swing_flexion_deg": None}},
            "hip": {"left": {"rotation_deg": None}, "right": {"rotation_deg": None}}}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "sub" / "h.sqlite3")
    yield s
    s.close()


def test_save_and_read_back(store: Store) -> None:
    t0 = dt.datetime(2026, 1, 5, 10, 0)
    rep = _report(6.0)
    sid = store.save(" P1 ", ["a.mp4", "b.mp4"], rep, recorded_at=t0)
    store.save("P2", ["c.mp4"], _report(1.0))
    assert store.path.is_file()
    assert store.patients() == ["P1", "P2"]
    (s,) = store.sessions("P1")
    assert (s.id, s.patient_id, s.recorded_at, s.clips) == (sid, "P1", t0, ["a.mp4", "b.mp4"])
    assert s.report == rep
    store.delete(sid)
    assert store.sessions("P1") == []


def test_empty_patient_id_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="patient ID"):
        store.save("  ", ["a.mp4"], _report(1.0))


def test_sessions_are_ordered_by_date(store: Store) -> None:
    store.save("P", ["late.mp4"], _report(2.0), recorded_at=dt.datetime(2026, 3, 1))
    store.save("P", ["early.mp4"], _report(9.0), recorded_at=dt.datetime(2026, 1, 1))
    assert [s.clips[0] for s in store.sessions("P")] == ["early.mp4", "late.mp4"]


def test_change_is_judged_against_the_sdc_not_zero(store: Store) -> None:
    store.save("P", ["1.mp4"], _report(6.0, cadence=100.0), recorded_at=dt.datetime(2026, 1, 1))
    store.save("P", ["2.mp4"], _report(4.0, cadence=110.0), recorded_at=dt.datetime(2026, 2, 1))
    rows = {r["key"]: r for r in change_table(store.sessions("P"))}
    small = rows["pelvic_drop_deg_left"]
    assert small["change"] == pytest.approx(-2.0) and small["sdc"] == 2.8
    assert small["verdict"] == "within SDC"  # 2 deg < 2.8 deg: no detectable change
    assert "Dingenen" in small["reference"]
    store.save("P", ["3.mp4"], _report(1.0), recorded_at=dt.datetime(2026, 3, 1))
    rows = {r["key"]: r for r in change_table(store.sessions("P"))}
    assert rows["pelvic_drop_deg_left"]["verdict"] == "beyond SDC"  # 5 deg > 2.8 deg
    assert rows["cadence_steps_per_min"]["verdict"] == "not judged (no SDC)"
    assert "knee_peak_swing_flexion_deg_left" not in rows  # never measured: not listed


def test_one_session_is_not_judged(store: Store) -> None:
    store.save("P", ["1.mp4"], _report(6.0))
    rows = change_table(store.sessions("P"))
    assert rows and all(r["verdict"] == "one session" for r in rows)


def test_missing_values_are_skipped_in_the_change(store: Store) -> None:
    store.save("P", ["1.mp4"], _report(5.0), recorded_at=dt.datetime(2026, 1, 1))
    store.save("P", ["2.mp4"], _report(None), recorded_at=dt.datetime(2026, 2, 1))
    store.save("P", ["3.mp4"], _report(1.0), recorded_at=dt.datetime(2026, 3, 1))
    row = next(r for r in change_table(store.sessions("P")) if r["key"] == "pelvic_drop_deg_left")
    assert row["values"] == [5.0, None, 1.0] and row["change"] == pytest.approx(-4.0)


def test_db_path_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VIDGAIT_DB", str(tmp_path / "x.sqlite3"))
    assert default_db_path() == tmp_path / "x.sqlite3"
    monkeypatch.delenv("VIDGAIT_DB")
    assert default_db_path().name == "vidgait.sqlite3"


def test_saved_report_is_a_copy(store: Store) -> None:
    rep = _report(3.0)
    store.save("P", ["1.mp4"], rep)
    saved = copy.deepcopy(store.sessions("P")[0].report)
    rep["pelvis"]["left"]["pelvic_drop_deg"]["value"] = 99.0
    assert store.sessions("P")[0].report == saved


def test_sessions_saved_before_report_2_keep_their_values(store: Store) -> None:
    """A history written by an older vidgait (report 1.1) compares with a new session; its
    pelvic drop, from the hip landmarks, is left out (they do not follow the pelvis).
    """
    store.save("P", ["old.mp4"], _report_1_1(6.0), recorded_at=dt.datetime(2026, 1, 1))
    store.save("P", ["new.mp4"], _report(2.0), recorded_at=dt.datetime(2026, 2, 1))
    rows = {r["key"]: r for r in change_table(store.sessions("P"))}
    assert rows["pelvic_drop_deg_left"]["values"] == [None, 2.0]
    assert rows["pelvic_drop_deg_left"]["verdict"] == "one session"
    assert rows["trunk_lean_over_stance_deg_left"]["values"] == [2.0, 2.0]
    assert rows["knee_peak_swing_flexion_deg_left"]["values"] == [55.0, None]


def test_a_pelvic_drop_from_the_hip_landmarks_never_enters_the_history(store: Store) -> None:
    """Reports 2.0 (no ``pelvis.method``) and 2.1 from the landmarks are read, their trunk lean
    kept, their pelvic drop not: only the pelvis marker's drop is a history value.
    """
    store.save("P", ["a.mp4"], _report(6.0, version="2.0"), recorded_at=dt.datetime(2026, 1, 1))
    store.save("P", ["b.mp4"], _report(5.0, method="landmarks"),
               recorded_at=dt.datetime(2026, 2, 1))
    store.save("P", ["c.mp4"], _report(None, method=None), recorded_at=dt.datetime(2026, 3, 1))
    rows = {r["key"]: r for r in change_table(store.sessions("P"))}
    assert "pelvic_drop_deg_left" not in rows and "pelvic_drop_deg_right" not in rows
    assert rows["trunk_lean_over_stance_deg_left"]["values"] == [2.0, 2.0, 2.0]
    assert rows["cadence_steps_per_min"]["values"] == [105.0] * 3


def test_foot_progression_history_starts_with_report_2_1(store: Store) -> None:
    """Report 2.0's foot progression came from MediaPipe depth with toe out negative: not the
    same measurement, so the history's row holds only the floor-plane values (toe out +).
    """
    old = _report(6.0, version="2.0")
    old["hip"]["left"]["foot_progression_deg"] = _est(-9.0)
    new = copy.deepcopy(_report(5.0))
    new["schema_version"] = "2.1"
    new["hip"]["left"]["foot_progression_deg"] = _est(8.0)
    store.save("P", ["old.mp4"], old, recorded_at=dt.datetime(2026, 1, 1))
    store.save("P", ["new.mp4"], new, recorded_at=dt.datetime(2026, 2, 1))
    rows = {r["key"]: r for r in change_table(store.sessions("P"))}
    assert rows["foot_progression_deg_left"]["values"] == [None, 8.0]
    assert rows["foot_progression_deg_left"]["verdict"] == "one session"
    assert "Foot progression" in rows["foot_progression_deg_left"]["metric"]
    assert "foot_progression_deg_right" not in rows  # never measured
    assert "hip_rotation_swing_deg_left" not in rows
