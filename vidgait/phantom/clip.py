"""Phantom clips: render a landmark sequence to an H.264 mp4 and write its truth file beside it
(with the worn pelvis marker's pose when the figure wears one, :mod:`vidgait.phantom.card`).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from vidgait.phantom.card import (
    CardPlacement,
    CardTrack,
    card_track,
    card_track_from_landmarks,
)
from vidgait.phantom.figure import BodyShape, body_height, build_figure
from vidgait.phantom.truth import PhantomTruth, marker_truth, save_truth, truth_path_for
from vidgait.synth.camera import Camera


@dataclass(eq=False)
class PhantomClip:
    """A rendered phantom video and its truth.

    Attributes
    ----------
    video_path, truth_path : Path
        The mp4 and its ``.truth.json``.
    truth : PhantomTruth
        What the truth file holds.
    width, height : int
        Frame size in pixels.
    fps : float
        Frame rate.
    n_frames : int
        Number of frames written.
    seconds_per_frame : float
        Wall-clock time per frame for rendering plus encoding.
    """

    video_path: Path
    truth_path: Path
    truth: PhantomTruth
    width: int
    height: int
    fps: float
    n_frames: int
    seconds_per_frame: float

    @property
    def duration_s(self) -> float:
        """Video duration in seconds (``n_frames / fps``)."""
        return self.n_frames / self.fps


def project_landmarks(view: Camera, landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pixels ``(T, 33, 2)`` and depths ``(T, 33)`` of landmarks ``(T, 33, 3)``.

    Parameters
    ----------
    view : Camera
        The camera.
    landmarks : (T, 33, 3) float
        World landmarks, m.
    """
    lm = np.asarray(landmarks, dtype=np.float64)
    return view.project(lm), view.depth(lm)


def height_in_pixels(view: Camera, landmarks: np.ndarray, height_m: float) -> np.ndarray:
    """Per-frame body height in pixels: a vertical of ``height_m`` standing under the mid-hip.

    Parameters
    ----------
    view : Camera
        The camera.
    landmarks : (T, 33, 3) array_like
        Landmarks in the lab frame (z up, floor at 0).
    height_m : float
        Body height in metres.

    Returns
    -------
    (T,) float64
        Length in pixels of the projected vertical; the unit for landmark errors.
    """
    lm = np.asarray(landmarks, dtype=np.float64)
    mid = 0.5 * (lm[:, 23] + lm[:, 24])
    base = mid.copy()
    base[:, 2] = 0.0
    top = base.copy()
    top[:, 2] = height_m
    return np.linalg.norm(view.project(top) - view.project(base), axis=-1)


def _track(marker: CardPlacement | CardTrack | None, lm: np.ndarray, height_m: float,
           shape: BodyShape | None) -> CardTrack | None:
    """The worn card's track: given, or put on the landmarks' own pelvis."""
    if marker is None or isinstance(marker, CardTrack):
        track = marker
    else:
        track = card_track_from_landmarks(lm, marker, height_m=height_m, shape=shape)
    if track is not None and track.n_frames != len(lm):
        raise ValueError(f"the card track has {track.n_frames} frames, the landmarks {len(lm)}")
    return track


def render_frames(landmarks: np.ndarray, view: Camera, *, height_m: float | None = None,
                  backdrop: Any = "auto", samples: int = 4, shape: BodyShape | None = None,
                  marker: CardPlacement | CardTrack | None = None) -> Iterator[np.ndarray]:
    """Render a landmark sequence frame by frame.

    Parameters
    ----------
    landmarks : (T, 33, 3) array_like
        Landmarks in the lab frame.
    view : Camera
        The camera.
    height_m : float, optional
        Body height (sizes the limbs); estimated once from the ears' height over the clip when
        omitted.
    backdrop : Backdrop, "auto" or None
        Floor and wall; "auto" puts the wall behind the whole walk; None draws no backdrop.
    samples : int
        MSAA samples.
    shape : BodyShape, optional
        Limb proportions.
    marker : CardPlacement or CardTrack, optional
        The pelvis marker card the figure wears: a track (e.g.
        :func:`~vidgait.phantom.card.card_track` of a walker), or a placement put on the
        landmarks' own pelvis (:func:`~vidgait.phantom.card.card_track_from_landmarks`).

    Yields
    ------
    (H, W, 3) uint8
        RGB frames.
    """
    yield from _frames(landmarks, view, height_m, backdrop, samples, shape, marker, None)


def _frames(landmarks: np.ndarray, view: Camera, height_m: float | None, backdrop: Any,
            samples: int, shape: BodyShape | None, marker: CardPlacement | CardTrack | None,
            visible: list[float] | None) -> Iterator[np.ndarray]:
    """:func:`render_frames`, appending the tag's visible share per frame to ``visible``."""
    from vidgait.phantom.gl import Backdrop, Renderer

    lm = np.asarray(landmarks, dtype=np.float64)
    if height_m is None:  # one size for the whole clip
        height_m = float(np.median([body_height(f) for f in lm]))
    if isinstance(backdrop, str) and backdrop == "auto":
        backdrop = Backdrop.behind(view, lm.reshape(-1, 3))
    track = _track(marker, lm, height_m, shape)
    renderer = Renderer(view, backdrop, samples=samples,
                        card=None if track is None else track.placement)
    cards = tags = None
    if track is not None:
        cards, tags = track.card_corners(), track.tag_corners()
    try:
        for i, frame in enumerate(lm):
            prim = build_figure(frame, height_m, shape)
            image = renderer.render(prim, None if cards is None else cards[i])
            if visible is not None and tags is not None:
                visible.append(renderer.card_coverage(prim, tags[i]))
            yield image
    finally:
        renderer.release()


def _add_noise(frame: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    noisy = frame.astype(np.float32) + rng.normal(0.0, sigma, frame.shape).astype(np.float32)
    return np.clip(np.rint(noisy), 0, 255).astype(np.uint8)


def write_video(frames: Iterable[np.ndarray], path: str | Path, fps: float, *, crf: int = 23,
                noise: float = 0.0, seed: int | None = None,
                preset: str = "medium") -> dict[str, Any]:
    """Encode RGB frames to an H.264 (libx264, yuv420p) mp4 that browsers play.

    Parameters
    ----------
    frames : iterable of (H, W, 3) uint8
        RGB frames of one size; width and height must be even.
    path : str or Path
        Output ``.mp4``.
    fps : float
        Frame rate (e.g. 24, 30, 60 or 29.97).
    crf : int
        x264 constant rate factor (0 lossless .. 51 worst; 23 default).
    noise : float
        Standard deviation of additive Gaussian sensor noise in 8-bit grey levels (0 = none).
    seed : int, optional
        Seed of the noise generator.
    preset : str
        x264 speed preset.

    Returns
    -------
    dict
        ``n_frames``, ``width``, ``height``, ``fps``, ``codec``, ``pix_fmt``, ``crf``, ``noise``,
        ``seed``.
    """
    from vidgait.video import H264Writer

    rng = np.random.default_rng(seed)
    rate = Fraction(fps).limit_denominator(1001)
    frames = iter(frames)
    first = next(frames, None)
    if first is None:
        raise ValueError("no frames to write")
    height, width = first.shape[:2]
    if width % 2 or height % 2:
        raise ValueError(f"frame size {width}x{height} must be even for yuv420p")
    n = 0
    with H264Writer(path, width, height, float(rate), crf=int(crf), preset=preset,
                    time_base=1 / rate) as writer:
        for frame in itertools.chain([first], frames):
            if noise > 0:
                frame = _add_noise(frame, noise, rng)
            writer.write(np.ascontiguousarray(frame), 1000.0 * n / float(rate))
            n += 1
    return {"n_frames": n, "width": width, "height": height, "fps": float(rate),
            "codec": "h264", "pix_fmt": "yuv420p", "crf": int(crf), "noise": float(noise),
            "seed": seed}


def render_sequence(landmarks: np.ndarray, t: np.ndarray, view: Camera,
                    out_path: str | Path, *, height_m: float, fps: float, noise: float = 0.0,
                    crf: int = 23, seed: int | None = None, samples: int = 4,
                    preset: str = "medium", truth_fields: dict[str, Any] | None = None,
                    shape: BodyShape | None = None,
                    marker: CardPlacement | CardTrack | None = None) -> PhantomClip:
    """Render any landmark sequence to an mp4 plus truth file (the model-agnostic core).

    Parameters
    ----------
    landmarks : (T, 33, 3) array_like
        Landmarks in the lab frame (metres; x progression, y left, z up, floor z = 0).
    t : (T,) array_like
        Frame times in seconds.
    view : Camera
        The camera.
    out_path : str or Path
        Output ``.mp4``; the truth goes to ``<stem>.truth.json`` beside it.
    height_m : float
        Body height in metres.
    fps : float
        Frame rate of the video.
    noise, crf, seed, preset
        See :func:`write_video`.
    samples : int
        MSAA samples of the renderer.
    truth_fields : dict, optional
        Extra truth (``joints_3d``, ``angles``, ``events``, ``summary``, ``params``, ``camera``,
        ``extra``).
    shape : BodyShape, optional
        Limb proportions.
    marker : CardPlacement or CardTrack, optional
        The pelvis marker card worn (see :func:`render_frames`); its pose per frame goes into
        the truth's ``marker`` (:func:`~vidgait.phantom.truth.marker_truth`).

    Returns
    -------
    PhantomClip
    """
    lm = np.asarray(landmarks, dtype=np.float64)
    if lm.ndim != 3 or lm.shape[1:] != (33, 3):
        raise ValueError(f"landmarks must be (T, 33, 3), got {lm.shape}")
    out_path = Path(out_path)
    track = _track(marker, lm, height_m, shape)
    visible: list[float] = []
    start = time.perf_counter()
    info = write_video(_frames(lm, view, height_m, "auto", samples, shape, track, visible),
                       out_path, fps, crf=crf, noise=noise, seed=seed, preset=preset)
    elapsed = time.perf_counter() - start
    uv, depth = project_landmarks(view, lm)
    fields = dict(truth_fields or {})
    joints3 = {k: np.asarray(v, dtype=np.float64) for k, v in fields.pop("joints_3d", {}).items()}
    fields["joints_3d"] = joints3
    fields["joints_2d"] = {k: view.project(v) for k, v in joints3.items()}
    info["file"] = out_path.name
    if track is not None:
        fields["marker"] = marker_truth(track, view, visible=np.asarray(visible))
    truth = PhantomTruth(t=np.asarray(t, dtype=np.float64), landmarks_3d=lm, landmarks_2d=uv,
                         depth=depth, height_px=height_in_pixels(view, lm, height_m),
                         height_m=float(height_m), fps=float(info["fps"]), view=view,
                         video=info, **fields)
    truth_path = save_truth(truth, truth_path_for(out_path))
    return PhantomClip(video_path=out_path, truth_path=truth_path, truth=truth,
                       width=info["width"], height=info["height"], fps=info["fps"],
                       n_frames=info["n_frames"], seconds_per_frame=elapsed / info["n_frames"])


def _walker_truth_fields(walk: Any, camera: Any) -> dict[str, Any]:
    """Truth extras from a :class:`vidgait.synth.WalkerTruth` and its camera."""
    joints3 = {k: np.asarray(v, dtype=np.float64) for k, v in walk.joints.items()}
    return {"angles": walk.angles, "events": walk.events, "summary": walk.summary,
            "params": walk.params, "camera": camera, "joints_3d": joints3,
            "extra": {"body": walk.body}}


def render_walker(walk: Any, camera: Any, out_path: str | Path, *, noise: float = 0.0,
                  crf: int = 23, seed: int | None = None, samples: int = 4,
                  preset: str = "medium",
                  marker: CardPlacement | CardTrack | None = None) -> PhantomClip:
    """Render an already simulated walk (:class:`vidgait.synth.WalkerTruth`).

    Parameters
    ----------
    walk : WalkerTruth
        Output of :func:`vidgait.synth.simulate`.
    camera : vidgait.synth.Camera
        The camera filming the walk.
    out_path : str or Path
        Output ``.mp4``; the truth goes to ``<stem>.truth.json`` beside it.
    noise, crf, seed, samples, preset
        See :func:`render_sequence`.
    marker : CardPlacement or CardTrack, optional
        The pelvis marker card the walker wears: a placement is put on its pelvis segment
        (:func:`~vidgait.phantom.card.card_track`); the truth file gets its ``marker``.

    Returns
    -------
    PhantomClip
    """
    p = walk.params
    fps = float(p.fps)
    shape = BodyShape.from_body(walk.body)
    if isinstance(marker, CardPlacement):
        marker = card_track(walk, marker, shape=shape)
    return render_sequence(walk.landmarks, walk.t, camera, out_path, height_m=float(p.height_m),
                           fps=fps, noise=noise, crf=crf, seed=seed, samples=samples,
                           preset=preset, truth_fields=_walker_truth_fields(walk, camera),
                           shape=shape, marker=marker)


def render_clip(params: Any, camera: Any, out_path: str | Path, *, noise: float = 0.0,
                crf: int = 23, seed: int | None = None, samples: int = 4,
                preset: str = "medium", marker: CardPlacement | None = None) -> PhantomClip:
    """Simulate a walk with the gait model and film it: mp4 plus truth file.

    Parameters
    ----------
    params : vidgait.synth.GaitParams
        The walk (height, cadence, speed, duration, fps, limp, Trendelenburg, path, ...).
    camera : vidgait.synth.Camera or None
        The camera; its width and height set the video size (landscape or portrait).
        None picks :meth:`Camera.default` for the walk's path.
    out_path : str or Path
        Output ``.mp4``; the truth goes to ``<stem>.truth.json`` beside it.
    noise : float
        Standard deviation of Gaussian sensor noise in 8-bit grey levels (0 = clean).
    crf : int
        x264 constant rate factor (higher = stronger compression).
    seed : int, optional
        Seed of the sensor noise.
    samples : int
        MSAA samples of the renderer (4 default; 0 disables anti-aliasing).
    preset : str
        x264 speed preset.
    marker : CardPlacement, optional
        The pelvis marker card worn on the sacrum (:mod:`vidgait.phantom.card`); None: none.

    Returns
    -------
    PhantomClip
        Paths, truth, frame size, fps, frame count and render speed.
    """
    from vidgait.synth import simulate

    walk = simulate(params)
    if camera is None:
        camera = Camera.default(walk)
    return render_walker(walk, camera, out_path, noise=noise, crf=crf, seed=seed,
                         samples=samples, preset=preset, marker=marker)
