"""The digital walking phantom: a rendered walker whose every joint angle and gait event is known.

Like an imaging phantom, it is a test object with exact truth: :mod:`vidgait.synth.walker` moves the
body, this package dresses it as a human-looking mannequin, films it with the walker's pinhole
camera (:class:`vidgait.synth.Camera`; OpenGL through moderngl on a headless EGL context, Mesa's
CPU rasteriser) and writes an H.264 mp4 plus a ``.truth.json`` with the 3D landmarks, their pixel
projections, the angles, events and summary. The figure can wear the printed pelvis marker
(:mod:`vidgait.phantom.card`), whose true pose then goes into the truth file too. See
``docs/phantom.md``.

Heavy imports (moderngl, av, mediapipe) happen inside the functions that need them.
"""

from vidgait.phantom.card import (
    CardPlacement,
    CardTrack,
    card_track,
    card_track_from_landmarks,
    opencv_intrinsics,
)
from vidgait.phantom.clip import (
    PhantomClip,
    height_in_pixels,
    project_landmarks,
    render_clip,
    render_frames,
    render_sequence,
    render_walker,
    write_video,
)
from vidgait.phantom.figure import BodyShape, Primitives, build_figure
from vidgait.phantom.truth import (
    PhantomTruth,
    load_truth,
    marker_truth,
    save_truth,
    truth_path_for,
)

__all__ = [
    "BodyShape", "CardPlacement", "CardTrack", "PhantomClip", "PhantomTruth", "Primitives",
    "build_figure", "card_track", "card_track_from_landmarks", "height_in_pixels", "load_truth",
    "marker_truth", "opencv_intrinsics", "project_landmarks", "render_clip", "render_frames",
    "render_sequence", "render_walker", "save_truth", "truth_path_for", "write_video",
]
