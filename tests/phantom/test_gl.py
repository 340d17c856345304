"""The OpenGL rasteriser: the wall behind the walk, markers on their truth pixels, the figure's
silhouette around its projected joints.
"""

from __future__ import annotations

import numpy as np

from tests.helpers import walker_cameras
from vidgait.landmarks import INDEX
from vidgait.phantom import Primitives, build_figure, height_in_pixels

BODY_POINTS = [INDEX[f"{s}_{j}"] for s in ("left", "right")
               for j in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")] + [INDEX["nose"]]


def test_backdrop_wall_is_behind_the_walk(walk):
    from vidgait.phantom.gl import Backdrop

    for cam in walker_cameras(walk).values():
        bd = Backdrop.behind(cam, walk.landmarks.reshape(-1, 3))
        dist = (walk.landmarks.reshape(-1, 3) - bd.wall_point) @ bd.wall_normal
        assert dist.min() > 1.0  # all points in front of the wall
        assert (cam.position - bd.wall_point) @ bd.wall_normal > 0  # camera in front too


def _blob_centroids(mask):
    import cv2

    _, _, _, cents = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    return cents[1:] + 0.5  # pixel i covers [i, i + 1): its centre is i + 0.5


def test_rendered_markers_sit_on_truth_pixels(walk, gl_ctx):
    from vidgait.phantom.gl import Renderer

    cam = walker_cameras(walk, 640, 360)["oblique"]
    pts = walk.landmarks[10][BODY_POINTS]
    prim = Primitives()
    for p in pts:
        prim.sphere(p, 0.012, (1.0, 1.0, 1.0))
    with Renderer(cam, None, samples=0, ctx=gl_ctx) as r:
        mask = r.render_mask(prim)
    cents = _blob_centroids(mask)
    truth = cam.project(pts)
    # each projected point has a blob centred on it (spheres project to ~ellipses: < 0.35 px)
    d = np.linalg.norm(truth[:, None, :] - cents[None, :, :], axis=-1).min(axis=1)
    assert len(cents) >= len(pts) - 2  # a few markers may merge (nose / wrists near hips)
    assert np.median(d) < 0.35 and d.max() < 1.5, d


def test_figure_silhouette_contains_projected_joints(walk, gl_ctx):
    from vidgait.phantom.gl import Renderer

    for name, cam in walker_cameras(walk, 320, 180).items():
        lm = walk.landmarks[15]
        with Renderer(cam, None, samples=0, ctx=gl_ctx) as r:
            mask = r.render_mask(build_figure(lm, 1.70))
        uv = np.floor(cam.project(lm[BODY_POINTS])).astype(int)
        near = mask | np.roll(mask, 1, 0) | np.roll(mask, -1, 0) | np.roll(mask, 1, 1) | np.roll(
            mask, -1, 1)  # thin wrists may miss the exact pixel by rounding
        assert near[uv[:, 1], uv[:, 0]].all(), name
        assert mask[uv[:, 1], uv[:, 0]].mean() > 0.8, name
        # and nothing is drawn far from the body
        ys, xs = np.nonzero(mask)
        all_uv = cam.project(lm)
        pad = 0.12 * height_in_pixels(cam, lm[None], 1.70)[0]
        assert xs.min() >= all_uv[:, 0].min() - pad and xs.max() <= all_uv[:, 0].max() + pad
        assert ys.min() >= all_uv[:, 1].min() - pad and ys.max() <= all_uv[:, 1].max() + pad
