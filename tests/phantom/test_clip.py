"""Phantom clips: body height in pixels, sensor noise, rendered frames, clip properties
(h264, yuv420p, size, fps, frames) against the truth file, and `vidgait phantom`.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import walker_cameras
from vidgait.phantom import height_in_pixels, load_truth, render_clip, render_frames
from vidgait.synth import Camera, GaitParams, simulate, walkway_centre


def test_height_in_pixels_matches_focal_over_depth(walk):
    cam = walker_cameras(walk)["side"]
    hpx = height_in_pixels(cam, walk.landmarks, 1.70)
    mid = 0.5 * (walk.landmarks[:, 23] + walk.landmarks[:, 24])
    np.testing.assert_allclose(hpx, cam.focal_px * 1.70 / cam.depth(mid), rtol=0.02)


def test_sensor_noise_has_requested_spread():
    from vidgait.phantom.clip import _add_noise

    frame = np.full((100, 100, 3), 128, np.uint8)
    a = _add_noise(frame, 4.0, np.random.default_rng(3))
    b = _add_noise(frame, 4.0, np.random.default_rng(3))
    assert np.array_equal(a, b)
    assert a.astype(float).std() == pytest.approx(4.0, rel=0.1)


def test_render_smoke_small(walk, gl_ctx):
    cam = walker_cameras(walk, 192, 108)["side"]
    frames = list(render_frames(walk.landmarks[:3], cam, height_m=1.70))
    assert len(frames) == 3
    f = frames[0]
    assert f.shape == (108, 192, 3) and f.dtype == np.uint8
    assert f.std() > 10  # not a blank image
    # the shirt (blue) is drawn around the projected chest, the trousers (dark) around the knees
    chest = cam.project(0.5 * (walk.landmarks[0, 12] + walk.landmarks[0, 24])).astype(int)
    patch = f[chest[1] - 3:chest[1] + 4, chest[0] - 3:chest[0] + 4].reshape(-1, 3).astype(int)
    assert np.mean(patch[:, 2] > patch[:, 0] + 40) > 0.3, patch
    knee = cam.project(walk.landmarks[0, 26]).astype(int)
    assert f[knee[1], knee[0]].max() < 110, f[knee[1], knee[0]]
    assert not np.array_equal(frames[0], frames[2])  # the walker moves


@pytest.mark.parametrize("fps,size,seconds", [(24.0, (320, 180), 1.0), (60.0, (180, 320), 0.5)])
def test_render_clip_properties(tmp_path, gl_ctx, fps, size, seconds):
    import av

    params = GaitParams(duration_s=seconds, fps=fps, painful_side="right", limp_severity=0.5)
    w = simulate(params)
    cam = Camera.side(walkway_centre(w), width=size[0], height=size[1])
    clip = render_clip(params, cam, tmp_path / "walk.mp4", noise=2.0, crf=28, seed=0)
    n = round(seconds * fps)
    assert clip.n_frames == n and clip.truth.n_frames == n
    with av.open(str(clip.video_path)) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264"
        assert s.codec_context.pix_fmt == "yuv420p"
        assert (s.codec_context.width, s.codec_context.height) == size
        assert float(s.average_rate) == pytest.approx(fps)
        frames = list(c.decode(s))
    assert len(frames) == n
    assert float(frames[-1].time) == pytest.approx((n - 1) / fps, abs=1e-3)
    truth = load_truth(clip.video_path)
    np.testing.assert_allclose(truth.landmarks_2d, cam.project(w.landmarks), atol=2e-3)
    np.testing.assert_allclose(truth.landmarks_3d, w.landmarks, atol=1e-5)
    assert truth.summary["limp_side"] == "right"
    assert truth.params["painful_side"] == "right"
    assert truth.video["codec"] == "h264" and truth.video["noise"] == 2.0
    assert truth.events["right"]["heel_strike_s"] == pytest.approx(
        list(w.events["right"]["heel_strike_s"]), abs=1e-4)
    assert set(truth.joints_2d) == set(w.joints)


def _vidgait(*args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "vidgait.cli", *args], capture_output=True,
                          text=True, timeout=300)


def test_cli_phantom_renders_clip_and_truth(tmp_path, gl_ctx):
    r = _vidgait("phantom", "-o", str(tmp_path), "--view", "front", "--size", "360x640",
                 "--duration", "1", "--fps", "24", "--trendelenburg-side", "left",
                 "--pelvic-drop", "6", "--name", "clinic")
    assert r.returncode == 0, r.stderr
    truth = load_truth(tmp_path / "clinic.mp4")
    assert (truth.view.width, truth.view.height) == (360, 640)
    assert truth.params["trendelenburg_side"] == "left" and truth.params["path"] == "toward"
    assert truth.n_frames == 24


def test_cli_phantom_refuses_out_of_range_parameters(tmp_path):
    r = _vidgait("phantom", "-o", str(tmp_path), "--limp-severity", "3")
    assert r.returncode == 2 and "limp_severity" in r.stderr and "Traceback" not in r.stderr
    r = _vidgait("phantom", "-o", str(tmp_path), "--size", "641x480")
    assert r.returncode == 2 and "even" in r.stderr
