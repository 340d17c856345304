"""The gait report: ``report.json``, a versioned, documented JSON document built from an analysis.

:mod:`~vidgait.report.model` holds its shape (one pydantic model per block, every field with its
unit); :mod:`~vidgait.report.build` is the one serializer from the kinematics core's typed values.
The JSON Schema generated from the model is shipped as ``docs/report.schema.json``. The schema
version changes its major number when a field changes meaning or name, its minor number when a
field is added.
"""

from __future__ import annotations

from typing import Any

from vidgait.report.build import build_report, report_model
from vidgait.report.model import SCHEMA_VERSION, Report


def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``report.json`` (draft 2020-12), generated from the report model.

    Returns
    -------
    dict
    """
    schema = Report.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://vidgait.invalid/report-{SCHEMA_VERSION}.schema.json", **schema}


def value(block: dict[str, Any] | None, metric: str) -> float | None:
    """The value of an estimate in a report block, e.g. ``value(report["knee"]["left"],
    "knee_peak_swing_flexion_deg")``; None when the block or the estimate is missing.

    Parameters
    ----------
    block : dict or None
        A per-side block of ``report.json`` (``report["<block>"]["<side>"]``).
    metric : str
        The metric's name in that block.

    Returns
    -------
    float or None
    """
    est = (block or {}).get(metric)
    return est.get("value") if isinstance(est, dict) else None


__all__ = ["SCHEMA_VERSION", "Report", "build_report", "json_schema", "report_model", "value"]
