"""The pose sequence: what the pose stage hands to the kinematics core.

Pure numpy (no mediapipe), so the kinematics core, the tests' synthetic walkers and the live mode
all build and read the same value. Saved as a compressed ``.npz`` so analysis can be re-run without
re-running pose estimation.

Coordinates
-----------
``image`` holds x and y in PIXELS of the upright frame (origin top-left, y down), converted from
MediaPipe's normalised coordinates once, at the pose-stage boundary, so the aspect ratio is never
lost. Its third column is MediaPipe's relative depth, scaled like x (pixels; smaller is nearer the
camera; only roughly reliable). ``world`` holds MediaPipe's world landmarks in METRES, origin at the
centre of the hips, x to the image right, y down, z away from the camera. Frames where nobody was
found are NaN in ``image`` and ``world`` and False in ``found``: they are flagged, never invented.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from vidgait.errors import PoseFileError
from vidgait.landmarks import N_LANDMARKS

#: version of the .npz layout written by :meth:`PoseSequence.save` (2: the pelvis marker's
#: track, when one was found, in ``marker_*`` arrays; version 1 files still load)
NPZ_FORMAT_VERSION = 2

#: what became of the pelvis marker in a frame (:attr:`MarkerTrack.status` holds the index):
#: measured; not searched (nobody in the frame to seed the search); not found; too small in the
#: image; seen too obliquely; corners not those of a flat square; a jump from its neighbours
#: (blur, a misread corner); several copies of the tag on the walker; on another person only
TAG_STATUS = ("measured", "not_searched", "not_found", "too_small", "too_oblique",
              "reprojection", "jump", "several", "off_walker")


@dataclass(frozen=True, eq=False)
class MarkerTrack:
    """The pelvis marker (a printed AprilTag on the sacrum) frame by frame, beside the landmarks.

    One row per frame of the :class:`PoseSequence` that holds it. The pose is in the camera
    frame of OpenCV (x to the image right, y down, z along the optical axis; metres); roll and
    yaw follow :class:`vidgait.marker.TagObservation`: roll + when the tag's image-right end
    is higher, yaw + when its image-right end is farther from the camera.

    Attributes
    ----------
    tag_id : int
        The tag's id (AprilTag 36h11).
    size_mm : float
        The printed black square's side the pose was fitted with, mm.
    camera : (float, float, float, float)
        ``(fx, fy, cx, cy)`` of the pinhole camera used, px.
    camera_assumed : bool
        True when the camera comes from an assumed field of view (distances and speeds then
        scale with that assumption's error; angles barely depend on it).
    status : (T,) int8
        Index into :data:`TAG_STATUS`; 0 (measured) where the other arrays hold values.
    roll_deg, yaw_deg : (T,) float64
        The tag's roll and yaw, deg (NaN where not measured; the yaw of a small tag a few
        metres away is too uncertain to use: see docs/accuracy.md).
    position_m : (T, 3) float64
        The black square's centre in the camera frame, m (NaN where not measured).
    centre_px : (T, 2) float64
        Its centre in the image, px (NaN where not measured).
    side_px : (T,) float64
        Its mean edge in the image, px (NaN where not measured).
    """

    tag_id: int
    size_mm: float
    camera: tuple[float, float, float, float]
    camera_assumed: bool
    status: np.ndarray
    roll_deg: np.ndarray
    yaw_deg: np.ndarray
    position_m: np.ndarray
    centre_px: np.ndarray
    side_px: np.ndarray

    #: the per-frame arrays, in the order :meth:`take` and the .npz use
    ARRAYS = ("status", "roll_deg", "yaw_deg", "position_m", "centre_px", "side_px")

    def __post_init__(self) -> None:
        """Check that every per-frame array has one row per frame (ValueError); fix dtypes."""
        n = np.asarray(self.status).shape[0]
        shapes = {"status": (n,), "roll_deg": (n,), "yaw_deg": (n,),
                  "position_m": (n, 3), "centre_px": (n, 2), "side_px": (n,)}
        for name, shape in shapes.items():
            arr = np.asarray(getattr(self, name), np.int8 if name == "status" else np.float64)
            if arr.shape != shape:
                raise ValueError(f"marker {name} must have shape {shape}, got {arr.shape}")
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "camera", tuple(float(v) for v in self.camera))

    def __len__(self) -> int:
        """The number of frames."""
        return int(self.status.shape[0])

    @property
    def measured(self) -> np.ndarray:
        """(T,) bool: frames where the tag was measured."""
        return self.status == 0

    @classmethod
    def empty(cls, n: int, *, tag_id: int, size_mm: float,
              camera: tuple[float, float, float, float], camera_assumed: bool
              ) -> MarkerTrack:
        """A track of ``n`` frames where nothing was searched yet, to be filled in.

        Parameters
        ----------
        n : int
            Number of frames.
        tag_id, size_mm, camera, camera_assumed
            As the attributes.
        """
        nan = np.full(n, np.nan)
        return cls(tag_id, size_mm, camera, camera_assumed,
                   np.full(n, TAG_STATUS.index("not_searched"), np.int8), nan.copy(),
                   nan.copy(), np.full((n, 3), np.nan), np.full((n, 2), np.nan),
                   nan.copy())

    def take(self, rows: slice | np.ndarray) -> MarkerTrack:
        """The same track on a subset of frames.

        Parameters
        ----------
        rows : slice or numpy.ndarray
            The frames to keep (a slice, indices or a boolean mask).
        """
        return MarkerTrack(self.tag_id, self.size_mm, self.camera, self.camera_assumed,
                           *(getattr(self, a)[rows] for a in self.ARRAYS))

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The track as named arrays (prefix ``marker_``), for :meth:`PoseSequence.save`."""
        out = {f"marker_{a}": getattr(self, a) for a in self.ARRAYS}
        out["marker_header"] = np.asarray([self.tag_id, self.size_mm, *self.camera,
                                           float(self.camera_assumed)], np.float64)
        return out

    @classmethod
    def from_arrays(cls, z: Any) -> MarkerTrack | None:
        """The track saved by :meth:`to_arrays`, or None when the file holds none.

        Parameters
        ----------
        z : mapping of str to numpy.ndarray
            An opened ``.npz``.
        """
        if "marker_header" not in z:
            return None
        h = z["marker_header"]
        return cls(int(h[0]), float(h[1]), tuple(h[2:6]), bool(h[6]),
                   *(z[f"marker_{a}"] for a in cls.ARRAYS))


@dataclass(frozen=True, eq=False)
class PoseSequence:
    """Landmarks of one person over time.

    Attributes
    ----------
    t : (T,) float64
        Frame time in seconds from the container's timestamps, strictly increasing.
    image : (T, 33, 3) float32
        x, y in pixels of the upright frame, z relative depth in pixels (see module notes).
    world : (T, 33, 3) float32
        World landmarks in metres, hip-centred.
    visibility : (T, 33) float32
        MediaPipe's visibility score in [0, 1] (0 where no person).
    presence : (T, 33) float32
        MediaPipe's presence score in [0, 1] (0 where no person).
    found : (T,) bool
        True where the tracked person was found in that frame.
    frame_size : (int, int)
        (width, height) of the upright frame in pixels.
    model : str
        Pose model that produced the landmarks (e.g. ``"mediapipe-pose_landmarker_full"``).
    frame_index : (T,) int64
        Index of each frame in the decoded stream.
    meta : dict
        JSON-serialisable extras (source file, fps, subject-selection notes, ...).
    marker : MarkerTrack or None
        The pelvis marker frame by frame, when the pose stage found one on the walker.
    """

    t: np.ndarray
    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    found: np.ndarray
    frame_size: tuple[int, int]
    model: str
    frame_index: np.ndarray | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    marker: MarkerTrack | None = None

    def __post_init__(self) -> None:
        """Check the shapes, increasing times and frame size (ValueError); fix the dtypes."""
        t = np.asarray(self.t, dtype=np.float64)
        n = t.shape[0]
        if t.ndim != 1:
            raise ValueError(f"t must be 1-D, got shape {t.shape}")
        if n > 1 and not np.all(np.diff(t) > 0):
            raise ValueError("t must be strictly increasing")
        checks = {
            "image": ((n, N_LANDMARKS, 3), np.float32),
            "world": ((n, N_LANDMARKS, 3), np.float32),
            "visibility": ((n, N_LANDMARKS), np.float32),
            "presence": ((n, N_LANDMARKS), np.float32),
            "found": ((n,), np.bool_),
        }
        object.__setattr__(self, "t", t)
        for name, (shape, dtype) in checks.items():
            arr = np.asarray(getattr(self, name), dtype=dtype)
            if arr.shape != shape:
                raise ValueError(f"{name} must have shape {shape}, got {arr.shape}")
            object.__setattr__(self, name, arr)
        fi = np.arange(n) if self.frame_index is None else np.asarray(self.frame_index)
        if fi.shape != (n,):
            raise ValueError(f"frame_index must have shape {(n,)}, got {fi.shape}")
        object.__setattr__(self, "frame_index", fi.astype(np.int64))
        w, h = (int(v) for v in self.frame_size)
        if w <= 0 or h <= 0:
            raise ValueError(f"frame_size must be positive, got {self.frame_size}")
        object.__setattr__(self, "frame_size", (w, h))
        if self.marker is not None and len(self.marker) != n:
            raise ValueError(f"the marker track has {len(self.marker)} frames, not {n}")

    # ------------------------------------------------------------------ derived facts
    def __len__(self) -> int:
        """The number of frames."""
        return int(self.t.shape[0])

    @property
    def duration_s(self) -> float:
        """Time from first to last frame, in seconds (0 for fewer than two frames)."""
        return float(self.t[-1] - self.t[0]) if len(self) > 1 else 0.0

    @property
    def detected_fraction(self) -> float:
        """Fraction of frames in which the person was found (0..1)."""
        return float(self.found.mean()) if len(self) else 0.0

    @property
    def fps(self) -> float:
        """Mean frame rate from the timestamps (frames per second)."""
        return (len(self) - 1) / self.duration_s if self.duration_s > 0 else 0.0

    def slice(self, start: int, stop: int) -> PoseSequence:
        """Frames ``start:stop`` as a new sequence (views where numpy allows).

        Parameters
        ----------
        start, stop : int
            The frame range ``[start, stop)``.
        """
        s = slice(start, stop)
        return PoseSequence(
            t=self.t[s], image=self.image[s], world=self.world[s],
            visibility=self.visibility[s], presence=self.presence[s], found=self.found[s],
            frame_size=self.frame_size, model=self.model, frame_index=self.frame_index[s],
            meta=dict(self.meta), marker=None if self.marker is None else self.marker.take(s),
        )

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write a compressed ``.npz`` (the suffix is added if missing); returns the path.

        Parameters
        ----------
        path : str or os.PathLike
            The file to write.
        """
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_name(path.name + ".npz")
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            format_version=np.int64(NPZ_FORMAT_VERSION),
            t=self.t, image=self.image, world=self.world, visibility=self.visibility,
            presence=self.presence, found=self.found, frame_index=self.frame_index,
            frame_size=np.asarray(self.frame_size, dtype=np.int64),
            model=np.str_(self.model), meta=np.str_(json.dumps(self.meta)),
            **({} if self.marker is None else self.marker.to_arrays()),
        )
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> PoseSequence:
        """Read a sequence written by :meth:`save`; raises :class:`PoseFileError` if unusable.

        Parameters
        ----------
        path : str or os.PathLike
            The ``.npz`` file.
        """
        path = Path(path)
        if not path.is_file():
            raise PoseFileError(f"Pose file not found: {path}")
        try:
            with np.load(path, allow_pickle=False) as z:
                version = int(z["format_version"])
                if version > NPZ_FORMAT_VERSION:
                    raise PoseFileError(
                        f"{path.name} was written by a newer vidgait (pose format {version}); "
                        f"this version reads up to {NPZ_FORMAT_VERSION}."
                    )
                return cls(
                    t=z["t"], image=z["image"], world=z["world"], visibility=z["visibility"],
                    presence=z["presence"], found=z["found"], frame_index=z["frame_index"],
                    frame_size=tuple(int(v) for v in z["frame_size"]), model=str(z["model"]),
                    meta=json.loads(str(z["meta"])), marker=MarkerTrack.from_arrays(z),
                )
        except PoseFileError:
            raise
        except (OSError, KeyError, ValueError) as exc:  # zip damage, missing arrays, bad shapes
            raise PoseFileError(f"{path.name} is not a vidgait pose file: {exc}") from exc

    @classmethod
    def empty(cls, n: int, frame_size: tuple[int, int], model: str, t: np.ndarray,
              **kwargs: Any) -> PoseSequence:
        """A sequence of ``n`` frames with nobody found (NaN landmarks), to be filled in.

        Parameters
        ----------
        n : int
            Number of frames.
        frame_size : (int, int)
            (width, height) of the frames, px.
        model : str
            The pose model's name.
        t : (n,) float
            Frame times, s.
        **kwargs
            Further fields of :class:`PoseSequence` (``frame_index``, ``meta``).
        """
        return cls(
            t=t, image=np.full((n, N_LANDMARKS, 3), np.nan, np.float32),
            world=np.full((n, N_LANDMARKS, 3), np.nan, np.float32),
            visibility=np.zeros((n, N_LANDMARKS), np.float32),
            presence=np.zeros((n, N_LANDMARKS), np.float32),
            found=np.zeros(n, bool), frame_size=frame_size, model=model, **kwargs,
        )
