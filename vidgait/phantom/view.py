"""Pinhole view: the camera as matrices, shared by the GL renderer and the truth projections.

The gait model (:mod:`vidgait.synth.walker`) owns the camera; this module only turns such a camera
into an extrinsic rotation/translation and intrinsics (OpenCV axes: camera x to the image right,
y down, z forward) and from there into the OpenGL view and projection matrices. Pixel coordinates
are continuous: pixel ``(i, j)`` covers ``[i, i+1) x [j, j+1)``, so the image centre is
``(W/2, H/2)``, as in :class:`vidgait.synth.walker.Camera` and MediaPipe's ``x * width``. Because
the truth projections and the rasteriser use the same numbers, a landmark's truth pixel and its
rendered pixel coincide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class PinholeView:
    """A calibrated pinhole camera.

    Attributes
    ----------
    rotation : (3, 3) float64
        World-to-camera rotation (rows are the camera x, y, z axes in world coordinates).
    translation : (3,) float64
        World-to-camera translation: ``X_cam = rotation @ X_world + translation``.
    fx, fy, cx, cy : float
        Intrinsics in pixels (continuous convention: the top-left pixel's centre is (0.5, 0.5)).
    width, height : int
        Image size in pixels.
    """

    rotation: np.ndarray
    translation: np.ndarray
    fx: float
    fy: float
    cx: float
    cy: float
    width: int
    height: int

    @property
    def position(self) -> np.ndarray:
        """Camera centre in world coordinates, shape (3,)."""
        return -self.rotation.T @ self.translation

    @property
    def forward(self) -> np.ndarray:
        """Unit viewing direction in world coordinates, shape (3,)."""
        return self.rotation[2].copy()

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """Transform world points ``(..., 3)`` into camera coordinates ``(..., 3)``."""
        pts = np.asarray(points, dtype=np.float64)
        return pts @ self.rotation.T + self.translation

    def project(self, points: np.ndarray) -> np.ndarray:
        """Project world points ``(..., 3)`` to pixels ``(..., 2)`` (NaN behind the camera)."""
        cam = self.to_camera(points)
        z = cam[..., 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            u = self.fx * cam[..., 0] / z + self.cx
            v = self.fy * cam[..., 1] / z + self.cy
        uv = np.stack([u, v], axis=-1)
        uv[z <= 1e-9] = np.nan
        return uv

    def depth(self, points: np.ndarray) -> np.ndarray:
        """Distance along the optical axis of world points ``(..., 3)``, shape ``(...)``."""
        return self.to_camera(points)[..., 2]

    def gl_view(self) -> np.ndarray:
        """4x4 OpenGL view matrix (eye looks down -z, y up), float32, row-major."""
        flip = np.diag([1.0, -1.0, -1.0])
        m = np.eye(4)
        m[:3, :3] = flip @ self.rotation
        m[:3, 3] = flip @ self.translation
        return m.astype(np.float32)

    def gl_projection(self, near: float = 0.05, far: float = 200.0) -> np.ndarray:
        """4x4 OpenGL projection matrix matching :meth:`project` pixel for pixel.

        Parameters
        ----------
        near, far : float
            Clip distances in metres.

        Returns
        -------
        (4, 4) float32
            Row-major projection matrix; GL window coordinates equal :meth:`project` pixels.
        """
        w, h = float(self.width), float(self.height)
        cx, cy = self.cx, self.cy  # GL window pixel centres are at i + 0.5, like ours
        p = np.zeros((4, 4))
        p[0, 0] = 2.0 * self.fx / w
        p[0, 2] = 1.0 - 2.0 * cx / w
        p[1, 1] = 2.0 * self.fy / h
        p[1, 2] = 2.0 * cy / h - 1.0
        p[2, 2] = -(far + near) / (far - near)
        p[2, 3] = -2.0 * far * near / (far - near)
        p[3, 2] = -1.0
        return p.astype(np.float32)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (see :meth:`from_dict`)."""
        return {
            "rotation": np.asarray(self.rotation).tolist(),
            "translation": np.asarray(self.translation).tolist(),
            "fx": float(self.fx), "fy": float(self.fy),
            "cx": float(self.cx), "cy": float(self.cy),
            "width": int(self.width), "height": int(self.height),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PinholeView:
        """Rebuild a view written by :meth:`to_dict`."""
        return cls(
            rotation=np.asarray(data["rotation"], dtype=np.float64),
            translation=np.asarray(data["translation"], dtype=np.float64),
            fx=float(data["fx"]), fy=float(data["fy"]),
            cx=float(data["cx"]), cy=float(data["cy"]),
            width=int(data["width"]), height=int(data["height"]),
        )

    @classmethod
    def from_look_at(cls, position, look_at, up, *, focal_px: float, width: int,
                     height: int) -> PinholeView:
        """Build a view from a camera centre, a target point and an up vector.

        Parameters
        ----------
        position, look_at, up : array_like, shape (3,)
            Camera centre, point looked at and world up direction.
        focal_px : float
            Focal length in pixels (square pixels).
        width, height : int
            Image size in pixels; the principal point is the image centre.

        Returns
        -------
        PinholeView
        """
        pos = np.asarray(position, dtype=np.float64)
        fwd = np.asarray(look_at, dtype=np.float64) - pos
        fwd /= np.linalg.norm(fwd)
        right = np.cross(fwd, np.asarray(up, dtype=np.float64))
        right /= np.linalg.norm(right)
        down = np.cross(fwd, right)
        rot = np.stack([right, down, fwd])
        return cls(rotation=rot, translation=-rot @ pos, fx=float(focal_px), fy=float(focal_px),
                   cx=width / 2.0, cy=height / 2.0, width=int(width), height=int(height))

    @classmethod
    def from_camera(cls, camera: Any) -> PinholeView:
        """Adopt a :class:`vidgait.synth.walker.Camera` (position, look_at, up, focal_px, size).

        Parameters
        ----------
        camera : vidgait.synth.walker.Camera or PinholeView
            The gait model's camera; a PinholeView is returned unchanged.

        Returns
        -------
        PinholeView
            Same rotation (``camera.rotation()``), centre and intrinsics, so that
            ``view.project(p)`` equals ``camera.project(p)[0]``.
        """
        if isinstance(camera, PinholeView):
            return camera
        rot = np.asarray(camera.rotation(), dtype=np.float64)
        pos = np.asarray(camera.position, dtype=np.float64)
        f = float(camera.focal_px)
        return cls(rotation=rot, translation=-rot @ pos, fx=f, fy=f, cx=camera.width / 2.0,
                   cy=camera.height / 2.0, width=int(camera.width), height=int(camera.height))
