""""Simulate my setup": film the walking phantom with a chosen camera setup, run vidgait on the
clip, and compare each reported metric with the phantom's truth.

UI-free: the dashboard page only collects the setup and shows :class:`Simulation`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidgait.pipeline import StageProgress, no_progress, run_session
from vidgait.report import value

#: (label, unit, truth summary path, report getter); truth paths are keys of the phantom's
#: ``truth.summary`` (per side where the second element is a side)
_SIDES = ("left", "right")
METRICS: list[tuple[str, str, tuple[str, ...], Callable[[dict[str, Any]], Any]]] = [
    ("Cadence", "steps/min", ("cadence_steps_per_min",),
     lambda r: r["spatiotemporal"]["cadence_steps_per_min"]),
]
for _s in _SIDES:
    METRICS += [
        (f"Stance {_s}", "% of stride", (_s, "stance_pct"),
         lambda r, s=_s: value(r["spatiotemporal"][s], "stance_pct")),
        (f"Step time {_s}", "s", (_s, "step_time_s"),
         lambda r, s=_s: value(r["spatiotemporal"][s], "step_time_s")),
        (f"Knee peak flexion {_s}", "deg", (_s, "knee_peak_swing_flexion_deg"),
         lambda r, s=_s: value(r["knee"][s], "knee_peak_swing_flexion_deg")),
        (f"Knee flexion range {_s}", "deg", (_s, "knee_flexion_range_deg"),
         lambda r, s=_s: value(r["knee"][s], "knee_flexion_range_deg")),
        (f"Pelvic drop {_s}", "deg", (_s, "pelvic_drop_deg"),
         lambda r, s=_s: value(r["pelvis"][s], "pelvic_drop_deg")),
        (f"Trunk lean {_s}", "deg", (_s, "trunk_lean_over_stance_deg"),
         lambda r, s=_s: value(r["trunk"][s], "trunk_lean_over_stance_deg")),
    ]


def _truth_value(summary: dict[str, Any], path: tuple[str, ...]) -> float | None:
    v: Any = summary
    for k in path:
        v = v.get(k) if isinstance(v, dict) else None
    return float(v) if isinstance(v, (int, float)) else None


def metric_errors(report: dict[str, Any], truth_summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Each metric: the phantom's true value, vidgait's value and the error (measured - true).

    Parameters
    ----------
    report : dict
        :func:`vidgait.report.build_report` of the phantom clip.
    truth_summary : dict
        ``PhantomTruth.summary`` of the same clip.

    Returns
    -------
    list of dict
        ``metric``, ``unit``, ``truth``, ``measured`` (None: not measurable in this setup),
        ``error`` (None when either is missing).
    """
    rows = []
    for label, unit, path, get in METRICS:
        truth = _truth_value(truth_summary, path)
        measured = get(report)
        error = measured - truth if truth is not None and measured is not None else None
        rows.append({"metric": label, "unit": unit, "truth": truth, "measured": measured,
                     "error": error})
    return rows


@dataclass
class Simulation:
    """Result of :func:`simulate_setup`.

    Attributes
    ----------
    video : bytes
        The rendered phantom clip (H.264 mp4).
    report : dict
        vidgait's report of the clip.
    errors : list of dict
        :func:`metric_errors`.
    detection : dict
        :meth:`vidgait.phantom.validate.ValidationReport.to_dict` (landmark detection rate and
        landmark error in % of body height).
    setup : dict
        The recording setup used.
    """

    video: bytes
    report: dict[str, Any]
    errors: list[dict[str, Any]]
    detection: dict[str, Any]
    setup: dict[str, Any] = field(default_factory=dict)


def simulate_setup(setup: Any, workdir: str | os.PathLike[str], *, duration_s: float = 5.0,
                   model: str = "full", seed: int = 0,
                   progress: StageProgress = no_progress,
                   **gait: Any) -> Simulation:
    """Render a phantom walk for ``setup``, analyse it, and score it against its truth.

    Parameters
    ----------
    setup : vidgait.phantom.setup.RecordingSetup
        Camera placement and recording settings.
    workdir : path-like
        Folder for the clip and its truth file (the caller removes it).
    duration_s : float
        Length of the walk, s (4-6 s renders in well under a minute at 640x360).
    model : str
        Pose model.
    seed : int
        Sensor-noise seed (the same setup gives the same clip).
    progress : callable, optional
        ``progress(stage, fraction, text)`` with stages ``rendering``, ``pose``, ``analysis``.
    **gait
        Extra :class:`vidgait.synth.GaitParams` fields (e.g. ``painful_side="right"``,
        ``limp_severity=0.8``).

    Returns
    -------
    Simulation
    """
    from dataclasses import asdict

    from vidgait.phantom import render_clip
    from vidgait.phantom.validate import compare
    from vidgait.synth import GaitParams, simulate
    from vidgait.video import VideoLimits

    params = GaitParams(duration_s=duration_s, fps=setup.fps, path=setup.path, **gait)
    progress("rendering", 0.0, "Rendering the phantom walk for this setup")
    clip = render_clip(params, setup.camera(simulate(params)),
                       Path(workdir) / f"phantom_{setup.view}.mp4", noise=setup.noise,
                       crf=setup.crf, seed=seed, preset="veryfast")
    session = run_session([clip.video_path], height_cm=100 * params.height_m, model=model,
                          names=["the phantom"], limits=VideoLimits(min_duration_s=0.0),
                          progress=lambda st, f, text: st != "reading" and progress(st, f, text))
    report = session.report
    return Simulation(video=Path(clip.video_path).read_bytes(), report=report,
                      errors=metric_errors(report, clip.truth.summary),
                      detection=compare(clip.truth, session.seqs[0]).to_dict(),
                      setup=asdict(setup))
