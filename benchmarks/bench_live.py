"""Live-mode benchmark: a clip looped as a 30 fps camera through the LiveProcessor; prints JSON.

Frames are submitted at wall-clock pace exactly as the browser callback would
(:func:`vidgait.live.run_camera`), for ``--seconds`` of stream time (default 600). Reported:

- ``fps_in`` / ``fps_processed``: frames submitted / run through the pose model per second;
- ``frames_dropped``: frames not analysed because the model was busy (thinned regularly);
- ``latency_ms``: added latency, frame submitted -> its overlay ready, median and p95 over the
  whole run (every processed frame), and the processor's own rolling figures at the end;
- ``analysis_ms``: median wall time of a rolling metrics update;
- ``rss_mb``: resident memory after the model is loaded, after a 30 s warm-up, and at the end;
- ``metrics_first_s``: stream time when rolling metrics first appeared, and
  ``second_stride_end_s``: when the clip's second complete stride ends (from a phantom clip's
  truth file; None for other videos): the figures should come shortly after it.

Usage::

    python benchmarks/bench_live.py [VIDEO] [--seconds 600] [--model full]

Without VIDEO the bundled side-view sample clip is used. Nothing is asserted (not a test).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CLIP = REPO / "sample_videos" / "phantom_side_right_knee_limp.mp4"


def rss_mb() -> float:
    """Resident set size of this process now, MiB (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def second_stride_end_s(video: Path) -> float | None:
    """End (s) of the second complete stride of a phantom clip, from its truth file; None for a
    video without one.
    """
    from vidgait.phantom import load_truth, truth_path_for

    if not truth_path_for(video).is_file():
        return None
    events = load_truth(video).events
    ends = sorted(float(x) for s in ("left", "right") for x in events[s]["heel_strike_s"][1:])
    return round(ends[1], 3) if len(ends) > 1 else None


def run(video: Path, seconds: float, model: str | None, warmup_s: float = 30.0
        ) -> dict[str, object]:
    """Play ``video`` looped for ``seconds`` and collect the figures (see module notes)."""
    from vidgait.live import LiveConfig, LiveProcessor, run_camera

    proc = LiveProcessor(LiveConfig(model=model))
    rss = {"after_model_load": rss_mb()}
    latencies: list[float] = []
    analysis: list[float] = []
    seen_processed = 0
    last_analysis = None
    first_metrics = None
    wall0 = time.perf_counter()
    snap = proc.snapshot()
    try:
        for out in run_camera(video, loop=True, seconds=seconds, processor=proc):
            snap = out.snapshot
            if snap.frames_processed > seen_processed:
                # the processor keeps the last 300 latencies; take the new ones
                new = snap.frames_processed - seen_processed
                latencies.extend(proc.recent_latencies_ms()[-new:])
                seen_processed = snap.frames_processed
            if snap.analysis_ms == snap.analysis_ms and snap.analysis_ms != last_analysis:
                analysis.append(snap.analysis_ms)
                last_analysis = snap.analysis_ms
            if first_metrics is None and snap.metrics.available:
                first_metrics = snap.t_s
            if "after_warmup" not in rss and snap.t_s >= min(warmup_s, seconds / 2):
                rss["after_warmup"] = rss_mb()
    finally:
        proc.close()
    rss["end"] = rss_mb()
    wall = time.perf_counter() - wall0
    lat = np.asarray(latencies)
    return {
        "video": video.name, "seconds": seconds, "wall_s": round(wall, 1),
        "model": snap.model, "model_note": snap.model_note,
        "frames_in": snap.frames_in, "frames_processed": snap.frames_processed,
        "frames_dropped": snap.frames_dropped,
        "fps_in": round(snap.frames_in / wall, 2),
        "fps_processed": round(snap.frames_processed / wall, 2),
        "latency_ms": {"median": round(float(np.median(lat)), 1),
                       "p95": round(float(np.percentile(lat, 95)), 1),
                       "max": round(float(lat.max()), 1), "n": int(lat.size),
                       "rolling_median_end": round(snap.latency_ms_median, 1),
                       "rolling_p95_end": round(snap.latency_ms_p95, 1)},
        "analysis_ms": {"median": round(float(np.median(analysis)), 1) if analysis else None,
                        "p95": round(float(np.percentile(analysis, 95)), 1) if analysis else None,
                        "updates_seen": len(analysis)},
        "metrics_first_s": first_metrics,
        "second_stride_end_s": second_stride_end_s(video),
        "rss_mb": {k: round(v, 1) for k, v in rss.items()},
        "machine": {"python": platform.python_version(), "cpus": _cpus()},
    }


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


def main(argv: list[str] | None = None) -> int:
    """Command line entry (see module notes)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("video", nargs="?", type=Path, default=DEFAULT_CLIP)
    ap.add_argument("--seconds", type=float, default=600.0, help="stream time to play (s)")
    ap.add_argument("--model", default=None, help="lite/full/heavy or .task (default: lite if "
                    "installed, else full)")
    args = ap.parse_args(argv)
    if not args.video.is_file():
        print(f"no such video: {args.video}", file=sys.stderr)
        return 2
    print(json.dumps(run(args.video, args.seconds, args.model), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
