"""Draw the tracked skeleton on video frames and write them as a browser-playable H.264 mp4.

Colours follow the PATIENT's sides: left limbs blue, right limbs orange, midline white, so a mirrored
preview or a walker facing either way never confuses them.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from vidgait.landmarks import CONNECTIONS, side_of
from vidgait.sequence import PoseSequence
from vidgait.video import H264Writer, iter_frames, probe

#: RGB colours per side
COLOURS = {"left": (40, 120, 255), "right": (255, 140, 0), "centre": (235, 235, 235)}
_EDGE_SIDE = [side_of(a) if side_of(a) == side_of(b) else "centre" for a, b in CONNECTIONS]


def draw_skeleton(rgb: np.ndarray, image: np.ndarray, visibility: np.ndarray | None = None, *,
                  min_visibility: float = 0.3, thickness: int | None = None) -> np.ndarray:
    """Draw one person's landmarks (33, 2+ pixels) on ``rgb`` in place and return it.

    Landmarks that are NaN or below ``min_visibility`` are not drawn.
    """
    h, w = rgb.shape[:2]
    th = thickness or max(2, round(min(h, w) / 240))
    ok = np.isfinite(image[:, :2]).all(axis=1)
    if visibility is not None:
        ok &= visibility >= min_visibility
    pts = np.nan_to_num(image[:, :2]).round().astype(np.int32)
    for (a, b), side in zip(CONNECTIONS, _EDGE_SIDE, strict=True):
        if ok[a] and ok[b]:
            cv2.line(rgb, tuple(pts[a]), tuple(pts[b]), COLOURS[side], th, cv2.LINE_AA)
    for i in np.flatnonzero(ok):
        cv2.circle(rgb, tuple(pts[i]), th + 1, COLOURS[side_of(int(i))], -1, cv2.LINE_AA)
    return rgb


def write_overlay(video: str | os.PathLike[str], seq: PoseSequence,
                  out: str | os.PathLike[str], *, crf: int = 23) -> Path:
    """Write ``video`` with ``seq``'s skeleton drawn on every frame where the person was found."""
    info = probe(video)
    rows = {int(fi): k for k, fi in enumerate(seq.frame_index)}
    with H264Writer(out, info.width, info.height, info.fps, crf=crf) as writer:
        for frame in iter_frames(info):
            k = rows.get(frame.index)
            rgb = frame.rgb
            if k is not None and seq.found[k]:
                rgb = draw_skeleton(rgb.copy() if not rgb.flags.writeable else rgb,
                                    seq.image[k], seq.visibility[k])
            writer.write(rgb, frame.timestamp_ms)
    return Path(out)
