"""The annotated video: the plain skeleton video of `vidgait overlay` (browser-playable H.264,
same timing), knee-flexion labels only in side-view passes, face blur.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from tests.helpers import standing_person, write_video
from vidgait.cli import main
from vidgait.landmarks import INDEX
from vidgait.render.annotate import (
    blur_face,
    knee_labels,
    side_view_mask,
    write_annotated,
)
from vidgait.sequence import PoseSequence
from vidgait.video import iter_frames, probe

#: variable frame rate: 75 frame times in milliseconds
PTS = [0, 40, 70, 120, 150] + [150 + 33 * k for k in range(1, 71)]


def _clip_with_person(tmp_path: Path) -> tuple[Path, PoseSequence]:
    """A VFR 160x120 clip and its pose sequence: a standing person found in frames 10..19."""
    video = write_video(tmp_path / "in.mp4", n_frames=len(PTS), width=160, height=120,
                        pts_ms=PTS)
    seq = PoseSequence.empty(len(PTS), (160, 120), "synthetic", np.array(PTS) / 1000.0)
    seq.image[10:20] = standing_person(160, 120)
    seq.visibility[10:20] = 0.9
    seq.found[10:20] = True
    return video, seq


def _changed(a: Path, b: Path) -> list[bool]:
    return [np.abs(x.rgb.astype(int) - y.rgb.astype(int)).max() > 60
            for x, y in zip(iter_frames(a), iter_frames(b), strict=True)]


def test_plain_annotated_video_is_h264_with_same_timing(tmp_path: Path) -> None:
    video, seq = _clip_with_person(tmp_path)
    out = write_annotated(video, seq, tmp_path / "out.mp4")
    info = probe(out)
    assert info.codec == "h264" and (info.width, info.height) == (160, 120)
    with av.open(str(out)) as c:
        assert c.streams.video[0].codec_context.pix_fmt == "yuv420p"  # what browsers decode
    frames = list(iter_frames(out))
    assert [round(f.timestamp_ms) for f in frames] == PTS
    changed = _changed(video, out)
    assert changed[10:20] == [True] * 10 and not any(changed[:10]) and not any(changed[20:])


def test_cli_overlay_writes_the_plain_annotated_video(tmp_path: Path) -> None:
    video, seq = _clip_with_person(tmp_path)
    seq.save(tmp_path / "poses.npz")
    assert main(["overlay", str(video), str(tmp_path / "poses.npz"), "-o",
                 str(tmp_path / "cli.mp4")]) == 0
    direct = write_annotated(video, seq, tmp_path / "direct.mp4")
    assert [round(f.timestamp_ms) for f in iter_frames(tmp_path / "cli.mp4")] == PTS
    for a, b in zip(iter_frames(tmp_path / "cli.mp4"), iter_frames(direct), strict=True):
        assert np.array_equal(a.rgb, b.rgb)


def test_labels_are_drawn_only_where_the_person_is_found(tmp_path: Path) -> None:
    video, seq = _clip_with_person(tmp_path)
    labels = {s: np.full(len(PTS), 42.0) for s in ("left", "right")}
    plain = write_annotated(video, seq, tmp_path / "plain.mp4")
    out = write_annotated(video, seq, tmp_path / "labelled.mp4", labels=labels)
    assert [round(f.timestamp_ms) for f in iter_frames(out)] == PTS
    changed = _changed(plain, out)  # the labels differ from the plain skeleton video
    assert all(changed[10:20]) and not any(changed[:10]) and not any(changed[20:])


def _person(n: int = 4) -> np.ndarray:
    """(n, 33, 2) image landmarks: a straight leg (left) and a 90-deg bent knee (right)."""
    img = np.full((n, 33, 2), 50.0)
    for s, ankle in (("left", (100.0, 300.0)), ("right", (200.0, 200.0))):
        img[:, INDEX[f"{s}_hip"]] = (100.0, 100.0)
        img[:, INDEX[f"{s}_knee"]] = (100.0, 200.0)
        img[:, INDEX[f"{s}_ankle"]] = ankle
    return img


def test_labels_only_in_side_view_passes() -> None:
    t = np.arange(4) / 2.0  # 0, 0.5, 1, 1.5 s
    mask = side_view_mask(t, [{"view": "side", "start_s": 0.4, "stop_s": 1.1},
                              {"view": "toward", "start_s": 1.2, "stop_s": 2.0}])
    assert mask.tolist() == [False, True, True, False]
    seq = PoseSequence.empty(4, (320, 240), "test", t)
    seq.image[..., :2] = _person()
    seq.found[:] = True
    ts = {"t": t, "left_knee_flexion": np.full(4, 12.0), "right_knee_flexion": np.full(4, 34.0)}
    labels = knee_labels(seq, [{"view": "side", "start_s": 0.4, "stop_s": 1.1}], ts)
    assert np.isnan(labels["right"][[0, 3]]).all() and np.allclose(labels["right"][1:3], 34.0)
    from_series = knee_labels(seq, [{"view": "side", "start_s": 0.0, "stop_s": 2.0}], ts)
    assert np.allclose(from_series["left"], 12.0) and np.allclose(from_series["right"], 34.0)


def test_blur_face_changes_only_the_face_box() -> None:
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 255, (240, 320, 3), dtype=np.uint8)
    before = rgb.copy()
    img = np.full((33, 2), np.nan)
    img[:11] = np.array([150.0, 60.0]) + rng.uniform(-8, 8, (11, 2))
    blur_face(rgb, img)
    changed = np.argwhere((rgb != before).any(axis=2))
    assert changed.size
    assert (np.abs(changed - np.array([60, 150])) < 40).all()
    assert (rgb[200:, :] == before[200:, :]).all()
