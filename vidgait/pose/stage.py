"""The pose stage: video file -> :class:`~vidgait.sequence.PoseSequence` of the person walking.

Decoding runs in a background thread that fills a small bounded queue while MediaPipe works on the
previous frame, so the two overlap on a multi-core machine (FFmpeg and MediaPipe both release the
GIL). Frames are handed over as decoded (RGB, upright): no extra copies or colour conversions.

Where MediaPipe's full-frame person detector finds nobody, or loses someone it was following, a
second landmarker in IMAGE mode looks at crops of the frame (:mod:`vidgait.pose.crops`): a person
too small in a large frame is found there.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace

import numpy as np

from vidgait.errors import NoPersonError
from vidgait.marker.layout import DEFAULT_SIZE_MM
from vidgait.pose.crops import CropDetector, CropFallback
from vidgait.pose.tracking import Candidate, Track, associate, select_walker
from vidgait.sequence import PoseSequence
from vidgait.video import DEFAULT_LIMITS, Frame, VideoInfo, VideoLimits, iter_frames, probe

log = logging.getLogger(__name__)

#: progress callback: (frames done, frames expected)
Progress = Callable[[int, int], None]

_END = object()


@dataclass(frozen=True)
class PoseOptions:
    """Settings of the pose stage.

    Attributes
    ----------
    model : str
        ``"lite"``, ``"full"`` (default) or ``"heavy"``, or a path to a ``.task`` bundle.
    num_poses : int
        People MediaPipe may return per frame; 2 lets the walker be told from a bystander.
    min_confidence : float
        MediaPipe's detection/presence/tracking thresholds.
    queue_size : int
        Decoded frames buffered ahead of the pose model.
    crops : bool
        Look again on crops of frames where the full-frame detector misses people
        (:class:`~vidgait.pose.crops.CropFallback`); costs nothing where everyone is found.
    marker_id : int or None
        The pelvis marker's tag id to look for around each person's hips
        (:class:`~vidgait.marker.track.TagTracker`); None: do not look.
    marker_size_mm : float
        The printed tag's black square, mm.
    """

    model: str = "full"
    num_poses: int = 2
    min_confidence: float = 0.5
    queue_size: int = 8
    crops: bool = True
    marker_id: int | None = 0
    marker_size_mm: float = DEFAULT_SIZE_MM


def prefetch(frames: Iterator[Frame], size: int) -> Iterator[Frame]:
    """Run ``frames`` in a background thread, ``size`` items ahead; errors re-raised here.

    Parameters
    ----------
    frames : iterator of Frame
        The decoded frames.
    size : int
        How many frames may wait, decoded, in the queue.
    """
    q: queue.Queue = queue.Queue(maxsize=size)
    stop = threading.Event()

    def work() -> None:
        try:
            for f in frames:
                while not stop.is_set():
                    try:
                        q.put(f, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(_END)
        except BaseException as exc:  # handed to the consumer, re-raised there
            q.put(exc)

    worker = threading.Thread(target=work, name="vidgait-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)


def estimate_poses(source: str | os.PathLike[str] | VideoInfo, *,
                   options: PoseOptions = PoseOptions(), progress: Progress | None = None,
                   limits: VideoLimits = DEFAULT_LIMITS) -> PoseSequence:
    """Run the pose model over a video and return the walking person's landmarks.

    Parameters
    ----------
    source : str, os.PathLike or VideoInfo
        The video file, or its already probed facts.
    options : PoseOptions
        The pose model and how it runs.
    progress : callable (done, total), optional
        Called after each frame with the frames done and the clip's frame count.
    limits : VideoLimits
        What a video must satisfy (size, duration, ...), checked when ``source`` is a path.

    Raises
    ------
    vidgait.errors.InputError
        Bad video (see :func:`vidgait.video.probe`) or nobody walking in it
        (:class:`NoPersonError`).
    vidgait.errors.ModelError
        The pose model cannot be provisioned or loaded.
    """
    from vidgait.marker.detect import Intrinsics
    from vidgait.marker.track import TagTracker
    from vidgait.models import resolve_model
    from vidgait.pose.mediapipe_backend import MediaPipePose

    info = source if isinstance(source, VideoInfo) else probe(source, limits)
    model_path = resolve_model(options.model)
    times: list[float] = []
    indices: list[int] = []
    people: list[list[Candidate]] = []
    lens = Intrinsics.from_fov(info.width, info.height, info.vertical_fov_deg,
                               assumed=info.vertical_fov_deg is None)
    tags = (None if options.marker_id is None else
            TagTracker((info.width, info.height), tag_id=options.marker_id,
                       size_mm=options.marker_size_mm, camera=lens))
    with ExitStack() as stack:
        pose = stack.enter_context(MediaPipePose(model_path, num_poses=options.num_poses,
                                                 min_confidence=options.min_confidence))
        crops = CropFallback(_lazy_image_pose(stack, model_path, options), info.width,
                             info.height)
        for frame in prefetch(iter_frames(info), options.queue_size):
            people.append(pose.detect(frame.rgb, frame.timestamp_ms))
            if options.crops:
                for i, extra in crops(frame.rgb, frame.t, people[-1]).items():
                    people[i] = people[i] + extra
            if tags is not None:
                tags.observe(frame.rgb, [c.image for c in people[-1]])
            times.append(frame.t)
            indices.append(frame.index)
            if progress is not None:
                progress(len(times), info.frame_count)
        model_name = pose.model_name
    t = np.asarray(times)
    seq = build_sequence(people, t, np.asarray(indices), (info.width, info.height),
                         f"mediapipe-{model_name}", source_name=os.path.basename(info.path))
    seq.meta.update(crop_looks=crops.looks, frames_found_in_crops=crops.frames_found)
    if info.vertical_fov_deg is not None:  # the lens the container states (else assumed)
        seq.meta["vertical_fov_deg"] = info.vertical_fov_deg
    if tags is not None:
        marker = tags.track(seq.image, seq.t)
        if marker is not None:
            seq = replace(seq, marker=marker)
    return seq


def _lazy_image_pose(stack: ExitStack, model_path: os.PathLike[str],
                     options: PoseOptions) -> CropDetector:
    """Crop detector on a second landmarker in IMAGE mode, loaded at its first use.

    Crops are separate images: VIDEO mode would track between unrelated crops and needs its own
    increasing timestamps. The landmarker is closed with ``stack``.
    """
    from vidgait.pose.mediapipe_backend import MediaPipePose

    pose: MediaPipePose | None = None

    def detect(rgb: np.ndarray) -> list[Candidate]:
        nonlocal pose
        if pose is None:
            pose = stack.enter_context(MediaPipePose(
                model_path, num_poses=options.num_poses, video_mode=False,
                min_confidence=options.min_confidence))
        return pose.detect(rgb, 0.0)

    return detect


def build_sequence(people: list[list[Candidate]], t: np.ndarray, frame_index: np.ndarray,
                   frame_size: tuple[int, int], model: str, *, source_name: str = "",
                   ) -> PoseSequence:
    """Pick the walker among per-frame candidates and pack their landmarks into a sequence.

    Parameters
    ----------
    people : list of list of Candidate
        The candidates found on each frame (image px, world m).
    t : (N,) float
        Frame times, s.
    frame_index : (N,) int
        The frames' indices in the video.
    frame_size : (int, int)
        (width, height) of the frames, px.
    model : str
        The pose model's name, kept in the sequence.
    source_name : str
        The clip's name for the error message ("" : "the video").
    """
    tracks = associate(people, t)
    walker, scores = select_walker(tracks, t)
    if walker is None:
        raise NoPersonError(f"No person was found in {source_name or 'the video'}.")
    seq = PoseSequence.empty(len(t), frame_size, model, t, frame_index=frame_index,
                             meta=_meta(people, tracks, walker, scores, source_name))
    _fill(seq, walker)
    return seq


def _fill(seq: PoseSequence, track: Track) -> None:
    idx = np.asarray(track.frames)
    seq.image[idx] = np.stack([m.image for m in track.members])
    seq.world[idx] = np.stack([m.world for m in track.members])
    seq.visibility[idx] = np.stack([m.visibility for m in track.members])
    seq.presence[idx] = np.stack([m.presence for m in track.members])
    seq.found[idx] = True


def _meta(people: list[list[Candidate]], tracks: list[Track], walker: Track,
          scores: list[float], source_name: str) -> dict[str, object]:
    # people per frame = tracks present in it: the same person returned twice (suppressed as a
    # duplicate) or a bad detection of the walker (dropped with its provisional track) is not a
    # second person, and must not make the report ask for a picture with nobody else in it
    counts = np.zeros(len(people), int)
    for tr in tracks:
        counts[np.asarray(tr.frames, int)] += 1
    return {
        "source": source_name,
        "max_people_per_frame": int(counts.max()) if counts.size else 0,
        "frames_with_several_people": int((counts > 1).sum()),
        "tracks": len(tracks),
        "walker_track_frames": len(walker.frames),
        "walking_scores": sorted((round(s, 2) for s in scores), reverse=True)[:5],
    }
