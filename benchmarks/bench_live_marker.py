"""Live pelvis-marker benchmark: what finding the tag costs in the live inference step, and how
often the pelvic obliquity is updated; prints JSON.

Frames: the walking phantom (:mod:`vidgait.phantom`) on a treadmill, filmed from behind at pelvis
height (``--distance`` m, 40 deg vertical field of view: the live mode's assumed lens) at
640x480, 1280x720 and 1920x1080, with the 120 mm tag composited onto its sacrum at the card's
true pose (12 cm behind and 6 cm above the hip centres, rolled by the pelvis's true obliquity),
lightly blurred, and the whole frame JPEG-compressed. The phantom does not wear the card itself:
the tag is pasted, so the figures time the detector, not how the card looks on a body.

Per resolution, ``--frames`` frames go through :meth:`LiveProcessor.process` (the inference
step in this thread; no metrics update) with the real pose model, timing in the same process
and on the same frames:

- ``pose_ms``: the pose model's ``detect`` call;
- ``tag_ms``: the marker step (:func:`vidgait.live.tag.look`: hip box, crop, grey conversion,
  detection, pose of the tag, obliquity), median and p95, and its median as a share of the
  pose model's median;
- ``no_tag_ms``: the same step on the same frames without the tag (a patient not wearing it);
- ``measured_share`` and the obliquity's error against the truth (the level set to the known
  mounting roll, 0 here).

Then the 1280x720 frames are looped as a 30 fps camera through the threaded processor for
``--seconds``: ``fps_processed`` and ``obliquity_updates_per_s`` (processed frames with the tag
measured: the obliquity is updated on every one of them).

Usage::

    python benchmarks/bench_live_marker.py [--frames 90] [--seconds 20] [--distance 3.0]

The machine may be shared: run it when quiet. Nothing is asserted (not a test).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import cv2
import numpy as np

SIZES = ((640, 480), (1280, 720), (1920, 1080))
TAG_MM = 120.0


def tag_texture(px_per_cell: int = 24) -> np.ndarray:
    """AprilTag 36h11 id 0 with a one-cell white margin, grey uint8 (paper 235, ink 20)."""
    family = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_APRILTAG_36h11)
    tag = cv2.aruco.generateImageMarker(family, 0, 8 * px_per_cell, borderBits=1)
    tex = cv2.copyMakeBorder(tag, px_per_cell, px_per_cell, px_per_cell, px_per_cell,
                             cv2.BORDER_CONSTANT, value=255)
    return np.where(tex > 127, 235, 20).astype(np.uint8)


def paste_tag(rgb: np.ndarray, k: np.ndarray, rot: np.ndarray, t_m: np.ndarray,
              tex: np.ndarray) -> None:
    """Composite the tag texture onto ``rgb`` at pose ``(rot, t_m)`` (camera frame, m), in
    place, anti-aliased by a 4x supersampled warp of its footprint.
    """
    n = tex.shape[0]
    m_per_px = TAG_MM / 1000.0 / (n * 8 / 10)  # the black square is 8 of the 10 cells
    c = (n - 1) / 2.0
    a = np.array([[m_per_px, 0, -c * m_per_px], [0, -m_per_px, c * m_per_px], [0, 0, 1]])
    h = k @ np.column_stack([rot[:, 0], rot[:, 1], t_m]) @ a
    quad = cv2.perspectiveTransform(np.array([[[0, 0]], [[n, 0]], [[n, n]], [[0, n]]], float),
                                    h).reshape(4, 2)
    x0, y0 = np.floor(quad.min(0)).astype(int) - 2
    x1, y1 = np.ceil(quad.max(0)).astype(int) + 2
    s = 4
    shift = np.array([[s, 0, (0.5 - x0) * s - 0.5], [0, s, (0.5 - y0) * s - 0.5], [0, 0, 1]])
    size = ((x1 - x0) * s, (y1 - y0) * s)
    card = cv2.warpPerspective(tex.astype(np.float32), shift @ h, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones_like(tex, np.float32), shift @ h, size)
    card = cv2.resize(card, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)
    mask = cv2.resize(mask, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)[..., None]
    roi = rgb[y0:y1, x0:x1].astype(np.float32)
    out = roi * (1 - mask) + card[..., None] * mask
    rgb[y0:y1, x0:x1] = np.clip(cv2.GaussianBlur(out, (0, 0), 0.7), 0, 255).astype(np.uint8)


def frames_for(size: tuple[int, int], n: int, distance: float
               ) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray, float]:
    """Phantom frames from behind with and without the tag, the true obliquity (deg) and the
    tag's width in px at the first frame.
    """
    from vidgait.phantom import render_frames
    from vidgait.synth import Camera, GaitParams, simulate

    walk = simulate(GaitParams(duration_s=n / 30.0 + 0.1, path="treadmill",
                               trendelenburg_side="left", pelvic_drop_deg=6.0))
    pel = walk.joints["pelvis"]
    cam = Camera.back(pel[0], distance=distance, width=size[0], height=size[1],
                      vertical_fov_deg=40.0)
    card = cam.to_camera(pel + np.einsum("tij,j->ti", walk.segments["pelvis"],
                                         [-0.12, 0.0, 0.06]))
    k = np.array([[cam.fx, 0, cam.cx - 0.5], [0, cam.fy, cam.cy - 0.5], [0, 0, 1]])
    truth = walk.angles["right"]["pelvic_obliquity"][:n]
    tex = tag_texture()
    plain, tagged = [], []
    for i, rgb in enumerate(render_frames(walk.landmarks[:n], cam)):
        plain.append(_jpeg(rgb))
        r = np.radians(truth[i])
        rot = np.array([[np.cos(r), np.sin(r), 0], [-np.sin(r), np.cos(r), 0], [0, 0, 1]]) @ \
            np.diag([1.0, -1.0, -1.0])  # facing the camera, rolled (right end up for +)
        with_tag = rgb.copy()
        paste_tag(with_tag, k, rot, card[i], tex)
        tagged.append(_jpeg(with_tag))
    return tagged, plain, truth, float(cam.fx * TAG_MM / 1000.0 / card[0, 2])


def _jpeg(rgb: np.ndarray, quality: int = 85) -> np.ndarray:
    _, buf = cv2.imencode(".jpg", rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    return np.ascontiguousarray(cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1])


class _Timed:
    """Wraps a callable and keeps each call's wall time (ms) and result."""

    def __init__(self, fn) -> None:
        self.fn, self.ms, self.out = fn, [], []

    def __call__(self, *args, **kwargs):
        t = time.perf_counter()
        out = self.fn(*args, **kwargs)
        self.ms.append(1000.0 * (time.perf_counter() - t))
        self.out.append(out)
        return out


def _stats(ms: list[float]) -> dict[str, float]:
    a = np.asarray(ms[3:] if len(ms) > 10 else ms)  # the first calls warm caches up
    return {"median": round(float(np.median(a)), 2), "p95": round(float(np.percentile(a, 95)), 2)}


def step_costs(frames: list[np.ndarray], truth: np.ndarray | None, model: str | None
               ) -> dict[str, object]:
    """The inference step on ``frames`` (30 fps timestamps): pose and marker times."""
    from vidgait.live import LiveConfig, LiveProcessor, processor
    from vidgait.live import tag as live_tag

    proc = LiveProcessor(LiveConfig(model=model, update_every_s=1e9), threaded=False)
    pose = _Timed(proc._pose.detect)
    proc._pose.detect = pose
    look = _Timed(live_tag.look)
    processor.look = look  # the processor's own reference to the marker step
    try:
        proc._tag._level = 0.0  # the pasted tag has no mounting roll: level is 0
        for i, rgb in enumerate(frames):
            proc.process(rgb, 1000.0 * i / 30.0)
    finally:
        processor.look = live_tag.look
        proc.close()
    readings = [r for _, r in look.out]
    ok = np.array([r.measured for r in readings])
    out: dict[str, object] = {"pose_ms": _stats(pose.ms), "tag_ms": _stats(look.ms),
                              "measured_share": round(float(ok.mean()), 3)}
    out["tag_share_of_pose"] = round(out["tag_ms"]["median"] / out["pose_ms"]["median"], 3)
    if truth is not None and ok.any():
        err = np.array([r.obliquity_deg for r in readings])[ok] - truth[ok]
        out["obliquity_error_deg"] = {"mean": round(float(err.mean()), 3),
                                      "sd": round(float(err.std()), 3),
                                      "max_abs": round(float(np.abs(err).max()), 3)}
    return out


def realtime(frames: list[np.ndarray], seconds: float, model: str | None) -> dict[str, object]:
    """The frames looped as a 30 fps camera through the threaded processor."""
    from vidgait.live import LiveConfig, LiveProcessor, processor
    from vidgait.live import tag as live_tag

    look = _Timed(live_tag.look)
    processor.look = look
    proc = LiveProcessor(LiveConfig(model=model))
    try:
        wall0 = time.perf_counter()
        n = int(seconds * 30)
        for i in range(n):
            wait = wall0 + i / 30.0 - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            proc.submit(frames[i % len(frames)], 1000.0 * i / 30.0)
        time.sleep(0.5)
        snap = proc.snapshot()
        wall = time.perf_counter() - wall0
    finally:
        proc.close()
        processor.look = live_tag.look
    measured = sum(r.measured for _, r in look.out)
    return {"seconds": seconds, "frames_in": snap.frames_in,
            "frames_processed": snap.frames_processed,
            "fps_processed": round(snap.frames_processed / wall, 2),
            "obliquity_updates_per_s": round(measured / wall, 2),
            "latency_ms": {"median": round(snap.latency_ms_median, 1),
                           "p95": round(snap.latency_ms_p95, 1)},
            "analysis_ms": round(snap.analysis_ms, 1), "model": snap.model}


def main(argv: list[str] | None = None) -> int:
    """Command line entry (see module notes)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=90, help="frames per resolution (90)")
    ap.add_argument("--seconds", type=float, default=20.0, help="real-time run, s (20)")
    ap.add_argument("--distance", type=float, default=3.0, help="camera to walker, m (3.0)")
    ap.add_argument("--model", default=None, help="pose model (default: lite, else full)")
    args = ap.parse_args(argv)
    out: dict[str, object] = {"distance_m": args.distance, "frames": args.frames,
                              "machine": {"python": platform.python_version(),
                                          "cpus": len(os.sched_getaffinity(0)),
                                          "opencv": cv2.__version__}}
    keep = None
    for size in SIZES:
        tagged, plain, truth, width = frames_for(size, args.frames, args.distance)
        row = step_costs(tagged, truth, args.model)
        row["tag_width_px"] = round(width, 1)
        row["no_tag_ms"] = step_costs(plain, None, args.model)["tag_ms"]
        out[f"{size[0]}x{size[1]}"] = row
        if size == (1280, 720):
            keep = tagged
        print(json.dumps({f"{size[0]}x{size[1]}": row}), flush=True)
    if args.seconds > 0 and keep is not None:
        out["realtime_1280x720"] = realtime(keep, args.seconds, args.model)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
