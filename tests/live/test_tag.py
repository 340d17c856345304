"""The pelvis marker on the live stream (:mod:`vidgait.live.tag`): real-time obliquity against the
rendered tag's true roll, the level zero, why a frame has no value, the marker's pelvic drop as
biofeedback, and sides under a mirrored display.

The frames are a treadmill walker filmed from behind with the tag rendered at its sacrum
(:class:`tests.live.helpers.RearScene`: 120 mm tag, ~62 px wide in 1080p, as a phone sees it at
~3 m); the pose backend returns the walker's synthetic landmarks.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from tests.live.helpers import RearScene, WalkerPose, candidate
from vidgait.findings.words import TAG_STATUS_WORDS
from vidgait.live.biofeedback import FeedbackState
from vidgait.live.config import LiveConfig
from vidgait.live.draw import draw_pelvis, obliquity_text
from vidgait.live.processor import LiveProcessor
from vidgait.live.tag import LEVEL_S, LiveTag, PelvisReading
from vidgait.norms import BIOFEEDBACK_TARGETS
from vidgait.render.skeleton import COLOURS
from vidgait.synth import GaitParams

#: a left Trendelenburg: the RIGHT hemipelvis drops ~10 deg, the left ~4.4 deg
TRENDELENBURG = GaitParams(duration_s=8.0, path="treadmill", trendelenburg_side="left",
                           pelvic_drop_deg=8.0)
MOUNT_ROLL = 3.0  # the card sits 3 deg rolled on the sacrum: the level removes it


@pytest.fixture(scope="module")
def scene():
    """2 s standing still, then 8 s of walking, the card mounted 3 deg rolled."""
    return RearScene(TRENDELENBURG, stand_s=2.0, mount_roll=MOUNT_ROLL)


def _run(scene, config, *, level_at_s=None, tag=True, mirror=False):
    """Stream the scene through a processor; each frame's snapshot, the last overlay."""
    snaps, overlay = [], None
    config = LiveConfig(**{**config.__dict__, "mirror_display": mirror})
    with LiveProcessor(config, pose=WalkerPose(scene.seq, keep_frames=False),
                       threaded=False) as proc:
        for i, t in enumerate(scene.t):
            if level_at_s is not None and abs(t - level_at_s) < 1e-6:
                proc.set_level()
            overlay = proc.process(scene.frame(i, tag=tag), t * 1000.0)
            snaps.append(proc.snapshot())
    return snaps, overlay


@pytest.fixture(scope="module")
def levelled(scene):
    """The scene with "Set level" pressed 0.2 s in and pelvic-drop biofeedback on."""
    return _run(scene, LiveConfig(metric="pelvic_drop_deg"), level_at_s=0.2)


def test_obliquity_follows_the_true_roll_once_level_is_set(scene, levelled):
    snaps, _ = levelled
    walking = range(scene.n_stand, len(scene))
    pel = [snaps[i].pelvis for i in walking]
    assert all(p.measured for p in pel)  # every processed frame: the update rate is the stream's
    err = np.array([p.obliquity_deg - scene.obliquity[i] for p, i in zip(pel, walking,
                                                                             strict=True)])
    assert all(p.zero == "level" for p in pel)
    # measured: max 0.23 deg, sd 0.06 deg (the tag ~62 px wide)
    assert np.abs(err).max() < 0.5
    # the right side up is +: the walker's right hemipelvis drops ~10 deg (obliquity -10)
    assert min(p.obliquity_deg for p in pel) < -8.0 and max(p.obliquity_deg for p in pel) < 6.0


def test_the_level_is_the_median_roll_standing_still(scene, levelled):
    snaps, _ = levelled
    before = [s.pelvis for s in snaps if s.t_s < 0.2 - 1e-6]
    during = [s.pelvis for s in snaps if 0.2 - 1e-6 <= s.t_s < 0.2 + LEVEL_S]
    after = snaps[scene.n_stand - 1].pelvis
    # before: relative to the window's mean roll (the standing tag's roll: ~0)
    assert before and all(p.zero == "window_mean" for p in before)
    assert all(p.obliquity_deg == pytest.approx(p.roll_deg - p.level_deg) for p in before)
    assert all(p.levelling is not None for p in during[:-1])
    assert after.zero == "level" and after.levelling is None and after.level_refused is None
    assert after.level_deg == pytest.approx(MOUNT_ROLL, abs=0.2)  # measured 3.08
    assert "vs level set standing" in obliquity_text(after)


def test_without_a_level_obliquity_is_relative_to_the_windows_mean(scene):
    snaps, _ = _run(scene, LiveConfig())
    rolls, times = [], []
    for s in snaps:
        p = s.pelvis
        assert p.measured and p.zero == "window_mean"
        rolls.append(p.roll_deg)
        times.append(p.t_s)
        t = np.asarray(times)
        mean = np.mean(np.asarray(rolls)[t >= p.t_s - 12.0])
        assert p.obliquity_deg == pytest.approx(p.roll_deg - mean, abs=1e-9)
    assert "set level" in obliquity_text(snaps[-1].pelvis)


def test_a_level_taken_while_moving_is_refused(scene):
    """The walk is no standing still: the capture is refused and the old zero stays."""
    tag = LiveTag()
    c0 = scene.n_stand + 10
    tag.set_level(0.5)
    for i in range(c0, c0 + 20):
        _, p = tag.look(scene.frame(i, roll=0.0, farther=1.0 + 0.02 * (i - c0)),
                        candidate(scene.seq, i).image, scene.t[i])
    assert p.level_refused == "moved" and p.zero == "window_mean" and math.isnan(tag.level_deg)
    assert "level not set: patient moved" in obliquity_text(p)


@pytest.mark.parametrize("kwargs,status", [
    ({"tag": False}, "not_found"),
    ({"farther": 3.5}, "too_small"),     # ~18 px across: under the detector's 20 px
    ({"yaw": 70.0}, "too_oblique"),       # turned away
    ({"twin": True}, "several"),          # two copies at the hips
])
def test_a_frame_without_a_measurement_says_why(scene, kwargs, status):
    tag = LiveTag()
    i = scene.n_stand + 5
    person = candidate(scene.seq, i).image
    _, p = tag.look(scene.frame(i), person, scene.t[i])
    assert p.measured and math.isfinite(p.obliquity_deg)
    _, p = tag.look(scene.frame(i + 1, **kwargs), person, scene.t[i + 1])
    assert p.status == status and not p.measured and math.isnan(p.obliquity_deg)
    assert p.centre_px is None
    assert obliquity_text(p) == f"Pelvis marker not seen ({TAG_STATUS_WORDS[status]})"
    _, p = tag.look(scene.frame(i + 2), None, scene.t[i + 2])  # nobody to search around
    assert p.status == "not_searched" and "nobody found" in obliquity_text(p)
    assert p.seen_share == pytest.approx(1 / 3)


def test_pelvic_drop_feedback_with_the_marker(scene, levelled):
    """The marker's pelvic drop per stride against the norms' band (< 5 deg): the left
    hemipelvis (~4.4 deg) in band, the right (~10.1 deg) out; the panel has the core's values,
    relative to the level set standing.
    """
    snaps, _ = levelled
    truth = {s: scene.walk.summary[s]["pelvic_drop_deg"] for s in ("left", "right")}
    last = snaps[-1]
    m = last.metrics
    assert m.view == "away" and m.pelvic_zero == "level" and m.marker_seen_share > 0.95
    assert not m.pelvic_drop_needs_marker
    for s in ("left", "right"):  # measured: 4.26 / 10.22 against 4.37 / 10.13
        assert m.pelvic_drop_deg[s] == pytest.approx(truth[s], abs=0.6)
    fb = last.feedback
    assert fb.band is BIOFEEDBACK_TARGETS["pelvic_drop_deg"] and not fb.needs_marker
    counted = {}
    for a, b in itertools.pairwise(snaps):
        if b.feedback.total > a.feedback.total:
            counted.setdefault(b.feedback.last_side, []).append(
                (b.feedback.last_value, b.feedback.last_in_band))
    assert fb.total >= 8 and set(counted) == {"left", "right"}
    for s, rows in counted.items():
        for value, ok in rows:
            assert value == pytest.approx(truth[s], abs=1.0)
            assert ok == (s == "left")


def test_without_the_marker_pelvic_drop_feedback_needs_it(scene):
    snaps, _ = _run(scene, LiveConfig(metric="pelvic_drop_deg"), tag=False)
    last = snaps[-1]
    assert last.pelvis.status == "not_found" and last.pelvis.seen_share == 0.0
    assert last.metrics.view == "away" and last.metrics.pelvic_drop_needs_marker
    assert all(math.isnan(v) for v in last.metrics.pelvic_drop_deg.values())
    assert last.feedback.needs_marker and last.feedback.total == 0


def test_mirrored_display_does_not_swap_sides(scene):
    """The same numbers with the preview mirrored; the pelvis line's orange (right) half is on
    the picture's right unmirrored and on its left mirrored, and is the higher half whenever the
    right side is up, in both.
    """
    part = RearScene(TRENDELENBURG, stand_s=0.0, mount_roll=MOUNT_ROLL)
    part.t, part.seq = part.t[:40], part.seq.slice(0, 40)
    plain, _ = _run(part, LiveConfig())
    mirrored, _ = _run(part, LiveConfig(), mirror=True)
    assert [s.pelvis.obliquity_deg for s in plain] == [s.pelvis.obliquity_deg for s in mirrored]
    p = PelvisReading(status="measured", obliquity_deg=10.0, zero="level",
                      centre_px=(400.0, 300.0), side_px=60.0, seen_share=1.0)
    for mirror in (False, True):
        canvas = np.zeros((600, 800, 3), np.uint8)
        draw_pelvis(canvas, p, mirror=mirror, feedback=FeedbackState())
        ys, xs = np.nonzero(np.all(canvas == COLOURS["right"], axis=-1))
        yl, xl = np.nonzero(np.all(canvas == COLOURS["left"], axis=-1))
        centre_x = 800 - 1 - 400 if mirror else 400
        assert (xs.mean() < centre_x) == mirror and (xl.mean() > centre_x) == mirror
        assert ys.mean() < yl.mean()  # the right half is the higher one


def test_a_failing_marker_search_does_not_end_the_stream(scene, monkeypatch):
    from vidgait.live import tag as live_tag

    def broken(*args, **kwargs):
        raise RuntimeError("corrupt frame")

    monkeypatch.setattr(live_tag, "detect_tags", broken)
    with LiveProcessor(LiveConfig(), pose=WalkerPose(scene.seq, keep_frames=False),
                       threaded=False) as proc:
        for i in range(3):
            proc.process(scene.frame(i), scene.t[i] * 1000.0)
        snap = proc.snapshot()
    assert snap.frames_processed == 3 and snap.pelvis.status == "not_searched"
