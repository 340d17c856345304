"""The pinhole camera that films the synthetic walker, and where to aim it.

Lab metres (x progression, y the walker's left, z up); camera axes x right, y down, z forward
(OpenCV); pixels with the principal point at the image centre, focal length in pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from vidgait.synth.gait import Side

if TYPE_CHECKING:
    from vidgait.synth.walker import WalkerTruth


def walkway_centre(truth: WalkerTruth) -> np.ndarray:
    """Mid-point of the pelvis path at floor level, (3,) lab metres."""
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
        """Focal length in pixels from a vertical field of view in degrees."""
        return 0.5 * height / np.tan(np.radians(vertical_fov_deg) / 2)

    @classmethod
    def side(cls, target: np.ndarray | tuple = (0, 0, 0), *, on: Side = "left",
             distance: float = 5.0, cam_height: float = 1.0, vertical_fov_deg: float = 40.0,
             width: int = 1920, height: int = 1080) -> Camera:
        """Camera ``distance`` m to the walker's ``on`` side of ``target``, looking across."""
        tx, ty, _ = np.asarray(target, dtype=float)
        y = ty + (distance if on == "left" else -distance)
        return cls((tx, y, cam_height), (tx, ty, cam_height), focal_px=cls.focal_from_fov(
            vertical_fov_deg, height), width=width, height=height)

    @classmethod
    def front(cls, target: np.ndarray | tuple = (0, 0, 0), *, distance: float = 8.0,
              cam_height: float = 1.0, vertical_fov_deg: float = 50.0, width: int = 1080,
              height: int = 1920) -> Camera:
        """Camera ahead of the walker (the walker approaches it), ``distance`` m from target."""
        tx, ty, _ = np.asarray(target, dtype=float)
        return cls((tx + distance, ty, cam_height), (tx, ty, cam_height),
                   focal_px=cls.focal_from_fov(vertical_fov_deg, height), width=width,
                   height=height)

    @classmethod
    def back(cls, target: np.ndarray | tuple = (0, 0, 0), *, distance: float = 8.0,
             cam_height: float = 1.0, vertical_fov_deg: float = 50.0, width: int = 1080,
             height: int = 1920) -> Camera:
        """Camera behind the walker (the walker walks away from it)."""
        tx, ty, _ = np.asarray(target, dtype=float)
        return cls((tx - distance, ty, cam_height), (tx, ty, cam_height),
                   focal_px=cls.focal_from_fov(vertical_fov_deg, height), width=width,
                   height=height)

    @classmethod
    def oblique(cls, target: np.ndarray | tuple = (0, 0, 0), *, angle_deg: float = 45.0,
                distance: float = 6.0, cam_height: float = 1.0, vertical_fov_deg: float = 45.0,
                width: int = 1920, height: int = 1080) -> Camera:
        """Camera at ``angle_deg`` from the direction of progression (0 = front, 90 = left side)."""
        tx, ty, _ = np.asarray(target, dtype=float)
        a = np.radians(angle_deg)
        pos = (tx + distance * np.cos(a), ty + distance * np.sin(a), cam_height)
        return cls(pos, (tx, ty, cam_height), focal_px=cls.focal_from_fov(vertical_fov_deg, height),
                   width=width, height=height)

    @classmethod
    def default(cls, truth: WalkerTruth, **kwargs) -> Camera:
        """The camera a ``truth.params.path`` implies: side for across/treadmill, front, back."""
        c = walkway_centre(truth)
        path = truth.params.path
        if path == "toward":
            return cls.front(c, **kwargs)
        if path == "away":
            return cls.back(c, **kwargs)
        return cls.side(c, **kwargs)

    def rotation(self) -> np.ndarray:
        """(3,3) lab-to-camera rotation; camera axes x right, y down, z forward (OpenCV)."""
        f = np.asarray(self.look_at, float) - np.asarray(self.position, float)
        f /= np.linalg.norm(f)
        r = np.cross(f, np.asarray(self.up, float))
        r /= np.linalg.norm(r)
        d = np.cross(f, r)
        return np.stack([r, d, f])

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """Lab points (...,3) in camera coordinates (...,3), metres."""
        return (np.asarray(points, float) - np.asarray(self.position, float)) @ self.rotation().T

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates (...,2) and depth along the optical axis (...,) in metres."""
        pc = self.to_camera(points)
        z = pc[..., 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            uv = self.focal_px * pc[..., :2] / z[..., None]
        uv = uv + np.array([self.width / 2, self.height / 2])
        return uv, z
