"""The pinhole camera that films the synthetic walker: where it stands, and its matrices.

One camera model for the whole synthetic side of vidgait: :func:`vidgait.synth.to_pose_sequence`
projects the walker's landmarks with it, and the phantom (:mod:`vidgait.phantom`) rasterises the
walker through the same camera's OpenGL matrices and writes the same projections as truth, so a
landmark's truth pixel and its rendered pixel coincide.

Units and conventions
---------------------
* Lab frame: metres, right-handed, x = direction of progression, y = the walker's left, z = up,
  floor at z = 0 (as in :mod:`vidgait.synth.body`).
* Camera axes (OpenCV): x to the image right, y down, z forward along the optical axis;
  ``X_cam = rotation() @ (X_lab - position)`` = ``rotation() @ X_lab + translation``.
* Pixels are continuous: pixel ``(i, j)`` covers ``[i, i+1) x [j, j+1)``, so the image centre
  (the principal point) is ``(W/2, H/2)``, as MediaPipe's ``x * width``. Pixels are square: one
  focal length ``focal_px``, in pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from vidgait.synth.gait import Side

if TYPE_CHECKING:
    from vidgait.synth.walker import WalkerTruth


def walkway_centre(truth: WalkerTruth) -> np.ndarray:
    """Mid-point of the pelvis path at floor level, (3,) lab metres.

    Parameters
    ----------
    truth : WalkerTruth
        The synthetic walk.
    """
    pel = truth.joints["pelvis"]
    return np.array([0.5 * (pel[:, 0].min() + pel[:, 0].max()), pel[:, 1].mean(), 0.0])


@dataclass(frozen=True)
class Camera:
    """A pinhole camera in the lab frame.

    Attributes
    ----------
    position, look_at, up : (3,) lab metres
        Optical centre, a point on the optical axis, and the lab direction that appears up.
    focal_px : float
        Focal length in pixels (square pixels, principal point at the image centre).
    width, height : int
        Image size in pixels.
    """

    position: tuple[float, float, float]
    look_at: tuple[float, float, float]
    up: tuple[float, float, float] = (0.0, 0.0, 1.0)
    focal_px: float = 1500.0
    width: int = 1920
    height: int = 1080

    @staticmethod
    def focal_from_fov(vertical_fov_deg: float, height: int) -> float:
        """Focal length in pixels from a vertical field of view in degrees.

        Parameters
        ----------
        vertical_fov_deg : float
            Vertical field of view, deg.
        height : int
            Image height, px.
        """
        return 0.5 * height / np.tan(np.radians(vertical_fov_deg) / 2)

    @classmethod
    def side(cls, target: np.ndarray | tuple = (0, 0, 0), *, on: Side = "left",
             distance: float = 5.0, cam_height: float = 1.0, vertical_fov_deg: float = 40.0,
             width: int = 1920, height: int = 1080) -> Camera:
        """Camera ``distance`` m to the walker's ``on`` side of ``target``, looking across.

        Parameters
        ----------
        target : (3,) float
            The point looked at (its x and y; the camera looks level), lab m.
        on : {"left", "right"}
            The walker's side the camera stands on.
        distance : float
            Distance from ``target``, m.
        cam_height : float
            Camera height above the floor, m.
        vertical_fov_deg : float
            Vertical field of view, deg.
        width, height : int
            Image size, px.
        """
        tx, ty, _ = np.asarray(target, dtype=float)
        y = ty + (distance if on == "left" else -distance)
        return cls((tx, y, cam_height), (tx, ty, cam_height), focal_px=cls.focal_from_fov(
            vertical_fov_deg, height), width=width, height=height)

    @classmethod
    def front(cls, target: np.ndarray | tuple = (0, 0, 0), *, distance: float = 8.0,
              cam_height: float = 1.0, vertical_fov_deg: float = 50.0, width: int = 1080,
              height: int = 1920) -> Camera:
        """Camera ahead of the walker (the walker approaches it), ``distance`` m from target.

        Parameters
        ----------
        target : (3,) float
            The point looked at (its x and y; the camera looks level), lab m.
        distance : float
            Distance from ``target`` along the direction of progression, m.
        cam_height : float
            Camera height above the floor, m.
        vertical_fov_deg : float
            Vertical field of view, deg.
        width, height : int
            Image size, px (portrait by default).
        """
        tx, ty, _ = np.asarray(target, dtype=float)
        return cls((tx + distance, ty, cam_height), (tx, ty, cam_height),
                   focal_px=cls.focal_from_fov(vertical_fov_deg, height), width=width,
                   height=height)

    @classmethod
    def back(cls, target: np.ndarray | tuple = (0, 0, 0), *, distance: float = 8.0,
             cam_height: float = 1.0, vertical_fov_deg: float = 50.0, width: int = 1080,
             height: int = 1920) -> Camera:
        """Camera behind the walker (the walker walks away from it).

        Parameters
        ----------
        target : (3,) float
            The point looked at (its x and y; the camera looks level), lab m.
        distance : float
            Distance behind ``target`` along the direction of progression, m.
        cam_height : float
            Camera height above the floor, m.
        vertical_fov_deg : float
            Vertical field of view, deg.
        width, height : int
            Image size, px (portrait by default).
        """
        tx, ty, _ = np.asarray(target, dtype=float)
        return cls((tx - distance, ty, cam_height), (tx, ty, cam_height),
                   focal_px=cls.focal_from_fov(vertical_fov_deg, height), width=width,
                   height=height)

    @classmethod
    def oblique(cls, target: np.ndarray | tuple = (0, 0, 0), *, angle_deg: float = 45.0,
                distance: float = 6.0, cam_height: float = 1.0, vertical_fov_deg: float = 45.0,
                width: int = 1920, height: int = 1080) -> Camera:
        """Camera at ``angle_deg`` from the direction of progression (0 = front, 90 = left side).

        Parameters
        ----------
        target : (3,) float
            The point looked at (its x and y; the camera looks level), lab m.
        angle_deg : float
            Angle from the direction of progression, deg (0 = front, 90 = left side).
        distance : float
            Distance from ``target``, m.
        cam_height : float
            Camera height above the floor, m.
        vertical_fov_deg : float
            Vertical field of view, deg.
        width, height : int
            Image size, px.
        """
        tx, ty, _ = np.asarray(target, dtype=float)
        a = np.radians(angle_deg)
        pos = (tx + distance * np.cos(a), ty + distance * np.sin(a), cam_height)
        return cls(pos, (tx, ty, cam_height), focal_px=cls.focal_from_fov(vertical_fov_deg, height),
                   width=width, height=height)

    @classmethod
    def default(cls, truth: WalkerTruth, **kwargs) -> Camera:
        """The camera a ``truth.params.path`` implies: side for across/treadmill, front, back.

        Parameters
        ----------
        truth : WalkerTruth
            The synthetic walk; the camera is aimed at the middle of its walkway.
        **kwargs
            Passed to :meth:`side`, :meth:`front` or :meth:`back` (distance in m, size in px, ...).
        """
        c = walkway_centre(truth)
        path = truth.params.path
        if path == "toward":
            return cls.front(c, **kwargs)
        if path == "away":
            return cls.back(c, **kwargs)
        return cls.side(c, **kwargs)

    def rotation(self) -> np.ndarray:
        """(3,3) lab-to-camera rotation; rows are the camera x (right), y (down) and z (forward)
        axes in lab coordinates (OpenCV).
        """
        f = np.asarray(self.look_at, float) - np.asarray(self.position, float)
        f /= np.linalg.norm(f)
        r = np.cross(f, np.asarray(self.up, float))
        r /= np.linalg.norm(r)
        d = np.cross(f, r)
        return np.stack([r, d, f])

    @property
    def translation(self) -> np.ndarray:
        """(3,) lab-to-camera translation, metres: ``X_cam = rotation() @ X_lab + translation``."""
        return -self.rotation() @ np.asarray(self.position, dtype=np.float64)

    @property
    def forward(self) -> np.ndarray:
        """(3,) unit viewing direction in lab coordinates."""
        return self.rotation()[2]

    @property
    def fx(self) -> float:
        """Horizontal focal length, pixels (square pixels: equals ``fy`` and ``focal_px``)."""
        return float(self.focal_px)

    @property
    def fy(self) -> float:
        """Vertical focal length, pixels."""
        return float(self.focal_px)

    @property
    def cx(self) -> float:
        """Principal point x, pixels (the image centre, ``width / 2``)."""
        return self.width / 2.0

    @property
    def cy(self) -> float:
        """Principal point y, pixels (the image centre, ``height / 2``)."""
        return self.height / 2.0

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """Lab points (...,3) in camera coordinates (...,3), metres.

        Parameters
        ----------
        points : (..., 3) float
            Lab points, m.
        """
        return (np.asarray(points, float) - np.asarray(self.position, float)) @ self.rotation().T

    def depth(self, points: np.ndarray) -> np.ndarray:
        """Distance along the optical axis of lab points (...,3), metres, shape (...).

        Parameters
        ----------
        points : (..., 3) float
            Lab points, m.
        """
        return self.to_camera(points)[..., 2]

    def project(self, points: np.ndarray) -> np.ndarray:
        """Pixel coordinates (...,2) of lab points (...,3); NaN for points behind the camera.

        Parameters
        ----------
        points : (..., 3) float
            Lab points, m.
        """
        cam = self.to_camera(points)
        z = cam[..., 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            u = self.fx * cam[..., 0] / z + self.cx
            v = self.fy * cam[..., 1] / z + self.cy
        uv = np.stack([u, v], axis=-1)
        uv[z <= 1e-9] = np.nan
        return uv

    # ------------------------------------------------------------------------------- OpenGL
    def gl_view(self) -> np.ndarray:
        """4x4 OpenGL view matrix (eye looks down -z, y up), float32, row-major."""
        flip = np.diag([1.0, -1.0, -1.0])
        m = np.eye(4)
        m[:3, :3] = flip @ self.rotation()
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

    # ------------------------------------------------------------------------- as matrices
    def to_dict(self) -> dict[str, Any]:
        """The camera as matrices, JSON-serialisable: ``rotation`` (3x3), ``translation`` (m),
        ``fx``, ``fy``, ``cx``, ``cy`` (pixels), ``width``, ``height`` (the phantom truth file's
        ``view``; see :meth:`from_dict`).
        """
        return {
            "rotation": self.rotation().tolist(),
            "translation": self.translation.tolist(),
            "fx": self.fx, "fy": self.fy, "cx": self.cx, "cy": self.cy,
            "width": int(self.width), "height": int(self.height),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Camera:
        """Rebuild a camera written by :meth:`to_dict`.

        The position is ``-rotation.T @ translation``, the look-at point one metre along the
        optical axis and ``up`` the image's up direction, so the rebuilt camera projects like the
        original (to rounding, ~1e-12 px).

        Parameters
        ----------
        data : dict
            The output of :meth:`to_dict`: ``rotation`` (3x3), ``translation`` (m), ``fx``, ``fy``,
            ``cx``, ``cy`` (px), ``width``, ``height`` (px).

        Raises
        ------
        ValueError
            If the matrices are not those of this model (square pixels, principal point at the
            image centre).
        """
        rot = np.asarray(data["rotation"], dtype=np.float64)
        t = np.asarray(data["translation"], dtype=np.float64)
        width, height = int(data["width"]), int(data["height"])
        fx, fy = float(data["fx"]), float(data["fy"])
        if not (np.isclose(fx, fy) and np.isclose(float(data["cx"]), width / 2.0)
                and np.isclose(float(data["cy"]), height / 2.0)):
            raise ValueError("camera matrices need square pixels and the principal point at the "
                             f"image centre, got fx={fx}, fy={fy}, cx={data['cx']}, "
                             f"cy={data['cy']}")
        pos = -rot.T @ t
        return cls(position=tuple(map(float, pos)), look_at=tuple(map(float, pos + rot[2])),
                   up=tuple(map(float, -rot[1])), focal_px=fx, width=width, height=height)
