"""Builders shared by the live tests: synthetic walkers as a pose backend, candidates, clips."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from vidgait.pose.tracking import Candidate
from vidgait.synth import Camera, GaitParams, simulate, to_pose_sequence, walkway_centre

REPO = Path(__file__).resolve().parent.parent.parent
SIDE_CLIP = REPO / "sample_videos" / "phantom_side_symmetric.mp4"
LIMP_CLIP = REPO / "sample_videos" / "phantom_side_right_knee_limp.mp4"
FRONT_CLIP = REPO / "sample_videos" / "phantom_front_left_trendelenburg.mp4"


def candidate(seq, i: int, *, shift=(0.0, 0.0), scale: float = 1.0, about=None) -> Candidate:
    """Frame ``i`` of a synthetic sequence as a pose candidate, optionally moved and scaled."""
    img = seq.image[i].astype(np.float32).copy()
    centre = img[:, :2].mean(axis=0) if about is None else np.asarray(about, np.float32)
    img[:, :2] = (img[:, :2] - centre) * scale + centre + np.asarray(shift, np.float32)
    return Candidate(img, seq.world[i].copy(), seq.visibility[i].copy(), seq.presence[i].copy())


def front_walker(drop: float = 0.0, duration_s: float = 12.0, painful_side: str | None = None,
                  width: int = 360, height: int = 640, distance: float = 10.0):
    """A walker approaching a portrait camera, as the pose stage would see it: a left
    Trendelenburg of ``drop`` deg, an antalgic limp on ``painful_side`` (severity 0.8).
    """
    truth = simulate(GaitParams(duration_s=duration_s, path="toward",
                                trendelenburg_side="left" if drop else None,
                                pelvic_drop_deg=drop, painful_side=painful_side,
                                limp_severity=0.8 if painful_side else 0.0))
    cam = Camera.front(walkway_centre(truth), distance=distance, width=width, height=height)
    return truth, to_pose_sequence(truth, cam, noise_px=0.5, seed=3)


class WalkerPose:
    """A pose backend that returns the synthetic walker nearest in time (and logs frames)."""

    def __init__(self, seq, keep_frames: bool = True) -> None:
        self.seq = seq
        self.keep_frames = keep_frames
        self.frames_seen: list[np.ndarray] = []

    def detect(self, rgb: np.ndarray, timestamp_ms: float) -> list[Candidate]:
        if self.keep_frames:
            self.frames_seen.append(rgb)
        i = int(np.argmin(np.abs(self.seq.t - timestamp_ms / 1000.0)))
        return [candidate(self.seq, i)] if self.seq.found[i] else []


def side_walker(duration_s: float = 8.0):
    """A walker with a right antalgic limp crossing a side camera, in view from the first frame
    (10 m away: the whole walk fits the 1280 px frame).
    """
    truth = simulate(GaitParams(duration_s=duration_s, painful_side="right", limp_severity=0.8))
    cam = Camera.side(walkway_centre(truth), distance=10.0, width=1280, height=720)
    return truth, to_pose_sequence(truth, cam, noise_px=1.0, seed=1)


def stride_ends(events: dict, after_s: float = 0.0) -> list[float]:
    """End times (next heel strikes) of the complete strides of both sides that start after
    ``after_s``, in time order, s.
    """
    ends = []
    for s in ("left", "right"):
        hs = np.asarray(events[s]["heel_strike_s"], float)
        ends += [float(b) for a, b in itertools.pairwise(hs) if a > after_s]
    return sorted(ends)


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def person_at(x: float, y: float, height: float = 300.0) -> Candidate:
    """A standing stick person ``height`` px tall centred at (x, y), crop pixels."""
    img = np.zeros((33, 3), np.float32)
    img[:, 0] = x
    img[:, 1] = np.linspace(y - 0.5 * height, y + 0.5 * height, 33)
    v = np.full(33, 0.9, np.float32)
    return Candidate(image=img, world=np.zeros((33, 3), np.float32), visibility=v,
                     presence=v.copy())


def lenient():
    from vidgait.video import VideoLimits

    return VideoLimits(min_duration_s=0.5)
