"""Tests of the digital walking phantom (vidgait.phantom): geometry, rendering, clips, truth."""

from __future__ import annotations

import json

import numpy as np
import pytest

from vidgait.landmarks import INDEX
from vidgait.phantom import (
    BodyShape,
    PhantomTruth,
    Primitives,
    build_figure,
    height_in_pixels,
    load_truth,
    render_clip,
    render_frames,
    save_truth,
    truth_path_for,
)
from vidgait.synth import Camera, GaitParams, simulate, walkway_centre

BODY_POINTS = [INDEX[f"{s}_{j}"] for s in ("left", "right")
               for j in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")] + [INDEX["nose"]]


@pytest.fixture(scope="module")
def walk():
    """A short normal walk (1 s at 30 fps)."""
    return simulate(GaitParams(duration_s=1.0, fps=30.0))


@pytest.fixture(scope="module")
def gl_ctx():
    """A headless OpenGL context, or skip when EGL/Mesa is not installed."""
    pytest.importorskip("moderngl")
    from vidgait.phantom.gl import create_context

    try:
        ctx = create_context()
    except RuntimeError as exc:
        pytest.skip(f"no headless EGL OpenGL context: {exc}")
    yield ctx
    ctx.release()


def _cameras(walk, width=320, height=180):
    c = walkway_centre(walk)
    return {
        "side": Camera.side(c, width=width, height=height),
        "front": Camera.front(c, width=height, height=width),
        "back": Camera.back(c, width=height, height=width),
        "oblique": Camera.oblique(c, width=width, height=height),
    }


# ------------------------------------------------------------------------- geometry (no GL)
@pytest.mark.parametrize("name", ["side", "front", "back", "oblique"])
def test_view_projects_like_walker_camera(walk, name):
    cam = _cameras(walk)[name]
    xc = (walk.landmarks - np.asarray(cam.position)) @ cam.rotation().T
    uv_cam = cam.focal_px * xc[..., :2] / xc[..., 2:] + np.array([cam.width, cam.height]) / 2
    np.testing.assert_allclose(cam.project(walk.landmarks), uv_cam, atol=1e-9)
    np.testing.assert_allclose(cam.depth(walk.landmarks), xc[..., 2], atol=1e-9)
    np.testing.assert_allclose(-cam.rotation().T @ cam.translation, cam.position, atol=1e-12)


def test_gl_matrices_reproduce_pixel_projection(walk):
    view = _cameras(walk)["oblique"]
    pts = walk.landmarks.reshape(-1, 3)
    hom = np.c_[pts, np.ones(len(pts))] @ (view.gl_projection() @ view.gl_view()).T.astype(float)
    ndc = hom[:, :3] / hom[:, 3:]
    win = np.c_[(ndc[:, 0] + 1) / 2 * view.width, (1 - ndc[:, 1]) / 2 * view.height]
    np.testing.assert_allclose(win, view.project(pts), atol=1e-3)
    assert np.all(np.abs(ndc[:, 2]) < 1)  # inside the depth range


def test_view_dict_round_trip(walk):
    view = _cameras(walk)["side"]
    back = Camera.from_dict(json.loads(json.dumps(view.to_dict())))
    np.testing.assert_allclose(back.project(walk.landmarks), view.project(walk.landmarks))


def test_height_in_pixels_matches_focal_over_depth(walk):
    cam = _cameras(walk)["side"]
    view = cam
    hpx = height_in_pixels(view, walk.landmarks, 1.70)
    mid = 0.5 * (walk.landmarks[:, 23] + walk.landmarks[:, 24])
    np.testing.assert_allclose(hpx, cam.focal_px * 1.70 / view.depth(mid), rtol=0.02)


def test_figure_primitives_follow_landmarks(walk):
    lm = walk.landmarks[5]
    prim = build_figure(lm, 1.70, BodyShape.from_body(walk.body))
    cones, ells, shadows = prim.arrays()
    assert len(cones) > 10 and len(ells) > 20 and len(shadows) == 3
    ends = np.r_[cones[:, 0:3], cones[:, 4:7]]
    for j in ("left_knee", "right_ankle", "left_elbow", "right_wrist"):
        assert np.min(np.linalg.norm(ends - lm[INDEX[j]], axis=1)) < 1e-6, j
    assert np.all(np.isfinite(cones)) and np.all(np.isfinite(ells))
    with pytest.raises(ValueError):
        build_figure(np.full((33, 3), np.nan))


def test_body_shape_uses_walker_radii(walk):
    shape = BodyShape.from_body(walk.body)
    assert shape.forearm == pytest.approx((walk.body["forearm_radius_proximal"] / 1.70,
                                           walk.body["forearm_radius_distal"] / 1.70))
    # trousers add ease over the thigh
    assert shape.thigh[0] > walk.body["thigh_radius_proximal"] / 1.70


def test_backdrop_wall_is_behind_the_walk(walk):
    from vidgait.phantom.gl import Backdrop

    for cam in _cameras(walk).values():
        view = cam
        bd = Backdrop.behind(view, walk.landmarks.reshape(-1, 3))
        dist = (walk.landmarks.reshape(-1, 3) - bd.wall_point) @ bd.wall_normal
        assert dist.min() > 1.0  # all points in front of the wall
        assert (view.position - bd.wall_point) @ bd.wall_normal > 0  # camera in front too


# ------------------------------------------------------------------------------- truth file
def _fake_truth(n=4):
    rng = np.random.default_rng(1)
    view = Camera((0, -5, 1), (0, 0, 1), (0, 0, 1), focal_px=500, width=64, height=48)
    lm = rng.normal(size=(n, 33, 3))
    return PhantomTruth(t=np.arange(n) / 30, landmarks_3d=lm, landmarks_2d=view.project(lm),
                        depth=view.depth(lm), height_px=np.full(n, 100.0), height_m=1.7,
                        fps=30.0, view=view, joints_3d={"pelvis": lm[:, 0]},
                        joints_2d={"pelvis": view.project(lm[:, 0])},
                        angles={"left": {"knee_flexion": rng.normal(size=n)}},
                        events={"left": {"heel_strike_s": np.array([0.1])}},
                        summary={"speed_m_s": 1.25, "limp_side": None},
                        params={"height_m": 1.7}, video={"file": "x.mp4"})


def test_truth_round_trip(tmp_path):
    truth = _fake_truth()
    path = save_truth(truth, truth_path_for(tmp_path / "clip.mp4"))
    assert path.name == "clip.truth.json"
    back = load_truth(tmp_path / "clip.mp4")
    np.testing.assert_allclose(back.landmarks_3d, truth.landmarks_3d, atol=1e-5)
    np.testing.assert_allclose(back.landmarks_2d, truth.landmarks_2d, atol=1e-3)
    np.testing.assert_allclose(back.joints_3d["pelvis"], truth.joints_3d["pelvis"], atol=1e-5)
    np.testing.assert_allclose(back.t, truth.t, atol=1e-6)
    assert back.angles["left"]["knee_flexion"] == pytest.approx(
        truth.angles["left"]["knee_flexion"], abs=1e-4)
    assert back.events["left"]["heel_strike_s"] == [0.1]
    assert back.summary == {"speed_m_s": 1.25, "limp_side": None}
    np.testing.assert_allclose(back.view.project(back.landmarks_3d), back.landmarks_2d, atol=1e-2)


def test_truth_loader_rejects_other_json(tmp_path):
    p = tmp_path / "x.truth.json"
    p.write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(ValueError, match="not a vidgait phantom truth"):
        load_truth(p)
    doc = _fake_truth().to_json_dict()
    doc["format_version"] = 99
    p.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="version"):
        load_truth(p)


def test_sensor_noise_has_requested_spread():
    from vidgait.phantom.clip import _add_noise

    frame = np.full((100, 100, 3), 128, np.uint8)
    a = _add_noise(frame, 4.0, np.random.default_rng(3))
    b = _add_noise(frame, 4.0, np.random.default_rng(3))
    assert np.array_equal(a, b)
    assert a.astype(float).std() == pytest.approx(4.0, rel=0.1)


# ---------------------------------------------------------------------------- rendering (GL)
def _blob_centroids(mask):
    import cv2

    n, _, _, cents = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    return cents[1:] + 0.5  # pixel i covers [i, i + 1): its centre is i + 0.5


def test_rendered_markers_sit_on_truth_pixels(walk, gl_ctx):
    from vidgait.phantom.gl import Renderer

    cam = _cameras(walk, 640, 360)["oblique"]
    view = cam
    pts = walk.landmarks[10][BODY_POINTS]
    prim = Primitives()
    for p in pts:
        prim.sphere(p, 0.012, (1.0, 1.0, 1.0))
    with Renderer(view, None, samples=0, ctx=gl_ctx) as r:
        mask = r.render_mask(prim)
    cents = _blob_centroids(mask)
    truth = view.project(pts)
    # each projected point has a blob centred on it (spheres project to ~ellipses: < 0.35 px)
    d = np.linalg.norm(truth[:, None, :] - cents[None, :, :], axis=-1).min(axis=1)
    assert len(cents) >= len(pts) - 2  # a few markers may merge (nose / wrists near hips)
    assert np.median(d) < 0.35 and d.max() < 1.5, d


def test_figure_silhouette_contains_projected_joints(walk, gl_ctx):
    from vidgait.phantom.gl import Renderer

    for name, cam in _cameras(walk, 320, 180).items():
        view = cam
        lm = walk.landmarks[15]
        with Renderer(view, None, samples=0, ctx=gl_ctx) as r:
            mask = r.render_mask(build_figure(lm, 1.70))
        uv = np.floor(view.project(lm[BODY_POINTS])).astype(int)
        near = mask | np.roll(mask, 1, 0) | np.roll(mask, -1, 0) | np.roll(mask, 1, 1) | np.roll(
            mask, -1, 1)  # thin wrists may miss the exact pixel by rounding
        assert near[uv[:, 1], uv[:, 0]].all(), name
        assert mask[uv[:, 1], uv[:, 0]].mean() > 0.8, name
        # and nothing is drawn far from the body
        ys, xs = np.nonzero(mask)
        all_uv = view.project(lm)
        pad = 0.12 * height_in_pixels(view, lm[None], 1.70)[0]
        assert xs.min() >= all_uv[:, 0].min() - pad and xs.max() <= all_uv[:, 0].max() + pad
        assert ys.min() >= all_uv[:, 1].min() - pad and ys.max() <= all_uv[:, 1].max() + pad


def test_render_smoke_small(walk, gl_ctx):
    cam = _cameras(walk, 192, 108)["side"]
    view = cam
    frames = list(render_frames(walk.landmarks[:3], view, height_m=1.70))
    assert len(frames) == 3
    f = frames[0]
    assert f.shape == (108, 192, 3) and f.dtype == np.uint8
    assert f.std() > 10  # not a blank image
    # the shirt (blue) is drawn around the projected chest, the trousers (dark) around the knees
    chest = view.project(0.5 * (walk.landmarks[0, 12] + walk.landmarks[0, 24])).astype(int)
    patch = f[chest[1] - 3:chest[1] + 4, chest[0] - 3:chest[0] + 4].reshape(-1, 3).astype(int)
    assert np.mean(patch[:, 2] > patch[:, 0] + 40) > 0.3, patch
    knee = view.project(walk.landmarks[0, 26]).astype(int)
    assert f[knee[1], knee[0]].max() < 110, f[knee[1], knee[0]]
    assert not np.array_equal(frames[0], frames[2])  # the walker moves


# ------------------------------------------------------------------------------ clips (GL)
@pytest.mark.parametrize("fps,size,seconds", [(24.0, (320, 180), 1.0), (60.0, (180, 320), 0.5)])
def test_render_clip_properties(tmp_path, gl_ctx, fps, size, seconds):
    import av

    params = GaitParams(duration_s=seconds, fps=fps, painful_side="right", limp_severity=0.5)
    w = simulate(params)
    cam = Camera.side(walkway_centre(w), width=size[0], height=size[1])
    clip = render_clip(params, cam, tmp_path / "walk.mp4", noise=2.0, crf=28, seed=0)
    n = int(round(seconds * fps))
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


# ------------------------------------------------------------------------- MediaPipe (slow)
@pytest.mark.slow
@pytest.mark.parametrize("view", ["side", "front"])
def test_mediapipe_finds_phantom(tmp_path, gl_ctx, view):
    pytest.importorskip("mediapipe")
    from vidgait.phantom.validate import validate_clip

    params = GaitParams(duration_s=2.0, fps=30.0, path="across" if view == "side" else "toward")
    c = walkway_centre(simulate(params))
    cam = (Camera.side(c, width=640, height=360) if view == "side"
           else Camera.front(c, width=360, height=640))
    clip = render_clip(params, cam, tmp_path / f"{view}.mp4")
    rep = validate_clip(clip.video_path)  # vidgait's own pose stage
    assert rep.n_in_view >= 50
    assert rep.in_view_detection_rate >= 0.95, rep.to_dict()
    for group in ("shoulders", "hips", "knees", "ankles"):
        assert rep.median_pct[group] < 3.0, rep.to_dict()
    # heels hidden behind the shoe from the front: a known, documented shortfall (docs/phantom.md)
    assert rep.median_pct["heels"] < (3.0 if view == "side" else 4.5), rep.to_dict()
    # MediaPipe's left_hip lands on the figure's LEFT hip (the person's side)
    assert rep.side_swap_rate < (0.15 if view == "side" else 0.05), rep.to_dict()


# ------------------------------------------------------------------------------ command line
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
