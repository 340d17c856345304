"""The phantom through vidgait's own pose stage (MediaPipe, slow): found, accurate, sides right."""

from __future__ import annotations

import pytest

from vidgait.phantom import render_clip
from vidgait.synth import Camera, GaitParams, simulate, walkway_centre


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
