"""Pose stage on real video: detection, plausible anatomy, patient sides, the walker followed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import REPO, shared_poses, write_video
from vidgait import landmarks as L
from vidgait.errors import NoPersonError
from vidgait.pose import PoseOptions, estimate_poses
from vidgait.sequence import PoseSequence

pytestmark = pytest.mark.slow

def poses_of(name: str) -> PoseSequence:
    return shared_poses(name)


def anatomy_ok(seq: PoseSequence) -> float:
    """Fraction of found frames with hips above knees above ankles (image y grows downward)."""
    img = seq.image[seq.found]
    hip = img[:, [L.L_HIP, L.R_HIP], 1].mean(axis=1)
    knee = img[:, [L.L_KNEE, L.R_KNEE], 1].mean(axis=1)
    ankle = img[:, [L.L_ANKLE, L.R_ANKLE], 1].mean(axis=1)
    return float(np.mean((hip < knee) & (knee < ankle)))


def nearer_side(seq: PoseSequence) -> str:
    """Which of the patient's sides faces the camera, from MediaPipe's relative depth."""
    img = seq.image[seq.found]
    left = img[:, [L.L_SHOULDER, L.L_HIP, L.L_KNEE, L.L_ANKLE], 2]
    right = img[:, [L.R_SHOULDER, L.R_HIP, L.R_KNEE, L.R_ANKLE], 2]
    return "left" if np.nanmedian(left - right) < 0 else "right"


@pytest.mark.shared
@pytest.mark.parametrize("name, visible_side, min_found", [
    ("sagittal_walk_outdoor_male_60fps.mp4", "left", 0.95),
    ("sagittal_walk_indoor_female.mp4", "right", 0.85),
    ("sagittal_walk_lab_female_markers_blurred_face.mp4", "right", 0.95),
])
def test_side_view_clips(name: str, visible_side: str, min_found: float) -> None:
    seq = poses_of(name)
    assert seq.detected_fraction >= min_found
    assert anatomy_ok(seq) >= 0.95
    assert nearer_side(seq) == visible_side  # sides are the patient's, not the image's
    w, h = seq.frame_size
    pts = seq.image[seq.found][:, L.LOWER_BODY, :2]
    assert np.nanmedian(pts[..., 0]) < w and np.nanmedian(pts[..., 1]) < h  # pixels, not 0..1
    assert np.all(np.diff(seq.t) > 0)


@pytest.mark.shared
def test_sports2d_demo_follows_the_walker_not_the_jumper() -> None:
    seq = poses_of("sports2d_demo_sagittal_walk_plus_acrobat.mp4")
    assert seq.meta["max_people_per_frame"] >= 2
    hips_x = seq.image[seq.found][:, [L.L_HIP, L.R_HIP], 0].mean(axis=1)
    hips_y = seq.image[seq.found][:, [L.L_HIP, L.R_HIP], 1].mean(axis=1)
    w, h = seq.frame_size
    # the walker crosses the lawn right to left in the lower half; the jumper stays on the roof
    assert hips_x[:5].mean() > 0.6 * w and hips_x[-5:].mean() < 0.2 * w
    assert np.median(hips_y) > 0.5 * h
    t_found = seq.t[seq.found]
    assert t_found[0] > 1.0 and t_found[-1] < 7.0  # she enters at ~1.5 s and leaves at ~6.5 s
    assert nearer_side(seq) == "left"  # she faces image-left: her left side is visible


SAMPLES = sorted((REPO / "sample_videos").glob("*.mp4"))
#: the rendered samples listed in sample_videos/README.md
SAMPLE_NAMES = ["phantom_front_left_trendelenburg", "phantom_rear_marker_left_trendelenburg",
                "phantom_side_right_knee_limp", "phantom_side_symmetric"]
#: filmed from behind: the pose model labels the patient's sides as if the person faced the
#: camera in most frames (measured 2026-12-06 on the rear sample: 73 % of frames swapped, so the
#: per-label errors are those of the other side); the pelvis marker does not use those labels
REAR = "phantom_rear_marker_left_trendelenburg"


def test_samples_are_shipped() -> None:
    """The samples the pose stage is checked on below are all in the repository: real MP4 files
    (not Git LFS pointers), each with the truth file of the same walk beside it.
    """
    import av

    from vidgait.phantom import load_truth

    assert [p.stem for p in SAMPLES] == SAMPLE_NAMES
    for clip in SAMPLES:
        assert clip.read_bytes()[4:8] == b"ftyp", f"{clip.name} is not an MP4 file"
        assert clip.with_suffix(".truth.json").is_file(), f"no truth file beside {clip.name}"
        with av.open(str(clip)) as container:
            frames = container.streams.video[0].frames
        assert frames == len(load_truth(clip).t) > 0, clip.name  # one true pose per frame


@pytest.mark.parametrize("clip", [c for c in SAMPLES if c.stem != REAR], ids=lambda p: p.stem)
def test_pose_stage_on_shipped_samples(clip: Path) -> None:
    from vidgait.phantom import load_truth
    from vidgait.phantom.validate import compare

    seq = estimate_poses(clip)
    rep = compare(load_truth(clip), seq)
    assert rep.detection_rate >= 0.95, rep.to_dict()
    assert anatomy_ok(seq) >= 0.95
    for group in ("shoulders", "hips", "knees", "ankles"):
        assert rep.median_pct[group] < 3.0, rep.to_dict()  # % of body height
    assert rep.side_swap_rate < 0.15, rep.to_dict()  # patient's sides labelled correctly


def test_no_person_is_refused(tmp_path: Path) -> None:
    video = write_video(tmp_path / "empty_room.mp4", n_frames=75, width=320, height=240)
    with pytest.raises(NoPersonError, match="No person"):
        estimate_poses(video, options=PoseOptions(num_poses=1))


def test_cli_pose_on_empty_scene_exits_2(tmp_path: Path) -> None:
    video = write_video(tmp_path / "room.mp4", n_frames=75, width=320, height=240)
    r = subprocess.run([sys.executable, "-m", "vidgait.cli", "pose", str(video), "-o",
                        str(tmp_path / "p.npz"), "-q", "--num-poses", "1"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2, r.stderr
    assert "No person" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "p.npz").exists()


@pytest.mark.shared
def test_pose_file_round_trip(tmp_path: Path) -> None:
    seq = poses_of("sagittal_walk_outdoor_male_60fps.mp4")
    back = PoseSequence.load(seq.save(tmp_path / "p"))
    assert back.frame_size == seq.frame_size and back.model == seq.model
    for name in ("t", "image", "world", "visibility", "presence", "found", "frame_index"):
        np.testing.assert_array_equal(getattr(back, name), getattr(seq, name))
    assert back.meta == seq.meta


def test_pose_stage_from_behind_finds_the_walker_but_mirrors_the_sides() -> None:
    """The rear sample: the walker is found in every frame, but with the sides mirrored in most
    of them (MediaPipe takes a back for a front). Should this stop, the rear clips' leg labels
    become usable and this test says so.
    """
    from vidgait.phantom import load_truth
    from vidgait.phantom.validate import compare

    clip = REPO / "sample_videos" / f"{REAR}.mp4"
    seq = estimate_poses(clip)
    rep = compare(load_truth(clip), seq)
    assert rep.detection_rate >= 0.95, rep.to_dict()
    assert rep.side_swap_rate > 0.5, rep.to_dict()
    assert seq.marker is not None and seq.marker.measured.mean() > 0.95

