"""Saved sessions (History): SQLAlchemy 2 on a local SQLite file.

The database is ``$VIDGAIT_DB`` when set, else ``vidgait.sqlite3`` in the user's data directory
(``platformdirs.user_data_dir("vidgait")``). A session row holds the patient ID, the date, the clip
names and the full report JSON; nothing else (no video) is stored, and nothing leaves the machine.

Change between sessions is judged against the smallest detectable change where the clinical notes
give one (:data:`vidgait.norms.DETECTABLE_CHANGE`, e.g. pelvic drop, Dingenen et al. 2018), not
against zero; metrics without a published SDC show the change without a verdict. A pelvic drop
enters the history only from the pelvis marker: the hip-landmark drops of reports before 2.1 are
left out (the hip points do not follow the pelvis, docs/accuracy.md).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from vidgait.norms import DETECTABLE_CHANGE
from vidgait.report import value


class _Base(DeclarativeBase):
    pass


class SessionRow(_Base):
    """One saved session (table ``sessions``)."""

    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(String(100), index=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    clips: Mapped[str] = mapped_column(Text)  # JSON list of file names
    report: Mapped[str] = mapped_column(Text)  # report.json


@dataclass(frozen=True)
class SavedSession:
    """A session read back from the store."""

    id: int
    patient_id: str
    recorded_at: dt.datetime
    clips: list[str]
    report: dict[str, Any]


def default_db_path() -> Path:
    """``$VIDGAIT_DB`` or ``<user data dir>/vidgait.sqlite3``."""
    env = os.environ.get("VIDGAIT_DB")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("vidgait")) / "vidgait.sqlite3"


class Store:
    """Saved sessions in one SQLite file.

    Parameters
    ----------
    path : path-like, optional
        The SQLite file (created with its folder if missing); default :func:`default_db_path`.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._engine = create_engine(f"sqlite:///{self.path}")
        _Base.metadata.create_all(self._engine)

    def save(self, patient_id: str, clips: list[str], report: dict[str, Any],
             recorded_at: dt.datetime | None = None) -> int:
        """Save a session; returns its id. Raises ValueError for an empty patient ID.

        Parameters
        ----------
        patient_id : str
            The patient's ID (surrounding spaces removed; must not be empty).
        clips : list of str
            The names of the session's clips.
        report : dict
            The session's report (``report.json``'s content).
        recorded_at : datetime.datetime, optional
            When the session was recorded; None: now.
        """
        pid = patient_id.strip()
        if not pid:
            raise ValueError("a patient ID is needed to save a session")
        row = SessionRow(patient_id=pid, recorded_at=recorded_at or dt.datetime.now(),
                         clips=json.dumps(list(clips)),
                         report=json.dumps(report, allow_nan=False))
        with Session(self._engine) as s, s.begin():
            s.add(row)
            s.flush()
            return row.id

    def patients(self) -> list[str]:
        """Patient IDs with at least one saved session, sorted."""
        with Session(self._engine) as s:
            return list(s.scalars(select(SessionRow.patient_id).distinct()
                                  .order_by(SessionRow.patient_id)))

    def sessions(self, patient_id: str) -> list[SavedSession]:
        """A patient's sessions, oldest first.

        Parameters
        ----------
        patient_id : str
            The patient's ID.
        """
        with Session(self._engine) as s:
            rows = s.scalars(select(SessionRow).where(SessionRow.patient_id == patient_id)
                             .order_by(SessionRow.recorded_at, SessionRow.id))
            return [SavedSession(r.id, r.patient_id, r.recorded_at, json.loads(r.clips),
                                 json.loads(r.report)) for r in rows]

    def delete(self, session_id: int) -> None:
        """Remove one session.

        Parameters
        ----------
        session_id : int
            The id :meth:`save` returned (an unknown id does nothing).
        """
        with Session(self._engine) as s, s.begin():
            row = s.get(SessionRow, session_id)
            if row is not None:
                s.delete(row)

    def close(self) -> None:
        """Release the database file."""
        self._engine.dispose()


#: report 2.0 block -> the per-side field of the same metric in reports before 2.0 (sessions saved
#: by an older vidgait keep their values in the history; their pelvic drop, from the hip
#: landmarks, is left out)
_BEFORE_2 = {("trunk", "trunk_lean_over_stance_deg"): ("lean_deg", True),
             ("knee", "knee_peak_swing_flexion_deg"): ("peak_swing_flexion_deg", False),
             ("hip", "hip_rotation_swing_deg"): ("rotation_deg", False)}


def side_value(report: dict[str, Any], block: str, metric: str, side: str) -> float | None:
    """A per-side metric of a saved report, whatever its schema version.

    Parameters
    ----------
    report : dict
        A saved ``report.json``.
    block : str
        Its block (``"pelvis"``, ``"trunk"``, ``"knee"``, ``"hip"``).
    metric : str
        The metric's name (report 2.0).
    side : {"left", "right"}

    Returns
    -------
    float or None
        None when not measured, and for a pelvic drop the pelvis marker did not give (reports
        before 2.1 held one from the hip landmarks, which do not follow the pelvis).
    """
    b = report.get(block) or {}
    if (block, metric) == ("pelvis", "pelvic_drop_deg") and b.get("method") != "marker":
        return None
    if int(str(report.get("schema_version", "1")).split(".")[0]) >= 2:
        v = value(b.get(side), metric)
    else:
        old, by_metric = _BEFORE_2[(block, metric)]
        v = (b.get(old) or {}).get(side) if by_metric else (b.get(side) or {}).get(old)
    return v if isinstance(v, (int, float)) else None


#: the first report version whose ``hip.<side>.foot_progression_deg`` is the floor plane's foot
#: progression, toe out positive: before it the field held MediaPipe depth's angle, toe out
#: negative, which is no value of the same measurement (the history leaves it out)
FOOT_PROGRESSION_SINCE = (2, 1)


def _version(report: dict[str, Any]) -> tuple[int, int]:
    parts = [*str(report.get("schema_version", "1")).split("."), "0"][:2]
    return int(parts[0]), int(parts[1])


def _headline(block: str, metric: str, label: str,
              since: tuple[int, int] = (0, 0)) -> dict[str, tuple]:
    """Both sides' rows of a per-side angle (degrees), from reports of version ``since`` or
    later; judged against its smallest detectable change when
    :data:`vidgait.norms.DETECTABLE_CHANGE` has one.
    """
    sdc = metric if metric in DETECTABLE_CHANGE else None
    return {f"{metric}_{s}": (f"{label} {s}", "deg",
                              lambda r, s=s: (side_value(r, block, metric, s)
                                              if _version(r) >= since else None), sdc)
            for s in ("left", "right")}


#: metric key -> (label, unit, getter, key of its smallest detectable change or None)
HEADLINE_METRICS: dict[str, tuple[str, str, Any, str | None]] = {
    "limp_index": ("Limp index (stance SI)", "%",
                   lambda r: (r.get("limp") or {}).get("index"), None),
    "cadence_steps_per_min": ("Cadence", "steps/min",
                              lambda r: (r.get("spatiotemporal") or {})
                              .get("cadence_steps_per_min"), None),
    **_headline("pelvis", "pelvic_drop_deg", "Pelvic drop"),
    **_headline("trunk", "trunk_lean_over_stance_deg", "Trunk lean"),
    **_headline("knee", "knee_peak_swing_flexion_deg", "Knee peak flexion"),
    **_headline("hip", "foot_progression_deg", "Foot progression (toe out +)",
                FOOT_PROGRESSION_SINCE),
}


def change_table(sessions: list[SavedSession]) -> list[dict[str, Any]]:
    """Headline metrics over sessions, and the change from the first to the last measured value.

    Parameters
    ----------
    sessions : list of SavedSession
        One patient's sessions, oldest first.

    Returns
    -------
    list of dict
        One row per metric measured in at least one session: ``metric``, ``unit``, ``values``
        (one per session, None where not measured), ``change`` (last - first measured, or None),
        ``sdc`` (smallest detectable change or None), ``verdict`` (``"beyond SDC"``,
        ``"within SDC"`` (no detectable change), ``"not judged (no SDC)"`` when no SDC is
        published, or ``"one session"``) and ``reference``.
    """
    rows = []
    for key, (label, unit, get, sdc_key) in HEADLINE_METRICS.items():
        values = [get(s.report) for s in sessions]
        measured = [v for v in values if v is not None]
        if not measured:
            continue
        change = measured[-1] - measured[0] if len(measured) > 1 else None
        thr = DETECTABLE_CHANGE[sdc_key] if sdc_key else None
        sdc, ref = (thr.value, f"{thr.source}: {thr.note}") if thr else (None, "")
        if change is None:
            verdict = "one session"
        elif sdc is None:
            verdict = "not judged (no SDC)"
        else:
            verdict = "beyond SDC" if abs(change) > sdc else "within SDC"
        rows.append({"key": key, "metric": label, "unit": unit, "values": values,
                     "change": change, "sdc": sdc, "verdict": verdict, "reference": ref})
    return rows
