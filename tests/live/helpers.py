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


class RearScene:
    """A walker on a treadmill filmed from behind (1920x1080, 40 deg vertical field of view,
    camera at pelvis height ``distance`` m behind it) wearing the pelvis marker: a 120 mm tag on a
    rigid card 12 cm behind and 6 cm above the hip centres, rendered into each frame
    (:func:`tests.marker.synthetic.render`: anti-aliased, blurred, noisy, JPEG) with a known roll:
    the pelvis's obliquity (+ = right side up) plus ``mount_roll``. At 3 m the tag is ~62 px
    wide, what a 1080p camera sees of it at ~2.9 m.

    The first ``stand_s`` seconds the walker stands still (its first posture held, the pelvis
    level: the tag's roll is ``mount_roll``); the walk follows. ``seq`` is the pose sequence of
    the whole stream (for :class:`WalkerPose`), ``t`` its times, ``obliquity`` the true
    obliquity per frame (deg, without the mounting roll).
    """

    SIZE_MM = 120.0

    def __init__(self, params=None, *, stand_s: float = 0.0, mount_roll: float = 0.0,
                 distance: float = 3.0, width: int = 1920, height: int = 1080, seed: int = 0):
        from dataclasses import replace

        from vidgait.marker.detect import Intrinsics
        from vidgait.synth import Camera, GaitParams

        params = params or GaitParams(duration_s=8.0, path="treadmill")
        walk = simulate(params)
        pel = walk.joints["pelvis"]
        cam = Camera.back(pel[0], distance=distance, width=width, height=height,
                          vertical_fov_deg=40.0)
        walked = to_pose_sequence(walk, cam, noise_px=1.0, seed=seed)
        card = pel + np.einsum("tij,j->ti", walk.segments["pelvis"], [-0.12, 0.0, 0.06])
        n0 = round(stand_s * params.fps)
        first = np.zeros(n0, int)
        self.t = np.concatenate([np.arange(n0) / params.fps, walk.t + n0 / params.fps])
        pick = np.concatenate([first, np.arange(len(walk.t))])
        self.seq = replace(walked.slice(0, len(walk.t)), t=self.t, image=walked.image[pick],
                           world=walked.world[pick], visibility=walked.visibility[pick],
                           presence=walked.presence[pick], found=walked.found[pick],
                           frame_index=np.arange(len(pick)))
        self.walk, self.n_stand, self.mount_roll = walk, n0, mount_roll
        self.obliquity = np.concatenate([np.zeros(n0), walk.angles["right"]["pelvic_obliquity"]])
        self.card_m = cam.to_camera(card[pick])
        # the renderer's pixel centres are at integers, the synthetic camera's at i + 0.5
        self.camera = Intrinsics(cam.fx, cam.fy, cam.cx - 0.5, cam.cy - 0.5, assumed=False)
        self.size = (width, height)
        self.background = np.full((height, width, 3), 118, np.uint8)
        self.seed = seed

    def __len__(self) -> int:
        return len(self.t)

    def frame(self, i: int, *, tag: bool = True, roll: float | None = None, yaw: float = 0.0,
              farther: float = 1.0, twin: bool = False) -> np.ndarray:
        """Frame ``i`` (RGB); ``tag`` False: the marker not worn; ``roll`` (deg, the tag's own,
        mounting included) in place of the true one; ``yaw`` deg; ``farther``: the tag that many
        times as far away (smaller in the image); ``twin``: a second copy 20 cm to its right.
        """
        rgb = self.background.copy()
        if not tag:
            return rgb
        r = self.obliquity[i] + self.mount_roll if roll is None else roll
        for pos in [self.card_m[i] * farther] + ([self.card_m[i] + (0.2, 0, 0)] if twin else []):
            self._paste(rgb, i, pos, r, yaw)
        return rgb

    def _paste(self, rgb: np.ndarray, i: int, pos: np.ndarray, r: float, yaw: float) -> None:
        from tests.marker.synthetic import render, rotation
        from vidgait.marker.detect import Intrinsics

        k = self.camera
        u, v = k.fx * pos[0] / pos[2] + k.cx, k.fy * pos[1] / pos[2] + k.cy
        half = int(0.1 * k.fx / pos[2]) + 12  # covers the card and its quiet zone
        x0, y0 = int(u) - half, int(v) - half
        roi = render(2 * half, 2 * half, rot=rotation(r, yaw), t_m=pos, noise=2.0, blur=0.8,
                     jpeg=90, seed=self.seed * 100_000 + i,
                     camera=Intrinsics(k.fx, k.fy, k.cx - x0, k.cy - y0))
        rgb[y0:y0 + 2 * half, x0:x0 + 2 * half] = roi[..., None]
