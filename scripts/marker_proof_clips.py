"""Rendering recipes of the pelvis marker's proof (``scripts/marker_proof.py``, and the
regression tests in ``tests/test_e2e_marker.py``): the walks, the phone cameras behind them,
the clips cached on disk and the pipeline run on them.
"""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import numpy as np

from vidgait.phantom import CardPlacement, card_track, load_truth, render_walker
from vidgait.synth import Camera, GaitParams, simulate, stand_then_walk, walkway_centre

#: the phone lens: vertical field of view in landscape, deg (the shipped rear sample's; vidgait
#: assumes 40 deg without metadata, so the distances it computes are off by ~13 %, the angles not)
LENS_VFOV_DEG = 45.0
#: the camera at pelvis height, m
CAMERA_HEIGHT_M = 0.95
#: overground: the tag's distance from the camera when the walk starts, and where it ends, m
OG_START_M = 2.75
OG_END_M = 8.0
#: treadmill: seconds of walking
TM_WALK_S = 8.5
#: the walker's pace (vidgait.synth defaults), m/s
SPEED_M_S = 1.25
#: the walker's height, cm (the ``height_cm`` given to the pipeline)
HEIGHT_CM = 170.0

GAITS: dict[str, dict] = {
    "symmetric": {},
    **{f"{s[0].upper()}{d:g}": {"trendelenburg_side": s, "pelvic_drop_deg": float(d)}
       for s in ("left", "right") for d in (4, 6, 8, 10)},
    # step-time SI of the truth: 25.6 % at severity 0.8, 11.2 % at 0.35
    "antalgic L": {"painful_side": "left", "limp_severity": 0.8},
    "antalgic R": {"painful_side": "right", "limp_severity": 0.8},
    "antalgic L 0.35": {"painful_side": "left", "limp_severity": 0.35},
    "antalgic R 0.35": {"painful_side": "right", "limp_severity": 0.35},
}
PLACEMENTS = {
    "well placed": CardPlacement(),
    "10 mm off, 3 deg roll": CardPlacement(offset_mm=(10.0, 0.0), roll_deg=3.0),
}


@dataclasses.dataclass(frozen=True)
class Clip:
    """One rendered clip of the proof matrix.

    Attributes
    ----------
    setting : {"overground", "treadmill", "toward"}
        Walking away from the camera, on a treadmill in front of it, or (a failure case)
        walking toward it.
    distance_m : float
        Overground: the tag's distance from the camera at the start of the walk; treadmill:
        the camera's distance from the walkway's centre, m.
    size : (int, int)
        Width, height, px.
    fps : float
        Frame rate.
    gait : str
        A key of :data:`GAITS`.
    placement : str
        A key of :data:`PLACEMENTS`.
    noise : float
        Sensor noise, grey levels (SD).
    crf : int
        x264's constant rate factor.
    stand_s : float
        Seconds standing still before the walk.
    group : str
        The row's group in the summary.
    shipped : bool
        The shipped rear sample (``sample_videos/``): not rendered.
    walk_s : float or None
        Treadmill: seconds of walking (None: :data:`TM_WALK_S`).
    """

    setting: str
    distance_m: float
    size: tuple[int, int] = (1920, 1080)
    fps: float = 30.0
    gait: str = "symmetric"
    placement: str = "well placed"
    noise: float = 2.0
    crf: int = 23
    stand_s: float = 2.0
    group: str = ""
    shipped: bool = False
    walk_s: float | None = None

    @property
    def label(self) -> str:
        """A row label for people."""
        w, h = self.size
        where = ("overground" if self.setting == "overground"
                 else f"treadmill {self.distance_m:g} m")
        parts = [where, f"{w}x{h}", f"{self.fps:g} fps", self.gait]
        if self.placement != "well placed":
            parts.append(self.placement)
        if (self.noise, self.crf) != (2.0, 23):
            parts.append(f"noise {self.noise:g}, CRF {self.crf}")
        if not self.stand_s:
            parts.append("no still start")
        if self.shipped:
            parts.append("shipped sample")
        return ", ".join(parts)

    @property
    def name(self) -> str:
        """The cached file's stem."""
        return re.sub(r"[^a-z0-9]+", "_", self.label.lower()).strip("_")


def phone_camera_fov(size: tuple[int, int]) -> float:
    """The vertical field of view of :data:`LENS_VFOV_DEG`'s lens for a picture of ``size``
    (portrait: the same lens turned), deg.

    Parameters
    ----------
    size : (int, int)
        Width, height, px.
    """
    w, h = size
    if h <= w:
        return LENS_VFOV_DEG
    short, long_ = w, h
    focal = 0.5 * short / math.tan(math.radians(LENS_VFOV_DEG / 2))
    return 2.0 * math.degrees(math.atan(0.5 * long_ / focal))


def make_walk(clip: Clip):
    """The clip's walk (standing first when it asks for it).

    Parameters
    ----------
    clip : Clip
        The recipe.
    """
    if clip.setting == "overground":
        duration = (OG_END_M - clip.distance_m) / SPEED_M_S + 0.3  # the first heel strike ~0.3 s
        path = "away"
    else:
        duration = clip.walk_s or TM_WALK_S
        path = "toward" if clip.setting == "toward" else "treadmill"
    walk = simulate(GaitParams(duration_s=duration, fps=clip.fps, path=path,
                               **GAITS[clip.gait]))
    return stand_then_walk(walk, clip.stand_s) if clip.stand_s else walk


def behind_camera(walk, track, clip: Clip) -> Camera:
    """The level phone camera behind the walker at pelvis height.

    Parameters
    ----------
    walk : vidgait.synth.WalkerTruth
        The walk.
    track : vidgait.phantom.CardTrack
        The card on it (overground: the camera stands ``distance_m`` behind its first position).
    clip : Clip
        The recipe (size, setting, distance).
    """
    w, h = clip.size
    kw = {"cam_height": CAMERA_HEIGHT_M, "vertical_fov_deg": phone_camera_fov(clip.size),
          "width": w, "height": h}
    if clip.setting == "overground":
        x0 = float(track.centre[0, 0]) - clip.distance_m
        y = float(np.mean(walk.joints["pelvis"][:, 1]))
        return Camera.back((x0 + 5.0, y, 0.0), distance=5.0, **kw)
    return Camera.back(walkway_centre(walk), distance=clip.distance_m, **kw)


def render_clip(clip: Clip, cache: Path) -> Path:
    """Render the clip into ``cache`` (kept: a clip already there is reused).

    Parameters
    ----------
    clip : Clip
        The recipe.
    cache : Path
        The folder.

    Returns
    -------
    Path
        The mp4 (its truth file beside it).
    """
    path = Path(cache) / f"{clip.name}.mp4"
    if path.is_file() and path.with_suffix(".truth.json").is_file():  # truth written last
        return path
    walk = make_walk(clip)
    track = card_track(walk, PLACEMENTS[clip.placement])
    cam = behind_camera(walk, track, clip)
    render_walker(walk, cam, path, noise=clip.noise, crf=clip.crf, seed=0, marker=track)
    return path


def truth_for(path: Path):
    """The clip's truth (:func:`vidgait.phantom.load_truth`).

    Parameters
    ----------
    path : Path
        The mp4.
    """
    return load_truth(path)


def analyse(path: Path, cache: Path):
    """The whole pipeline on a clip; its pose file is kept in ``cache`` and reused.

    Parameters
    ----------
    path : Path
        The mp4.
    cache : Path
        The folder for ``poses_<stem>.npz``.

    Returns
    -------
    vidgait.pipeline.Session
    """
    from vidgait.pipeline import run_session

    poses = Path(cache) / f"poses_{path.stem}.npz"
    if poses.is_file() and poses.stat().st_mtime >= path.stat().st_mtime:
        return run_session([poses], height_cm=HEIGHT_CM, names=[path.name])
    return run_session([path], height_cm=HEIGHT_CM, poses_dir=cache)
