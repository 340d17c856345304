"""The dashboard's processing, free of streamlit: clips (bytes) in, report and downloads out.

Stages, each reported through ``progress(stage, fraction, text)``: ``reading`` (probe every clip),
``pose`` (per frame), ``analysis`` and ``rendering`` (annotated video, report files). Uploaded
bytes go to a temporary directory that is removed when processing ends; nothing leaves the machine.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidgait.errors import InputError
from vidgait.video import VIDEO_SUFFIXES

#: progress callback: (stage, fraction 0..1 of that stage, text for people)
StageProgress = Callable[[str, float, str], None]
STAGES = ("reading", "pose", "analysis", "rendering")


@dataclass
class ClipResult:
    """Per clip: its name, annotated H.264 video and pose-sequence facts."""

    name: str
    annotated: bytes
    frames: int
    detected_pct: float


@dataclass
class SessionResult:
    """What the dashboard shows and offers for download.

    Attributes
    ----------
    report : dict
        :func:`vidgait.report.build_report` output (same as report.json).
    clips : list of ClipResult
    timeseries_csv : bytes
        Per-frame angles of every clip (``vidgait.outputs.write_timeseries_csv``; a ``clip``
        column when there are several).
    """

    report: dict[str, Any]
    clips: list[ClipResult]
    timeseries_csv: bytes

    @property
    def report_json(self) -> bytes:
        """report.json as written by ``vidgait analyze``."""
        return json.dumps(self.report, indent=2, allow_nan=False).encode("utf-8")


def check_suffix(name: str) -> str:
    """The lower-case suffix of ``name``; :class:`InputError` when it is not a video suffix."""
    suffix = Path(name).suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        raise InputError(f"{name}: not a video file name (accepted: "
                         f"{', '.join(s.lstrip('.') for s in VIDEO_SUFFIXES)})")
    return suffix


def _noop(stage: str, fraction: float, text: str) -> None:
    """Progress sink that ignores everything."""


def _analyse(seqs: list[Any], height_cm: float | None) -> Any:
    """One analysis for the session (``analyze_session`` when several clips)."""
    from vidgait.kinematics import analyze, analyze_session

    if len(seqs) == 1:
        return analyze(seqs[0], height_cm=height_cm)
    return analyze_session(seqs, height_cm=height_cm)


def _timeseries_csv(analysis: Any, tmp: Path) -> bytes:
    """timeseries.csv of the session (a ``clip`` column when several clips)."""
    from vidgait.outputs import write_timeseries_csv

    return write_timeseries_csv(list(analysis.clip_timeseries),
                                tmp / "timeseries.csv").read_bytes()


def process_clips(clips: list[tuple[str, bytes]], *, model: str = "full",
                  height_cm: float | None = None, face_blur: bool = False,
                  progress: StageProgress = _noop) -> SessionResult:
    """Run the whole pipeline on uploaded clips of one walk.

    Parameters
    ----------
    clips : list of (file name, bytes)
        One or more clips of the same session (e.g. a side and a front view).
    model : str
        Pose model name or ``.task`` path.
    height_cm : float, optional
        Patient height (lengths in metres); never changes angles or timing.
    face_blur : bool
        Blur the face in the annotated video.
    progress : callable, optional
        ``progress(stage, fraction, text)``.

    Returns
    -------
    SessionResult

    Raises
    ------
    vidgait.errors.InputError
        Bad file name, not a video, corrupt, too short, nobody walking, ...
    """
    from vidgait.pose import PoseOptions, estimate_poses
    from vidgait.render.annotate import knee_labels, write_annotated
    from vidgait.report import build_report
    from vidgait.video import probe

    if not clips:
        raise InputError("no clip given")
    with tempfile.TemporaryDirectory(prefix="vidgait-") as tmp_name:
        tmp = Path(tmp_name)
        infos = []
        for i, (name, data) in enumerate(clips):
            progress("reading", i / len(clips), f"Reading {name}")
            check_suffix(name)
            src = tmp / str(i) / Path(name).name  # the user's file name in every message
            src.parent.mkdir()
            src.write_bytes(data)
            infos.append(probe(src))
        total = sum(max(info.frame_count, 1) for info in infos)
        seqs, done = [], 0
        for (name, _), info in zip(clips, infos, strict=True):
            def cb(k: int, n: int, name: str = name, base: int = done) -> None:
                progress("pose", min((base + k) / total, 1.0),
                         f"Tracking the person in {name}: frame {k} of {n}")
            seq = estimate_poses(info, options=PoseOptions(model=model), progress=cb)
            seq.meta["source"] = Path(name).name
            seqs.append(seq)
            done += max(info.frame_count, 1)
        progress("analysis", 0.0, "Analysing the gait")
        analysis = _analyse(seqs, height_cm)
        report = build_report(analysis, seqs, height_cm=height_cm)
        require_walking(report, [name for name, _ in clips])
        results = []
        for i, ((name, _), info, seq) in enumerate(zip(clips, infos, seqs, strict=True)):
            progress("rendering", i / len(clips), f"Drawing the skeleton on {name}")
            passes = [p for p in report["passes"] if p.get("clip", 0) == i]
            labels = knee_labels(seq, passes, analysis.clip_timeseries[i])
            out = write_annotated(info.path, seq, tmp / f"annotated{i}.mp4", labels=labels,
                                  face_blur=face_blur)
            results.append(ClipResult(name, out.read_bytes(), len(seq),
                                      round(100 * seq.detected_fraction, 1)))
        csv = _timeseries_csv(analysis, tmp)
    progress("rendering", 1.0, "Done")
    return SessionResult(report, results, csv)


def require_walking(report: dict[str, Any], names: list[str]) -> None:
    """Refuse a session in which nobody walked (e.g. a person standing still).

    Raises
    ------
    vidgait.errors.InputError
        When the analysis found no walking pass in any clip.
    """
    if not report["passes"]:
        raise InputError(
            f"{', '.join(names)}: the person was found but did not walk (no walking pass of at "
            "least 1.5 s). Record the patient walking at least 5 m across the picture or "
            "toward the camera.")


def sample_clips(folder: Path) -> list[Path]:
    """The bundled sample clips, side views first (a side view shows the most metrics)."""
    return sorted(folder.glob("*.mp4"), key=lambda p: ("side" not in p.name, p.name))


__all__ = ["STAGES", "ClipResult", "SessionResult", "check_suffix", "process_clips",
           "sample_clips"]
