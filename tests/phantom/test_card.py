"""The worn pelvis marker: the card rests on the figure's back, its pose is the pelvis's (roll =
pelvic obliquity, yaw = pelvic rotation), placement errors do what they say, the truth matches
OpenCV's pose conventions, and the rendered card is read by the marker detector where the truth
says (and not when it is turned away or hidden).
"""

from __future__ import annotations

import numpy as np
import pytest

from vidgait.errors import MarkerError
from vidgait.marker import Intrinsics, TagObservation, detect_tag
from vidgait.marker.detect import tag_object_points
from vidgait.phantom import (
    BodyShape,
    CardPlacement,
    card_track,
    card_track_from_landmarks,
    load_truth,
    marker_truth,
    opencv_intrinsics,
    render_clip,
    render_frames,
)
from vidgait.phantom.card import card_texture
from vidgait.phantom.contact import card_clearance
from vidgait.synth import Camera, GaitParams, simulate

#: a left Trendelenburg walk with trunk lean, one full stride and a bit (stride 1.14 s)
TRENDELENBURG = GaitParams(duration_s=1.2, fps=30.0, path="away", trendelenburg_side="left",
                           pelvic_drop_deg=6.0, trunk_lean_deg=4.0)


@pytest.fixture(scope="module")
def trend():
    return simulate(TRENDELENBURG)


@pytest.fixture(scope="module")
def walks(trend):
    return {"symmetric": simulate(GaitParams(duration_s=1.2, fps=30.0, path="away")),
            "trendelenburg": trend,
            "limp, trunk forward": simulate(GaitParams(
                duration_s=1.2, fps=30.0, path="away", painful_side="right", limp_severity=1.0,
                trunk_forward_deg=8.0))}


def _behind(walk, i, distance=4.0, **kw):
    pel = walk.joints["pelvis"][i]
    return Camera.back((pel[0], pel[1], 0.0), distance=distance, **kw)


def _seen(roll_deg, walk):
    """A turn about the card's normal as a camera level behind it sees it (pelvic tilt)."""
    tilt = np.radians(walk.angles["left"]["pelvic_tilt"])
    return np.degrees(np.arctan(np.tan(np.radians(roll_deg)) * np.cos(tilt)))


def _clearance(walk, track):
    return card_clearance(track, walk.landmarks, walk.params.height_m,
                          BodyShape.from_body(walk.body))


@pytest.mark.parametrize("name", ["symmetric", "trendelenburg", "limp, trunk forward"])
def test_card_rests_on_the_figure_over_the_whole_cycle(walks, name):
    walk = walks[name]
    for placement in (CardPlacement(), CardPlacement(offset_mm=(10, -10), roll_deg=3,
                                                     slide_mm=(3, 5), slide_roll_deg=1)):
        track = card_track(walk, placement)
        gap = _clearance(walk, track)
        # touching (the card's thickness) somewhere in the cycle, never inside, never floating
        assert gap.min() == pytest.approx(placement.thickness_mm / 1000, abs=1e-6)
        assert gap.max() < 0.015, gap.max()  # measured 4.7-10.8 mm
        # a few centimetres behind the hip centres, on the back of a 24 cm deep pelvis
        assert 0.11 < track.standoff_m < 0.16, track.standoff_m
    assert np.isfinite(gap).all()


def test_clearance_grid_is_fine_enough(trend):
    from vidgait.phantom.contact import back_gap

    track = card_track(trend, CardPlacement(roll_deg=5))
    outline = tuple(v / 1000 for v in track.placement.outline_mm())
    dense = back_gap(track.centre, track.axes, outline, trend.landmarks, 1.70,
                     BodyShape.from_body(trend.body), grid=(81, 85))
    np.testing.assert_allclose(_clearance(trend, track), dense, atol=1e-4)


def test_roll_is_pelvic_obliquity_and_yaw_pelvic_rotation_from_straight_behind(trend):
    track = card_track(trend)
    cam = _behind(trend, 0, width=1280, height=720)
    truth = marker_truth(track, cam)
    obliquity = trend.angles["right"]["pelvic_obliquity"]  # right side up positive
    rotation = trend.angles["right"]["pelvic_rotation"]  # right side forward positive
    assert np.ptp(obliquity) > 10 and np.ptp(rotation) > 8
    np.testing.assert_allclose(truth["roll_deg"], obliquity, atol=0.02)  # measured 0.009
    np.testing.assert_allclose(truth["yaw_deg"], rotation, atol=1e-6)
    assert truth["facing"].all() and truth["in_image"].all()
    # a camera in front sees the card's back
    front = Camera.front(trend.joints["pelvis"][0] * [1, 1, 0], distance=4.0)
    assert not marker_truth(track, front)["facing"].any()


def test_placement_errors_move_and_turn_the_card_by_what_was_asked(trend):
    nominal = card_track(trend)
    fixed = dict(standoff_mm=1000 * nominal.standoff_m)
    moved = card_track(trend, CardPlacement(offset_mm=(10, -7), roll_deg=3, **fixed))
    pel = trend.segments["pelvis"]
    d = np.einsum("tji,tj->ti", pel, moved.centre - nominal.centre)  # in the pelvis frame, m
    np.testing.assert_allclose(d, np.tile([0.0, -0.010, -0.007], (len(d), 1)), atol=1e-12)
    turn = np.einsum("tji,tjk->tik", nominal.axes, moved.axes)  # about the card's normal
    c, s = np.cos(np.radians(3)), np.sin(np.radians(3))
    np.testing.assert_allclose(turn, np.tile([[c, -s, 0], [s, c, 0], [0, 0, 1]], (len(d), 1, 1)),
                               atol=1e-12)
    cam = _behind(trend, 0)
    roll = marker_truth(moved, cam)["roll_deg"] - marker_truth(nominal, cam)["roll_deg"]
    # the right end up, as the detector counts; seen from behind, the turn about a card face
    # tilted upward with the pelvis (11 deg anterior tilt) is a little smaller in the picture
    np.testing.assert_allclose(roll, _seen(3.0, trend), atol=0.02)
    # resting on the figure instead, the error moves the card along its normal only
    rest = card_track(trend, CardPlacement(offset_mm=(10, -7), roll_deg=3))
    d = np.einsum("tji,tj->ti", pel, rest.centre - nominal.centre)
    np.testing.assert_allclose(d[:, 1:], np.tile([-0.010, -0.007], (len(d), 1)), atol=1e-12)
    assert abs(rest.standoff_m - nominal.standoff_m) < 0.005


def test_skin_sliding_follows_the_hips_stride_by_stride():
    walk = simulate(GaitParams(duration_s=2.4, fps=30.0, path="away"))
    nominal = card_track(walk)
    slid = card_track(walk, CardPlacement(slide_mm=(0, 5), slide_roll_deg=1,
                                          standoff_mm=1000 * nominal.standoff_m))
    s = slid.slide
    assert 1.6 < np.ptp(s) < 2.6  # about -1..1
    lag = round(walk.params.stride_time_s * walk.params.fps)  # one stride, in frames
    assert np.corrcoef(s[:-lag], s[lag:])[0, 1] > 0.98  # periodic
    diff = walk.angles["left"]["hip_flexion"] - walk.angles["right"]["hip_flexion"]
    assert np.corrcoef(s, diff)[0, 1] > 0.999
    d = np.einsum("tji,tj->ti", walk.segments["pelvis"], slid.centre - nominal.centre)
    np.testing.assert_allclose(d[:, 2], 0.005 * s, atol=1e-12)
    cam = _behind(walk, 0)
    roll = marker_truth(slid, cam)["roll_deg"] - marker_truth(nominal, cam)["roll_deg"]
    np.testing.assert_allclose(roll, _seen(s, walk), atol=0.02)


def test_truth_is_in_opencv_conventions(trend):
    """rvec/tvec with the OpenCV intrinsics reproject onto the OpenCV corners, which are the
    walker camera's pixels minus half a pixel.
    """
    import cv2

    track = card_track(trend, CardPlacement(roll_deg=-4, offset_mm=(5, 5)))
    cam = _behind(trend, 0, width=1080, height=1920, vertical_fov_deg=66)
    truth = marker_truth(track, cam)
    k = Intrinsics(**opencv_intrinsics(cam), assumed=False).matrix()
    assert k[0, 2] == pytest.approx((1080 - 1) / 2) and k[1, 2] == pytest.approx((1920 - 1) / 2)
    np.testing.assert_allclose(truth["corners_cv_px"], truth["corners_px"] - 0.5)
    # the corners in the tag frame are the detector's object points, in its order
    local = np.einsum("tji,tnj->tni", track.axes, track.tag_corners() - track.centre[:, None])
    np.testing.assert_allclose(local, np.broadcast_to(tag_object_points(120), local.shape),
                               atol=1e-12)
    for i in (0, 17):
        back = cv2.projectPoints(tag_object_points(120), truth["rvec"][i], truth["tvec"][i], k,
                                 None)[0].reshape(4, 2)
        np.testing.assert_allclose(back, truth["corners_cv_px"][i], atol=1e-6)
        np.testing.assert_allclose(cv2.Rodrigues(truth["rvec"][i])[0], truth["rotation"][i],
                                   atol=1e-9)
    np.testing.assert_allclose(truth["distance_m"], np.linalg.norm(truth["tvec"], axis=1))


def test_placement_is_what_can_be_printed():
    with pytest.raises(MarkerError):
        CardPlacement(size_mm=30)
    with pytest.raises(MarkerError):
        CardPlacement(tag_id=7)
    with pytest.raises(ValueError):
        CardPlacement(roll_deg=float("nan"))
    left, right, top, bottom = CardPlacement().outline_mm()
    assert (left, right, top) == pytest.approx((-75, 75, 75)) and bottom == pytest.approx(-82)


def test_card_texture_is_the_printed_tag():
    img, uv = card_texture(CardPlacement())
    assert img.shape == (384, 320) and set(np.unique(img)) == {20, 235}
    assert uv[2, 1] == pytest.approx((150 + 7) / 15 * 32 / 384)
    page = np.pad(img, 40, constant_values=235)
    obs = detect_tag(page, camera=Intrinsics.from_fov(*page.shape[::-1]))
    assert isinstance(obs, TagObservation) and obs.tag_id == 0
    # the black square spans texels 32..288 (pixel centres at integers: edges at 31.5, 287.5)
    np.testing.assert_allclose(obs.corners_px - 40, [[31.5, 31.5], [287.5, 31.5], [287.5, 287.5],
                                                     [31.5, 287.5]], atol=0.3)


def test_a_card_on_any_landmarks_uses_the_figures_pelvis(walk):
    track = card_track_from_landmarks(walk.landmarks, height_m=1.70)
    assert track.n_frames == len(walk.landmarks)
    gap = card_clearance(track, walk.landmarks, 1.70)
    assert gap.min() == pytest.approx(0.003, abs=1e-6)
    hips = 0.5 * (walk.landmarks[:, 23] + walk.landmarks[:, 24])
    assert np.all(np.einsum("ti,ti->t", track.centre - hips, track.axes[:, :, 2]) > 0.1)


# ------------------------------------------------------------------------------ rendering
def _detect(img, cam):
    return detect_tag(img, camera=Intrinsics(**opencv_intrinsics(cam), assumed=False))


def test_rendered_card_is_read_where_the_truth_says(trend, gl_ctx):
    """Rear frames at ~4 m, 1280x720: the detector's corners and roll against the truth, at
    the two extremes of the pelvic obliquity (the sign too).
    """
    track = card_track(trend)
    obliquity = trend.angles["right"]["pelvic_obliquity"]
    errors = []
    for i in (int(np.argmin(obliquity)), int(np.argmax(obliquity))):
        cam = _behind(trend, i, width=1280, height=720, vertical_fov_deg=40.0)
        truth = marker_truth(track, cam)
        img = next(render_frames(trend.landmarks[i:i + 1], cam, height_m=1.70,
                                 shape=BodyShape.from_body(trend.body),
                                 marker=track.subset(slice(i, i + 1))))
        obs = _detect(img, cam)
        assert isinstance(obs, TagObservation), obs
        assert obs.tag_id == 0 and 28 < obs.side_px < 32
        err = obs.corners_px - truth["corners_cv_px"][i]
        errors.append(err)
        assert np.abs(err).max() < 0.5, err  # measured 0.34
        assert obs.roll_deg == pytest.approx(truth["roll_deg"][i], abs=0.3)  # measured 0.06
        assert abs(truth["roll_deg"][i]) > 3  # the extremes of a 6 deg drop
    # no half-pixel bias: the corners' mean error is a small fraction of a pixel
    assert np.abs(np.mean(errors, axis=(0, 1))).max() < 0.15, np.mean(errors, axis=(0, 1))


def test_card_turned_away_or_hidden_is_not_read(trend, gl_ctx):
    from vidgait.phantom.figure import build_figure
    from vidgait.phantom.gl import Renderer

    track = card_track(trend)
    i = 5
    pel = trend.joints["pelvis"][i]
    cam = Camera.front((pel[0], pel[1], 0.0), distance=3.0, width=1280, height=720,
                       vertical_fov_deg=40.0)
    prim = build_figure(trend.landmarks[i], 1.70, BodyShape.from_body(trend.body))
    with Renderer(cam, None, ctx=gl_ctx, card=track.placement) as r:
        img = r.render(prim, track.card_corners()[i])
        assert r.card_coverage(prim, track.tag_corners()[i]) == 0.0
    obs = _detect(img, cam)
    assert not isinstance(obs, TagObservation) and obs.reason == "not_found"
    # from behind, a flat hand held 5 cm off the tag over its left half hides half of it
    cam = _behind(trend, i, distance=3.0, width=1280, height=720, vertical_fov_deg=40.0)
    corners = track.tag_corners()[i]
    left_edge = 0.5 * (corners[0] + corners[3])
    hand = build_figure(trend.landmarks[i], 1.70, BodyShape.from_body(trend.body))
    hand.ellipsoid(left_edge + 0.05 * track.axes[i, :, 2], track.axes[i], (0.06, 0.3, 0.01),
                   (0.9, 0.7, 0.6))
    with Renderer(cam, None, ctx=gl_ctx, card=track.placement) as r:
        assert r.card_coverage(prim, corners) == pytest.approx(1.0)
        assert r.card_coverage(hand, corners) == pytest.approx(0.5, abs=0.04)


def test_rendered_clip_walking_away_carries_the_marker_truth(tmp_path, gl_ctx):
    """A 0.4 s clip from 3.4 m, 1280x720, CRF 23 with sensor noise: the truth file's marker
    and the tag read in every frame (on a 1 s clip: corners within 1.2 px, roll within
    1.3 deg, RMS 0.5 deg; the compression of a 30 px tag costs most of it: lossless, 0.5 deg).
    """
    import av

    params = GaitParams(duration_s=0.4, fps=30.0, path="away")
    walk = simulate(params)
    cam = _behind(walk, 0, distance=3.5, width=1280, height=720, vertical_fov_deg=40.0)
    placement = CardPlacement(roll_deg=2.0)
    clip = render_clip(params, cam, tmp_path / "away.mp4", crf=23, noise=2.0, seed=0,
                       marker=placement)
    truth = load_truth(clip.video_path)
    m = truth.marker
    n = clip.n_frames
    assert m["placement"]["roll_deg"] == 2.0 and m["tag_id"] == 0 and m["size_mm"] == 120
    assert m["rotation"].shape == (n, 3, 3) and m["corners_cv_px"].shape == (n, 4, 2)
    assert m["facing"].dtype == bool and m["facing"].all() and m["in_image"].all()
    np.testing.assert_allclose(m["visible"], 1.0)
    assert 0.3 < m["distance_m"][-1] - m["distance_m"][0] < 0.7  # walking away at 1.25 m/s
    ref = marker_truth(card_track(walk, placement), cam)
    np.testing.assert_allclose(m["corners_cv_px"], ref["corners_cv_px"], atol=1e-4)
    np.testing.assert_allclose(m["roll_deg"], ref["roll_deg"], atol=1e-5)
    with av.open(str(clip.video_path)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    roll, corner = [], []
    for i, frame in enumerate(frames):
        obs = _detect(frame, cam)
        assert isinstance(obs, TagObservation), (i, obs)
        corner.append(np.abs(obs.corners_px - m["corners_cv_px"][i]).max())
        roll.append(obs.roll_deg - m["roll_deg"][i])
    assert np.median(corner) < 0.6 and max(corner) < 1.5, corner
    assert np.sqrt(np.mean(np.square(roll))) < 0.7 and np.abs(roll).max() < 1.6, roll
