"""A recording setup (where the phone stands and how it records), as clinicians describe it.

Used by ``vidgait phantom``, the dashboard's "simulate my setup" page and the sample script, so that
one description of a setup turns into one walker camera everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from vidgait.synth import Camera, WalkerTruth, walkway_centre

View = Literal["side", "front", "back", "oblique"]
VIEWS: tuple[View, ...] = ("side", "front", "back", "oblique")

#: walking path the walker takes for each camera view
PATH_FOR_VIEW: dict[str, str] = {"side": "across", "front": "toward", "back": "away",
                                 "oblique": "across"}
#: camera distance from the middle of the walkway (m) and vertical field of view (deg) by default;
#: the side distance keeps a 5-6 s walk at 1.25 m/s in a 40 deg phone picture
_DEFAULTS: dict[str, tuple[float, float]] = {"side": (6.5, 40.0), "front": (8.0, 50.0),
                                             "back": (8.0, 50.0), "oblique": (6.0, 45.0)}


@dataclass(frozen=True)
class RecordingSetup:
    """Camera placement and recording settings.

    Attributes
    ----------
    view : {"side", "front", "back", "oblique"}
        Where the camera stands relative to the walking direction (front: the patient walks
        toward it; back: away from it; oblique: 45 deg between front and the left side).
    distance_m : float or None
        Camera distance from the middle of the walkway, m (None: a default per view).
    camera_height_m : float
        Lens height above the floor, m.
    vertical_fov_deg : float or None
        Vertical field of view, degrees (None: a default per view; phones are ~40-55 deg).
    width, height : int
        Picture size in pixels (height > width for a portrait phone).
    fps : float
        Frame rate (24, 30, 60 ...).
    noise : float
        Sensor noise, SD in 8-bit grey levels (0 clean; ~4-8 for a dim room).
    crf : int
        H.264 compression (23 default; 30+ is heavy, like a messaging app).
    """

    view: View = "side"
    distance_m: float | None = None
    camera_height_m: float = 1.0
    vertical_fov_deg: float | None = None
    width: int = 1280
    height: int = 720
    fps: float = 30.0
    noise: float = 0.0
    crf: int = 23

    def __post_init__(self) -> None:
        """Check the view name and that the picture size is even."""
        if self.view not in VIEWS:
            raise ValueError(f"view must be one of {', '.join(VIEWS)}, not {self.view!r}")
        if self.width % 2 or self.height % 2:
            raise ValueError(f"picture size {self.width}x{self.height} must be even")

    @property
    def path(self) -> str:
        """The walker's path this view films (across, toward or away)."""
        return PATH_FOR_VIEW[self.view]

    def camera(self, walk: WalkerTruth) -> Camera:
        """The walker camera for this setup, aimed at the middle of ``walk``'s walkway.

        Parameters
        ----------
        walk : WalkerTruth
            The synthetic walk to film.
        """
        distance, fov = _DEFAULTS[self.view]
        kwargs = dict(distance=self.distance_m or distance, cam_height=self.camera_height_m,
                      vertical_fov_deg=self.vertical_fov_deg or fov, width=self.width,
                      height=self.height)
        centre = walkway_centre(walk)
        factory = {"side": Camera.side, "front": Camera.front, "back": Camera.back,
                   "oblique": Camera.oblique}[self.view]
        return factory(centre, **kwargs)
