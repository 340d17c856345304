"""The live overlay: skeleton, recording guidance, rolling metrics and the biofeedback badge.

Sides are the PATIENT's: the skeleton is drawn by :mod:`vidgait.render.skeleton` (left blue, right
orange) and the numbers come from the unmirrored analysis. When the display is mirrored (a selfie
preview) only the picture and the landmark x coordinates are flipped here, for display; text is
drawn after the flip, so it stays readable.

Text is ASCII (OpenCV's Hershey fonts have no degree sign).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from vidgait.findings.words import MARKER_NEEDED_LIVE
from vidgait.live.biofeedback import METRICS, FeedbackState, band_text
from vidgait.live.guidance import Advice
from vidgait.live.metrics import RollingMetrics
from vidgait.render.skeleton import draw_skeleton

RED = (230, 40, 40)
GREEN = (30, 180, 60)
DARK_AMBER = (150, 95, 0)
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
#: size of the biofeedback badge relative to the other text
BADGE_SCALE = 1.4


def mirror_landmarks(image: np.ndarray, width: int) -> np.ndarray:
    """Landmarks (33, 2+) as they appear in a horizontally flipped picture of ``width`` pixels.

    The landmark ORDER is kept: the patient's left hip stays landmark ``left_hip`` (and blue),
    only its position moves.

    Parameters
    ----------
    image : (33, 2+) float
        Image landmarks, px (x first).
    width : int
        The picture's width, px.
    """
    out = np.array(image, dtype=np.float32, copy=True)
    out[:, 0] = (width - 1) - out[:, 0]
    return out


def _scale(rgb: np.ndarray) -> float:
    """Font scale for the frame's smaller side (1.0 at 720 px, landscape or portrait)."""
    return max(0.35, min(rgb.shape[:2]) / 720.0)


def _label(rgb: np.ndarray, text: str, org: tuple[int, int], colour: tuple[int, int, int],
           scale: float, bg: tuple[int, int, int] = BLACK) -> int:
    """Draw ``text`` on a filled box at ``org`` (top-left); returns the box height, pixels."""
    fs = 0.6 * scale
    th = max(1, round(1.5 * scale))
    (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, fs, th)
    pad = max(2, round(4 * scale))
    x, y = org
    cv2.rectangle(rgb, (x, y), (x + w + 2 * pad, y + h + base + 2 * pad), bg, -1)
    cv2.putText(rgb, text, (x + pad, y + pad + h), cv2.FONT_HERSHEY_SIMPLEX, fs, colour, th,
                cv2.LINE_AA)
    return h + base + 2 * pad


def _fmt(v: float, digits: int = 1) -> str:
    return f"{v:.{digits}f}" if math.isfinite(v) else "-"


def metric_lines(m: RollingMetrics) -> list[str]:
    """Short text lines of the rolling metrics for the overlay (patient's sides).

    Parameters
    ----------
    m : RollingMetrics
        The latest rolling metrics.
    """
    if not m.available:
        return ["Metrics: keep walking (two strides needed)"]
    lines = [f"View {m.view or '-'} | cadence {_fmt(m.cadence_steps_per_min, 0)} steps/min"]
    lines.append(f"Step time SI {_fmt(m.step_time_si_pct)} % | limp: {m.limp_status}")
    if any(math.isfinite(v) for v in m.pelvic_drop_deg.values()):
        lines.append(f"Pelvic drop L {_fmt(m.pelvic_drop_deg['left'])} / "
                     f"R {_fmt(m.pelvic_drop_deg['right'])} deg")
    elif m.pelvic_drop_needs_marker:
        lines.append(MARKER_NEEDED_LIVE)
    if any(math.isfinite(v) for v in m.knee_peak_swing_flexion_deg.values()):
        lines.append(f"Knee peak flexion L {_fmt(m.knee_peak_swing_flexion_deg['left'], 0)} / "
                     f"R {_fmt(m.knee_peak_swing_flexion_deg['right'], 0)} deg")
    return lines


def draw_feedback(rgb: np.ndarray, fb: FeedbackState, y: int) -> None:
    """Draw the biofeedback badge at height ``y`` (pixels), right-aligned: the last stride's
    value on green (in band) or red (out of band), and the count of strides in band.

    Parameters
    ----------
    rgb : (H, W, 3) uint8
        The picture, drawn on in place.
    fb : FeedbackState
        The biofeedback state to show.
    y : int
        Top of the badge, px from the picture's top.
    """
    if fb.metric is None:
        return
    s = _scale(rgb)
    label, unit = METRICS[fb.metric]
    if fb.last_in_band is None:
        text, bg = f"{label} {band_text(fb.band)} {unit}: waiting for a stride", (60, 60, 60)
    else:
        word = "IN BAND" if fb.last_in_band else "OUT"
        text = f"{word} {label} {_fmt(fb.last_value)} {unit} ({band_text(fb.band)})"
        bg = GREEN if fb.last_in_band else RED
    big = BADGE_SCALE * s  # the patient reads it from a few metres away
    fs, th = 0.6 * big, max(1, round(1.5 * big))
    (w, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, fs, th)
    x = max(0, rgb.shape[1] - w - round(16 * s))
    y += _label(rgb, text, (x, y), WHITE, big, bg)
    _label(rgb, f"strides in band {fb.in_band}/{fb.total}", (x, y + round(4 * s)), WHITE, s)


def draw_overlay(rgb: np.ndarray, landmarks: np.ndarray | None, visibility: np.ndarray | None,
                 advice: list[Advice], metrics: RollingMetrics, feedback: FeedbackState, *,
                 mirror: bool = False, status: str = "") -> np.ndarray:
    """Compose the live overlay on a copy of ``rgb``: metrics top left, the biofeedback badge
    under them on the right, guidance bottom left, the skeleton in the patient's side colours.

    Parameters
    ----------
    rgb : (H, W, 3) uint8
        The analysed (never mirrored) frame.
    landmarks : (33, 2+) float or None
        The followed person's landmarks in pixels of ``rgb``.
    visibility : (33,) float or None
        Their visibility.
    advice : list of Advice
        Guidance to show (bottom left; errors red, warnings amber).
    metrics : RollingMetrics
        Rolling figures (top left).
    feedback : FeedbackState
        Biofeedback badge.
    mirror : bool
        Flip the picture for a selfie-style DISPLAY (the numbers do not change).
    status : str
        Extra line (e.g. "REC 12 s", model note), drawn under the metrics.

    Returns
    -------
    (H, W, 3) uint8
        A new image; ``rgb`` is not modified.
    """
    out = np.ascontiguousarray(rgb[:, ::-1] if mirror else rgb).copy()
    w = out.shape[1]
    if landmarks is not None:
        pts = mirror_landmarks(landmarks, w) if mirror else landmarks
        draw_skeleton(out, pts, visibility)
    s = _scale(out)
    y = round(8 * s)
    for line in metric_lines(metrics) + ([status] if status else []):
        y += _label(out, line, (round(8 * s), y), WHITE, s) + round(2 * s)
    draw_feedback(out, feedback, y + round(6 * s))  # below the metrics: never overlaps them
    y = out.shape[0] - round(8 * s)
    for a in reversed(advice):
        fs, th = 0.6 * s, max(1, round(1.5 * s))
        (_, h), base = cv2.getTextSize(a.text, cv2.FONT_HERSHEY_SIMPLEX, fs, th)
        y -= h + base + 2 * max(2, round(4 * s)) + round(2 * s)
        _label(out, a.text, (round(8 * s), y), WHITE, s, RED if a.level == "error" else DARK_AMBER)
    return out
