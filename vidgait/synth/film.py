"""Film the synthetic walker: project its landmarks through a :class:`~vidgait.synth.camera.Camera`
into the :class:`~vidgait.sequence.PoseSequence` the pose stage would make (pixels, hip-centred
metres, MediaPipe-like visibility), with optional pixel noise, dropouts and left/right leg swaps.
"""

from __future__ import annotations

import numpy as np

from vidgait.landmarks import INDEX, N_LANDMARKS
from vidgait.sequence import PoseSequence
from vidgait.synth.camera import Camera
from vidgait.synth.walker import WalkerTruth

_LEG_PARTS = ("knee", "ankle", "heel", "foot_index")
_LEG_SWAP = np.arange(N_LANDMARKS)
for _p in _LEG_PARTS:
    _LEG_SWAP[INDEX[f"left_{_p}"]], _LEG_SWAP[INDEX[f"right_{_p}"]] = (
        INDEX[f"right_{_p}"], INDEX[f"left_{_p}"])


def _visibility(depth: np.ndarray, hip_depth: np.ndarray) -> np.ndarray:
    """MediaPipe-like visibility: high for near-side points, ~0.5 for points behind the body."""
    behind = depth - hip_depth[:, None]
    return (0.45 + 0.54 / (1.0 + np.exp((behind - 0.06) / 0.02))).astype(np.float32)


def _burst_mask(rng: np.random.Generator, n: int, rate: float, max_len: int) -> np.ndarray:
    """Boolean (n,) mask with runs of 1..max_len frames starting at ``rate`` per frame."""
    mask = np.zeros(n, bool)
    if rate <= 0:
        return mask
    starts = np.flatnonzero(rng.random(n) < rate / ((1 + max_len) / 2))
    for s in starts:
        mask[s:s + int(rng.integers(1, max_len + 1))] = True
    return mask


def to_pose_sequence(truth: WalkerTruth, camera: Camera | None = None, *, noise_px: float = 0.0,
                     dropout_rate: float = 0.0, swap_rate: float = 0.0,
                     seed: int | None = None) -> PoseSequence:
    """Film the walker: a MediaPipe-style :class:`PoseSequence` as the pose stage would make it.

    Parameters
    ----------
    truth : WalkerTruth
    camera : Camera, optional
        Defaults to :meth:`Camera.default` for the walk's path.
    noise_px : float
        SD of Gaussian pixel noise on image x, y (doubled for points hidden behind the body);
        world landmarks get the same noise scaled to metres at the walker's depth.
    dropout_rate : float
        Expected fraction of frames with nobody found (in bursts of 1-4 frames).
    swap_rate : float
        Expected fraction of frames in which left and right leg labels (knee, ankle, heel, foot)
        are swapped (in bursts of 1-3 frames), as MediaPipe does when one leg hides the other.
    seed : int, optional
        Seed of the random generator.

    Returns
    -------
    PoseSequence
        ``image`` in pixels (z = depth relative to mid-hip, in pixels), ``world`` hip-centred metres
        in camera axes (x right, y down, z away), visibility lower for far-side points.
    """
    cam = camera or Camera.default(truth)
    rng = np.random.default_rng(seed)
    lm = truth.landmarks
    n = lm.shape[0]
    uv, depth = cam.project(lm), cam.depth(lm)
    hip = 0.5 * (lm[:, INDEX["left_hip"]] + lm[:, INDEX["right_hip"]])
    hip_depth = cam.depth(hip)
    vis = _visibility(depth, hip_depth)
    rel = depth - hip_depth[:, None]
    image = np.concatenate([uv, (cam.focal_px * rel / hip_depth[:, None])[..., None]], axis=2)
    world = (lm - hip[:, None, :]) @ cam.rotation().T
    if noise_px > 0:
        sd = noise_px * np.where(vis < 0.8, 2.0, 1.0)[..., None]
        e = rng.normal(size=(n, N_LANDMARKS, 3)) * sd
        image[..., :2] += e[..., :2]
        image[..., 2] += e[..., 2] * 3.0
        world += e * (hip_depth / cam.focal_px)[:, None, None] * np.array([1.0, 1.0, 3.0])
    swap = _burst_mask(rng, n, swap_rate, 3)
    image[swap] = image[swap][:, _LEG_SWAP]
    world[swap] = world[swap][:, _LEG_SWAP]
    vis[swap] = vis[swap][:, _LEG_SWAP]
    hip_uv = uv[:, [INDEX["left_hip"], INDEX["right_hip"]]].mean(axis=1)
    inside = ((hip_depth > 0.3) & (hip_uv[:, 0] >= 0) & (hip_uv[:, 0] < cam.width)
              & (hip_uv[:, 1] >= 0) & (hip_uv[:, 1] < cam.height))
    found = inside & ~_burst_mask(rng, n, dropout_rate, 4)
    image[~found] = np.nan
    world[~found] = np.nan
    vis[~found] = 0.0
    return PoseSequence(
        t=truth.t, image=image.astype(np.float32), world=world.astype(np.float32),
        visibility=vis, presence=vis.copy(), found=found, frame_size=(cam.width, cam.height),
        model="synthetic-walker",
        meta={"source": "vidgait.synth.walker", "seed": seed, "noise_px": noise_px,
              "dropout_rate": dropout_rate, "swap_rate": swap_rate,
              "swapped_frames": np.flatnonzero(swap & found).tolist(),
              "camera": {"position": list(map(float, cam.position)),
                         "look_at": list(map(float, cam.look_at)), "focal_px": cam.focal_px}},
    )
