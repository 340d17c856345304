"""The printed pelvis marker worn by the phantom: where the card is in every frame (pure numpy).

The card is the one ``vidgait marker`` prints (:func:`vidgait.marker.layout.sheet_layout`): an
AprilTag 36h11 black square (120 mm by default), a white quiet zone of one cell around it and a
label strip below, cut out and held flat on the sacrum. :func:`card_track` places it on a
synthetic walker (:class:`vidgait.synth.WalkerTruth`) rigidly with the walker's pelvis segment,
plus the placement errors of :class:`CardPlacement`; :meth:`CardTrack.in_camera` gives its
pose as a camera sees it, the truth that :func:`vidgait.marker.detect_tag` is compared with.

Frames and signs
----------------
* Lab: metres, x = progression, y = the walker's left, z = up (:mod:`vidgait.synth.body`).
* Pelvis segment: ``walk.segments["pelvis"]`` columns are its x (anterior), y (left) and z
  (superior) axes in the lab; origin ``walk.joints["pelvis"]``, the midpoint of the hip centres.
* Tag frame (as :mod:`vidgait.marker.detect`): origin at the black square's centre, x along the
  printed top edge to the right (as one looks at the print), y up the printed tag, z out of the
  printed face. Worn: tag x = pelvis -y (the patient's right: image right for a camera behind),
  tag y = pelvis z, tag z = pelvis -x (backward, toward a camera behind).
* Nominal place: the tag's centre sits ``SACRAL_HEIGHT`` x body height above the hip centres
  along the pelvis's z axis (the posterior superior iliac spines' level: about 8 cm for 1.70 m),
  midway between them, and ``standoff`` behind them along pelvis -x. By default the standoff is
  computed so that the card RESTS on the rendered figure: over the whole walk its printed face
  comes no closer than ``thickness_mm`` (the card and its backing) to the figure's trunk
  ellipsoids and hip balls (:func:`vidgait.phantom.figure.torso_ellipsoids`; those are oriented
  by the landmarks, not by the pelvis segment, so the gap varies a little over the cycle). The
  whole cut card (label strip included, any mounting roll) is checked, not just its centre.
* Placement errors, in the card's plane: ``offset_mm = (lateral, vertical)``, lateral + toward
  the patient's right (tag +x before the roll), vertical + up (pelvis +z); ``roll_deg`` about
  the tag's z axis, + turns its x axis toward its y axis, i.e. its right end up as seen from
  behind (the detector's roll sign). With ``standoff_mm`` given the card moves and turns by
  exactly that; resting on the figure, its standoff is found again (a few mm different).
* Skin sliding: ``slide_mm`` (lateral, vertical) and ``slide_roll_deg`` are amplitudes times
  ``s(t) = (hip flexion left - hip flexion right) / mean hip flexion range``, which runs about
  -1..1 and repeats with every stride.

Consequences (tested): from a camera straight behind, with no placement error, the tag's roll
(:func:`vidgait.marker.detect.roll_yaw_deg`) is the walker's pelvic obliquity with the right
side up positive (``walk.angles["right"]["pelvic_obliquity"]``: exactly, up to the factor
``cos(rotation)`` on its tangent, < 0.02 deg), and its yaw is the pelvic rotation with the right
side forward positive (``walk.angles["right"]["pelvic_rotation"]``, exactly). The pelvis's
anterior tilt (11 deg by default) turns the printed face a little upward: it changes neither,
but a mounting roll is seen from behind as ``atan(tan(roll) cos(tilt))`` (3 deg: 2.95 deg).

Pixels: :meth:`CardTrack.in_camera` gives the corners in the walker camera's convention
(``corners_px``: pixel ``(i, j)`` covers ``[i, i+1)``, its centre is ``i + 0.5``, like
``landmarks_2d``) and in OpenCV's (``corners_cv_px = corners_px - 0.5``: pixel centres at
integers), which is what :func:`~vidgait.marker.detect_tag` reports with
:func:`opencv_intrinsics` (principal point ``(W - 1) / 2, (H - 1) / 2``).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from vidgait.marker.layout import CELLS, DEFAULT_SIZE_MM, SheetLayout, sheet_layout
from vidgait.phantom.contact import back_gap
from vidgait.phantom.figure import BodyShape, torso_ellipsoids
from vidgait.synth.camera import Camera

#: height of the sacral point (the posterior superior iliac spines' level) above the hip centres
#: along the pelvis's up axis, fraction of body height (about 8 cm at 1.70 m)
SACRAL_HEIGHT = 0.047
#: grey levels of the printed card: paper and ink (not pure white and black, like real print)
PAPER_GREY, INK_GREY = 235, 20
#: texture resolution of the card, texels per tag cell (a power of two: the mipmaps' texels stay
#: aligned with the cells)
TEXELS_PER_CELL = 32
#: the card's axes from the pelvis segment's (columns tag x, y, z in pelvis coordinates)
_WEAR = np.array([[0.0, 0.0, -1.0], [-1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


@dataclass(frozen=True)
class CardPlacement:
    """The worn marker card and how (badly) it is placed.

    Attributes
    ----------
    tag_id : int
        The AprilTag 36h11 id (0 rear, 1 front).
    size_mm : float
        The black square's side, mm.
    paper : str
        The sheet it was printed on (``"a4"`` or ``"letter"``): the card's cut line and label
        strip come from :func:`vidgait.marker.layout.sheet_layout`.
    offset_mm : (float, float)
        The tag centre's offset from the sacral point in the card's plane, mm: lateral (+ toward
        the patient's right) and vertical (+ up the pelvis).
    roll_deg : float
        Mounting roll about the card's normal, deg (+ right end up as seen from behind).
    slide_mm : (float, float)
        Skin sliding amplitudes (lateral, vertical), mm, times the hip-flexion signal ``s(t)``.
    slide_roll_deg : float
        Skin sliding amplitude of the roll, deg, times ``s(t)``.
    standoff_mm : float or None
        The tag centre's distance behind the hip centres along pelvis -x, mm; None: computed
        so that the card rests on the rendered figure.
    thickness_mm : float
        The card with its backing: the printed face's closest approach to the figure, mm.
    """

    tag_id: int = 0
    size_mm: float = DEFAULT_SIZE_MM
    paper: str = "a4"
    offset_mm: tuple[float, float] = (0.0, 0.0)
    roll_deg: float = 0.0
    slide_mm: tuple[float, float] = (0.0, 0.0)
    slide_roll_deg: float = 0.0
    standoff_mm: float | None = None
    thickness_mm: float = 3.0

    def __post_init__(self) -> None:
        """Refuse what cannot be printed (:class:`~vidgait.errors.MarkerError`) and non-finite
        numbers (ValueError).
        """
        self.layout()
        nums = (*self.offset_mm, self.roll_deg, *self.slide_mm, self.slide_roll_deg,
                self.thickness_mm, 0.0 if self.standoff_mm is None else self.standoff_mm)
        if len(self.offset_mm) != 2 or len(self.slide_mm) != 2 or not all(
                math.isfinite(float(v)) for v in nums):
            raise ValueError(f"card placement needs finite numbers, (lateral, vertical) pairs: "
                             f"{self}")

    def layout(self) -> SheetLayout:
        """The printed sheet this card was cut from."""
        return sheet_layout(paper=self.paper, size_mm=self.size_mm, tag_id=self.tag_id)

    def outline_mm(self) -> tuple[float, float, float, float]:
        """The cut card's edges in the tag frame, mm: ``(left, right, top, bottom)`` (x right,
        y up, origin at the black square's centre; the label strip makes it longer below).
        """
        lay = self.layout()
        x, y, w, h = lay.card_mm
        cx, cy = lay.tag.x_mm + 0.5 * lay.tag.size_mm, lay.tag.y_mm + 0.5 * lay.tag.size_mm
        return x - cx, x + w - cx, cy - y, cy - (y + h)


def opencv_intrinsics(view: Camera) -> dict[str, float]:
    """The walker camera's intrinsics in OpenCV's pixel convention (pixel centres at integers).

    ``vidgait.marker.Intrinsics(**opencv_intrinsics(view), assumed=False)`` is the true camera
    for :func:`vidgait.marker.detect_tag`: its principal point is half a pixel up and left of the
    walker camera's ``(W / 2, H / 2)``.

    Parameters
    ----------
    view : Camera
        The walker camera.

    Returns
    -------
    dict
        ``fx``, ``fy``, ``cx``, ``cy``, px.
    """
    return {"fx": view.fx, "fy": view.fy, "cx": view.cx - 0.5, "cy": view.cy - 0.5}


@dataclass(frozen=True, eq=False)
class CardTrack:
    """The worn card in every frame, in the lab.

    Attributes
    ----------
    placement : CardPlacement
        What was worn and how.
    centre : (T, 3) float
        The black square's centre (the tag frame's origin), lab m.
    axes : (T, 3, 3) float
        The tag frame's x, y, z axes as columns, in the lab.
    standoff_m : float
        The tag centre's distance behind the hip centres along pelvis -x, m.
    slide : (T,) float
        The sliding signal ``s(t)`` (module notes).
    """

    placement: CardPlacement
    centre: np.ndarray
    axes: np.ndarray
    standoff_m: float
    slide: np.ndarray

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return len(self.centre)

    def subset(self, frames: slice | np.ndarray) -> CardTrack:
        """The same card in some of the frames.

        Parameters
        ----------
        frames : slice or index array
            The frames to keep.
        """
        return CardTrack(self.placement, self.centre[frames], self.axes[frames],
                         self.standoff_m, self.slide[frames])

    def points(self, xy_m: np.ndarray) -> np.ndarray:
        """Points of the card's plane in the lab, (T, N, 3) m.

        Parameters
        ----------
        xy_m : (N, 2) array_like
            Coordinates in the tag frame (x right, y up), m.
        """
        xy = np.asarray(xy_m, dtype=np.float64).reshape(-1, 2)
        return (self.centre[:, None, :] + xy[None, :, 0, None] * self.axes[:, None, :, 0]
                + xy[None, :, 1, None] * self.axes[:, None, :, 1])

    def tag_corners(self) -> np.ndarray:
        """The black square's corners, top-left, top-right, bottom-right, bottom-left of the
        printed tag (``detect_tag``'s order), lab m, (T, 4, 3).
        """
        h = self.placement.size_mm / 2000.0
        return self.points([[-h, h], [h, h], [h, -h], [-h, -h]])

    def card_corners(self) -> np.ndarray:
        """The cut card's corners, top-left, top-right, bottom-right, bottom-left, lab m,
        (T, 4, 3).
        """
        left, right, top, bottom = np.asarray(self.placement.outline_mm()) / 1000.0
        return self.points([[left, top], [right, top], [right, bottom], [left, bottom]])

    def in_camera(self, view: Camera) -> dict[str, np.ndarray]:
        """The tag's pose and corners as ``view`` sees them.

        Parameters
        ----------
        view : Camera
            The walker camera.

        Returns
        -------
        dict
            ``rotation`` (T, 3, 3): the tag's axes in OpenCV's camera frame (columns; x right,
            y down, z forward); ``tvec`` (T, 3): its centre there, m; ``distance_m`` (T,);
            ``corners_px`` and ``corners_cv_px`` (T, 4, 2): the black square's corners in the
            walker camera's and in OpenCV's pixel convention (module notes); ``facing`` (T,)
            bool: the printed face turned toward the camera; ``in_image`` (T,) bool: all four
            corners in front of the camera and inside the picture.
        """
        rot = view.rotation()
        corners = view.project(self.tag_corners())
        tvec = view.to_camera(self.centre)
        to_cam = np.asarray(view.position, dtype=np.float64) - self.centre
        inside = ((corners[..., 0] >= 0) & (corners[..., 0] <= view.width)
                  & (corners[..., 1] >= 0) & (corners[..., 1] <= view.height))
        return {"rotation": np.einsum("ij,tjk->tik", rot, self.axes), "tvec": tvec,
                "distance_m": np.linalg.norm(tvec, axis=-1), "corners_px": corners,
                "corners_cv_px": corners - 0.5,
                "facing": np.einsum("ti,ti->t", self.axes[:, :, 2], to_cam) > 0,
                "in_image": np.all(inside, axis=-1) & (tvec[:, 2] > 0)}


def _place(placement: CardPlacement, origin: np.ndarray, pelvis: np.ndarray, slide: np.ndarray,
           landmarks: np.ndarray, height_m: float, shape: BodyShape | None) -> CardTrack:
    """The card on a pelvis (origin (T, 3), rotation (T, 3, 3)) with the sliding signal."""
    p = placement
    lateral = (p.offset_mm[0] + p.slide_mm[0] * slide) / 1000.0
    vertical = SACRAL_HEIGHT * height_m + (p.offset_mm[1] + p.slide_mm[1] * slide) / 1000.0
    roll = np.radians(p.roll_deg + p.slide_roll_deg * slide)
    wear = pelvis @ _WEAR  # tag axes before the mounting roll
    c, s = np.cos(roll), np.sin(roll)
    axes = np.stack([c[:, None] * wear[:, :, 0] + s[:, None] * wear[:, :, 1],
                     -s[:, None] * wear[:, :, 0] + c[:, None] * wear[:, :, 1], wear[:, :, 2]],
                    axis=-1)
    on_plane = origin + lateral[:, None] * wear[:, :, 0] + vertical[:, None] * wear[:, :, 1]
    if p.standoff_mm is not None:
        standoff = p.standoff_mm / 1000.0
    else:  # the gap grows one for one with the standoff: rest the card on the figure
        outline = tuple(v / 1000.0 for v in p.outline_mm())
        gap = back_gap(on_plane, axes, outline, landmarks, height_m, shape)
        standoff = p.thickness_mm / 1000.0 - float(gap.min())
    return CardTrack(p, on_plane + standoff * wear[:, :, 2], axes, float(standoff), slide)


def card_track(walk: Any, placement: CardPlacement | None = None, *,
               shape: BodyShape | None = None) -> CardTrack:
    """The card worn by a synthetic walker, frame by frame (module notes).

    Parameters
    ----------
    walk : vidgait.synth.WalkerTruth
        The walk: its pelvis segment (``segments["pelvis"]``, ``joints["pelvis"]``), hip
        flexion angles (the sliding signal) and landmarks (the figure the card rests on).
    placement : CardPlacement, optional
        The card and its placement errors; the default card, well placed, when omitted.
    shape : BodyShape, optional
        The figure's proportions; ``BodyShape.from_body(walk.body)`` (what
        :func:`~vidgait.phantom.render_walker` draws) when omitted.

    Returns
    -------
    CardTrack
    """
    placement = placement or CardPlacement()
    shape = shape or BodyShape.from_body(walk.body)
    hip = {s: np.asarray(walk.angles[s]["hip_flexion"], dtype=np.float64)
           for s in ("left", "right")}
    span = 0.5 * sum(float(walk.summary[s]["hip_flexion_range_deg"]) for s in hip)
    slide = (hip["left"] - hip["right"]) / span if span > 0 else np.zeros_like(hip["left"])
    return _place(placement, np.asarray(walk.joints["pelvis"], dtype=np.float64),
                  np.asarray(walk.segments["pelvis"], dtype=np.float64), slide,
                  walk.landmarks, float(walk.params.height_m), shape)


def card_track_from_landmarks(landmarks: np.ndarray, placement: CardPlacement | None = None, *,
                              height_m: float, shape: BodyShape | None = None) -> CardTrack:
    """The card on any landmark sequence (no gait model): the pelvis frame is the figure's own
    (hip line and spine, :func:`~vidgait.phantom.figure.torso_ellipsoids`), the sliding signal
    uses hip flexion measured from the thighs in that frame.

    Parameters
    ----------
    landmarks : (T, 33, 3) array_like
        MediaPipe-ordered landmarks, lab m.
    placement : CardPlacement, optional
        The card and its placement errors.
    height_m : float
        Body height, m.
    shape : BodyShape, optional
        The figure's proportions.

    Returns
    -------
    CardTrack
    """
    from vidgait.landmarks import INDEX

    lm = np.asarray(landmarks, dtype=np.float64)
    pelvis = np.array([torso_ellipsoids(f, height_m, shape)["pelvis"][1] for f in lm])
    hips = 0.5 * (lm[:, INDEX["left_hip"]] + lm[:, INDEX["right_hip"]])
    flex = {}
    for s in ("left", "right"):
        thigh = lm[:, INDEX[f"{s}_knee"]] - lm[:, INDEX[f"{s}_hip"]]
        fwd, up = (np.einsum("ti,ti->t", thigh, pelvis[:, :, k]) for k in (0, 2))
        flex[s] = np.degrees(np.arctan2(fwd, -up))
    span = 0.5 * (np.ptp(flex["left"]) + np.ptp(flex["right"]))
    slide = (flex["left"] - flex["right"]) / span if span > 0 else np.zeros(len(lm))
    return _place(placement or CardPlacement(), hips, pelvis, slide, lm, float(height_m), shape)


def card_texture(placement: CardPlacement) -> tuple[np.ndarray, np.ndarray]:
    """The printed card as a grey texture: the tag's cells (OpenCV's AprilTag 36h11 dictionary,
    through :func:`vidgait.marker.layout.tag_cells`), paper around them and the label strip
    (left blank), ``TEXELS_PER_CELL`` texels per cell.

    Parameters
    ----------
    placement : CardPlacement
        The card.

    Returns
    -------
    image : (H, W) uint8
        Row 0 is the card's top edge; paper ``PAPER_GREY``, ink ``INK_GREY``. Both sides are
        multiples of 64 texels (rows below the card are paper).
    uv : (4, 2) float
        Texture coordinates of the card's top-left, top-right, bottom-right and bottom-left
        corners (u along a row, v down the rows, both 0..1).
    """
    lay = placement.layout()
    n, cell = TEXELS_PER_CELL, lay.tag.cell_mm
    x, y, w, h = lay.card_mm
    width = round(w / cell * n)
    rows = h / cell * n
    height = int(math.ceil(rows / 64.0) * 64)
    img = np.full((height, width), PAPER_GREY, np.uint8)
    x0, y0 = round((lay.tag.x_mm - x) / cell * n), round((lay.tag.y_mm - y) / cell * n)
    ink = np.kron(np.asarray(lay.tag.cells, dtype=bool), np.ones((n, n), dtype=bool))
    img[y0:y0 + CELLS * n, x0:x0 + CELLS * n][ink] = INK_GREY
    v = rows / height
    return img, np.array([[0.0, 0.0], [1.0, 0.0], [1.0, v], [0.0, v]])


def placement_dict(placement: CardPlacement) -> dict[str, Any]:
    """The placement as plain JSON values (the truth file's ``marker.placement``).

    Parameters
    ----------
    placement : CardPlacement
        The card and its placement errors.
    """
    return {k: (list(v) if isinstance(v, tuple) else v)
            for k, v in dataclasses.asdict(placement).items()}
