"""Pose-stage speed benchmark: prints JSON figures for one video (not a test; nothing is asserted).

Measured in the same run, each in its own subprocess so peak memory is per measurement:

- ``decode``: PyAV decode to upright RGB only (vidgait's ingest), frames per second;
- ``naive``: a plain sequential loop, OpenCV decode -> BGR->RGB -> PoseLandmarker.detect_for_video,
  with the same model and ``num_poses`` as vidgait;
- ``vidgait``: :func:`vidgait.pose.estimate_poses` (threaded decode overlapped with inference,
  tracking and walker selection included), with the crops looked at where the full-frame detector
  missed people (``crop_looks``; 0 when everyone is always found) and the frames found in them;
- ``vidgait_no_crops``: the same with the crop fallback off (``PoseOptions(crops=False)``).

Usage::

    python benchmarks/bench_pose.py [VIDEO] [--model full] [--num-poses 2] [--repeat 1]

Without VIDEO the first bundled sample clip is used.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _default_video() -> Path:
    clips = sorted((REPO / "sample_videos").glob("*.mp4"))
    if not clips:
        sys.exit("no VIDEO given and no sample clip in sample_videos/")
    return clips[0]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: kB


def run_decode(video: str, **_: object) -> dict[str, float]:
    """Decode ``video`` with vidgait's reader only: frames and seconds."""
    from vidgait.video import iter_frames

    t0 = time.perf_counter()
    n = sum(1 for _ in iter_frames(video))
    return {"frames": n, "seconds": time.perf_counter() - t0}


def run_naive(video: str, model: str, num_poses: int) -> dict[str, float]:
    """Run MediaPipe in a plain OpenCV loop over ``video``: frames and seconds."""
    import cv2
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from vidgait.models import resolve_model

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(resolve_model(model))),
        running_mode=vision.RunningMode.VIDEO, num_poses=num_poses)
    cap = cv2.VideoCapture(video)
    n = 0
    t0 = time.perf_counter()
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
            landmarker.detect_for_video(image, int(cap.get(cv2.CAP_PROP_POS_MSEC)) + n)
            n += 1
    cap.release()
    return {"frames": n, "seconds": time.perf_counter() - t0}


def run_vidgait(video: str, model: str, num_poses: int, crops: bool = True) -> dict[str, float]:
    """Run vidgait's pose stage over ``video``: frames, seconds and what the crops found."""
    import mediapipe  # noqa: F401  imported before timing, as in the naive loop

    from vidgait.models import resolve_model
    from vidgait.pose import (
        PoseOptions,
        estimate_poses,
        mediapipe_backend,  # noqa: F401
    )

    resolve_model(model)  # provisioning is not part of the timing
    t0 = time.perf_counter()
    seq = estimate_poses(video, options=PoseOptions(model=model, num_poses=num_poses,
                                                    crops=crops))
    return {"frames": len(seq), "seconds": time.perf_counter() - t0,
            "detected_fraction": seq.detected_fraction, "crop_looks": seq.meta["crop_looks"],
            "frames_found_in_crops": seq.meta["frames_found_in_crops"]}


def run_vidgait_no_crops(video: str, model: str, num_poses: int) -> dict[str, float]:
    """:func:`run_vidgait` with the crop fallback off."""
    return run_vidgait(video, model, num_poses, crops=False)


RUNNERS = {"decode": run_decode, "naive": run_naive, "vidgait": run_vidgait,
           "vidgait_no_crops": run_vidgait_no_crops}


def _child(args: argparse.Namespace) -> None:
    out = RUNNERS[args.child](str(args.video), model=args.model, num_poses=args.num_poses)
    out["peak_rss_mb"] = _peak_mb()
    print(json.dumps(out))


def _measure(name: str, args: argparse.Namespace) -> dict[str, float]:
    cmd = [sys.executable, __file__, str(args.video), "--model", args.model,
           "--num-poses", str(args.num_poses), "--child", name]
    best: dict[str, float] | None = None
    for _ in range(args.repeat):
        r = subprocess.run(cmd, capture_output=True, text=True, check=True)
        res = json.loads(r.stdout.strip().splitlines()[-1])
        res["fps"] = res["frames"] / res["seconds"]
        if best is None or res["fps"] > best["fps"]:
            best = res
    assert best is not None
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in best.items()}


def main() -> None:
    """Measure each runner in a child process and print the table as JSON."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("video", nargs="?", type=Path, help="video file (default: first sample clip)")
    p.add_argument("--model", default="full", help="lite, full or heavy (default full)")
    p.add_argument("--num-poses", type=int, default=2, help="people per frame (default 2)")
    p.add_argument("--repeat", type=int, default=1, help="runs per measurement; best is kept")
    p.add_argument("--child", choices=sorted(RUNNERS), help=argparse.SUPPRESS)
    args = p.parse_args()
    args.video = args.video or _default_video()
    if args.child:
        _child(args)
        return
    from vidgait.video import probe

    info = probe(args.video)
    report = {
        "video": args.video.name, "width": info.width, "height": info.height, "fps": info.fps,
        "frames": info.frame_count, "model": args.model, "num_poses": args.num_poses,
        "machine": {"python": platform.python_version(), "cpus": _cpus()},
        "results": {name: _measure(name, args) for name in RUNNERS},
    }
    r = report["results"]
    report["speedup_vs_naive"] = round(r["vidgait"]["fps"] / r["naive"]["fps"], 3)
    print(json.dumps(report, indent=2))


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
