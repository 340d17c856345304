"""Synthetic frames of the pelvis marker with a known pose, for the detection tests.

The tag's cells (``cv2.aruco.generateImageMarker``) with a one-cell white quiet zone are drawn on
a flat card in the tag plane and projected through a pinhole camera: the homography
``K [r1 r2 t]`` from a known rotation and translation (metres, OpenCV's camera frame). The card
is rendered at ``SUPERSAMPLE`` times the frame's resolution around its footprint and area-averaged
down (so edges are anti-aliased like a real sensor's), composited on a noisy grey background,
blurred and JPEG-compressed.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from vidgait.marker.detect import Intrinsics

#: texture pixels per tag cell, and the render's oversampling of the frame
TEXTURE_PX_PER_CELL = 32
SUPERSAMPLE = 4
CELLS = 8


def rotation(roll_deg: float, yaw_deg: float) -> np.ndarray:
    """The tag's axes in the camera frame: facing the camera, turned by ``yaw_deg`` about the
    camera's vertical axis (+: its right end away from the camera), then tilted by ``roll_deg``
    about the optical axis (+: its right end up in the image).
    """
    y, r = math.radians(yaw_deg), math.radians(roll_deg)
    facing = np.diag([1.0, -1.0, -1.0])  # tag x -> image right, tag y (up) -> image up
    # about the camera's y axis, sending the tag's x axis towards +z for a positive yaw
    ry = np.array([[math.cos(y), 0.0, -math.sin(y)], [0.0, 1.0, 0.0],
                   [math.sin(y), 0.0, math.cos(y)]])
    # about the optical axis, sending the tag's x axis towards -y (image up) for a positive roll
    rz = np.array([[math.cos(r), math.sin(r), 0.0], [-math.sin(r), math.cos(r), 0.0],
                   [0.0, 0.0, 1.0]])
    return rz @ ry @ facing


def render(width: int, height: int, *, camera: Intrinsics, rot: np.ndarray, t_m: np.ndarray,
           tag_id: int = 0, size_mm: float = 120.0, noise: float = 4.0, blur: float = 0.8,
           jpeg: int = 85, seed: int = 0, background: np.ndarray | None = None,
           keystone: float = 0.0) -> np.ndarray:
    """A grey frame with the tag at pose ``(rot, t_m)``; ``background`` to draw several tags;
    ``keystone`` (1/m) bends the tag plane's projection into a trapezoid no pose of a flat
    square can give (its right side taller by ``keystone`` x its width, with no foreshortening).
    """
    rng = np.random.default_rng(seed)
    if background is None:
        frame = rng.normal(118.0, 6.0, (height, width)).astype(np.float32)
        frame = cv2.GaussianBlur(frame, (0, 0), 3.0)
    else:
        frame = background.astype(np.float32)
    cell = TEXTURE_PX_PER_CELL
    family = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_APRILTAG_36h11)
    tag = cv2.aruco.generateImageMarker(family, tag_id, CELLS * cell, borderBits=1)
    tex = cv2.copyMakeBorder(tag, cell, cell, cell, cell, cv2.BORDER_CONSTANT, value=255)
    tex = np.where(tex > 127, 235, 20).astype(np.float32)  # paper and ink, not pure 0/255
    n = tex.shape[0]
    m_per_px = size_mm / 1000.0 / (CELLS * cell)
    c = (n - 1) / 2.0  # texture pixel centre -> tag plane (x right, y up), m
    a = np.array([[m_per_px, 0.0, -c * m_per_px],
                  [0.0, -m_per_px, c * m_per_px],
                  [0.0, 0.0, 1.0]])
    a = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [-keystone, 0.0, 1.0]]) @ a
    h = camera.matrix() @ np.column_stack([rot[:, 0], rot[:, 1], t_m]) @ a
    quad = cv2.perspectiveTransform(
        np.array([[[-0.5, -0.5]], [[n - 0.5, -0.5]], [[n - 0.5, n - 0.5]], [[-0.5, n - 0.5]]],
                 np.float64), h).reshape(4, 2)
    x0, y0 = np.floor(quad.min(axis=0)).astype(int) - 2
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int) + 2
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)
    s = SUPERSAMPLE
    # frame px (x, y) -> supersampled ROI px ((x - x0 + 0.5) s - 0.5, ...)
    shift = np.array([[s, 0.0, (0.5 - x0) * s - 0.5], [0.0, s, (0.5 - y0) * s - 0.5],
                      [0.0, 0.0, 1.0]])
    hs = shift @ h
    size = ((x1 - x0) * s, (y1 - y0) * s)
    card = cv2.warpPerspective(tex, hs, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones_like(tex), hs, size, flags=cv2.INTER_LINEAR)
    card = cv2.resize(card, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)
    mask = cv2.resize(mask, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)
    roi = frame[y0:y1, x0:x1]
    frame[y0:y1, x0:x1] = roi * (1.0 - mask) + card * mask
    if blur > 0:
        frame = cv2.GaussianBlur(frame, (0, 0), blur)
    frame += rng.normal(0.0, noise, frame.shape).astype(np.float32)
    img = np.clip(frame, 0, 255).astype(np.uint8)
    if jpeg:
        img = cv2.imdecode(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, jpeg])[1],
                           cv2.IMREAD_GRAYSCALE)
    return img


def true_corners(camera: Intrinsics, rot: np.ndarray, t_m: np.ndarray,
                 size_mm: float = 120.0) -> np.ndarray:
    """The black square's projected corners (TL, TR, BR, BL of the printed tag), px."""
    hh = size_mm / 2000.0
    obj = np.array([[-hh, hh, 0.0], [hh, hh, 0.0], [hh, -hh, 0.0], [-hh, -hh, 0.0]])
    cam = obj @ rot.T + t_m
    k = camera.matrix()
    uv = cam @ k.T
    return uv[:, :2] / uv[:, 2:]
