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

from vidgait.findings.words import MARKER_NEEDED_LIVE, TAG_STATUS_WORDS
from vidgait.kinematics.sacrum import MIN_SEEN_SHARE
from vidgait.live.biofeedback import METRICS, PELVIC_DROP, FeedbackState, band_text, in_band
from vidgait.live.guidance import Advice
from vidgait.live.metrics import RollingMetrics
from vidgait.live.tag import PelvisReading
from vidgait.render.skeleton import COLOURS, draw_skeleton

RED = (230, 40, 40)
GREEN = (30, 180, 60)
DARK_AMBER = (150, 95, 0)
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
#: size of the biofeedback badge relative to the other text
BADGE_SCALE = 1.4
#: half-length of the pelvis line, in tag widths (a 120 mm tag: a line ~0.5 m long)
PELVIS_LINE_TAGS = 2.0
#: what the pelvic drop's level is, in words (:attr:`RollingMetrics.pelvic_zero`)
ZERO_WORDS = {"level": "level set standing", "standing": "level from standing still",
              "walk_mean": "level = mean of the walk"}


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
        zero = f" ({ZERO_WORDS[m.pelvic_zero]})" if m.pelvic_zero else ""
        lines.append(f"Pelvic drop L {_fmt(m.pelvic_drop_deg['left'])} / "
                     f"R {_fmt(m.pelvic_drop_deg['right'])} deg{zero}")
    elif m.marker_seen_share < MIN_SEEN_SHARE:
        lines.append(f"Pelvic drop: marker measured in {100 * m.marker_seen_share:.0f} % of "
                     f"the walk ({100 * MIN_SEEN_SHARE:.0f} % needed)")
    elif m.pelvic_drop_needs_marker:
        lines.append(MARKER_NEEDED_LIVE)
    if any(math.isfinite(v) for v in m.knee_peak_swing_flexion_deg.values()):
        lines.append(f"Knee peak flexion L {_fmt(m.knee_peak_swing_flexion_deg['left'], 0)} / "
                     f"R {_fmt(m.knee_peak_swing_flexion_deg['right'], 0)} deg")
    return lines


def tilt_text(obliquity_deg: float) -> str:
    """Pelvic obliquity as shown: ``"R up 2.3"`` (the patient's right side up), ``"L up 1.0"``
    or ``"level"`` (under 0.05 deg), deg to one decimal.

    Parameters
    ----------
    obliquity_deg : float
        + when the patient's right side is up, deg.
    """
    mag = f"{abs(obliquity_deg):.1f}"
    return "level" if mag == "0.0" else f"{'R' if obliquity_deg > 0 else 'L'} up {mag}"


def obliquity_text(p: PelvisReading) -> str:
    """The pelvis marker's line of the overlay: the obliquity now and its zero, a level being
    set or refused, or why the marker is not measured; empty when it is not looked for.

    Parameters
    ----------
    p : PelvisReading
        The latest frame's reading.
    """
    if p.status == "off":
        return ""
    if p.levelling is not None:
        return f"Setting level: stand still ({100 * p.levelling:.0f} %)"
    if not p.measured:
        return f"Pelvis marker not seen ({TAG_STATUS_WORDS[p.status]})"
    tilt = tilt_text(p.obliquity_deg)
    side = tilt if tilt == "level" else f"{tilt} deg"
    zero = {"level": "vs level set standing",
            "window_mean": "vs recent mean: set level"}.get(p.zero, "")
    refused = {"moved": "; level not set: patient moved",
               "unseen": "; level not set: marker not seen"}.get(p.level_refused or "", "")
    return f"Pelvis {side} ({zero}){refused}"


def draw_pelvis(rgb: np.ndarray, p: PelvisReading, *, mirror: bool = False,
                feedback: FeedbackState | None = None) -> None:
    """Draw the pelvis line across the marker: a dashed level line and the pelvis tilted by its
    obliquity (the patient's right half orange, left half blue), and the value under it, in
    place. The tilt is the one the displayed picture shows: mirrored with the picture.

    Parameters
    ----------
    rgb : (H, W, 3) uint8
        The DISPLAYED picture (already flipped when ``mirror``), drawn on in place.
    p : PelvisReading
        The latest frame's reading (positions in the analysed, unmirrored frame).
    mirror : bool
        The picture is flipped left-right.
    feedback : FeedbackState, optional
        With the pelvic drop as biofeedback metric, the value's box is green within its band
        (the side that is down falls by ``|obliquity|``), red beyond it.
    """
    if not p.measured or p.centre_px is None:
        return
    w = rgb.shape[1]
    s = _scale(rgb)
    half = PELVIS_LINE_TAGS * p.side_px
    a = math.radians(p.obliquity_deg)
    c = np.asarray(p.centre_px, float)
    right = c + half * np.array([math.cos(a), -math.sin(a)])  # image right = the patient's right
    left = 2 * c - right
    flat = (c - np.array([half, 0.0]), c + np.array([half, 0.0]))
    if mirror:
        c, right, left = ((w - 1 - q[0], q[1]) for q in (c, right, left))
        flat = tuple((w - 1 - q[0], q[1]) for q in flat)
    th = max(2, round(3 * s))
    x0, x1 = sorted(q[0] for q in flat)
    for xa in np.arange(x0, x1, 4 * th):  # the level: dashed
        cv2.line(rgb, (round(xa), round(c[1])), (round(min(xa + 2 * th, x1)), round(c[1])),
                 WHITE, max(1, th // 2), cv2.LINE_AA)
    ci = (round(c[0]), round(c[1]))
    cv2.line(rgb, ci, (round(right[0]), round(right[1])), COLOURS["right"], th, cv2.LINE_AA)
    cv2.line(rgb, ci, (round(left[0]), round(left[1])), COLOURS["left"], th, cv2.LINE_AA)
    text, bg = tilt_text(p.obliquity_deg), BLACK
    if feedback is not None and feedback.metric == PELVIC_DROP:
        bg = GREEN if in_band(feedback.band, abs(p.obliquity_deg)) else RED
    (tw, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 0.6 * s, max(1, round(1.5 * s)))
    _label(rgb, text, (round(c[0] - tw / 2), round(c[1] + 0.8 * p.side_px)), WHITE, s, bg)


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
    if fb.needs_marker:
        text, bg = f"{label} {band_text(fb.band)} {unit}: needs the pelvis marker", (60, 60, 60)
    elif fb.last_in_band is None:
        text, bg = f"{label} {band_text(fb.band)} {unit}: waiting for a stride", (60, 60, 60)
    else:
        word = "IN BAND" if fb.last_in_band else "OUT"
        if fb.metric == PELVIC_DROP and fb.last_side:  # which side fell
            label = f"{label} {fb.last_side[0].upper()}"
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
                 mirror: bool = False, status: str = "",
                 pelvis: PelvisReading | None = None) -> np.ndarray:
    """Compose the live overlay on a copy of ``rgb``: metrics top left, the biofeedback badge
    under them on the right, guidance bottom left, the skeleton in the patient's side colours,
    the pelvis marker's line and obliquity.

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
    pelvis : PelvisReading, optional
        The pelvis marker in this frame: its line (:func:`draw_pelvis`) and its text line,
        shown once the marker was measured in the window, while a level is being set, or with
        the pelvic drop as biofeedback metric.

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
    lines = metric_lines(metrics)
    if pelvis is not None:
        draw_pelvis(out, pelvis, mirror=mirror, feedback=feedback)
        if (pelvis.seen_share > 0 or pelvis.levelling is not None
                or feedback.metric == PELVIC_DROP) and obliquity_text(pelvis):
            lines.append(obliquity_text(pelvis))
    s = _scale(out)
    y = round(8 * s)
    for line in lines + ([status] if status else []):
        y += _label(out, line, (round(8 * s), y), WHITE, s) + round(2 * s)
    draw_feedback(out, feedback, y + round(6 * s))  # below the metrics: never overlaps them
    y = out.shape[0] - round(8 * s)
    for a in reversed(advice):
        fs, th = 0.6 * s, max(1, round(1.5 * s))
        (_, h), base = cv2.getTextSize(a.text, cv2.FONT_HERSHEY_SIMPLEX, fs, th)
        y -= h + base + 2 * max(2, round(4 * s)) + round(2 * s)
        _label(out, a.text, (round(8 * s), y), WHITE, s, RED if a.level == "error" else DARK_AMBER)
    return out
