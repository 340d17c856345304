#!/usr/bin/env python
"""Foot progression on the synthetic walker: error per side and of the left-right difference, per
view, distance and pixel noise (the table in docs/accuracy.md, "Foot progression").

Each cell films ``--walkers`` random walkers (height 1.55-1.90 m, cadence 95-115 steps/min,
toe-out 0-12 deg, each leg turned -8 to +4 deg, the phone 0.9-1.4 m up) walking 4 m whose middle
is the given distance from the camera: from behind and in front on a portrait 1080p phone, at
45 deg (portrait), from the side (landscape 1080p), all with the assumed phone lens
(:mod:`vidgait.lens`) unless ``--true-fov`` gives the lens really used (landscape, deg). Errors
are estimate - truth, deg, toe out positive; the truth is the walker's angle over the frames the
footprints used. "forced" is every footprint's error, refused ones included.

    python scripts/walker_foot_progression.py [--walkers 20] [--views back,front,oblique,side]
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.helpers import walk_in_view
from vidgait.kinematics.footprog import foot_progression
from vidgait.kinematics.results import Estimate
from vidgait.lens import pinhole


def walker(i: int) -> dict:
    """Walker ``i``'s random parameters (fixed seeds)."""
    rng = np.random.default_rng(1000 + i)
    h, cad = rng.uniform(1.55, 1.90), rng.uniform(95, 115)
    return {"height_m": h, "cadence_steps_per_min": cad,
            "speed_m_s": float(rng.uniform(0.68, 0.76) * h * cad / 120),
            "foot_toe_out_deg": float(rng.uniform(0, 12)),
            "hip_rotation_offset_deg": (float(rng.uniform(-8, 4)), float(rng.uniform(-8, 4))),
            "cam_height": float(rng.uniform(0.9, 1.4))}


def one(view: str, distance: float, noise: float, i: int, true_fov: float | None) -> dict:
    """One walker: per-side errors (or the reason), the difference's error, all footprints."""
    w = walker(i)
    fov = None
    if true_fov is not None:
        fov = true_fov if view == "side" else math.degrees(
            2 * math.atan(math.tan(math.radians(true_fov / 2)) * 16 / 9))
    truth, _, seq, c, p = walk_in_view(view, distance, noise_px=noise, seed=i,
                                       vertical_fov_deg=fov, **w)
    t = c.t[p.start:p.stop]
    res = foot_progression(t, c.image[p.start:p.stop], c.fs, pinhole(*seq.frame_size),
                           noise_px=c.noise_median_px, frame_size=seq.frame_size,
                           height_m=w["height_m"], cutoff_hz=c.cutoff_hz)
    used_truth: dict[str, list[float]] = {}
    feet = []
    for k, f in enumerate(res.footprints):
        m = (truth.t >= t[f.start] - 1e-9) & (truth.t <= t[f.stop - 1] + 1e-9)
        tv = -float(np.mean(truth.angles[f.side or f.label]["foot_progression"][m]))
        if k < len(res.used) and res.used[k]:
            used_truth.setdefault(f.side, []).append(tv)
        if k < len(res.angle_deg) and np.isfinite(res.angle_deg[k]):
            feet.append((res.angle_deg[k] - tv, res.uncertainty_deg[k], bool(res.used[k])))
    sides = {}
    for s in ("left", "right"):
        e = res.sides[s]
        sides[s] = e.value - np.mean(used_truth[s]) if isinstance(e, Estimate) else e.reason
    d = res.difference()[0]
    diff = (d - (np.mean(used_truth["left"]) - np.mean(used_truth["right"]))
            if np.isfinite(d) else None)
    return {"sides": sides, "diff": diff, "feet": feet}


def _stats(a: np.ndarray) -> str:
    if not a.size:
        return "-"
    return f"{a.mean():+.1f} ± {a.std():.1f} (max {np.abs(a).max():.1f})"


def cell(view: str, distance: float, noise: float, n: int, true_fov: float | None) -> str:
    """One table row."""
    errs, diffs, reasons, feet = [], [], {}, []
    for i in range(n):
        o = one(view, distance, noise, i, true_fov)
        for v in o["sides"].values():
            if isinstance(v, str):
                reasons[v] = reasons.get(v, 0) + 1
            else:
                errs.append(v)
        if o["diff"] is not None:
            diffs.append(o["diff"])
        feet += o["feet"]
    fe = np.array([f[0] for f in feet])
    unc = np.array([f[1] for f in feet])
    refused = ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())) or "none"
    return (f"| {view} | {distance:g} m | {noise:g} px | {len(errs)} / {2 * n} ({refused}) | "
            f"{_stats(np.array(errs))} | {_stats(np.array(diffs))} | "
            f"{_stats(fe)}, median uncertainty {np.median(unc) if unc.size else math.nan:.1f} |")


def main() -> None:
    """Print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--walkers", type=int, default=20)
    ap.add_argument("--views", default="back,front,oblique,side")
    ap.add_argument("--distances", default="3,5,8")
    ap.add_argument("--noise", default="0,2")
    ap.add_argument("--true-fov", type=float, default=None)
    a = ap.parse_args()
    print("| view | distance | noise | sides measured (refused) | error per side, deg | "
          "error of L - R, deg | every footprint (forced), deg |\n|---|---|---|---|---|---|---|")
    for view in a.views.split(","):
        for d in a.distances.split(","):
            for noise in a.noise.split(","):
                print(cell(view, float(d), float(noise), a.walkers, a.true_fov), flush=True)


if __name__ == "__main__":
    main()
