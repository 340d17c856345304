"""Check that the pose stage sees the phantom where the truth says it is.

Runs vidgait's own pose stage (:func:`vidgait.pose.estimate_poses`, MediaPipe in VIDEO mode) on a
phantom clip and compares its 2D landmarks with the truth projections, in percent of the body
height in pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vidgait.landmarks import INDEX
from vidgait.phantom.truth import PhantomTruth, load_truth
from vidgait.sequence import PoseSequence

#: landmark groups scored by :func:`compare` (person's sides)
GROUPS: dict[str, tuple[int, ...]] = {
    "shoulders": (INDEX["left_shoulder"], INDEX["right_shoulder"]),
    "elbows": (INDEX["left_elbow"], INDEX["right_elbow"]),
    "wrists": (INDEX["left_wrist"], INDEX["right_wrist"]),
    "hips": (INDEX["left_hip"], INDEX["right_hip"]),
    "knees": (INDEX["left_knee"], INDEX["right_knee"]),
    "ankles": (INDEX["left_ankle"], INDEX["right_ankle"]),
    "heels": (INDEX["left_heel"], INDEX["right_heel"]),
    "toes": (INDEX["left_foot_index"], INDEX["right_foot_index"]),
}

@dataclass(eq=False)
class ValidationReport:
    """How well the estimator matched the truth.

    Attributes
    ----------
    n_frames : int
        Frames compared.
    detection_rate : float
        Fraction of frames with a detection.
    in_view_detection_rate : float
        Fraction of detections among the frames where all 33 truth landmarks are inside the image
        (frames where the walker is entering or leaving the picture are left out).
    n_in_view : int
        Number of such frames.
    median_pct, p95_pct : dict[str, float]
        Per landmark group, median and 95th percentile error in % of body height.
    side_swap_rate : float
        Fraction of detected frames where swapping left and right fits the truth better (hips,
        knees and ankles together, by more than 1 % of body height per point, so frames where
        the legs overlap in the image do not count); near 0 when the sides are labelled correctly.
    """

    n_frames: int
    detection_rate: float
    in_view_detection_rate: float
    n_in_view: int
    median_pct: dict[str, float] = field(default_factory=dict)
    p95_pct: dict[str, float] = field(default_factory=dict)
    side_swap_rate: float = 0.0

    def to_dict(self) -> dict:
        """Plain-dict form for printing or JSON."""
        return {"n_frames": self.n_frames, "detection_rate": self.detection_rate,
                "in_view_detection_rate": self.in_view_detection_rate,
                "n_in_view": self.n_in_view,
                "median_pct": self.median_pct, "p95_pct": self.p95_pct,
                "side_swap_rate": self.side_swap_rate}


def detect_video(video_path: str | Path, model: str = "full") -> PoseSequence:
    """Run the pose stage on a phantom clip (of any length: the two-stride minimum is lifted).

    Parameters
    ----------
    video_path : str or Path
        The phantom clip.
    model : str
        A model name (lite, full, heavy) or a path to a ``.task`` bundle.
    """
    from vidgait.pose import PoseOptions, estimate_poses
    from vidgait.video import VideoLimits

    return estimate_poses(video_path, options=PoseOptions(model=model),
                          limits=VideoLimits(min_duration_s=0.0))


def compare(truth: PhantomTruth, det: PoseSequence) -> ValidationReport:
    """Score detections against the truth projections.

    Parameters
    ----------
    truth : PhantomTruth
        The clip's truth.
    det : PoseSequence
        Pose-stage output for the same frames.

    Returns
    -------
    ValidationReport
    """
    n = min(truth.n_frames, len(det))
    found = det.found[:n]
    uv_det = det.image[:n, :, :2].astype(np.float64)
    scale = truth.height_px[:n, None] / 100.0
    err = np.linalg.norm(uv_det - truth.landmarks_2d[:n], axis=-1) / scale  # (n, 33) in %
    med, p95 = {}, {}
    for name, idx in GROUPS.items():
        e = err[found][:, list(idx)].ravel()
        e = e[np.isfinite(e)]
        med[name] = float(np.median(e)) if e.size else float("nan")
        p95[name] = float(np.percentile(e, 95)) if e.size else float("nan")
    legs = [INDEX[f"{s}_{j}"] for j in ("hip", "knee", "ankle") for s in ("left", "right")]
    swapped = [INDEX[f"{s}_{j}"] for j in ("hip", "knee", "ankle") for s in ("right", "left")]
    direct = np.nansum(err[found][:, legs], axis=1)
    crossed = np.nansum(np.linalg.norm(
        uv_det[found][:, legs] - truth.landmarks_2d[:n][found][:, swapped], axis=-1)
        / scale[found], axis=1)
    # swapped: the crossed assignment fits better by more than 1 % of body height per point
    margin = 0.01 * 100.0 * len(legs)
    swap_rate = float(np.mean(crossed + margin < direct)) if found.any() else float("nan")
    uv = truth.landmarks_2d[:n]
    in_view = ((uv[..., 0] >= 0) & (uv[..., 0] < truth.view.width) & (uv[..., 1] >= 0)
               & (uv[..., 1] < truth.view.height)).all(axis=1)
    return ValidationReport(n_frames=n, detection_rate=float(found.mean()) if n else 0.0,
                            in_view_detection_rate=(float(found[in_view].mean())
                                                    if in_view.any() else float("nan")),
                            n_in_view=int(in_view.sum()),
                            median_pct=med, p95_pct=p95, side_swap_rate=swap_rate)


def validate_clip(video_path: str | Path, model: str = "full") -> ValidationReport:
    """Detect the phantom in ``video_path`` and score it against the truth file beside it.

    ``model`` is a model name (lite, full, heavy) or a path to a ``.task`` bundle.

    Parameters
    ----------
    video_path : str or Path
        The phantom clip; its truth file lies beside it.
    model : str
        A model name (lite, full, heavy) or a path to a ``.task`` bundle.
    """
    return compare(load_truth(video_path), detect_video(video_path, model))
