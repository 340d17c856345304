"""Foot progression angle per side from the image: planted feet mapped onto the floor plane.

Method (no gait events, no MediaPipe depth; angles in degrees, toe out positive):

1. **Footprints** (:mod:`vidgait.kinematics.footprints`): the planted feet at mid-stance, found
   where the heel and toe stand still in the image, with their heel, toe, mid-hip and
   mid-shoulder image points.
2. **Floor** (:func:`vidgait.kinematics.floor.fit_floor`): the floor's plane (the camera's pitch
   and roll) from the body's apparent size over the walk and the trunk's vertical, with the camera
   model the caller supplies (:mod:`vidgait.lens`); lengths in camera heights, no scale needed.
3. **Line of progression**: the footprints' centres on the floor; the walking direction is their
   principal axis (forward = later); each footprint's side is the side of that line it lies on
   (so a pose model's mirrored left/right labels do not decide it,
   :func:`~vidgait.kinematics.footprints.assign_sides`); the direction is refitted as two
   parallel lines through each side's footprints, with its standard error.
4. **Each footprint's angle**: its heel->toe vector on the floor ``d`` = (along the walk, toward
   the toe-out side) has a covariance from the heel's and toe's pixel noise (``noise_px`` through
   the low-pass filter's response and the frames averaged) and from their heights above the sole
   (:data:`LANDMARK_HEIGHT_SD_M` each, independent: a pose model's heel is the back of the heel,
   its toe on the shoe's upper); the angle and the foot's length are fitted to ``d`` by least
   squares with the length's prior (:data:`FOOT_LENGTH_FRACTION` of height over
   :data:`HIP_HEIGHT_FRACTION`: the camera's height is known in hip heights, so no body height is
   needed). Seen end-on (from behind or in front) the foot's length along the rays is
   foreshortened and shifted by any landmark height, while its sideways part, which carries the
   angle, is seen square: the fit then rests on the sideways part and the foot's length. A
   footprint whose vector is no foot of that length (chi-square beyond :data:`MAX_CHI2`) is
   dropped.
5. **Uncertainty of each footprint's angle**: the fit's own (its curvature), the floor's (the
   whole chain redone with the floor moved by its covariance) and the line of progression's, in
   quadrature; widened when the footprints scatter more than that (a robust reduced chi-square
   over the pass). Seen from the side the foot's turn toward the camera shows only as a few
   pixels of height, and a centimetre of landmark height is many degrees: footprints whose
   uncertainty exceeds :data:`vidgait.norms.FOOT_PROGRESSION_MAX_SD` are not used, and a side
   with fewer than :data:`MIN_FOOTPRINTS` left is ``NotMeasurable("uncertain")``.

Floor and focal-length errors change the angle only in proportion to it (docs/accuracy.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from vidgait.kinematics.conventions import SIDES
from vidgait.kinematics.floor import Floor, fit_floor, floor_basis, normal_of, on_floor
from vidgait.kinematics.footprints import Footprint, assign_sides, find_footprints, stride_frames
from vidgait.kinematics.results import Estimate, NotMeasurable, Reason
from vidgait.kinematics.signal import mean_noise_factor
from vidgait.landmarks import INDEX
from vidgait.lens import Pinhole
from vidgait.norms import FOOT_PROGRESSION_MAX_SD

#: fewest usable footprints per side for a value
MIN_FOOTPRINTS = 2
#: largest chi-square (one degree of freedom) of a footprint's fit (its floor vector against a
#: foot of the expected length, given their uncertainties): beyond it, it is no planted foot
MAX_CHI2 = 9.0
#: the angles a foot is fitted within, deg: a planted foot points forward (in-toeing and
#: out-toeing beyond 30 deg are rare; a heel->toe line pointing sideways or back is no foot)
MAX_ANGLE_DEG = 60.0
#: SD of a heel or toe landmark's height above the sole, m (an ASSUMPTION: on the rendered phantom
#: MediaPipe's ``foot_index`` sat 1.7-2.5 cm above the toe tip, docs/accuracy.md)
LANDMARK_HEIGHT_SD_M = 0.01
#: mid-hip height at mid-stance as a share of standing height (greater trochanter, Winter 2009)
HIP_HEIGHT_FRACTION = 0.53
#: foot length (heel to toe tip) as a share of standing height (Winter 2009), and the relative SD
#: of one person's foot length given that share (about 5 %, with the hip landmark's height error)
FOOT_LENGTH_FRACTION = 0.152
FOOT_LENGTH_SD = 0.1
#: height assumed when none is given, m (scales only the landmark-height term above)
DEFAULT_HEIGHT_M = 1.70


@dataclass(frozen=True)
class FootProgression:
    """The foot progression angles of one walking pass.

    Attributes
    ----------
    sides : dict side -> Estimate or NotMeasurable
        Per side, the mean over its usable footprints, deg, toe out positive (``method="mean"``),
        or why not: ``"few_footprints"`` (fewer than :data:`MIN_FOOTPRINTS` found, e.g. a short
        pass), ``"no_floor"`` (the walk does not fit one still camera over a flat floor,
        :attr:`~vidgait.kinematics.floor.Floor.plausible`), ``"uncertain"`` (too few within the
        uncertainty limit), ``"treadmill"``.
    footprints : tuple of Footprint
        All footprints found, in time order, with their side.
    angle_deg, uncertainty_deg : (K,) float
        Each footprint's angle (toe out positive) and its first-order SD, deg.
    used : (K,) bool
        Footprints within the uncertainty limit.
    floor : Floor or None
        The floor plane (None when it could not be fitted).
    forward : (3,) float
        Walking direction on the floor, camera axes (NaN without a floor).
    """

    sides: dict[str, Estimate | NotMeasurable]
    footprints: tuple[Footprint, ...] = ()
    angle_deg: np.ndarray = field(default_factory=lambda: np.empty(0))
    uncertainty_deg: np.ndarray = field(default_factory=lambda: np.empty(0))
    used: np.ndarray = field(default_factory=lambda: np.empty(0, bool))
    floor: Floor | None = None
    forward: np.ndarray = field(default_factory=lambda: np.full(3, np.nan))

    def difference(self) -> tuple[float, tuple[float, float]]:
        """Left minus right, deg, and its 95 % interval (Welch), NaN where not measured."""
        left, right = self.sides["left"], self.sides["right"]
        if not isinstance(left, Estimate) or not isinstance(right, Estimate):
            return float("nan"), (float("nan"), float("nan"))
        return difference_of(left, right)


def difference_of(left: Estimate, right: Estimate) -> tuple[float, tuple[float, float]]:
    """Left minus right of two per-stride estimates, with a Welch 95 % interval.

    Parameters
    ----------
    left, right : Estimate
        The two sides' estimates (same unit).

    Returns
    -------
    value : float
        ``left.value - right.value``.
    ci95 : (float, float)
        NaN when either side has fewer than two strides.
    """
    d = left.value - right.value
    if left.n < 2 or right.n < 2:
        return d, (float("nan"), float("nan"))
    vl, vr = left.sd ** 2 / left.n, right.sd ** 2 / right.n
    se = np.sqrt(vl + vr)
    dof = (vl + vr) ** 2 / max(vl ** 2 / (left.n - 1) + vr ** 2 / (right.n - 1), 1e-300)
    half = float(stats.t.ppf(0.975, dof)) * se if se > 0 else 0.0
    return d, (d - half, d + half)


def _progression(centres: np.ndarray, sides: list[str] | None) -> tuple[np.ndarray, float]:
    """Walking direction (principal axis, forward = later) and its SE (rad); with sides, two
    parallel lines through each side's points.
    """
    if sides is not None and all(sides.count(s) >= 2 for s in SIDES):
        arr = np.asarray(sides)
        c = np.vstack([centres[arr == s] - centres[arr == s].mean(0) for s in SIDES])
        dof = len(c) - 3
    else:
        c = centres - centres.mean(0)
        dof = len(c) - 2
    _, sv, vt = np.linalg.svd(c, full_matrices=False)
    d = vt[0] if np.dot(centres[-1] - centres[0], vt[0]) >= 0 else -vt[0]
    lateral = sv[1] ** 2 / max(dof, 1) if len(sv) > 1 else 0.0
    se = float(np.sqrt(lateral) / sv[0]) if sv[0] > 0 and dof > 0 else float("nan")
    return d, se


@dataclass(frozen=True)
class _Geometry:
    """What every footprint's angle is computed in: the floor's normal, the walking direction
    and its SE, and each footprint's heel and toe on the floor (camera heights).
    """

    normal: np.ndarray
    forward: np.ndarray
    se_dir: float
    heel: np.ndarray
    toe: np.ndarray
    left: np.ndarray


def _geometry(fp: list[Footprint], normal: np.ndarray, lens: Pinhole,
              sides: list[str] | None) -> _Geometry:
    heel = on_floor(np.array([f.heel_px for f in fp]), normal, lens)
    toe = on_floor(np.array([f.toe_px for f in fp]), normal, lens)
    d, se = _progression(0.5 * (heel + toe), sides)
    f, left = floor_basis(normal, d)
    return _Geometry(normal, f, se, heel, toe, left)


def _components(geo: _Geometry, heel: np.ndarray, toe: np.ndarray, sign: float) -> np.ndarray:
    """The heel->toe vector on the floor as (along the walk, toward the toe-out side)."""
    d = toe - heel
    return np.array([d @ geo.forward, sign * (d @ geo.left)])


def _foot_cov(f: Footprint, geo: _Geometry, lens: Pinhole, sign: float, sd_px: np.ndarray,
              eta: float) -> np.ndarray:
    """2 x 2 covariance of :func:`_components` from the heel's and toe's pixel noise (``sd_px``:
    heel, toe) and their heights above the sole (SD ``eta`` camera heights each).
    """
    n = geo.normal
    base = _components(geo, on_floor(f.heel_px, n, lens), on_floor(f.toe_px, n, lens), sign)
    cols = []
    step = 0.5
    for which, sd in ((0, sd_px[0]), (1, sd_px[1])):
        for axis in (0, 1):
            pts = [f.heel_px.copy(), f.toe_px.copy()]
            pts[which][axis] += step
            moved = _components(geo, on_floor(pts[0], n, lens), on_floor(pts[1], n, lens), sign)
            cols.append((moved - base) / step * sd)
        hts = [0.0, 0.0]
        hts[which] = eta
        moved = _components(geo, on_floor(f.heel_px, n, lens, hts[0]),
                            on_floor(f.toe_px, n, lens, hts[1]), sign)
        cols.append(moved - base)
    j = np.array(cols).T
    return j @ j.T


def _solve(d: np.ndarray, cov: np.ndarray, length: float, length_sd: float
           ) -> tuple[float, float, float]:
    """The foot's angle (deg) from its floor vector ``d`` (covariance ``cov``) and a prior on its
    length, by least squares over (angle within +-:data:`MAX_ANGLE_DEG`, length); the angle's SD
    (deg) from the fit's curvature, and the fit's chi-square (one degree of freedom).

    For a given angle the best length is linear (closed form), so the chi-square is scanned over
    the angle every 0.5 deg and refined by a parabola through the best three.
    """
    w = np.linalg.inv(cov + 1e-12 * np.eye(2))
    phi = np.radians(np.arange(-MAX_ANGLE_DEG, MAX_ANGLE_DEG + 0.25, 0.5))

    def chi2(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        u = np.stack([np.cos(a), np.sin(a)], axis=-1)  # (n, 2)
        uw = u @ w
        lam = np.clip((uw @ d + length / length_sd ** 2)
                      / (np.sum(uw * u, axis=1) + 1.0 / length_sd ** 2), 0.2 * length, None)
        r = d[None, :] - lam[:, None] * u
        return np.sum((r @ w) * r, axis=1) + ((lam - length) / length_sd) ** 2, lam

    c2, _ = chi2(phi)
    i = int(np.argmin(c2))
    a = phi[i]
    if 0 < i < len(phi) - 1:
        den = c2[i - 1] - 2 * c2[i] + c2[i + 1]
        if den > 0:
            a = phi[i] + 0.5 * (c2[i - 1] - c2[i + 1]) / den * (phi[1] - phi[0])
    best, lam = chi2(np.array([a]))
    # Gauss-Newton curvature of chi2 at the optimum (residuals: whitened d, then the prior)
    u = np.array([np.cos(a), np.sin(a)])
    du = np.array([-np.sin(a), np.cos(a)])
    jac = np.column_stack([-lam[0] * du, -u])
    jw = np.vstack([np.linalg.cholesky(w).T @ jac, [[0.0, 1.0 / length_sd]]])
    try:
        sd = float(np.sqrt(np.linalg.inv(jw.T @ jw)[0, 0]))
    except np.linalg.LinAlgError:
        sd = float("inf")
    return float(np.degrees(a)), float(np.degrees(sd)), float(best[0])


def _angles(fp: list[Footprint], geo: _Geometry, lens: Pinhole, sign: np.ndarray,
            sd_px: np.ndarray, eta: float, length: float, covs: list[np.ndarray] | None = None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
    """Each footprint's angle and its SD from the landmarks (deg), its fit's chi-square and its
    floor vector's covariance (``covs``: reused when given), in one geometry.
    """
    ang, sd, chi2 = np.empty(len(fp)), np.empty(len(fp)), np.empty(len(fp))
    covs = covs or [_foot_cov(f, geo, lens, sign[i], sd_px[i], eta) for i, f in enumerate(fp)]
    for i in range(len(fp)):
        d = _components(geo, geo.heel[i], geo.toe[i], sign[i])
        ang[i], sd[i], chi2[i] = _solve(d, covs[i], length, FOOT_LENGTH_SD * length)
    return ang, sd, chi2, covs


def foot_progression(t: np.ndarray, xy: np.ndarray, fs: float, lens: Pinhole, *,
                     noise_px: np.ndarray | float = 1.0, frame_size: tuple[int, int] | None = None,
                     height_m: float | None = None, treadmill: bool = False,
                     cutoff_hz: float = 6.0) -> FootProgression:
    """Foot progression angle per side of one walking pass (module notes).

    Parameters
    ----------
    t : (N,) float
        Uniform times, s.
    xy : (N, 33, 2) float
        Image landmarks (filtered), px.
    fs : float
        Sampling rate, Hz.
    lens : Pinhole
        The camera model in the landmarks' pixel convention (:func:`vidgait.lens.pinhole`).
    noise_px : float or (33,) float
        SD of the residual of the raw landmarks about the low-passed ones, px, per landmark
        (``Conditioned.noise_median_px``); converted to the noise of a footprint's mean through
        the filter's response.
    frame_size : (int, int), optional
        (width, height), px.
    height_m : float, optional
        Standing height, m (scales the landmark-height term of the uncertainty; default
        :data:`DEFAULT_HEIGHT_M`).
    treadmill : bool
        A treadmill walk: a foot on the belt does not stand still, nothing is measured.
    cutoff_hz : float
        The low-pass cut-off the landmarks were filtered with, Hz.

    Returns
    -------
    FootProgression
    """
    if treadmill:
        return FootProgression({s: NotMeasurable("treadmill") for s in SIDES})
    fp = find_footprints(t, xy, fs, frame_size)
    if len(fp) < 2 * MIN_FOOTPRINTS:
        return _without(fp)
    body = np.stack([0.5 * (xy[:, INDEX[f"left_{p}"]] + xy[:, INDEX[f"right_{p}"]])
                     for p in ("hip", "shoulder", "ear")], axis=1)
    floor = fit_floor(body, np.array([f.heel_px for f in fp]), np.array([f.hip_px for f in fp]),
                      lens, stride_frames(fp, fs))
    if floor is None or not floor.plausible:
        return _without(fp, floor, "no_floor")
    pts = on_floor(np.array([[f.heel_px, f.toe_px] for f in fp]), floor.normal, lens)
    if not np.all(np.isfinite(pts)):  # a foot at or above the horizon: no floor under it
        return _without(fp, floor, "no_floor")
    geo = _geometry(fp, floor.normal, lens, None)
    centres = 0.5 * (geo.heel + geo.toe)
    fp = assign_sides(fp, (centres - centres.mean(0)) @ geo.left)
    noise = np.broadcast_to(np.asarray(noise_px, float), (len(INDEX),))
    cam = floor.camera_height if np.isfinite(floor.camera_height) else 1.0
    hip_m = (height_m or DEFAULT_HEIGHT_M) * HIP_HEIGHT_FRACTION
    eta = LANDMARK_HEIGHT_SD_M / (cam * hip_m)
    length = FOOT_LENGTH_FRACTION / HIP_HEIGHT_FRACTION / cam
    for _ in range(2):  # a footprint that is no foot of this length is dropped, once
        if len(fp) < 2 * MIN_FOOTPRINTS:
            return _without(fp, floor)
        sides = [f.side for f in fp]
        geo = _geometry(fp, floor.normal, lens, sides)
        sign = np.where(np.asarray(sides) == "left", 1.0, -1.0)
        sd_px = np.array([[noise[INDEX[f"{f.label}_{k}"]]
                           * mean_noise_factor(fs, cutoff_hz, f.frames)
                           for k in ("heel", "foot_index")] for f in fp])
        ang, sd, chi2, covs = _angles(fp, geo, lens, sign, sd_px, eta, length)
        fits = chi2 <= MAX_CHI2
        if fits.all():
            break
        fp = [f for f, ok in zip(fp, fits, strict=True) if ok]
    var = sd ** 2 + _floor_variance(fp, floor, lens, sides, sign, covs, length, ang)
    if np.isfinite(geo.se_dir):
        var += np.degrees(geo.se_dir) ** 2
    unc = np.sqrt(var) * _scatter_ratio(ang, np.sqrt(var), sides)
    used = unc <= FOOT_PROGRESSION_MAX_SD.value
    out: dict[str, Estimate | NotMeasurable] = {}
    for s in SIDES:
        mine = np.asarray(sides) == s
        if mine.sum() < MIN_FOOTPRINTS:
            out[s] = NotMeasurable("few_footprints")
        elif (mine & used).sum() < MIN_FOOTPRINTS:
            out[s] = NotMeasurable("uncertain")
        else:
            out[s] = Estimate.of(ang[mine & used])
    return FootProgression(out, tuple(fp), ang, unc, used, floor, geo.forward)


def _without(fp: list[Footprint], floor: Floor | None = None,
             reason: Reason = "few_footprints") -> FootProgression:
    """No value: too few footprints (found, on a consistent side, or fitting a foot), or no
    plausible floor under them.
    """
    nan = np.full(len(fp), np.nan)
    return FootProgression({s: NotMeasurable(reason) for s in SIDES}, tuple(fp), nan,
                           nan.copy(), np.zeros(len(fp), bool), floor)


def _scatter_ratio(ang: np.ndarray, unc: np.ndarray, sides: list[str]) -> float:
    """How much more the footprints scatter about their side's median than their uncertainties
    say, robustly: ``sqrt(median(z^2) / 0.455)`` of ``z = (angle - side median) / uncertainty``
    (0.455: the median of a chi-square with one degree of freedom), at least 1; 1 with fewer
    than three footprints beyond one per side. Noise the geometry leaves out (a hidden toe, the
    pose model's own errors, the person's stride-to-stride variation) then widens every
    footprint's uncertainty; one footprint at another phase of stance does not.
    """
    arr = np.asarray(sides)
    z = []
    for s in SIDES:
        m = (arr == s) & np.isfinite(unc) & (unc > 0)
        if m.sum() >= 2:
            z += list((ang[m] - np.median(ang[m])) / unc[m])
    if len(z) < 5:
        return 1.0
    return max(1.0, float(np.sqrt(np.median(np.square(z)) / 0.455)))


def _floor_variance(fp: list[Footprint], floor: Floor, lens: Pinhole, sides: list[str],
                    sign: np.ndarray, covs: list[np.ndarray], length: float,
                    ang: np.ndarray) -> np.ndarray:
    """Variance (deg^2) of each angle from the floor's covariance: the whole chain (mapping,
    line of progression, angle) redone with the normal moved along each principal axis.
    """
    cov = np.asarray(floor.cov, float)
    if not np.all(np.isfinite(cov)):
        return np.full(len(fp), np.inf)
    w, v = np.linalg.eigh(cov)
    out = np.zeros(len(fp))
    for lam, vec in zip(w, v.T, strict=True):
        if lam <= 0:
            continue
        p = np.asarray(floor.params) + np.sqrt(lam) * vec
        geo = _geometry(fp, normal_of(float(p[0]), float(p[1])), lens, sides)
        out += (_angles(fp, geo, lens, sign, np.empty(0), 0.0, length, covs)[0] - ang) ** 2
    return np.nan_to_num(out, nan=np.inf)
