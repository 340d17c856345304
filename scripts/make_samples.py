#!/usr/bin/env python
"""Render the shipped phantom sample videos into ``sample_videos/`` (with truth files and README).

Every sample is a rendering of vidgait's synthetic walker (:mod:`vidgait.synth.walker`) by the
phantom renderer (:mod:`vidgait.phantom`): no real person is filmed, so the clips can be shipped.

Usage::

    .venv/bin/python scripts/make_samples.py [--out sample_videos] [--validate] [--only NAME ...]

``--validate`` also runs MediaPipe on each clip and writes the measured detection rate and landmark
errors into the README.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from vidgait.phantom import CardPlacement, render_walker
from vidgait.phantom.setup import RecordingSetup
from vidgait.synth import Camera, GaitParams, WalkerTruth, simulate, stand_then_walk

ROOT = Path(__file__).resolve().parents[1]
DURATION_S = 5.5  # front clip
SIDE_DURATION_S = 6.8  # side clips: the longest walk a 7.5 m camera sees whole
SIDE_DISTANCE_M = 7.5  # the walker fills 31 % of the picture height (live advice: >= 30 %)
FPS = 30.0
CRF = 23


@dataclasses.dataclass(frozen=True)
class Sample:
    """One shipped sample: file name, description, walk parameters and camera recipe."""

    name: str
    title: str
    params: GaitParams
    view: str  # "side", "front" or "back"
    size: tuple[int, int]  # (width, height)
    distance_m: float | None = None  # None: the view's default (vidgait.phantom.setup)
    stand_s: float = 0.0  # seconds standing still before the walk
    marker: bool = False  # the pelvis marker worn on the sacrum
    camera_height_m: float = 1.0
    vertical_fov_deg: float | None = None  # None: the view's default


SAMPLES: tuple[Sample, ...] = (
    Sample("phantom_side_right_knee_limp",
           "Side view (camera on the walker's left), antalgic limp with a stiff RIGHT knee",
           GaitParams(duration_s=SIDE_DURATION_S, fps=FPS, path="across", painful_side="right",
                      limp_severity=0.8, stiff_knee_factor=0.5),
           "side", (1920, 1080), SIDE_DISTANCE_M),
    Sample("phantom_front_left_trendelenburg",
           "Front view (walker approaches a portrait phone), LEFT Trendelenburg: the right "
           "pelvis drops during left single stance",
           GaitParams(duration_s=DURATION_S, fps=FPS, path="toward", trendelenburg_side="left",
                      pelvic_drop_deg=8.0, trunk_lean_deg=4.0),
           "front", (720, 1280)),
    Sample("phantom_side_symmetric",
           "Side view (camera on the walker's left), symmetric normal walk",
           GaitParams(duration_s=SIDE_DURATION_S, fps=FPS, path="across"),
           "side", (1920, 1080), SIDE_DISTANCE_M),
    Sample("phantom_rear_marker_left_trendelenburg",
           "Rear view of a treadmill walk with the pelvis marker on the sacrum (camera at pelvis "
           "height, 4 m behind, 2 s standing still first), LEFT Trendelenburg: the right pelvis "
           "drops during left single stance",
           GaitParams(duration_s=8.5, fps=FPS, path="treadmill", trendelenburg_side="left",
                      pelvic_drop_deg=6.0),
           "back", (1920, 1080), 4.0, stand_s=2.0, marker=True, camera_height_m=0.95,
           vertical_fov_deg=45.0),
)


def walk_for(sample: Sample) -> WalkerTruth:
    """The sample's walk, standing still first when it asks for it."""
    walk = simulate(sample.params)
    return stand_then_walk(walk, sample.stand_s) if sample.stand_s else walk


def camera_for(sample: Sample) -> Camera:
    """The walker's camera for a sample, aimed at the middle of its walkway."""
    w, h = sample.size
    return RecordingSetup(view=sample.view, distance_m=sample.distance_m, width=w, height=h,
                          camera_height_m=sample.camera_height_m,
                          vertical_fov_deg=sample.vertical_fov_deg).camera(walk_for(sample))


def _changed_params(params: GaitParams) -> dict:
    """Parameters that differ from the defaults (long key-point tables left out)."""
    default = GaitParams()
    out = {}
    for f in dataclasses.fields(params):
        v = getattr(params, f.name)
        if v != getattr(default, f.name) and not f.name.endswith("_keys"):
            out[f.name] = v
    return out


def _readme(rows: list[dict], validated: bool) -> str:
    lines = [
        "# Sample videos: the vidgait walking phantom",
        "",
        "These clips are **renderings made by vidgait** (`scripts/make_samples.py`): a synthetic",
        "walker (`vidgait.synth.walker`) dressed as a mannequin and filmed by a virtual pinhole",
        "camera (`vidgait.phantom`). **No real person appears in them**, so they can be shipped",
        "and shared freely with the project. Every joint angle, pelvic motion and gait event is",
        "known exactly: each `<name>.mp4` has a `<name>.truth.json` beside it (3D landmarks, their",
        "pixel projections, true angles, gait events, summary metrics, camera and parameters;",
        "load it with `vidgait.phantom.load_truth`). See `docs/phantom.md`.",
        "",
        f"All clips: H.264 (libx264, yuv420p, CRF {CRF}), {FPS:g} fps, side clips "
        f"{SIDE_DURATION_S:g} s, the front clip {DURATION_S:g} s, "
        "walker 1.70 m tall,",
        "cadence 105 steps/min, 1.25 m/s unless listed below.",
        "",
    ]
    for r in rows:
        lines += [f"## `{r['name']}.mp4`", "", r["title"] + ".", "",
                  f"- size {r['width']}x{r['height']}, {r['n_frames']} frames, "
                  f"{r['mb']:.2f} MB (truth file {r['truth_mb']:.2f} MB)",
                  f"- camera: {r['camera']}",
                  f"- parameters changed from the defaults: `{r['params']}`",
                  f"- true summary: {r['summary']}"]
        if validated:
            lines.append(f"- MediaPipe (pose_landmarker_full): {r['validation']}")
        lines.append("")
    return "\n".join(lines)


def _summary_text(summary: dict) -> str:
    parts = [f"speed {summary['speed_m_s']:.2f} m/s",
             f"stride {summary['stride_length_m']:.2f} m"]
    for side in ("left", "right"):
        s = summary[side]
        parts.append(f"{side}: stance {s['stance_pct']:.1f} %, knee peak swing flexion "
                     f"{s['knee_peak_swing_flexion_deg']:.1f} deg, pelvic drop "
                     f"{s['pelvic_drop_deg']:.1f} deg")
    return "; ".join(parts)


def _validation_text(video: Path) -> str:
    from vidgait.phantom.validate import validate_clip

    rep = validate_clip(video)
    groups = ", ".join(f"{k} {v:.1f}" for k, v in rep.median_pct.items())
    return (f"found in {100 * rep.detection_rate:.0f} % of frames ("
            f"{100 * rep.in_view_detection_rate:.0f} % of the {rep.n_in_view} frames with the "
            f"whole body in view); median landmark error in % of "
            f"body height: {groups}; left/right swapped in {100 * rep.side_swap_rate:.0f} % of "
            "frames")


def _rounded(xyz) -> tuple[float, ...]:
    return tuple(round(float(x), 2) for x in xyz)


def make(sample: Sample, out_dir: Path, validate: bool) -> dict:
    """Render one sample and return its README row."""
    camera = camera_for(sample)
    start = time.perf_counter()
    clip = render_walker(walk_for(sample), camera, out_dir / f"{sample.name}.mp4", crf=CRF,
                         seed=0, marker=CardPlacement() if sample.marker else None)
    took = time.perf_counter() - start
    print(f"{sample.name}: {clip.n_frames} frames in {took:.1f} s "
          f"({clip.seconds_per_frame:.3f} s/frame), {clip.video_path.stat().st_size / 1e6:.2f} MB",
          flush=True)
    row = {"name": sample.name, "title": sample.title, "width": clip.width,
           "height": clip.height, "n_frames": clip.n_frames,
           "mb": clip.video_path.stat().st_size / 1e6,
           "truth_mb": clip.truth_path.stat().st_size / 1e6,
           "camera": (f"{sample.view}, position {_rounded(camera.position)} m looking at "
                      f"{_rounded(camera.look_at)} m, "
                      f"focal {camera.focal_px:.0f} px"),
           "params": _changed_params(sample.params) | (
               {"standing still first, s": sample.stand_s} if sample.stand_s else {}) | (
               {"pelvis marker": "AprilTag 36h11 id 0, 120 mm, on the sacrum"}
               if sample.marker else {}),
           "summary": _summary_text(clip.truth.summary)}
    if validate:
        row["validation"] = _validation_text(clip.video_path)
        print(f"  {row['validation']}", flush=True)
    return row


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "sample_videos")
    ap.add_argument("--validate", action="store_true", help="run MediaPipe on each clip")
    ap.add_argument("--only", nargs="*", help="render only these sample names")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    chosen = [s for s in SAMPLES if not args.only or s.name in args.only]
    rows = [make(s, args.out, args.validate) for s in chosen]
    readme = args.out / "README.md"
    if not args.only or not readme.is_file():
        readme.write_text(_readme(rows, args.validate), encoding="utf-8")
    else:  # replace (or add) only the rendered samples' sections
        text = readme.read_text(encoding="utf-8")
        for row in rows:
            section = _readme([row], args.validate).split("\n## ", 1)[1]
            head = f"## `{row['name']}.mp4`"
            if head in text:
                a = text.index(head)
                b = text.find("\n## ", a + 1)
                text = text[:a] + "## " + section.rstrip("\n") + "\n" + (
                    text[b:] if b >= 0 else "")
            else:
                text = text.rstrip("\n") + "\n\n## " + section
        readme.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
