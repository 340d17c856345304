"""The truth file written beside every phantom clip, and its loader.

``<name>.truth.json`` holds, per frame, the 3D landmarks (lab frame, metres), their 2D projections
(pixels of the walker camera, :mod:`vidgait.synth.camera`: pixel ``(i, j)`` covers ``[i, i+1)``,
its centre is ``i + 0.5``, y down), their depth, the body height in pixels, plus the true joint
angles, gait events and summary metrics from the gait model, the camera and the parameters the
clip was made from; and, when the figure wears the pelvis marker card, the tag's pose in the
camera frame (``marker``, :func:`marker_truth`). Plain JSON so any tool can read it.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from vidgait.synth.camera import Camera

if TYPE_CHECKING:
    from vidgait.phantom.card import CardTrack

#: version of the truth-file layout
TRUTH_FORMAT_VERSION = 1


def jsonable(obj: Any, decimals: int | None = None) -> Any:
    """Convert ``obj`` (dataclasses, numpy arrays/scalars, enums, paths, ...) to plain JSON types.

    Parameters
    ----------
    obj : Any
        Value to convert; unknown objects become their ``repr``.
    decimals : int, optional
        Round floats to this many decimals (keeps files small).

    Returns
    -------
    Any
        Nested dicts, lists, str, int, float, bool or None; NaN and infinities become None.
    """
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (int, np.integer)) and not isinstance(obj, bool):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        if not math.isfinite(f):
            return None
        return round(f, decimals) if decimals is not None else f
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        return jsonable(obj.tolist(), decimals)
    if isinstance(obj, enum.Enum):
        return jsonable(obj.value, decimals)
    if isinstance(obj, Path):
        return str(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: jsonable(getattr(obj, f.name), decimals) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): jsonable(v, decimals) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [jsonable(v, decimals) for v in obj]
    return repr(obj)


@dataclass(eq=False)
class PhantomTruth:
    """Everything known about a phantom clip.

    Attributes
    ----------
    t : (T,) float64
        Frame times in seconds (frame ``i`` is shown at ``t[i] - t[0]`` in the video).
    landmarks_3d : (T, 33, 3) float64
        MediaPipe-ordered landmarks in the lab frame (metres; x progression, y left, z up).
    landmarks_2d : (T, 33, 2) float64
        Their projections in pixels.
    depth : (T, 33) float64
        Their distance along the optical axis (metres).
    height_px : (T,) float64
        Body height in pixels at the walker's distance (projected vertical of ``height_m``).
    height_m : float
        Body height in metres.
    fps : float
        Frame rate of the video.
    view : Camera
        The camera (written as matrices, :meth:`~vidgait.synth.camera.Camera.to_dict`).
    joints_3d : dict of str -> (T, 3) float64
        Joint centres from the gait model (lab metres), e.g. ``"pelvis"``, ``"left_knee"``.
    joints_2d : dict of str -> (T, 2) float64
        Their projections in pixels.
    angles, events, summary, params, camera, video, extra : dict
        Gait-model truth and metadata, as plain JSON values.
    marker : dict or None
        The worn pelvis marker (:func:`marker_truth`; per-frame values as numpy arrays), None
        when the figure wears none.
    """

    t: np.ndarray
    landmarks_3d: np.ndarray
    landmarks_2d: np.ndarray
    depth: np.ndarray
    height_px: np.ndarray
    height_m: float
    fps: float
    view: Camera
    joints_3d: dict = field(default_factory=dict)
    joints_2d: dict = field(default_factory=dict)
    angles: dict = field(default_factory=dict)
    events: Any = field(default_factory=dict)
    summary: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    camera: dict = field(default_factory=dict)
    video: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    marker: dict | None = None

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return len(self.t)

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON document written by :func:`save_truth`."""
        doc = {
            "format": "vidgait-phantom-truth",
            "format_version": TRUTH_FORMAT_VERSION,
            "height_m": float(self.height_m),
            "fps": float(self.fps),
            "n_frames": self.n_frames,
            "view": self.view.to_dict(),
            "t": jsonable(self.t, 6),
            "landmarks_3d": jsonable(self.landmarks_3d, 5),
            "landmarks_2d": jsonable(self.landmarks_2d, 3),
            "depth": jsonable(self.depth, 4),
            "height_px": jsonable(self.height_px, 3),
            "joints_3d": jsonable(self.joints_3d, 5),
            "joints_2d": jsonable(self.joints_2d, 3),
            "angles": jsonable(self.angles, 4),
            "events": jsonable(self.events, 5),
            "summary": jsonable(self.summary, 5),
            "params": jsonable(self.params, 6),
            "camera": jsonable(self.camera, 6),
            "video": jsonable(self.video),
            "extra": jsonable(self.extra, 6),
        }
        if self.marker is not None:
            doc["marker"] = {k: jsonable(v, _MARKER_DECIMALS.get(k, 6))
                             for k, v in self.marker.items()}
        return doc


#: decimals kept in the truth file per marker field (sub-micrometre, 1e-4 px, 1e-5 deg)
_MARKER_DECIMALS = {"rotation": 8, "rvec": 8, "axes_3d": 8, "corners_px": 4, "corners_cv_px": 4,
                    "roll_deg": 5, "yaw_deg": 5, "visible": 4}
#: per-frame marker fields and the shape of one frame's value
_MARKER_FRAMES: dict[str, tuple[int, ...]] = {
    "centre_3d": (3,), "axes_3d": (3, 3), "rotation": (3, 3), "rvec": (3,), "tvec": (3,),
    "distance_m": (), "corners_px": (4, 2), "corners_cv_px": (4, 2), "roll_deg": (),
    "yaw_deg": (), "facing": (), "in_image": (), "visible": (), "slide": ()}


def marker_truth(track: CardTrack, view: Camera, *,
                 visible: np.ndarray | None = None) -> dict[str, Any]:
    """The worn marker's truth: the placement, and per frame the tag's pose as
    :func:`vidgait.marker.detect_tag` reports it (OpenCV camera frame: x right, y down, z
    forward; tag frame: x along the printed top edge to the right, y up the tag, z out of the
    printed face, origin at the black square's centre).

    Parameters
    ----------
    track : CardTrack
        The worn card (:func:`vidgait.phantom.card.card_track`).
    view : Camera
        The walker camera.
    visible : (T,) array_like, optional
        The share of the black square the figure leaves visible per frame (the renderer's
        :meth:`~vidgait.phantom.gl.Renderer.card_coverage`).

    Returns
    -------
    dict
        ``placement``, ``tag_id``, ``size_mm``, ``standoff_m``, ``card_mm`` (the cut card's
        left, right, top, bottom in the tag frame), ``intrinsics_cv`` (fx, fy, cx, cy in
        OpenCV's pixel convention), ``pixel_convention``; per frame: ``rotation`` (T, 3, 3) and
        ``rvec`` (T, 3, Rodrigues, rad), ``tvec`` (T, 3, m), ``distance_m``, ``corners_px`` and
        ``corners_cv_px`` (T, 4, 2: top-left, top-right, bottom-right, bottom-left of the black
        square; walker-camera and OpenCV pixel conventions), ``roll_deg`` and ``yaw_deg``
        (:func:`vidgait.marker.detect.roll_yaw_deg`), ``facing``, ``in_image``, ``visible``
        (NaN when not rendered), ``centre_3d`` and ``axes_3d`` (lab), ``slide`` (the sliding
        signal).
    """
    import cv2

    from vidgait.marker.detect import roll_yaw_deg
    from vidgait.phantom.card import opencv_intrinsics, placement_dict

    cam = track.in_camera(view)
    angles = np.array([roll_yaw_deg(r) for r in cam["rotation"]]).reshape(-1, 2)
    rvec = np.array([cv2.Rodrigues(r)[0].ravel() for r in cam["rotation"]]).reshape(-1, 3)
    n = track.n_frames
    vis = np.full(n, np.nan) if visible is None or len(visible) != n else np.asarray(visible)
    p = track.placement
    return {
        "placement": placement_dict(p), "tag_id": int(p.tag_id), "size_mm": float(p.size_mm),
        "standoff_m": float(track.standoff_m), "card_mm": list(p.outline_mm()),
        "intrinsics_cv": opencv_intrinsics(view),
        "pixel_convention": "corners_px: walker camera, pixel (i, j) centre at (i + 0.5, "
                            "j + 0.5); corners_cv_px and intrinsics_cv: OpenCV, centre at (i, j)",
        "centre_3d": track.centre, "axes_3d": track.axes, "rotation": cam["rotation"],
        "rvec": rvec, "tvec": cam["tvec"], "distance_m": cam["distance_m"],
        "corners_px": cam["corners_px"], "corners_cv_px": cam["corners_cv_px"],
        "roll_deg": angles[:, 0], "yaw_deg": angles[:, 1], "facing": cam["facing"],
        "in_image": cam["in_image"], "visible": vis, "slide": track.slide}


def truth_path_for(video_path: str | Path) -> Path:
    """The truth file that belongs to ``video_path`` (``clip.mp4`` -> ``clip.truth.json``).

    Parameters
    ----------
    video_path : str or Path
        The phantom clip.
    """
    p = Path(video_path)
    return p.with_name(p.stem + ".truth.json")


def save_truth(truth: PhantomTruth, path: str | Path) -> Path:
    """Write ``truth`` as JSON to ``path`` and return the path.

    Parameters
    ----------
    truth : PhantomTruth
        The ground truth of a phantom clip.
    path : str or Path
        The JSON file to write.
    """
    p = Path(path)
    p.write_text(json.dumps(truth.to_json_dict(), separators=(",", ":")), encoding="utf-8")
    return p


def _array(data: Any, shape_tail: tuple[int, ...]) -> np.ndarray:
    arr = np.asarray([np.nan if v is None else v for v in _flatten(data)], dtype=np.float64)
    return arr.reshape((-1, *shape_tail)) if shape_tail else arr


def _flatten(data: Any):
    if isinstance(data, list):
        for v in data:
            yield from _flatten(v)
    else:
        yield data


def load_truth(path: str | Path) -> PhantomTruth:
    """Read a truth file written by :func:`save_truth` (or the one beside a phantom video).

    Parameters
    ----------
    path : str or Path
        The ``.truth.json`` file, or the ``.mp4`` it belongs to.

    Returns
    -------
    PhantomTruth

    Raises
    ------
    ValueError
        If the file is not a phantom truth file of a known version.
    """
    p = Path(path)
    if p.suffix.lower() != ".json":
        p = truth_path_for(p)
    doc = json.loads(p.read_text(encoding="utf-8"))
    if doc.get("format") != "vidgait-phantom-truth":
        raise ValueError(f"{p} is not a vidgait phantom truth file")
    if doc.get("format_version") != TRUTH_FORMAT_VERSION:
        raise ValueError(f"{p}: unknown truth format version {doc.get('format_version')!r}")
    return PhantomTruth(
        t=_array(doc["t"], ()),
        landmarks_3d=_array(doc["landmarks_3d"], (33, 3)),
        landmarks_2d=_array(doc["landmarks_2d"], (33, 2)),
        depth=_array(doc["depth"], (33,)),
        height_px=_array(doc["height_px"], ()),
        height_m=float(doc["height_m"]),
        fps=float(doc["fps"]),
        view=Camera.from_dict(doc["view"]),
        joints_3d={k: _array(v, (3,)) for k, v in doc.get("joints_3d", {}).items()},
        joints_2d={k: _array(v, (2,)) for k, v in doc.get("joints_2d", {}).items()},
        angles=doc.get("angles", {}), events=doc.get("events", {}),
        summary=doc.get("summary", {}), params=doc.get("params", {}),
        camera=doc.get("camera", {}), video=doc.get("video", {}), extra=doc.get("extra", {}),
        marker=_load_marker(doc.get("marker")),
    )


def _load_marker(doc: dict | None) -> dict | None:
    """The truth file's ``marker`` with its per-frame values as arrays (None if absent)."""
    if doc is None:
        return None
    out = dict(doc)
    for key, tail in _MARKER_FRAMES.items():
        if key in out:
            arr = _array(out[key], tail)
            out[key] = arr.astype(bool) if key in ("facing", "in_image") else arr
    return out
