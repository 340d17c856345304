"""The annotated video: skeleton, live knee-flexion labels beside each knee, optional face blur.

Without labels or blur it is the plain skeleton video of ``vidgait overlay``; with them, the
dashboard's annotated video. Landmarks and boxes are in pixels of the upright frame.

Knee flexion per frame is the kinematics core's own series (``timeseries["<side>_knee_flexion"]``
on ``timeseries["t"]``, degrees, :attr:`vidgait.kinematics.GaitAnalysis.clip_timeseries`): the same
definition as the report's curves and knee peaks, never a separate image angle. Labels are drawn
only inside side-view walking passes (elsewhere the core does not measure knee flexion).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from vidgait.landmarks import INDEX
from vidgait.render.skeleton import COLOURS, draw_skeleton
from vidgait.sequence import PoseSequence
from vidgait.video import H264Writer, iter_frames, probe

#: face landmarks (nose, eyes, ears, mouth): MediaPipe indices 0..10
FACE = np.arange(11)
SIDES = ("left", "right")


def side_view_mask(t: np.ndarray, passes: list[dict[str, Any]]) -> np.ndarray:
    """True for times inside a side-view walking pass of ``report["passes"]``.

    Parameters
    ----------
    t : (N,) float
        Times, s.
    passes : list of dict
        ``report["passes"]``: each with ``view``, ``start_s`` and ``stop_s`` (s).
    """
    mask = np.zeros(t.shape, bool)
    for p in passes:
        if p.get("view") == "side":
            mask |= (t >= p["start_s"]) & (t <= p["stop_s"])
    return mask


def knee_labels(seq: PoseSequence, passes: list[dict[str, Any]],
                timeseries: dict[str, Any]) -> dict[str, np.ndarray]:
    """Knee flexion to print per frame and side (NaN: print nothing).

    Parameters
    ----------
    seq : PoseSequence
        The clip's poses (frame times, s; who was found).
    passes : list of dict
        The clip's walking passes as in ``report["passes"]`` (``view``, ``start_s``, ``stop_s``).
    timeseries : dict
        The core's per-frame series of the clip: ``"t"`` (s) and ``"<side>_knee_flexion"``
        (degrees).

    Returns
    -------
    dict side -> (T,) float
        Degrees at the clip's frames, NaN outside side-view passes and where nobody was found.
    """
    t = np.asarray(seq.t, float)
    ts_t = np.asarray(timeseries["t"], float)
    vals = {s: np.interp(t, ts_t, np.asarray(timeseries[f"{s}_knee_flexion"], float),
                         left=np.nan, right=np.nan) for s in SIDES}
    mask = side_view_mask(t - t[0] if t.size else t, passes) & np.asarray(seq.found, bool)
    return {s: np.where(mask, v, np.nan) for s, v in vals.items()}


def blur_face(rgb: np.ndarray, image: np.ndarray, visibility: np.ndarray | None = None) -> None:
    """Blur, in place, a box around the face landmarks (the box grows by 60 % of its size).

    Parameters
    ----------
    rgb : (H, W, 3) uint8
        The picture, blurred in place.
    image : (33, 2+) float
        Image landmarks, px.
    visibility : (33,) float, optional
        Landmark visibility, 0-1; face points below 0.1 are not used.
    """
    pts = image[FACE, :2]
    ok = np.isfinite(pts).all(axis=1)
    if visibility is not None:
        ok &= visibility[FACE] >= 0.1
    if ok.sum() < 2:
        return
    lo, hi = pts[ok].min(axis=0), pts[ok].max(axis=0)
    size = max(float((hi - lo).max()), 0.04 * min(rgb.shape[:2]))
    c = (lo + hi) / 2
    h, w = rgb.shape[:2]
    x0, y0 = (np.floor(c - 0.8 * size)).astype(int).clip(0, [w, h])
    x1, y1 = (np.ceil(c + 0.8 * size)).astype(int).clip(0, [w, h])
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    k = max(3, int(size) // 2 * 2 + 1)
    rgb[y0:y1, x0:x1] = cv2.GaussianBlur(rgb[y0:y1, x0:x1], (k, k), 0)


def _label(rgb: np.ndarray, image: np.ndarray, side: str, value: float) -> None:
    x, y = image[INDEX[f"{side}_knee"], :2]
    if not (np.isfinite(x) and np.isfinite(y) and np.isfinite(value)):
        return
    scale = max(0.45, min(rgb.shape[:2]) / 900)
    th = max(1, round(scale * 2))
    text = f"{'L' if side == 'left' else 'R'} knee {value:.0f}"
    # both labels to the right of the knee, left above and right below: in a side view the two
    # knees are close together and the labels must not overlap
    dy = -int(10 * scale) if side == "left" else int(30 * scale)
    (tw, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, th + 2)
    dx = int(14 * scale)
    if x + dx + tw > rgb.shape[1]:  # near the right edge: write to the left of the knee
        dx = -dx - tw
    org = (int(x) + dx, int(y) + dy)
    cv2.putText(rgb, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), th + 2, cv2.LINE_AA)
    cv2.putText(rgb, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, COLOURS[side], th, cv2.LINE_AA)


def write_annotated(video: str | os.PathLike[str], seq: PoseSequence,
                    out: str | os.PathLike[str], *, labels: dict[str, np.ndarray] | None = None,
                    face_blur: bool = False, crf: int = 23) -> Path:
    """Write ``video`` with the skeleton, knee-flexion labels and optional face blur (H.264).

    Parameters
    ----------
    video : path-like
        The source clip.
    seq : PoseSequence
        Its pose sequence (rows matched by frame index).
    out : path-like
        Output ``.mp4`` (H.264, yuv420p: plays in browsers).
    labels : dict side -> (T,) float, optional
        Knee flexion per sequence row (NaN: no label); see :func:`knee_labels`.
    face_blur : bool
        Blur a box around the face landmarks in every frame where the person was found.
    crf : int
        x264 quality.

    Returns
    -------
    Path
    """
    info = probe(video)
    rows = {int(fi): k for k, fi in enumerate(seq.frame_index)}
    with H264Writer(out, info.width, info.height, info.fps, crf=crf) as writer:
        for frame in iter_frames(info):
            k = rows.get(frame.index)
            rgb = frame.rgb if frame.rgb.flags.writeable else frame.rgb.copy()
            if k is not None and seq.found[k]:
                if face_blur:
                    blur_face(rgb, seq.image[k], seq.visibility[k])
                draw_skeleton(rgb, seq.image[k], seq.visibility[k])
                for s in SIDES if labels else ():
                    _label(rgb, seq.image[k], s, float(labels[s][k]))
            writer.write(rgb, frame.timestamp_ms)
    return Path(out)
