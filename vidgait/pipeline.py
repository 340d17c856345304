"""The session pipeline: clips -> pose -> analysis -> report -> outputs, the one way through.

Every interface runs a session through here: the ``vidgait analyze`` command, the dashboard's
upload (and the live page's recording, which it hands to the upload flow), the "Simulate my
setup" page, and batch jobs. Nothing above this module re-implements a stage.

Stages, each reported through ``progress(stage, fraction, text)`` (fraction 0..1 of that stage):

``reading``
    Probe every video (bad input is refused here with a specific message) or load a saved pose
    file (``.npz``).
``pose``
    The pose stage on each video (:func:`vidgait.pose.estimate_poses`), per frame.
``analysis``
    :func:`vidgait.kinematics.analyze` (one clip) or :func:`~vidgait.kinematics.analyze_session`
    (several clips of one walk), the walking check (:func:`require_walking`), and the report
    (:func:`vidgait.report.build_report`, which calls the findings).
``outputs``
    Files: ``report.json``, ``timeseries.csv``, OpenSim ``.mot`` / ``.trc``, and on request the
    annotated videos (:func:`write_outputs`).

Times are in seconds, lengths in metres when a height is given (else leg lengths), angles in
degrees.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidgait.errors import NotWalkingError
from vidgait.kinematics import GaitAnalysis, analyze, analyze_session
from vidgait.marker.layout import DEFAULT_SIZE_MM
from vidgait.report import build_report
from vidgait.sequence import PoseSequence
from vidgait.video import DEFAULT_LIMITS, VideoInfo, VideoLimits, probe

#: progress callback: (stage, fraction 0..1 of that stage, text for people)
StageProgress = Callable[[str, float, str], None]
#: the stages in the order they run
STAGES = ("reading", "pose", "analysis", "outputs")
#: the shortest straight walk to record, metres (said in the not-walking message)
WALK_TO_RECORD_M = 5


def no_progress(stage: str, fraction: float, text: str) -> None:
    """A progress callback that ignores everything (the default of every progress argument).

    Parameters
    ----------
    stage : str
        One of :data:`STAGES`.
    fraction : float
        0..1 of that stage.
    text : str
        What is being done, for people.
    """


@dataclass(frozen=True)
class Session:
    """One analysed session (a clip, or several clips of one walk).

    Attributes
    ----------
    names : tuple of str
        Each clip's name as shown to people (the user's file name).
    sources : tuple of Path
        Each clip's path: a video, or a saved pose file.
    videos : tuple of VideoInfo or None
        Each clip's probed video (None for a saved pose file).
    seqs : tuple of PoseSequence
        Each clip's tracked pose sequence.
    analysis : GaitAnalysis
        The kinematics core's measurement of the whole session.
    report : dict
        ``report.json`` (:func:`vidgait.report.build_report`, documented in ``docs/report.md``).
    """

    names: tuple[str, ...]
    sources: tuple[Path, ...]
    videos: tuple[VideoInfo | None, ...]
    seqs: tuple[PoseSequence, ...]
    analysis: GaitAnalysis
    report: dict[str, Any]


def measure(seqs: Sequence[PoseSequence], *, height_cm: float | None = None) -> GaitAnalysis:
    """The kinematics core on one clip (:func:`analyze`) or a session of several.

    Parameters
    ----------
    seqs : sequence of PoseSequence
        One or more clips of one person's walk.
    height_cm : float, optional
        Standing height, cm (lengths in metres); never changes angles or timing.

    Returns
    -------
    GaitAnalysis
    """
    if len(seqs) == 1:
        return analyze(seqs[0], height_cm=height_cm)
    return analyze_session(list(seqs), height_cm=height_cm)


def require_walking(analysis: GaitAnalysis, seqs: Sequence[PoseSequence],
                    names: Sequence[str] = ()) -> None:
    """Refuse a session in which nobody walked (standing still, turning, too short).

    A walk is a straight pass the landmarks show, or a walk away from the camera the pelvis
    marker followed (``analysis.marker``: at least 1.5 s of walking with the tag facing the
    camera): from behind the pose model's landmarks often look turned, so a walk away can have
    no pass of one view and still be measured by the marker.

    Parameters
    ----------
    analysis : GaitAnalysis
        The session's analysis.
    seqs : sequence of PoseSequence
        Its clips (for how often the person was seen).
    names : sequence of str
        The clips' names, for the message.

    Raises
    ------
    vidgait.errors.NotWalkingError
        No walking pass of at least 1.5 s in any clip, nor a walk away the marker followed; the
        message says what was seen and how to record. Nothing is lost: the pose files were saved
        before.
    """
    if analysis.passes or analysis.marker is not None:
        return
    frames = sum(len(s) for s in seqs)
    found = sum(int(s.found.sum()) for s in seqs) / max(frames, 1)
    who = f"{', '.join(names)}: " if names else ""
    raise NotWalkingError(
        f"{who}No walking was found: the person was seen in {100 * found:.0f}% of the frames but "
        "did not walk a straight pass of at least 1.5 s (standing still, turning or too short). "
        f"Record the patient walking at least {WALK_TO_RECORD_M} m at their usual pace, across "
        "the camera's view (side) or toward it (front).")


def _poses(source: Path, video: VideoInfo | None, name: str, *, model: str, num_poses: int,
           marker_size_mm: float, progress: Callable[[int, int], None]) -> PoseSequence:
    """A clip's pose sequence: a saved file as is, or the pose stage on the video."""
    if video is None:
        return PoseSequence.load(source)
    from vidgait.pose import PoseOptions, estimate_poses

    seq = estimate_poses(video, options=PoseOptions(model=model, num_poses=num_poses,
                                                    marker_size_mm=marker_size_mm),
                         progress=progress)
    seq.meta["source"] = name
    return seq


def run_session(inputs: Sequence[str | os.PathLike[str]], *, height_cm: float | None = None,
                model: str = "full", num_poses: int = 2, names: Sequence[str] | None = None,
                marker_size_mm: float = DEFAULT_SIZE_MM, limits: VideoLimits = DEFAULT_LIMITS,
                poses_dir: str | os.PathLike[str] | None = None,
                progress: StageProgress = no_progress) -> Session:
    """Run clips through pose, analysis and report.

    Parameters
    ----------
    inputs : sequence of path-like
        Videos, or saved pose files (``.npz``), of one walk (e.g. a side and a front clip).
    height_cm : float, optional
        Standing height, cm (lengths in metres); never changes angles or timing.
    model : str
        Pose model name or ``.task`` path.
    num_poses : int
        People the pose stage looks for per frame (the walker is chosen among them).
    names : sequence of str, optional
        The clips' names for people (default: the file names).
    marker_size_mm : float
        The printed pelvis marker's black square, mm (``vidgait marker --marker-size-mm``); the
        marker is looked for around the walker's hips in every frame and used when found.
    limits : VideoLimits
        Resolution, duration and size limits of an input video.
    poses_dir : path-like, optional
        Where to save each video's pose sequence (``poses_<stem>.npz``) as soon as it is tracked,
        so that a later failure loses nothing.
    progress : callable, optional
        ``progress(stage, fraction, text)``; stages :data:`STAGES` (``outputs`` is
        :func:`write_outputs`'s).

    Returns
    -------
    Session

    Raises
    ------
    vidgait.errors.InputError
        A bad video (see :func:`vidgait.video.probe`), a bad pose file, nobody found, or nobody
        walking (:class:`~vidgait.errors.NotWalkingError`).
    vidgait.errors.ModelError
        The pose model cannot be provisioned.
    """
    if not inputs:
        raise ValueError("run_session needs at least one clip")
    sources = tuple(Path(p) for p in inputs)
    shown = tuple(names) if names is not None else tuple(p.name for p in sources)
    videos: list[VideoInfo | None] = []
    for i, (src, name) in enumerate(zip(sources, shown, strict=True)):
        progress("reading", i / len(sources), f"Reading {name}")
        videos.append(None if src.suffix.lower() == ".npz" else probe(src, limits))
    total = sum(max(v.frame_count, 1) for v in videos if v is not None) or 1
    seqs: list[PoseSequence] = []
    done = 0
    for src, video, name in zip(sources, videos, shown, strict=True):
        def cb(k: int, n: int, name: str = name, base: int = done) -> None:
            progress("pose", min((base + k) / total, 1.0),
                     f"Tracking the person in {name}: frame {k} of {n}")

        seq = _poses(src, video, name, model=model, num_poses=num_poses,
                     marker_size_mm=marker_size_mm, progress=cb)
        if video is not None:
            done += max(video.frame_count, 1)
            if poses_dir is not None:
                Path(poses_dir).mkdir(parents=True, exist_ok=True)
                seq.save(Path(poses_dir) / f"poses_{src.stem}.npz")
        seqs.append(seq)
    progress("analysis", 0.0, "Analysing the gait")
    analysis = measure(seqs, height_cm=height_cm)
    require_walking(analysis, seqs, shown)
    report = build_report(analysis, seqs, height_cm=height_cm)
    progress("analysis", 1.0, "Analysed")
    return Session(shown, sources, tuple(videos), tuple(seqs), analysis, report)


def write_outputs(session: Session, outdir: str | os.PathLike[str], *, annotated: bool = False,
                  face_blur: bool = False,
                  progress: StageProgress = no_progress) -> dict[str, Path]:
    """Write a session's files into ``outdir``.

    Parameters
    ----------
    session : Session
        From :func:`run_session`.
    outdir : path-like
        Output folder (created).
    annotated : bool
        Also draw the skeleton and knee labels into each video clip (``annotated_<n>.mp4``,
        n from 1; H.264).
    face_blur : bool
        Blur the face in the annotated videos.
    progress : callable, optional
        ``progress("outputs", fraction, text)``.

    Returns
    -------
    dict str -> Path
        ``report``, ``timeseries``, ``mot[_n]``, ``trc[_n]`` and ``annotated_<n>``.
    """
    from vidgait.outputs import write_all

    out = Path(outdir)
    progress("outputs", 0.0, "Writing the report files")
    files = write_all(out, session.report, session.analysis, list(session.seqs))
    if annotated:
        from vidgait.render.annotate import knee_labels, write_annotated

        n = len(session.seqs)
        for i, (video, seq, name) in enumerate(zip(session.videos, session.seqs, session.names,
                                                   strict=True)):
            if video is None:
                continue
            progress("outputs", i / n, f"Drawing the skeleton on {name}")
            passes = [p for p in session.report["passes"] if p.get("clip", 0) == i]
            labels = knee_labels(seq, passes, session.analysis.clip_timeseries[i])
            files[f"annotated_{i + 1}"] = write_annotated(
                video.path, seq, out / f"annotated_{i + 1}.mp4", labels=labels,
                face_blur=face_blur)
    progress("outputs", 1.0, "Done")
    return files


__all__ = ["STAGES", "Session", "StageProgress", "measure", "no_progress", "require_walking",
           "run_session", "write_outputs"]
