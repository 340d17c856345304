"""Skeleton video (`vidgait overlay`): skeleton drawn in the patient's side colours, written as browser-playable H.264."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av
import numpy as np

from tests.helpers import write_video
from vidgait import landmarks as L
from vidgait.render.annotate import write_annotated
from vidgait.render.skeleton import COLOURS, draw_skeleton
from vidgait.sequence import PoseSequence
from vidgait.video import H264Writer, iter_frames, probe


def standing_person(w: int, h: int) -> np.ndarray:
    img = np.full((L.N_LANDMARKS, 3), np.nan, np.float32)
    for side, x in (("left", 0.55 * w), ("right", 0.45 * w)):
        for part, y in (("shoulder", 0.3), ("hip", 0.55), ("knee", 0.72), ("ankle", 0.9)):
            img[L.INDEX[f"{side}_{part}"]] = (x, y * h, 0)
    return img


def test_draw_uses_patient_side_colours() -> None:
    rgb = np.zeros((200, 200, 3), np.uint8)
    img = standing_person(200, 200)
    draw_skeleton(rgb, img)
    left_knee = img[L.L_KNEE, :2].astype(int)
    right_knee = img[L.R_KNEE, :2].astype(int)
    assert tuple(rgb[left_knee[1], left_knee[0]]) == COLOURS["left"]
    assert tuple(rgb[right_knee[1], right_knee[0]]) == COLOURS["right"]
    assert rgb[5, 5].sum() == 0  # nothing drawn where there are no landmarks (NaN)


def test_plain_annotated_video_is_h264_with_same_timing(tmp_path: Path) -> None:
    pts = [0, 40, 70, 120, 150] + [150 + 33 * k for k in range(1, 71)]  # variable frame rate
    video = write_video(tmp_path / "in.mp4", n_frames=len(pts), width=160, height=120,
                        pts_ms=pts)
    n = len(pts)
    seq = PoseSequence.empty(n, (160, 120), "synthetic", np.array(pts) / 1000.0)
    seq.image[10:20] = standing_person(160, 120)
    seq.visibility[10:20] = 0.9
    seq.found[10:20] = True
    out = write_annotated(video, seq, tmp_path / "out.mp4")
    info = probe(out)
    assert info.codec == "h264" and (info.width, info.height) == (160, 120)
    with av.open(str(out)) as c:
        assert c.streams.video[0].codec_context.pix_fmt == "yuv420p"  # what browsers decode
    frames = list(iter_frames(out))
    assert [round(f.timestamp_ms) for f in frames] == pts
    src = list(iter_frames(video))
    changed = [np.abs(a.rgb.astype(int) - b.rgb.astype(int)).max() > 60 for a, b in zip(src, frames)]
    assert changed[10:20] == [True] * 10 and not any(changed[:10]) and not any(changed[20:])


def test_writer_pads_odd_sizes(tmp_path: Path) -> None:
    with H264Writer(tmp_path / "odd.mp4", 63, 47, 30.0) as w:
        for i in range(10):
            w.write(np.full((47, 63, 3), i * 20, np.uint8), i * 33.3)
    with av.open(str(tmp_path / "odd.mp4")) as c:
        s = c.streams.video[0]
        assert (s.width, s.height) == (64, 48)
        assert sum(1 for _ in c.decode(s)) == 10


def test_cli_pose_on_empty_scene_exits_2(tmp_path: Path) -> None:
    video = write_video(tmp_path / "room.mp4", n_frames=75, width=320, height=240)
    r = subprocess.run([sys.executable, "-m", "vidgait.cli", "pose", str(video), "-o",
                        str(tmp_path / "p.npz"), "-q", "--num-poses", "1"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2, r.stderr
    assert "No person" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "p.npz").exists()
