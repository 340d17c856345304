#!/usr/bin/env python
"""Measure the pelvis marker on the rendered phantom: a walker wearing the printed AprilTag card
walks away from a camera behind it (about 3 m to 8 m), the clip is encoded like a phone's (sensor
noise, H.264), and :func:`vidgait.marker.detect_tag` (with the camera's true intrinsics) reads
every frame; its roll and yaw are compared with the truth file's, per distance band.

The figures go into docs/phantom.md ("Wearing the pelvis marker"). Usage::

    .venv/bin/python scripts/marker_phantom.py [--quick] [--json results.json] [--keep DIR]

``--quick`` renders only the landscape 30 fps clips.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from vidgait.marker import Intrinsics, TagObservation, detect_tag
from vidgait.marker.detect import LANDSCAPE_VFOV_DEG, PORTRAIT_VFOV_DEG
from vidgait.phantom import CardPlacement, card_track, load_truth, opencv_intrinsics, render_walker
from vidgait.synth import Camera, GaitParams, simulate

#: distance bands of the tag from the camera, m
BANDS = ((3.0, 5.0), (5.0, 6.5), (6.5, 8.0))
START_M = 3.0
#: walking 1.25 m/s for this long takes the tag from START_M to just past 8 m
DURATION_S = 4.1
CAMERA_HEIGHT_M = 1.0
GAITS = {
    "symmetric": {},
    "left Trendelenburg 6 deg": {"trendelenburg_side": "left", "pelvic_drop_deg": 6.0},
}
PLACEMENTS = {
    "well placed": CardPlacement(),
    "10 mm off, 3 deg roll": CardPlacement(offset_mm=(10.0, 0.0), roll_deg=3.0),
    "skin sliding 5 mm, 1 deg": CardPlacement(offset_mm=(10.0, 0.0), roll_deg=3.0,
                                              slide_mm=(0.0, 5.0), slide_roll_deg=1.0),
}


@dataclasses.dataclass(frozen=True)
class Case:
    """One rendered clip: picture, frame rate, walk, card and encoding."""

    size: tuple[int, int]
    fps: float
    gait: str
    placement: str = "well placed"
    crf: int = 23
    noise: float = 2.0

    @property
    def name(self) -> str:
        """A row label."""
        w, h = self.size
        return (f"{w}x{h} {self.fps:g} fps, {self.gait}, {self.placement}, crf {self.crf}, "
                f"noise {self.noise:g}")


def cases(quick: bool) -> list[Case]:
    """The clips to measure."""
    sizes = [(1920, 1080)] if quick else [(1920, 1080), (1080, 1920)]
    rates = [30.0] if quick else [30.0, 60.0]
    out = [Case(s, f, g) for s in sizes for f in rates for g in GAITS]
    trend = "left Trendelenburg 6 deg"
    out += [Case(s, 30.0, trend, p) for s in sizes for p in list(PLACEMENTS)[1:]]
    out += [Case((1920, 1080), 30.0, trend, crf=18), Case((1920, 1080), 30.0, trend, crf=0,
                                                          noise=0.0)]
    return out


def camera_for(walk, track, size: tuple[int, int]) -> Camera:
    """A level camera behind the walkway, START_M from the tag's first position."""
    w, h = size
    fov = PORTRAIT_VFOV_DEG if h > w else LANDSCAPE_VFOV_DEG
    x0 = float(track.centre[0, 0]) - START_M
    y = float(np.mean(walk.joints["pelvis"][:, 1]))
    return Camera.back((x0 + 5.0, y, 0.0), distance=5.0, cam_height=CAMERA_HEIGHT_M,
                       vertical_fov_deg=fov, width=w, height=h)


def measure(case: Case, out_dir: Path) -> dict:
    """Render one clip, read the tag in every frame and compare with the truth."""
    import av

    params = GaitParams(duration_s=DURATION_S, fps=case.fps, path="away", **GAITS[case.gait])
    walk = simulate(params)
    placement = PLACEMENTS[case.placement]
    track = card_track(walk, placement)
    cam = camera_for(walk, track, case.size)
    path = out_dir / (re.sub(r"[^a-z0-9]+", "_", case.name.lower()) + ".mp4")
    start = time.perf_counter()
    render_walker(walk, cam, path, noise=case.noise, crf=case.crf, seed=0, marker=track)
    render_s = time.perf_counter() - start
    m = load_truth(path).marker
    k = Intrinsics(**opencv_intrinsics(cam), assumed=False)
    rows = []
    start = time.perf_counter()
    with av.open(str(path)) as c:
        for i, frame in enumerate(c.decode(video=0)):
            obs = detect_tag(frame.to_ndarray(format="rgb24"), camera=k)
            found = isinstance(obs, TagObservation)
            rows.append({
                "distance": float(m["distance_m"][i]), "found": found,
                "usable": bool(m["in_image"][i] and m["facing"][i] and m["visible"][i] > 0.99),
                "reason": None if found else obs.reason,
                "roll_err": obs.roll_deg - m["roll_deg"][i] if found else np.nan,
                "yaw_err": obs.yaw_deg - m["yaw_deg"][i] if found else np.nan,
                "corner_err": float(np.abs(obs.corners_px - m["corners_cv_px"][i]).max())
                if found else np.nan,
                "dist_err": obs.distance_m / m["distance_m"][i] - 1 if found else np.nan,
                "side_px": obs.side_px if found else np.nan})
    detect_s = (time.perf_counter() - start) / len(rows)
    obliquity = walk.angles["right"]["pelvic_obliquity"]
    offset = m["roll_deg"] - obliquity
    return {"case": case.name, "rows": rows, "render_s_per_frame": render_s / len(rows),
            "detect_s_per_frame": detect_s, "file_mb": path.stat().st_size / 1e6,
            "truth_roll_minus_obliquity": [float(offset.mean()), float(np.ptp(offset))],
            "bands": summarise(rows)}


def summarise(rows: list[dict]) -> list[dict]:
    """Per distance band: frames, share read, roll and yaw errors (deg), corner error (px)."""
    out = []
    for lo, hi in BANDS:
        sel = [r for r in rows if lo <= r["distance"] < hi and r["usable"]]
        got = [r for r in sel if r["found"]]
        roll = np.array([r["roll_err"] for r in got])
        yaw = np.array([r["yaw_err"] for r in got])
        reasons: dict[str, int] = {}
        for r in sel:
            if not r["found"]:
                reasons[r["reason"]] = reasons.get(r["reason"], 0) + 1
        out.append({
            "band": f"{lo:g}-{hi:g} m", "frames": len(sel), "found": len(got),
            "rate": len(got) / len(sel) if sel else np.nan,
            "side_px": float(np.median([r["side_px"] for r in got])) if got else np.nan,
            "roll_rms": float(np.sqrt(np.mean(roll ** 2))) if got else np.nan,
            "roll_max": float(np.abs(roll).max()) if got else np.nan,
            "yaw_rms": float(np.sqrt(np.mean(yaw ** 2))) if got else np.nan,
            "yaw_max": float(np.abs(yaw).max()) if got else np.nan,
            "corner_median": float(np.median([r["corner_err"] for r in got])) if got else np.nan,
            "dist_err_max": float(np.max(np.abs([r["dist_err"] for r in got]))) if got else np.nan,
            "refused": reasons})
    return out


def table(results: list[dict]) -> str:
    """The results as a markdown table."""
    lines = ["| clip | band | tag px | read | roll RMS / max (deg) | yaw RMS / max (deg) | "
             "corner median (px) | refused |", "|---|---|---|---|---|---|---|---|"]
    for res in results:
        for b in res["bands"]:
            lines.append(
                f"| {res['case']} | {b['band']} | {b['side_px']:.0f} | {b['found']}/{b['frames']}"
                f" ({100 * b['rate']:.0f} %) | {b['roll_rms']:.2f} / {b['roll_max']:.2f} | "
                f"{b['yaw_rms']:.1f} / {b['yaw_max']:.1f} | {b['corner_median']:.2f} | "
                f"{', '.join(f'{k} {v}' for k, v in b['refused'].items()) or '-'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Render, measure and print the tables (and optionally write them as JSON)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="landscape 30 fps only")
    ap.add_argument("--json", type=Path, help="write the per-band results here")
    ap.add_argument("--keep", type=Path, help="keep the clips in this folder")
    args = ap.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = args.keep or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        for case in cases(args.quick):
            res = measure(case, out_dir)
            results.append(res)
            print(f"{case.name}: render {res['render_s_per_frame']:.2f} s/frame, detect "
                  f"{res['detect_s_per_frame']:.3f} s/frame, {res['file_mb']:.1f} MB, truth roll"
                  f" - obliquity {res['truth_roll_minus_obliquity'][0]:.3f} deg (range "
                  f"{res['truth_roll_minus_obliquity'][1]:.3f})", flush=True)
    print(table(results))
    if args.json:
        slim = [{k: v for k, v in r.items() if k != "rows"} for r in results]
        args.json.write_text(json.dumps(slim, indent=1, default=float), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
