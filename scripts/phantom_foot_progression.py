#!/usr/bin/env python
"""Foot progression on the rendered phantom through the real pose stage (docs/accuracy.md).

Renders the walking phantom walking away from (``back``) and toward (``front``) a portrait 1080p
phone at about 5 m, runs vidgait's pose stage (MediaPipe; set ``VIDGAIT_MODEL_DIR``) and the
foot progression core (:func:`vidgait.kinematics.footprog.foot_progression`) on each walking
pass, and prints, per clip and side, the estimate against the walker's true angle (toe out
positive, mean over the same mid-stance frames), each footprint's error and uncertainty, and the
error of the left-right difference. With ``--heights`` it also reads where MediaPipe puts the heel
and toe above the floor in the shipped side-view samples (the assumption behind
:data:`vidgait.kinematics.footprog.LANDMARK_HEIGHT_SD_M`).

A measurement script, not a test: rendering and the pose stage take ~1 min per clip on 2 cores.

    VIDGAIT_MODEL_DIR=models python scripts/phantom_foot_progression.py --out /tmp/fp [--heights]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from vidgait.kinematics.footprog import foot_progression
from vidgait.kinematics.results import Estimate
from vidgait.kinematics.signal import condition
from vidgait.kinematics.view import find_passes
from vidgait.landmarks import INDEX
from vidgait.lens import PORTRAIT_VFOV_DEG, pinhole
from vidgait.phantom import load_truth
from vidgait.phantom.clip import render_walker
from vidgait.pose import estimate_poses
from vidgait.sequence import PoseSequence
from vidgait.synth import Camera, GaitParams, simulate

REPO = Path(__file__).resolve().parents[1]
#: the walkers: name -> GaitParams changes (toe out 7 deg both sides; the left leg turned out 8 deg)
WALKERS = {"symmetric": {}, "left_out": {"hip_rotation_offset_deg": (-8.0, 0.0)}}


def render(view: str, walker: str, distance: float, out: Path, duration: float) -> Path:
    """Render one clip (mp4 + truth) and return its path."""
    path = out / f"fp_{view}_{walker}_{distance:g}m.mp4"
    if path.exists():
        return path
    params = GaitParams(duration_s=duration, path="away" if view == "back" else "toward",
                        **WALKERS[walker])
    walk = simulate(params)
    pel = walk.joints["pelvis"]
    mid = np.array([0.5 * (pel[:, 0].min() + pel[:, 0].max()), pel[:, 1].mean(), 0.0])
    make = Camera.back if view == "back" else Camera.front
    cam = make(mid, distance=distance, cam_height=1.0, vertical_fov_deg=PORTRAIT_VFOV_DEG,
               width=1080, height=1920)
    render_walker(walk, cam, path, seed=0)
    return path


def poses(path: Path, cache_dir: Path | None = None) -> PoseSequence:
    """The pose stage's output for a clip, kept beside it (``<stem>.poses.npz``) or in
    ``cache_dir``.
    """
    cache = (cache_dir or path.parent) / f"{path.stem}.poses.npz"
    if cache.exists():
        return PoseSequence.load(cache)
    seq = estimate_poses(path)
    seq.save(cache)
    return seq


def measure(path: Path, whole: bool = False, cache_dir: Path | None = None) -> list[str]:
    """Table rows of one clip: per side, estimate, truth, error; footprints; L - R. The longest
    walking pass, or with ``whole`` the longest usable segment whatever its view is called.
    """
    truth = load_truth(path)
    seq = poses(path, cache_dir)
    c = condition(seq)
    passes, _ = find_passes(c)
    if whole:
        a, b = max(c.segments, key=lambda ab: ab[1] - ab[0])
        sl, view = slice(a, b), "whole clip"
    elif passes:
        p = max(passes, key=lambda q: q.stop - q.start)
        sl, view = slice(p.start, p.stop), f"{p.view} pass {(p.stop - p.start) / c.fs:.1f} s"
    else:
        return [f"| {path.stem} | no walking pass | | | |"]
    t = c.t[sl]
    res = foot_progression(t, c.image[sl], c.fs, pinhole(*seq.frame_size),
                           noise_px=c.noise_median_px, frame_size=seq.frame_size,
                           height_m=truth.height_m, cutoff_hz=c.cutoff_hz)
    if not np.isfinite(res.angle_deg).any():
        return [f"| {path.stem} ({view}) | {s} | not measurable ({res.sides[s].reason}, "
                f"{len(res.footprints)} footprints) | | |" for s in ("left", "right")]
    true_fpa = {s: -np.asarray(truth.angles[s]["foot_progression"], float)
                for s in ("left", "right")}
    side_truth, rows, feet = {}, [], []
    for f, a, u, used in zip(res.footprints, res.angle_deg, res.uncertainty_deg, res.used,
                             strict=True):
        m = (truth.t >= t[f.start] - 1e-6) & (truth.t <= t[f.stop - 1] + 1e-6)
        tv = float(np.mean(true_fpa[f.side][m]))
        feet.append(f"{f.side[0]}{'' if f.side == f.label else '*'} {a - tv:+.1f}+-{u:.1f}"
                    f"{'' if used else ' (refused)'}")
        if used:
            side_truth.setdefault(f.side, []).append(tv)
    for s in ("left", "right"):
        e = res.sides[s]
        tv = float(np.mean(side_truth[s])) if s in side_truth else float("nan")
        if isinstance(e, Estimate):
            rows.append(f"| {path.stem} ({view}) | {s} | {e.value:.1f} (n {e.n}) | {tv:.1f} | "
                        f"{e.value - tv:+.1f} |")
        else:
            rows.append(f"| {path.stem} | {s} | not measurable ({e.reason}) | | |")
    d, ci = res.difference()
    if np.isfinite(d):
        td = np.mean(side_truth["left"]) - np.mean(side_truth["right"])
        rows.append(f"| {path.stem} | L - R | {d:.1f} ({ci[0]:.1f} to {ci[1]:.1f}) | {td:.1f} | "
                    f"{d - td:+.1f} |")
    fl = res.floor
    if fl is not None:
        rows.append(f"|  | floor | pitch {fl.pitch_deg:.1f}, roll {fl.roll_deg:.1f} deg (true "
                    f"{-np.degrees(np.arcsin(truth.view.forward[2])):.1f}, 0) | | |")
    rows.append(f"|  | footprints (error +- uncertainty, deg; * side from the floor, not the "
                f"label) | {'; '.join(feet)} | | |")
    return rows


def landmark_heights() -> list[str]:
    """Where MediaPipe puts the heel and toe above the floor in the shipped side samples: in
    frames where the truth's heel and toe are both on the floor (< 5 mm), the vertical image
    offset from the truth, scaled to metres at the foot's depth.
    """
    rows = []
    for name in ("phantom_side_symmetric", "phantom_side_right_knee_limp"):
        clip = REPO / "sample_videos" / f"{name}.mp4"
        truth = load_truth(clip)
        seq = estimate_poses(clip)  # the shipped samples are not written to
        n = min(len(seq), truth.n_frames)
        f = truth.view.fy
        for s in ("left", "right"):
            hz = {k: truth.landmarks_3d[:n, INDEX[f"{s}_{k}"], 2] for k in ("heel", "foot_index")}
            flat = (hz["heel"] < 0.005) & (hz["foot_index"] < 0.005) & seq.found[:n]
            up = {}
            for k in ("heel", "foot_index"):
                j = INDEX[f"{s}_{k}"]
                dv = truth.landmarks_2d[:n, j, 1] - seq.image[:n, j, 1]  # + = MediaPipe higher
                up[k] = (dv * truth.depth[:n, j] / f)[flat]
            diff = up["foot_index"] - up["heel"]
            rows.append(f"| {name} | {s} | {flat.sum()} | {100 * np.median(up['heel']):.1f} | "
                        f"{100 * np.median(up['foot_index']):.1f} | "
                        f"{100 * np.median(diff):.1f} ({100 * np.std(diff):.1f}) |")
    return rows


def main() -> None:
    """Render, measure and print the tables."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("phantom_fp"))
    ap.add_argument("--distances", default="5")
    ap.add_argument("--duration", type=float, default=4.5)
    ap.add_argument("--views", default="back,front")
    ap.add_argument("--heights", action="store_true")
    ap.add_argument("--sample", default="", help="also a shipped sample clip, e.g. "
                    "phantom_front_left_trendelenburg (its poses are kept in --out)")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    print("| clip | side | estimate, deg (toe out +) | truth | error |\n|---|---|---|---|---|")
    for view in a.views.split(","):
        for distance in (float(d) for d in a.distances.split(",")):
            for walker in WALKERS:
                clip = render(view, walker, distance, a.out, a.duration)
                for whole in (False, True):
                    for row in measure(clip, whole):
                        print(row, flush=True)
    if a.sample:
        for row in measure(REPO / "sample_videos" / f"{a.sample}.mp4", cache_dir=a.out):
            print(row, flush=True)
    if a.heights:
        print("\n| sample | side | flat frames | heel above floor, cm (median) | toe above floor, "
              "cm | toe - heel, cm (SD) |\n|---|---|---|---|---|---|")
        for row in landmark_heights():
            print(row, flush=True)


if __name__ == "__main__":
    main()
