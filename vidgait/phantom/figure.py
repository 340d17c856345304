"""The phantom's body: shaded primitives built around the walker's landmarks (pure numpy).

The figure is a mannequin of tapered limbs (truncated cones closed by spheres) and ellipsoids
(head, torso, hands, shoes, face features), dressed in a shirt, trousers and shoes. Every primitive
is attached to the walker's 33 landmarks for that frame, so joints sit exactly where the truth says;
the head and face are laid out from the ear, eye, nose and mouth landmarks so MediaPipe's
face-anchored detector sees a plausible face. Sizes are fractions of the body height (adult
anthropometry).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from vidgait.landmarks import INDEX

#: RGB colours in [0, 1]
SKIN = (0.86, 0.67, 0.54)
SHIRT = (0.16, 0.36, 0.66)
TROUSERS = (0.22, 0.22, 0.26)
SHOES = (0.55, 0.14, 0.10)
HAIR = (0.18, 0.11, 0.06)
EYE_WHITE = (0.95, 0.95, 0.93)
PUPIL = (0.08, 0.06, 0.05)
LIPS = (0.70, 0.30, 0.30)

#: loose trousers: rendered leg radii over the gait model's limb radii (proximal, distal); the
#: narrow hem and flat shoes were tuned so MediaPipe's ankles and heels land closest to the truth
_EASE = {"thigh": (1.25, 1.2), "shank": (1.2, 1.05)}


@dataclass(frozen=True)
class BodyShape:
    """Limb radii as fractions of body height.

    Attributes
    ----------
    upper_arm, forearm, thigh, shank : (float, float)
        Radius at the proximal and distal joint.
    neck : float
        Neck radius.
    shoulder, hand, foot_width, foot_height : float
        Shoulder cap radius, hand half-width, shoe half-width and half-height.
    chest, waist, pelvis : (float, float, float)
        Ellipsoid semi-axes (antero-posterior, lateral, vertical), in the order of the torso
        frame's columns (forward, left, up), as fractions of height: at 1.70 m the chest is
        32 cm wide and 25 cm deep, the waist 29 x 22 cm, the pelvis 35 x 24 cm (swapped
        until 2026-11-26, docs/phantom.md).
    """

    upper_arm: tuple[float, float] = (0.027, 0.021)
    forearm: tuple[float, float] = (0.020, 0.015)
    thigh: tuple[float, float] = (0.059, 0.039)
    shank: tuple[float, float] = (0.039, 0.022)
    neck: float = 0.034
    shoulder: float = 0.036
    hand: float = 0.022
    foot_width: float = 0.028
    foot_height: float = 0.012
    chest: tuple[float, float, float] = (0.074, 0.094, 0.135)
    waist: tuple[float, float, float] = (0.066, 0.084, 0.095)
    pelvis: tuple[float, float, float] = (0.072, 0.104, 0.078)

    @classmethod
    def from_body(cls, body: dict[str, float]) -> BodyShape:
        """Limb radii from the gait model's ``body`` dict (metres), torso proportions default.

        Parameters
        ----------
        body : dict
            :func:`vidgait.synth.body.body_dimensions` output: ``height`` and
            ``<segment>_radius_proximal`` / ``_distal`` for upper_arm, forearm, thigh, shank.
            Missing keys keep the default fraction.

        Returns
        -------
        BodyShape
        """
        h = float(body["height"])
        default = cls()
        kw = {}
        for seg in ("upper_arm", "forearm", "thigh", "shank"):
            p, d = body.get(f"{seg}_radius_proximal"), body.get(f"{seg}_radius_distal")
            if p is not None and d is not None:
                ease = _EASE.get(seg, (1.0, 1.0))
                kw[seg] = (ease[0] * float(p) / h, ease[1] * float(d) / h)
        return dataclasses.replace(default, **kw)


@dataclass
class Primitives:
    """Instances to draw for one frame.

    Attributes
    ----------
    cones : (N, 11) float32
        ``p0 (3), r0, p1 (3), r1, rgb (3)`` of truncated cones.
    ellipsoids : (M, 15) float32
        ``centre (3), axes (3x3, columns are the scaled semi-axes), rgb (3)``.
    shadows : (K, 3) float32
        ``x, y, radius`` of soft contact shadows on the floor.
    """

    cones: list = field(default_factory=list)
    ellipsoids: list = field(default_factory=list)
    shadows: list = field(default_factory=list)

    def cone(self, p0, r0, p1, r1, rgb) -> None:
        """Add a truncated cone from ``p0`` (radius ``r0``) to ``p1`` (radius ``r1``).

        Parameters
        ----------
        p0, p1 : (3,) float
            Centres of the two ends, m.
        r0, r1 : float
            Radii at ``p0`` and ``p1``, m.
        rgb : (3,) float
            Colour, 0-1 per channel.
        """
        self.cones.append([*p0, r0, *p1, r1, *rgb])

    def sphere(self, centre, radius, rgb) -> None:
        """Add a sphere.

        Parameters
        ----------
        centre : (3,) float
            Centre, m.
        radius : float
            Radius, m.
        rgb : (3,) float
            Colour, 0-1 per channel.
        """
        self.ellipsoid(centre, np.eye(3), (radius, radius, radius), rgb)

    def ellipsoid(self, centre, frame, radii, rgb) -> None:
        """Add an ellipsoid whose semi-axes are ``frame`` columns scaled by ``radii``.

        Parameters
        ----------
        centre : (3,) float
            Centre, m.
        frame : (3, 3) float
            Orthonormal axes as columns.
        radii : (3,) float
            Semi-axis lengths along the ``frame`` columns, m.
        rgb : (3,) float
            Colour, 0-1 per channel.
        """
        axes = np.asarray(frame, dtype=np.float64) * np.asarray(radii, dtype=np.float64)[None, :]
        self.ellipsoids.append([*centre, *axes.T.reshape(-1), *rgb])

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The instances as float32 arrays ``(cones, ellipsoids, shadows)``."""
        return (np.asarray(self.cones, dtype=np.float32).reshape(-1, 11),
                np.asarray(self.ellipsoids, dtype=np.float32).reshape(-1, 15),
                np.asarray(self.shadows, dtype=np.float32).reshape(-1, 3))


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / n if n > 1e-12 else v


def _frame(lateral: np.ndarray, up_hint: np.ndarray) -> np.ndarray:
    """Right-handed frame (forward, left, up) as columns from a left-pointing and an up-ish
    vector.
    """
    left = _unit(lateral)
    up = _unit(up_hint - np.dot(up_hint, left) * left)
    forward = np.cross(left, up)
    return np.stack([forward, left, up], axis=1)


def _lm(landmarks: np.ndarray, name: str) -> np.ndarray:
    return np.asarray(landmarks[INDEX[name]], dtype=np.float64)


def body_height(landmarks: np.ndarray) -> float:
    """Estimate the standing height (m) the landmarks were built for: ear level over the floor.

    Ears sit at about 0.936 of stature in adults; the floor is z = 0.

    Parameters
    ----------
    landmarks : (33, 3) float
        World landmarks of one frame, m, z up from the floor.
    """
    ears = 0.5 * (_lm(landmarks, "left_ear") + _lm(landmarks, "right_ear"))
    return float(ears[2] / 0.936)


def torso_ellipsoids(landmarks: np.ndarray, height: float,
                     shape: BodyShape | None = None) -> dict[str, tuple[np.ndarray, ...]]:
    """The trunk's ellipsoids and hip balls as drawn, oriented by the landmarks (not by the
    walker's pelvis segment): the back the marker card (:mod:`vidgait.phantom.card`) rests on.

    Parameters
    ----------
    landmarks : (33, 3) array_like
        World landmarks of one frame, m.
    height : float
        Body height, m.
    shape : BodyShape, optional
        Proportions (default adult).

    Returns
    -------
    dict of str -> (centre (3,), frame (3, 3), radii (3,))
        ``chest, waist, pelvis, left_hip, right_hip``: centre, axes as columns, semi-axes (m).
    """
    lm, shape = np.asarray(landmarks, dtype=np.float64), shape or BodyShape()
    ls, rs, lh, rh = (_lm(lm, n) for n in ("left_shoulder", "right_shoulder", "left_hip",
                                            "right_hip"))
    sh_mid, hip_mid = 0.5 * (ls + rs), 0.5 * (lh + rh)
    spine = sh_mid - hip_mid
    thorax, pelvis = _frame(ls - rs, spine), _frame(lh - rh, spine)
    ball = shape.thigh[0] * height  # the thigh's proximal radius, as _add_leg draws it
    return {"chest": (sh_mid - 0.36 * spine - 0.008 * height * thorax[:, 0], thorax,
                      np.array(shape.chest) * height),
            "waist": (hip_mid + 0.30 * spine, 0.5 * (thorax + pelvis),
                      np.array(shape.waist) * height),
            "pelvis": (hip_mid + 0.03 * height * pelvis[:, 2], pelvis,
                       np.array(shape.pelvis) * height),
            "left_hip": (lh, np.eye(3), np.full(3, ball)),
            "right_hip": (rh, np.eye(3), np.full(3, ball))}


def _add_torso(prim: Primitives, lm: np.ndarray, height: float, shape: BodyShape) -> None:
    ell = torso_ellipsoids(lm, height, shape)
    for name, colour in (("chest", SHIRT), ("waist", SHIRT), ("pelvis", TROUSERS)):
        prim.ellipsoid(*ell[name], colour)
    ls, rs = _lm(lm, "left_shoulder"), _lm(lm, "right_shoulder")
    thorax, sh_mid = ell["chest"][1], 0.5 * (ls + rs)
    # shoulder girdle: trapezius slopes from the neck base down to each shoulder cap
    neck_base, r = sh_mid + 0.005 * height * thorax[:, 2], shape.shoulder * height
    for s in (ls, rs):
        cap = s - 0.008 * height * thorax[:, 2]
        prim.cone(neck_base, 1.25 * r, cap, r, SHIRT)
        prim.sphere(cap, r, SHIRT)


def _add_limbs(prim: Primitives, lm: np.ndarray, height: float, shape: BodyShape) -> None:
    for side in ("left", "right"):
        _add_arm(prim, lm, side, height, shape)
        _add_hand(prim, lm, side, height, shape)
        _add_leg(prim, lm, side, height, shape)
        _add_shoe(prim, lm, side, height, shape)


def _add_arm(prim: Primitives, lm: np.ndarray, side: str, height: float,
             shape: BodyShape) -> None:
    """Short shirt sleeve over a skin upper arm, skin forearm."""
    sh, el, wr = (_lm(lm, f"{side}_{j}") for j in ("shoulder", "elbow", "wrist"))
    ua, fa = np.array(shape.upper_arm) * height, np.array(shape.forearm) * height
    sleeve_end = sh + 0.6 * (el - sh)
    prim.cone(sh, 1.12 * ua[0], sleeve_end, 1.12 * np.interp(0.6, [0, 1], ua), SHIRT)
    prim.cone(sh, 0.95 * ua[0], el, ua[1], SKIN)
    prim.sphere(el, ua[1], SKIN)
    prim.cone(el, fa[0], wr, fa[1], SKIN)
    prim.sphere(wr, fa[1], SKIN)


def _add_leg(prim: Primitives, lm: np.ndarray, side: str, height: float,
             shape: BodyShape) -> None:
    """Trouser leg from hip to ankle."""
    hip, kn, an = (_lm(lm, f"{side}_{j}") for j in ("hip", "knee", "ankle"))
    th, sk = np.array(shape.thigh) * height, np.array(shape.shank) * height
    prim.cone(hip, th[0], kn, th[1], TROUSERS)
    prim.sphere(hip, th[0], TROUSERS)
    prim.sphere(kn, th[1], TROUSERS)
    prim.cone(kn, sk[0], an, sk[1], TROUSERS)
    prim.sphere(an, sk[1], TROUSERS)


def _add_hand(prim: Primitives, lm: np.ndarray, side: str, height: float,
              shape: BodyShape) -> None:
    wr = _lm(lm, f"{side}_wrist")
    tip = (_lm(lm, f"{side}_index") + _lm(lm, f"{side}_pinky")) / 2.0
    axis = tip - wr
    length = max(np.linalg.norm(axis), 0.05 * height)
    across = _lm(lm, f"{side}_index") - _lm(lm, f"{side}_pinky")
    fr = _frame(across, axis)  # columns: palm normal, across, along
    prim.ellipsoid(wr + 0.55 * axis, fr, (0.45 * shape.hand * height, shape.hand * height,
                                          0.62 * length), SKIN)


def _add_shoe(prim: Primitives, lm: np.ndarray, side: str, height: float,
              shape: BodyShape) -> None:
    heel, toe, ankle = (_lm(lm, f"{side}_{j}") for j in ("heel", "foot_index", "ankle"))
    along = toe - heel
    half = 0.5 * np.linalg.norm(along)
    fwd = _unit(along)
    up_hint = ankle - heel
    up = _unit(up_hint - np.dot(up_hint, fwd) * fwd)
    left = np.cross(up, fwd)
    fr = np.stack([fwd, left, up], axis=1)
    centre = 0.5 * (heel + toe) + 0.6 * shape.foot_height * height * up
    prim.ellipsoid(centre, fr, (half * 1.05, shape.foot_width * height,
                                shape.foot_height * height * 1.1), SHOES)
    # heel counter: a rounded block around the heel landmark
    prim.ellipsoid(heel + 0.9 * shape.foot_height * height * up + 0.25 * half * fwd, fr,
                   (0.32 * half, 0.95 * shape.foot_width * height,
                    1.0 * shape.foot_height * height), SHOES)
    # the shoe's upper ends below the ankle joint: the malleoli stay visible above the shoe
    collar = ankle + 0.35 * (centre - ankle)
    prim.cone(collar, 0.019 * height, centre + 0.3 * half * fwd, 0.024 * height, SHOES)
    prim.shadows.append([0.5 * (heel[0] + toe[0]), 0.5 * (heel[1] + toe[1]),
                         max(half, 0.05 * height) * (1.0 + 2.0 * max(heel[2], 0.0))])


def _head_frame(lm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Head frame (forward, left, up) columns, ears' midpoint and semi-axes from face landmarks."""
    le, re, nose = _lm(lm, "left_ear"), _lm(lm, "right_ear"), _lm(lm, "nose")
    ear_mid = 0.5 * (le + re)
    left = _unit(le - re)
    to_nose = nose - ear_mid
    fwd = _unit(to_nose - np.dot(to_nose, left) * left)
    up = np.cross(fwd, left)
    frame = np.stack([fwd, left, up], axis=1)
    half_width = 0.5 * np.linalg.norm(le - re)
    depth = np.dot(to_nose, fwd)
    return frame, ear_mid, np.array([depth, half_width, depth])


def _add_head(prim: Primitives, lm: np.ndarray, height: float, shape: BodyShape) -> None:
    fr, ear_mid, (depth, half_w, _) = _head_frame(lm)
    fwd, left, up = fr[:, 0], fr[:, 1], fr[:, 2]
    centre = ear_mid + 0.20 * depth * up - 0.08 * depth * fwd
    radii = np.array([0.98 * depth, 0.98 * half_w, 1.22 * depth])
    prim.ellipsoid(centre, fr, radii, SKIN)
    # jaw / chin
    prim.ellipsoid(ear_mid - 0.42 * depth * up + 0.22 * depth * fwd, fr,
                   (0.68 * depth, 0.62 * half_w, 0.50 * depth), SKIN)
    # hair: a cap over the top and back of the head
    prim.ellipsoid(centre + 0.14 * depth * up - 0.16 * depth * fwd, fr,
                   radii * np.array([0.98, 1.05, 0.95]), HAIR)
    prim.ellipsoid(centre - 0.30 * depth * fwd - 0.25 * depth * up, fr,
                   radii * np.array([0.75, 0.97, 0.80]), HAIR)
    # neck
    sh_mid = 0.5 * (_lm(lm, "left_shoulder") + _lm(lm, "right_shoulder"))
    prim.cone(sh_mid, 1.15 * shape.neck * height, ear_mid - 0.3 * depth * up - 0.2 * depth * fwd,
              shape.neck * height, SKIN)
    # ears
    for s in (1.0, -1.0):
        prim.ellipsoid(ear_mid + s * 0.98 * half_w * left, fr,
                       (0.22 * depth, 0.10 * half_w, 0.36 * depth), SKIN)
    _add_face(prim, lm, fr, depth)


def _add_face(prim: Primitives, lm: np.ndarray, fr: np.ndarray, depth: float) -> None:
    fwd, up = fr[:, 0], fr[:, 2]
    for side in ("left", "right"):
        eye = _lm(lm, f"{side}_eye")
        prim.ellipsoid(eye, fr, (0.10 * depth, 0.17 * depth, 0.085 * depth), EYE_WHITE)
        prim.ellipsoid(eye + 0.07 * depth * fwd, fr, (0.05 * depth, 0.07 * depth, 0.07 * depth),
                       PUPIL)
        prim.ellipsoid(eye + 0.20 * depth * up + 0.02 * depth * fwd, fr,
                       (0.06 * depth, 0.20 * depth, 0.035 * depth), HAIR)
    nose = _lm(lm, "nose")
    prim.ellipsoid(nose - 0.12 * depth * fwd, fr, (0.16 * depth, 0.09 * depth, 0.16 * depth),
                   SKIN)
    mouth = 0.5 * (_lm(lm, "mouth_left") + _lm(lm, "mouth_right"))
    half = 0.5 * np.linalg.norm(_lm(lm, "mouth_left") - _lm(lm, "mouth_right"))
    prim.ellipsoid(mouth, fr, (0.07 * depth, max(half, 0.12 * depth), 0.05 * depth), LIPS)


def build_figure(landmarks: np.ndarray, height: float | None = None,
                 shape: BodyShape | None = None) -> Primitives:
    """Build the dressed mannequin for one frame.

    Parameters
    ----------
    landmarks : (33, 3) array_like
        MediaPipe-ordered landmarks in the lab frame (metres; x forward, y left, z up).
    height : float, optional
        Body height in metres; estimated from the ears' height when omitted.
    shape : BodyShape, optional
        Limb proportions; the default adult shape when omitted.

    Returns
    -------
    Primitives
        Cones, ellipsoids and floor contact shadows of the figure.
    """
    lm = np.asarray(landmarks, dtype=np.float64)
    if lm.shape != (33, 3) or not np.all(np.isfinite(lm)):
        raise ValueError(f"landmarks must be a finite (33, 3) array, got shape {lm.shape}")
    h = body_height(lm) if height is None else float(height)
    shape = shape or BodyShape()
    prim = Primitives()
    _add_torso(prim, lm, h, shape)
    _add_limbs(prim, lm, h, shape)
    _add_head(prim, lm, h, shape)
    hip_mid = 0.5 * (_lm(lm, "left_hip") + _lm(lm, "right_hip"))
    prim.shadows.append([hip_mid[0], hip_mid[1], 0.16 * h])
    return prim
