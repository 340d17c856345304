"""The floor seen by one still camera: its plane (the camera's pitch and roll), found from the
walking body, and image points mapped onto it.

Geometry
--------
Camera axes are OpenCV's (x to the image right, y down, z along the optical axis); pixels follow
:mod:`vidgait.lens` (the caller supplies the :class:`~vidgait.lens.Pinhole`). The floor is the
plane ``n . X = -1``: ``n`` is its unit UP normal in camera axes and lengths are in units of the
camera's height above the floor (angles on the floor need no scale). For a point at height ``z``
above the floor seen at depth ``Z`` along the optical axis, the ray ``q = K^-1 (u, v, 1)`` gives

    ``n . q = (z - 1) / Z``                                               (the horizon value)

so the horizon is the image line ``n . q = 0``, and points at fixed heights keep fixed ratios of
horizon values whatever their distance: the mid-hip, mid-shoulder and mid-ear, at nearly one
depth, have horizon values ``(z_i - 1) w`` with one ``w = 1 / Z`` per moment, a rank-one table
(the classic "objects below the horizon in proportion to their apparent size" of single-view
metrology). :func:`fit_floor` finds the ``n`` that makes that table rank one over a walk with
some depth range (which pins the horizon's height) and that makes the trunk (mid-hip to
mid-shoulder and to mid-ear) point at the vanishing point of the vertical tilted by one constant
forward lean (the roll, and the pitch in a side view, where the walk stays at one depth). The
points are first averaged over one stride (:func:`stride_mean`), so the body's rise and fall and
its sway do not read as a tilt. Its covariance comes from the fit's Jacobian, counting one row
per stride as independent. The camera's height in hip heights comes from the planted heels
(height 0) against the mid-hip above them.

A point at height ``z`` maps onto the plane at that height along its ray (:func:`on_floor`); a
heel or toe landmark that is really ``dz`` above the sole lands ``dz / (1 - dz)`` of its distance
farther away, radially from the camera: the foreshortening that makes a foot seen end-on a poor
measurement of its length, and one seen across a poor measurement of its turn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from vidgait.lens import Pinhole

#: bounds of the floor normal's two free components (a, b) in ``(a, -1, b)``: +-31 deg of roll
#: and pitch, beyond which a phone filming a walk is not held
_NORMAL_BOUND = 0.6
#: forward lean of the trunk allowed, rad, and the SD of its weak prior at 0 (a back view hardly
#: sees it; a person leans forward a few degrees while walking)
_LEAN_BOUND = 0.5
_LEAN_PRIOR_RAD = 0.2


def rays(uv: np.ndarray, lens: Pinhole) -> np.ndarray:
    """Viewing rays ``(x, y, 1)`` in camera axes of image points.

    Parameters
    ----------
    uv : (..., 2) float
        Image points, px.
    lens : Pinhole
        The camera's focal lengths and principal point, px.

    Returns
    -------
    (..., 3) float
    """
    uv = np.asarray(uv, float)
    return np.stack([(uv[..., 0] - lens.cx) / lens.fx, (uv[..., 1] - lens.cy) / lens.fy,
                     np.ones(uv.shape[:-1])], axis=-1)


def normal_of(a: float, b: float) -> np.ndarray:
    """The unit up normal ``(a, -1, b) / |.|`` (camera axes) of the floor's two parameters.

    Parameters
    ----------
    a, b : float
        Roll-like (image x) and pitch-like (optical axis) components; (0, 0) is a level camera.
    """
    n = np.array([a, -1.0, b], float)
    return n / np.linalg.norm(n)


def on_floor(uv: np.ndarray, normal: np.ndarray, lens: Pinhole,
             height: float | np.ndarray = 0.0) -> np.ndarray:
    """Image points mapped onto the floor: where their rays meet the plane ``height`` above it.

    Parameters
    ----------
    uv : (..., 2) float
        Image points, px.
    normal : (3,) float
        The floor's unit up normal, camera axes.
    lens : Pinhole
        The camera model, px.
    height : float or (...) float
        Height of the points above the floor, camera heights (0: on the floor).

    Returns
    -------
    (..., 3) float
        Camera-axes points, camera heights; NaN for rays that do not meet that plane in front of
        the camera (at or above the horizon).
    """
    q = rays(uv, lens)
    g = q @ np.asarray(normal, float)
    lam = (np.asarray(height, float) - 1.0) / np.where(g < -1e-9, g, np.nan)
    return q * lam[..., None]


def floor_basis(normal: np.ndarray, forward: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forward and left unit vectors on the floor (camera axes).

    Parameters
    ----------
    normal : (3,) float
        The floor's unit up normal.
    forward : (3,) float
        A direction, projected onto the floor to give "forward".

    Returns
    -------
    forward, left : (3,) float
        ``left = up x forward`` (the walker's left when walking along ``forward``).
    """
    n = np.asarray(normal, float)
    f = np.asarray(forward, float) - np.dot(forward, n) * n
    f /= np.linalg.norm(f)
    return f, np.cross(n, f)


@dataclass(frozen=True)
class Floor:
    """The floor plane found by :func:`fit_floor`.

    Attributes
    ----------
    params : (float, float)
        ``(a, b)`` of :func:`normal_of`.
    cov : (2, 2) float
        Their covariance from the fit (residual variance times the inverse normal matrix).
    lens : Pinhole
        The camera model the floor was found with, px.
    lean_deg : float
        The trunk's forward lean fitted alongside, deg.
    camera_height : float
        Camera height above the floor in units of the mid-hip's height at mid-stance (NaN when
        the fit cannot say).
    rms_px : float
        Root-mean-square residual of the fit, px.
    """

    params: tuple[float, float]
    cov: np.ndarray
    lens: Pinhole
    lean_deg: float
    camera_height: float
    rms_px: float

    @property
    def normal(self) -> np.ndarray:
        """The unit up normal, camera axes."""
        return normal_of(*self.params)

    @property
    def plausible(self) -> bool:
        """The fit stayed inside its bounds and put the camera above the hips' floor: False for
        a walk that does not fit one still camera over a flat floor (a moving camera, a walk
        without depth and without a trunk to read the vertical from).
        """
        inside = all(abs(p) < 0.98 * _NORMAL_BOUND for p in self.params)
        return bool(inside and np.isfinite(self.camera_height) and self.camera_height > 0)

    @property
    def pitch_deg(self) -> float:
        """How far the optical axis looks below the horizon, deg (+ down)."""
        return float(np.degrees(np.arcsin(-self.normal[2])))

    @property
    def roll_deg(self) -> float:
        """The camera's roll about its optical axis, deg (+ when the up direction leans to the
        image right).
        """
        n = self.normal
        return float(np.degrees(np.arctan2(n[0], -n[1])))


def _forward(normal: np.ndarray, lens: Pinhole, heel_uv: np.ndarray) -> np.ndarray:
    """The direction of travel of the time-ordered footprints on the floor (principal axis)."""
    x = on_floor(heel_uv, normal, lens)
    x = x[np.all(np.isfinite(x), axis=1)]
    if len(x) < 2:
        return np.array([0.0, 0.0, 1.0])
    c = x - x.mean(0)
    d = np.linalg.svd(c, full_matrices=False)[2][0]
    return d if np.dot(x[-1] - x[0], d) >= 0 else -d


def _rank1_residual(g: np.ndarray) -> np.ndarray:
    """Residual table (flattened) of the best rank-one fit of ``g``."""
    u, s, vt = np.linalg.svd(g, full_matrices=False)
    return (g - s[0] * np.outer(u[:, 0], vt[0])).ravel()


def _trunk_residual(normal: np.ndarray, lean: float, forward: np.ndarray, lens: Pinhole,
                    base_uv: np.ndarray, top_uv: np.ndarray) -> np.ndarray:
    """Distance (px) of each ``top`` point from the line through its ``base`` point and the
    vanishing point of the trunk's direction (up, tilted forward by ``lean`` rad).
    """
    f, _ = floor_basis(normal, forward)
    u = np.cos(lean) * normal + np.sin(lean) * f
    k = np.array([[lens.fx, 0, lens.cx], [0, lens.fy, lens.cy], [0, 0, 1.0]])
    vp = k @ u
    pb = np.column_stack([base_uv, np.ones(len(base_uv))])
    pt = np.column_stack([top_uv, np.ones(len(top_uv))])
    line = np.cross(pb, vp)
    return np.sum(line * pt, axis=1) / np.maximum(np.hypot(line[:, 0], line[:, 1]), 1e-12)


def stride_mean(x: np.ndarray, frames: int) -> np.ndarray:
    """Moving mean over ``frames`` samples along the first axis, only where the window is full
    (a body point's vertical and lateral oscillations within a stride average out).

    Parameters
    ----------
    x : (T, ...) float
        Samples (NaN spreads to every window holding one).
    frames : int
        Window, samples (1: ``x`` unchanged).

    Returns
    -------
    (T - frames + 1, ...) float
    """
    x = np.asarray(x, float)
    if frames <= 1 or len(x) < frames:
        return x
    c = np.cumsum(np.concatenate([np.zeros((1, *x.shape[1:])), x]), axis=0)
    return (c[frames:] - c[:-frames]) / frames


def fit_floor(body_uv: np.ndarray, heel_uv: np.ndarray, heel_hip_uv: np.ndarray,
              lens: Pinhole, stride_frames: int = 1) -> Floor | None:
    """The floor plane from a walk seen by a still camera (module notes).

    Parameters
    ----------
    body_uv : (T, 3, 2) float
        Per frame of a walking pass, the mid-hip, mid-shoulder and mid-ear image points, px
        (points at nearly one depth and at fixed heights; frames with a NaN are left out).
    heel_uv : (K, 2) float
        The heel of each footprint (a planted foot) at mid-stance, px, in time order (for the
        walking direction, and the camera's height from the heel's and mid-hip's horizon values).
    heel_hip_uv : (K, 2) float
        The mid-hip at the same moments, px.
    lens : Pinhole
        The camera model, px.
    stride_frames : int
        Samples per stride: the body points are averaged over one stride (:func:`stride_mean`),
        so that the body's rise and fall with each step does not read as a tilt of the horizon.

    Returns
    -------
    Floor or None
        None with fewer than 2 footprints or 10 frames.
    """
    body = stride_mean(body_uv, stride_frames)
    body = body[np.all(np.isfinite(body), axis=(1, 2))]
    heel = np.asarray(heel_uv, float)
    ok = np.all(np.isfinite(heel), axis=1) & np.all(np.isfinite(heel_hip_uv), axis=1)
    if ok.sum() < 2 or len(body) < 10:
        return None
    heel, heel_hip = heel[ok], np.asarray(heel_hip_uv, float)[ok]
    q = rays(body, lens)  # (T, 3, 3)
    focal = 0.5 * (lens.fx + lens.fy)
    weight = np.sqrt(len(body))

    def residuals(x: np.ndarray) -> np.ndarray:
        n = normal_of(x[0], x[1])
        r_body = _rank1_residual(focal * (q @ n))
        fwd = _forward(n, lens, heel)
        r_trunk = [_trunk_residual(n, x[2], fwd, lens, body[:, 0], body[:, j]) for j in (1, 2)]
        return np.concatenate([r_body, *r_trunk, [weight * x[2] / _LEAN_PRIOR_RAD]])

    lo = [-_NORMAL_BOUND, -_NORMAL_BOUND, -_LEAN_BOUND]
    hi = [_NORMAL_BOUND, _NORMAL_BOUND, _LEAN_BOUND]
    fit = least_squares(residuals, np.zeros(3), bounds=(lo, hi), x_scale=[0.05, 0.05, 0.1])
    r = fit.fun
    s2 = float(np.sum(r ** 2) / max(r.size - 3, 1))
    try:
        # after the moving mean only one row in ``stride_frames`` is independent
        cov = np.linalg.inv(fit.jac.T @ fit.jac)[:2, :2] * s2 * max(stride_frames, 1)
    except np.linalg.LinAlgError:
        cov = np.full((2, 2), np.inf)
    n = normal_of(fit.x[0], fit.x[1])
    # heel (height 0) and mid-hip (height z) at one depth: g_heel / (g_heel - g_hip) = 1 / z
    g_heel, g_hip = rays(heel, lens) @ n, rays(heel_hip, lens) @ n
    height = float(np.median(g_heel / (g_heel - g_hip)))
    return Floor((float(fit.x[0]), float(fit.x[1])), cov, lens, float(np.degrees(fit.x[2])),
                 height if height > 0 else float("nan"), float(np.sqrt(np.mean(r ** 2))))
