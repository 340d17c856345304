"""Write an analysis to disk: report.json, timeseries.csv, OpenSim .mot/.trc, and a text summary."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from vidgait.export import write_mot, write_trc
from vidgait.findings.words import marker_quality_text
from vidgait.kinematics import GaitAnalysis
from vidgait.report import value
from vidgait.sequence import PoseSequence


def write_timeseries_csv(timeseries: dict[str, np.ndarray] | list[dict[str, np.ndarray]],
                         path: str | os.PathLike[str]) -> Path:
    """Per-frame angles (degrees) with time ``t`` (s) first; empty cells where not measured.

    Given a list (one series per clip of a session), the rows of all clips follow one another
    under a leading ``clip`` column (1, 2, ...; each clip's time starts at its own zero).

    Parameters
    ----------
    timeseries : dict str -> (N,) float, or a list of them
        ``t`` (s) and angle series (deg) of one clip, or one such dict per clip.
    path : str or os.PathLike
        The CSV file to write.
    """
    path = Path(path)
    clips = [timeseries] if isinstance(timeseries, dict) else list(timeseries)
    cols = ["t"] + [k for k in clips[0] if k != "t"]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        head = ["t_s" if c == "t" else f"{c}_deg" for c in cols]
        w.writerow(head if len(clips) == 1 else ["clip", *head])
        for i, ts in enumerate(clips):
            data = np.column_stack([np.asarray(ts[c], dtype=np.float64) for c in cols])
            lead = [] if len(clips) == 1 else [str(i + 1)]
            for row in data:
                w.writerow(lead + ["" if not np.isfinite(v) else f"{v:.4f}" for v in row])
    return path


def write_all(outdir: str | os.PathLike[str], report: dict[str, Any], analysis: GaitAnalysis,
              seqs: list[PoseSequence]) -> dict[str, Path]:
    """Write every output file into ``outdir``; returns name -> path.

    One clip: ``report.json``, ``timeseries.csv``, ``angles.mot``, ``landmarks.trc``. Several
    clips: ``timeseries.csv`` holds them all (``clip`` column), and ``angles_<n>.mot`` /
    ``landmarks_<n>.trc`` are written per clip (n from 1; OpenSim needs one time axis per file).

    Parameters
    ----------
    outdir : str or os.PathLike
        The output folder (created when missing).
    report : dict
        The report (``report.json``'s content).
    analysis : GaitAnalysis
        The kinematics core's result (its per-clip time series are written).
    seqs : list of PoseSequence
        The clips' pose sequences, in the order of ``analysis``'s clips.
    """
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    files["report"] = out / "report.json"
    files["report"].write_text(json.dumps(report, indent=2, allow_nan=False), encoding="utf-8")
    series = list(analysis.clip_timeseries)
    files["timeseries"] = write_timeseries_csv(series, out / "timeseries.csv")
    for i, (seq, ts) in enumerate(zip(seqs, series, strict=True)):
        suffix = f"_{i + 1}" if len(seqs) > 1 else ""
        files[f"mot{suffix}"] = write_mot(ts["t"], {k: v for k, v in ts.items() if k != "t"},
                                          out / f"angles{suffix}.mot")
        files[f"trc{suffix}"] = write_trc(seq, out / f"landmarks{suffix}.trc")
    return files


def _fmt(v: float | None, unit: str = "", digits: int = 1) -> str:
    return "n/a" if v is None else f"{v:.{digits}f}{unit}"


def text_summary(report: dict[str, Any]) -> str:
    """A short plain-text summary of the headline numbers (for the terminal).

    Parameters
    ----------
    report : dict
        The report (``report.json``'s content).
    """
    st, lp = report["spatiotemporal"], report["limp"]
    lines = [f"views: {', '.join(report['view']) or 'none found'}; person found in "
             f"{100 * report['quality']['detected_fraction']:.0f}% of frames"]
    lines.append(f"cadence {_fmt(st['cadence_steps_per_min'], ' steps/min')}; stance L "
                 f"{_fmt(value(st['left'], 'stance_pct'), '%')} / R "
                 f"{_fmt(value(st['right'], 'stance_pct'), '%')}"
                 f" ({st['left']['n_strides']} / {st['right']['n_strides']} strides)")
    if lp["measurable"]:
        lines.append(f"limp: {lp['verdict']}" + (
            f", favours the {lp['favoured_side']} leg, suspected painful side "
            f"{lp['suspected_painful_side']} (stance SI {_fmt(lp['index'], '%')}, confidence "
            f"{_fmt(lp['confidence'], '', 2)})" if lp["detected"] else ""))
    else:
        lines.append(f"limp: not measurable ({lp['explanation']})")
    knee = report["knee"]
    kp = {s: value(knee[s], "knee_peak_swing_flexion_deg") for s in ("left", "right")}
    lines.append(f"knee peak swing flexion L {_fmt(kp['left'], ' deg')} / R "
                 f"{_fmt(kp['right'], ' deg')}")
    pv = report["pelvis"]
    drop = {s: value(pv[s], "pelvic_drop_deg") for s in ("left", "right")}
    lines.append("pelvic drop " + (f"L {_fmt(drop['left'], ' deg')} / R "
                                   f"{_fmt(drop['right'], ' deg')}"
                                   if pv["measurable"] else pv["note"]))
    if pv.get("marker"):
        lines.append(marker_quality_text(pv["marker"]))
    lines += [f"- {s}" for s in report.get("summary", [])]
    lines += [f"warning: {w}" for w in report["quality"]["warnings"]]
    return "\n".join(lines)
