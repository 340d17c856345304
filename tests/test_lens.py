"""vidgait.lens: the assumed phone lens and the pinhole model from a frame size."""

from __future__ import annotations

import math

import pytest

from vidgait.lens import LANDSCAPE_VFOV_DEG, PORTRAIT_VFOV_DEG, default_vertical_fov, pinhole
from vidgait.synth import Camera


def test_the_same_lens_turned_portrait_sees_the_long_side():
    assert default_vertical_fov(1920, 1080) == LANDSCAPE_VFOV_DEG
    assert default_vertical_fov(1080, 1920) == PORTRAIT_VFOV_DEG
    # the focal length in pixels is the same either way: one lens, one sensor
    assert pinhole(1920, 1080).fx == pytest.approx(pinhole(1080, 1920).fx)


def test_pinhole_matches_the_synthetic_camera_and_the_pixel_conventions():
    lens = pinhole(1920, 1080, 50.0)
    cam = Camera.side(vertical_fov_deg=50.0)
    assert (lens.fx, lens.fy, lens.cx, lens.cy) == pytest.approx((cam.fx, cam.fy, cam.cx, cam.cy))
    centre = pinhole(1920, 1080, 50.0, origin="centre")
    assert (centre.cx, centre.cy) == (959.5, 539.5)
    assert lens.fy == pytest.approx(540 / math.tan(math.radians(25)))


@pytest.mark.parametrize("args", [(0, 1080, None), (1920, 1080, 0.0), (1920, 1080, 180.0)])
def test_pinhole_refuses_impossible_input(args):
    with pytest.raises(ValueError):
        pinhole(*args)
