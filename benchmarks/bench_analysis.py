"""Kinematics-core speed benchmark: prints JSON figures (not a test; nothing is asserted).

Times :func:`vidgait.kinematics.analyze` on a synthetic pose sequence from the forward-kinematics
walker, by default 60 s at 60 fps (3,600 frames, a long clinic recording). The walker is on a
treadmill (an overground walker would leave the picture within 60 s), filmed from the side with
1 px landmark noise, 1 % leg-label swaps and 2 % dropped frames, so the conditioning does real work.

Usage::

    python benchmarks/bench_analysis.py [--seconds 60] [--fps 60] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time


def main() -> None:
    """Time the kinematics core on a synthetic walk and print the result as JSON."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=60.0, help="sequence length, s (60)")
    p.add_argument("--fps", type=float, default=60.0, help="frame rate (60)")
    p.add_argument("--repeat", type=int, default=5, help="timed runs after one warm-up (5)")
    args = p.parse_args()

    from vidgait.kinematics import analyze
    from vidgait.synth import Camera, GaitParams, simulate, to_pose_sequence, walkway_centre

    truth = simulate(GaitParams(duration_s=args.seconds, fps=args.fps, path="treadmill"))
    seq = to_pose_sequence(truth, Camera.side(walkway_centre(truth), distance=5.0), noise_px=1.0,
                           swap_rate=0.01, dropout_rate=0.02, seed=0)
    result = analyze(seq, height_cm=170)  # warm-up (imports, caches)
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = analyze(seq, height_cm=170)
        times.append(time.perf_counter() - t0)
    print(json.dumps({
        "frames": len(seq), "seconds_of_video": args.seconds, "fps": args.fps,
        "analyze_s": {"median": round(statistics.median(times), 4), "min": round(min(times), 4),
                      "max": round(max(times), 4)},
        "strides_accepted": sum(p.strides for p in result.passes),
    }, indent=2))


if __name__ == "__main__":
    main()
