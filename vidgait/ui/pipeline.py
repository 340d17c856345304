"""The dashboard's adapter to the session pipeline, free of streamlit: uploaded bytes in, report
and downloads out.

Uploaded bytes go to a temporary directory that is removed when processing ends; nothing leaves
the machine. The stages and their progress are :mod:`vidgait.pipeline`'s.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidgait.errors import InputError
from vidgait.marker.layout import DEFAULT_SIZE_MM
from vidgait.pipeline import STAGES, StageProgress, no_progress, run_session, write_outputs
from vidgait.video import VIDEO_SUFFIXES


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
    """The lower-case suffix of ``name``; :class:`InputError` when it is not a video suffix.

    Parameters
    ----------
    name : str
        A file name.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        raise InputError(f"{name}: not a video file name (accepted: "
                         f"{', '.join(s.lstrip('.') for s in VIDEO_SUFFIXES)})")
    return suffix


def process_clips(clips: list[tuple[str, bytes]], *, model: str = "full",
                  height_cm: float | None = None, face_blur: bool = False,
                  marker_size_mm: float = DEFAULT_SIZE_MM,
                  progress: StageProgress = no_progress) -> SessionResult:
    """Run the session pipeline (:func:`vidgait.pipeline.run_session`) on uploaded clips.

    Parameters
    ----------
    clips : list of (file name, bytes)
        One or more clips of the same session (e.g. a side and a front view).
    model : str
        Pose model name or ``.task`` path.
    height_cm : float, optional
        Patient height, cm (lengths in metres); never changes angles or timing.
    face_blur : bool
        Blur the face in the annotated video.
    marker_size_mm : float
        The printed pelvis marker's black square, mm.
    progress : callable, optional
        ``progress(stage, fraction, text)``, stages :data:`STAGES`.

    Returns
    -------
    SessionResult

    Raises
    ------
    vidgait.errors.InputError
        Bad file name, not a video, corrupt, too short, nobody walking, ...
    """
    if not clips:
        raise InputError("no clip given")
    for name, _ in clips:
        check_suffix(name)
    with tempfile.TemporaryDirectory(prefix="vidgait-") as tmp_name:
        tmp = Path(tmp_name)
        paths = []
        for i, (name, data) in enumerate(clips):
            src = tmp / str(i) / Path(name).name  # the user's file name in every message
            src.parent.mkdir()
            src.write_bytes(data)
            paths.append(src)
        session = run_session(paths, height_cm=height_cm, model=model,
                              names=[Path(name).name for name, _ in clips],
                              marker_size_mm=marker_size_mm, progress=progress)
        files = write_outputs(session, tmp / "out", annotated=True, face_blur=face_blur,
                              progress=progress)
        results = [ClipResult(name, files[f"annotated_{i + 1}"].read_bytes(), len(seq),
                              round(100 * seq.detected_fraction, 1))
                   for i, (name, seq) in enumerate(zip(session.names, session.seqs,
                                                       strict=True))]
        csv = files["timeseries"].read_bytes()
    return SessionResult(session.report, results, csv)


def sample_clips(folder: Path) -> list[Path]:
    """The bundled sample clips, side views first (a side view shows the most metrics).

    Parameters
    ----------
    folder : Path
        The folder of the sample clips (``*.mp4``).
    """
    return sorted(folder.glob("*.mp4"), key=lambda p: ("side" not in p.name, p.name))


__all__ = ["STAGES", "ClipResult", "SessionResult", "check_suffix", "process_clips",
           "sample_clips"]
