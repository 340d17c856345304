"""Live assessment: guidance, following, biofeedback, mirroring, recording, real-time processing."""

from __future__ import annotations

import dataclasses
import json
import math
import time
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from vidgait.landmarks import L_HIP, R_HIP
from vidgait.live import (
    Band,
    Biofeedback,
    LiveConfig,
    LiveProcessor,
    StrideValue,
    frame_advice,
    mean_luma,
    play_file,
    run_camera,
)
from vidgait.live.draw import draw_overlay, mirror_landmarks
from vidgait.live.follow import Follower
from vidgait.live.guidance import (
    TOO_CLOSE_FRACTION,
    body_axis_tilt_deg,
    body_height_fraction,
    view_advice,
)
from vidgait.live.metrics import FeedbackState, RollingMetrics
from vidgait.pose.tracking import Candidate
from vidgait.render.skeleton import COLOURS
from vidgait.synth import Camera, GaitParams, simulate, to_pose_sequence, walkway_centre
from vidgait.video import iter_frames, probe

REPO = Path(__file__).resolve().parent.parent
SIDE_CLIP = REPO / "sample_videos" / "phantom_side_symmetric.mp4"
LIMP_CLIP = REPO / "sample_videos" / "phantom_side_right_knee_limp.mp4"
FRONT_CLIP = REPO / "sample_videos" / "phantom_front_left_trendelenburg.mp4"


# ------------------------------------------------------------------------------ helpers
def _candidate(seq, i: int, *, shift=(0.0, 0.0), scale: float = 1.0, about=None) -> Candidate:
    """Frame ``i`` of a synthetic sequence as a pose candidate, optionally moved and scaled."""
    img = seq.image[i].astype(np.float32).copy()
    centre = img[:, :2].mean(axis=0) if about is None else np.asarray(about, np.float32)
    img[:, :2] = (img[:, :2] - centre) * scale + centre + np.asarray(shift, np.float32)
    return Candidate(img, seq.world[i].copy(), seq.visibility[i].copy(), seq.presence[i].copy())


def _front_walker(drop: float = 0.0, duration_s: float = 12.0, obliquity_scale: float = 1.0,
                  width: int = 360, height: int = 640, distance: float = 10.0):
    """A walker approaching a portrait camera, as the pose stage would see it."""
    truth = simulate(GaitParams(duration_s=duration_s, path="toward",
                                trendelenburg_side="left" if drop else None,
                                pelvic_drop_deg=drop, pelvic_obliquity_scale=obliquity_scale))
    cam = Camera.front(walkway_centre(truth), distance=distance, width=width, height=height)
    return truth, to_pose_sequence(truth, cam, noise_px=0.5, seed=3)


class WalkerPose:
    """A pose backend that returns the synthetic walker nearest in time (and logs frames)."""

    def __init__(self, seq, keep_frames: bool = True) -> None:
        self.seq = seq
        self.keep_frames = keep_frames
        self.frames_seen: list[np.ndarray] = []

    def detect(self, rgb: np.ndarray, timestamp_ms: float) -> list[Candidate]:
        if self.keep_frames:
            self.frames_seen.append(rgb)
        i = int(np.argmin(np.abs(self.seq.t - timestamp_ms / 1000.0)))
        return [_candidate(self.seq, i)] if self.seq.found[i] else []


def _side_walker(duration_s: float = 8.0):
    """A walker with a right antalgic limp crossing a side camera, in view from the first frame
    (10 m away: the whole walk fits the 1280 px frame)."""
    truth = simulate(GaitParams(duration_s=duration_s, painful_side="right", limp_severity=0.8))
    cam = Camera.side(walkway_centre(truth), distance=10.0, width=1280, height=720)
    return truth, to_pose_sequence(truth, cam, noise_px=1.0, seed=1)


def _stride_ends(events: dict, after_s: float = 0.0) -> list[float]:
    """End times (next heel strikes) of the complete strides of both sides that start after
    ``after_s``, in time order, s."""
    ends = []
    for s in ("left", "right"):
        hs = np.asarray(events[s]["heel_strike_s"], float)
        ends += [float(b) for a, b in zip(hs[:-1], hs[1:], strict=True) if a > after_s]
    return sorted(ends)


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


@pytest.fixture(scope="module")
def front_seq():
    """A well-framed walker: the body fills about half the frame height."""
    _, seq = _front_walker(duration_s=4.0, distance=6.0)
    return seq


# ----------------------------------------------------------------------------- guidance
def test_empty_scene_says_nobody():
    codes = [a.code for a in frame_advice([], None, 640, 480, luma=120.0)]
    assert codes == ["nobody"]


def test_dark_frame_is_flagged_from_its_pixels():
    dark = np.full((480, 640, 3), 18, np.uint8)
    lit = np.full((480, 640, 3), 140, np.uint8)
    assert mean_luma(dark) == pytest.approx(18, abs=0.5)
    assert "too_dark" in [a.code for a in frame_advice([], None, 640, 480, mean_luma(dark))]
    assert "too_dark" not in [a.code for a in frame_advice([], None, 640, 480, mean_luma(lit))]


def test_well_framed_walker_gets_no_advice(front_seq):
    i = len(front_seq) - 1  # nearest the camera
    c = _candidate(front_seq, i)
    frac = body_height_fraction(c, 640)
    assert 0.3 < frac < 0.9
    assert frame_advice([c], c, 360, 640, luma=120.0) == []


def test_person_too_close_when_scaled_to_overflow(front_seq):
    c0 = _candidate(front_seq, len(front_seq) - 1)
    big = _candidate(front_seq, len(front_seq) - 1, scale=2.2)
    assert body_height_fraction(big, 640) > TOO_CLOSE_FRACTION > body_height_fraction(c0, 640)
    codes = [a.code for a in frame_advice([big], big, 360, 640, luma=120.0)]
    assert "too_close" in codes and "feet_cut_off" in codes


def test_person_too_far_and_feet_cut_off(front_seq):
    c = _candidate(front_seq, len(front_seq) - 1)
    small = _candidate(front_seq, len(front_seq) - 1, scale=0.4)
    assert [a.code for a in frame_advice([small], small, 360, 640, 120.0)] == ["too_far"]
    low = _candidate(front_seq, len(front_seq) - 1, shift=(0, 640 - c.image[:, 1].min() - 150))
    assert "feet_cut_off" in [a.code for a in frame_advice([low], low, 360, 640, 120.0)]


def test_rotated_camera(front_seq):
    c = _candidate(front_seq, len(front_seq) - 1)
    assert body_axis_tilt_deg(c) < 15
    img = c.image.copy()
    centre = img[:, :2].mean(axis=0)
    d = img[:, :2] - centre
    img[:, 0], img[:, 1] = centre[0] + d[:, 1], centre[1] - d[:, 0]  # camera on its side
    rot = Candidate(img, c.world, c.visibility, c.presence)
    assert body_axis_tilt_deg(rot) == pytest.approx(90, abs=15)
    assert [a.code for a in frame_advice([rot], rot, 640, 640, 120.0)] == ["rotated"]


def test_several_people_and_wrong_view(front_seq):
    c = _candidate(front_seq, len(front_seq) - 1)
    other = _candidate(front_seq, len(front_seq) - 1, shift=(150, 0))
    codes = [a.code for a in frame_advice([c, other], c, 640, 640, 120.0,
                                          metric="pelvic_drop_deg", view="side")]
    assert codes == ["several_people", "wrong_view"]
    assert view_advice("pelvic_drop_deg", "toward") == []
    assert view_advice("knee_peak_flexion_deg", "side") == []
    assert view_advice("knee_peak_flexion_deg", "away")[0].code == "wrong_view"
    assert view_advice("step_time_asymmetry_pct", "oblique") == []


# ---------------------------------------------------------------------------- following
def test_follower_keeps_the_person_it_follows(front_seq):
    f = Follower()
    walker = [_candidate(front_seq, i) for i in range(10)]
    chosen, _ = f.choose([walker[0]], 0.0)
    assert chosen is walker[0]
    for i in range(1, 10):
        # a bigger bystander appears beside the walker: the walker is still followed
        bystander = _candidate(front_seq, i, shift=(250, 0), scale=1.3)
        chosen, people = f.choose([bystander, walker[i]], i / 30)
        assert chosen is walker[i] and len(people) == 2
    # after the walker is gone for longer than max_gap_s, the most prominent person is taken
    chosen, _ = f.choose([bystander], 10 / 30 + 2.0)
    assert chosen is bystander


# -------------------------------------------------------------------------- biofeedback
def _sv(side: str, hs: float, value: float) -> StrideValue:
    return StrideValue(side, hs, hs + 1.1, "toward", {"pelvic_drop_deg": value})


def test_biofeedback_counts_each_stride_once():
    fb = Biofeedback("pelvic_drop_deg", Band(high=5.0))
    first = [_sv("left", 1.0, 3.0), _sv("right", 1.55, 7.0), _sv("left", 2.1, 4.0)]
    assert len(fb.update(first, window_end_s=3.0)) == 2  # the third ends too late (settling)
    assert (fb.state.in_band, fb.state.total) == (1, 2)
    # the next window finds the same strides again, times moved by a few ms, plus one new one
    again = [_sv("left", 1.004, 3.1), _sv("right", 1.548, 7.2), _sv("left", 2.103, 4.0),
             _sv("right", 2.66, 8.0)]
    fb.update(again, window_end_s=4.2)
    s = fb.state
    assert (s.in_band, s.total) == (2, 4)
    assert s.last_value == 8.0 and s.last_in_band is False


def test_band():
    assert Band(high=5).contains(4.9) and not Band(high=5).contains(5.1)
    assert Band(low=50).contains(55) and not Band(low=50).contains(math.nan)
    assert Band(99, 113).describe() == "99-113" and Band(high=5).describe() == "< 5"
    with pytest.raises(ValueError):
        Biofeedback("pelvic_tilt")


@pytest.mark.parametrize(("drop", "obliquity", "expect_in_band"), [(10.0, 1.0, False),
                                                                   (0.0, 0.5, True)])
def test_biofeedback_on_a_trendelenburg_walker(drop, obliquity, expect_in_band):
    truth, seq = _front_walker(drop=drop, obliquity_scale=obliquity)
    true_strides = sum(len(truth.events[s]["heel_strike_s"]) - 1 for s in ("left", "right"))
    rgb = np.full((640, 360, 3), 120, np.uint8)
    config = LiveConfig(metric="pelvic_drop_deg", band=Band(high=5.0))
    with LiveProcessor(config, pose=WalkerPose(seq), threaded=False) as proc:
        for t in seq.t:
            proc.process(rgb, t * 1000.0)
        snap = proc.snapshot()
    fb = snap.feedback
    assert 0.7 * true_strides <= fb.total <= true_strides  # each stride counted once
    share = fb.in_band / fb.total
    if expect_in_band:
        assert share > 0.7
    else:
        # the right pelvis drops ~12 deg in every LEFT stance: at least those strides are out
        assert share < 0.5
        assert snap.metrics.pelvic_drop_deg["right"] > 8 > snap.metrics.pelvic_drop_deg["left"]
    assert snap.metrics.view == "toward"


# ---------------------------------------------------------------------------- mirroring
def test_mirrored_display_does_not_swap_sides():
    truth, seq = _front_walker(drop=10.0, duration_s=9.0)
    rgb = np.zeros((640, 360, 3), np.uint8)
    rgb[:, :180] = 90   # left half of the picture darker: the pose backend must see it unflipped
    rgb[:, 180:] = 160
    snaps, overlays = {}, {}
    for mirror in (False, True):
        pose = WalkerPose(seq)
        with LiveProcessor(LiveConfig(mirror_display=mirror), pose=pose, threaded=False) as proc:
            for t in seq.t:
                overlays[mirror] = proc.process(rgb, t * 1000.0)
            snaps[mirror] = proc.snapshot()
        assert all(f is rgb for f in pose.frames_seen)  # the analysed frames are never flipped
    a, b = snaps[False].metrics, snaps[True].metrics
    assert a.pelvic_drop_deg == b.pelvic_drop_deg and a.step_time_s == b.step_time_s
    assert a.pelvic_drop_deg["right"] > a.pelvic_drop_deg["left"]  # weak left: right drops
    # the displayed picture is flipped, the right hip keeps the right side's colour
    assert overlays[True][320, 10, 0] == 160 and overlays[False][320, 10, 0] == 90
    c = _candidate(seq, len(seq) - 1)
    shown = draw_overlay(np.zeros((640, 360, 3), np.uint8), c.image, c.visibility, [],
                         RollingMetrics(), FeedbackState(), mirror=True)
    x, y = mirror_landmarks(c.image, 360)[R_HIP, :2].round().astype(int)
    assert tuple(shown[y, x]) == COLOURS["right"]
    x, y = mirror_landmarks(c.image, 360)[L_HIP, :2].round().astype(int)
    assert tuple(shown[y, x]) == COLOURS["left"]


# ---------------------------------------------------------------------------- recording
def test_recording_keeps_raw_frames_and_timestamps(tmp_path, front_seq):
    pose = WalkerPose(front_seq)
    out = tmp_path / "rec" / "live.mp4"
    times = [1000.0 + 33.3 * i + (5.0 if i % 3 == 0 else 0.0) for i in range(40)]
    with LiveProcessor(LiveConfig(mirror_display=True), pose=pose, threaded=False) as proc:
        proc.start_recording(out)
        for i, t in enumerate(times):
            rgb = np.full((64, 48, 3), 20 + 5 * i, np.uint8)
            rgb[:, :8] = 255  # a white band on the LEFT of the raw picture
            proc.process(rgb, t)
        info = proc.stop_recording()
    assert info.frames == 40 and info.dropped == 0
    assert info.duration_s == pytest.approx((times[-1] - times[0]) / 1000.0)
    got = list(iter_frames(probe(out, limits=_lenient())))
    assert len(got) == 40
    rel = np.array([f.timestamp_ms for f in got]) - got[0].timestamp_ms
    assert np.allclose(rel, np.array(times) - times[0], atol=1.0)
    assert got[0].rgb[:, :6].mean() > 200 and got[0].rgb[:, -6:].mean() < 100  # not mirrored
    with pytest.raises(RuntimeError):
        LiveProcessor(pose=pose, threaded=False).stop_recording()


def _lenient():
    from vidgait.video import VideoLimits

    return VideoLimits(min_duration_s=0.5)


# ------------------------------------------------------------------------- virtual camera
def test_play_file_is_paced_and_loops_with_increasing_times():
    now = [0.0]
    slept = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    frames = list(play_file(SIDE_CLIP, loop=True, max_seconds=10.0, sleep=sleep,
                            clock=lambda: now[0]))
    t = np.array([f.timestamp_ms for f in frames])
    assert np.all(np.diff(t) > 0) and t[-1] <= 10000.0
    assert len(frames) == pytest.approx(10.0 * 30, abs=2)  # more than one 6.8 s loop
    assert sum(slept) == pytest.approx(t[-1] / 1000.0, abs=0.05)
    assert [f.index for f in frames] == list(range(len(frames)))


# --------------------------------------------------------------- real model, real time
#: after the heel strike that ends the second stride: the core needs ~0.3-0.5 s of later frames
#: to see that heel strike as a peak (filter, Zeni), plus one warm-up update interval (0.25 s),
#: the analysis (~0.1 s) and the frame's own latency
AFTER_SECOND_STRIDE_S = 1.0


@pytest.mark.slow
def test_real_time_stream_metrics_latency_memory_and_dropping():
    """The side limp clip played as a 30 fps camera for 24 s through the real pose model.

    The machine may be shared: the figures that depend on spare CPU (how soon metrics appear,
    the absolute latency) are checked when the model got at least 10 fps; latency must not grow
    and frames must be dropped, not queued, in any case.
    """
    first_metrics_s = None
    first = None
    rss = {}
    snaps = []
    early_latency = None
    start = None
    with LiveProcessor(LiveConfig()) as proc:
        for out in run_camera(LIMP_CLIP, loop=True, seconds=24.0, processor=proc):
            if start is None:  # the model is loaded before the first frame
                start, t0 = time.perf_counter(), out.frame.timestamp_ms / 1000.0
            s = out.snapshot
            snaps.append(s)
            if first_metrics_s is None and s.metrics.available:
                first_metrics_s, first = s.t_s, s.metrics
            if early_latency is None and s.t_s >= 8.0:
                early_latency = np.median(proc.recent_latencies_ms())
            for mark in (10.0, 23.5):
                if mark not in rss and s.t_s >= mark:
                    rss[mark] = _rss_mb()
        late_latency = np.median(proc.recent_latencies_ms())
    wall = time.perf_counter() - start
    last = snaps[-1]
    # paced like a camera: wall-clock time follows stream time
    assert wall == pytest.approx(out.frame.timestamp_ms / 1000.0 - t0, abs=1.0)
    # frames dropped rather than queued, and latency does not grow
    assert last.frames_dropped > 0
    # at most two frames in flight: one in the model, one waiting in the single slot
    assert last.frames_in - 2 <= last.frames_processed + last.frames_dropped <= last.frames_in
    assert late_latency < 1.5 * early_latency + 50.0
    # memory does not grow with time: a queue of 720p frames would add ~80 MB per second of
    # stream (2.7 MB per frame at 30 fps); the allocator alone moves RSS by tens of MB
    assert rss[23.5] - rss[10.0] < 150.0
    fps = last.frames_processed / wall
    if fps < 10.0:
        warnings.warn(f"the pose model got {fps:.1f} fps (machine busy): latency and "
                      "time-to-metrics bounds not checked", stacklevel=1)
        return
    # latency bounded (measured on this machine when quiet: median ~55 ms, p95 ~100 ms)
    assert last.latency_ms_p95 < 300.0
    # metrics once two strides are complete (the clip starts mid-walk at 105 steps/min). A
    # stride that starts in the stream's first 0.3 s cannot be seen (a heel strike is found as
    # a peak, which needs frames before it; the first frames also come slower while the model
    # warms up), so the count starts after it: the clip's left stride from 0.21 s is left out,
    # and the second stride then ends at 2.5 s
    from vidgait.phantom import load_truth, truth_path_for

    second = _stride_ends(load_truth(truth_path_for(LIMP_CLIP)).events, after_s=0.3)[1]
    assert first_metrics_s is not None
    assert first_metrics_s <= second + AFTER_SECOND_STRIDE_S, (first_metrics_s, second)
    # the first cadence comes from one or two strides: one heel strike 2 frames off at 15 fps
    # moves it by ~7 % (97.5 measured on this clip's landmarks thinned to 15 fps); the window's
    # cadence settles near the truth
    assert first.cadence_steps_per_min == pytest.approx(105.0, abs=10.0)
    assert last.metrics.cadence_steps_per_min == pytest.approx(105.0, abs=4.0)
    assert first.view == "side"


@pytest.mark.slow
def test_too_close_from_a_cropped_real_frame():
    """A sample frame cropped so the body overflows: the real model's landmarks say so."""
    import cv2

    frames = list(iter_frames(FRONT_CLIP))
    rgb = frames[-1].rgb  # walker nearest the camera
    from vidgait.phantom import load_truth, truth_path_for

    px = load_truth(truth_path_for(FRONT_CLIP)).landmarks_2d[len(frames) - 1]
    top, bottom = float(np.nanmin(px[:, 1])), float(np.nanmax(px[:, 1]))
    mid = 0.5 * (top + bottom)
    half = 0.45 * (bottom - top)  # a crop 0.9 of the landmark span: head top and feet cut
    y0, y1 = int(max(0, mid - half)), int(min(rgb.shape[0], mid + half))
    x_mid = float(np.nanmean(px[:, 0]))
    w = int((y1 - y0) * rgb.shape[1] / rgb.shape[0])
    x0 = int(np.clip(x_mid - w / 2, 0, rgb.shape[1] - w))
    crop = cv2.resize(rgb[y0:y1, x0:x0 + w], (rgb.shape[1], rgb.shape[0]))
    with LiveProcessor(LiveConfig(model="full"), threaded=False) as proc:
        for i in range(5):
            proc.process(crop, 1000.0 + 33.3 * i)
        snap = proc.snapshot()
    codes = {a.code for a in snap.advice}
    assert snap.person_found
    assert "too_close" in codes, codes
    with LiveProcessor(LiveConfig(model="full"), threaded=False) as proc:
        for i in range(5):
            proc.process(rgb, 1000.0 + 33.3 * i)
        codes_full = {a.code for a in proc.snapshot().advice}
    assert "too_close" not in codes_full and "feet_cut_off" not in codes_full


# ------------------------------------------------------------------------ rolling metrics
def test_rolling_metrics_are_the_cores_figures_and_short_windows_give_nan():
    from vidgait.kinematics import analyze
    from vidgait.live import rolling_metrics

    _, seq = _front_walker(drop=10.0, duration_s=10.0)
    m = rolling_metrics(seq)
    a = analyze(seq)
    # the panel leaves out strides not yet settled at the window's end: within 1 %
    assert m.cadence_steps_per_min == pytest.approx(a.spatiotemporal["cadence_steps_per_min"],
                                                    rel=0.01)
    assert m.pelvic_drop_deg["right"] == a.pelvis["right"]["pelvic_drop_deg"]["mean"]
    assert m.view == "toward" and m.available
    assert math.isnan(m.knee_peak_flexion_deg["left"])  # not measurable from the front
    short = rolling_metrics(seq.slice(0, 45))  # 1.5 s: the core measures nothing yet
    assert not short.available and math.isnan(short.step_time_si_pct)
    assert short.to_dict()["cadence_steps_per_min"] is None


# ---------------------------------------------------------------------------- browser glue
def test_stream_clock_keeps_time_increasing_across_sessions():
    from vidgait.ui.live_page import StreamClock

    clock = StreamClock(gap_ms=1000.0)
    first = [clock(t) for t in (0.0, 33.0, 66.0)]
    second = [clock(t) for t in (5.0, 38.0)]  # the browser restarted its stream
    assert first == [0.0, 33.0, 66.0]
    assert second == [1066.0, 1099.0]


def test_ice_servers_default_empty_and_configurable(monkeypatch):
    from vidgait.ui.live_page import ice_servers_from_env

    monkeypatch.delenv("VIDGAIT_ICE_SERVERS", raising=False)
    assert ice_servers_from_env() == []
    monkeypatch.setenv("VIDGAIT_ICE_SERVERS", '[{"urls": ["stun:stun.clinic.lan:3478"]}]')
    assert ice_servers_from_env() == [{"urls": ["stun:stun.clinic.lan:3478"]}]
    monkeypatch.setenv("VIDGAIT_ICE_SERVERS", '{"urls": "x"}')
    with pytest.raises(ValueError):
        ice_servers_from_env()


def test_frame_callback_submits_unmirrored_rgb_and_returns_overlay(front_seq):
    import av

    from vidgait.ui.live_page import _Holder, make_frame_callback

    pose = WalkerPose(front_seq)
    holder = _Holder(processor=LiveProcessor(LiveConfig(mirror_display=True), pose=pose,
                                             threaded=False))
    # the page's processor is threaded; here process() stands in for submit() to be synchronous
    holder.processor.submit = holder.processor.process
    cb = make_frame_callback(holder)
    rgb = np.zeros((640, 360, 3), np.uint8)
    rgb[:, :16] = 255  # a white band on the left of the captured picture
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
    frame.pts, frame.time_base = 90_000, Fraction(1, 90_000)
    out = cb(frame)
    assert isinstance(out, av.VideoFrame) and out.width == 360
    seen = pose.frames_seen[-1]
    assert seen[:, :10].mean() > 200 and seen[:, -10:].mean() < 50  # analysed as captured
    shown = out.to_ndarray(format="rgb24")
    assert shown[280:360, -10:].mean() > 200 and shown[280:360, :10].mean() < 50  # mirrored
    assert holder.processor.snapshot().t_s == pytest.approx(1.0)
    holder.processor.close()


def test_processor_state_is_bounded_over_a_long_stream():
    """80 s of stream: the landmark window, statistics and memory stay bounded."""
    _, seq = _front_walker(duration_s=20.0)
    pose = WalkerPose(seq, keep_frames=False)
    rgb = np.full((64, 48, 3), 120, np.uint8)
    config = LiveConfig(window_s=12.0, update_every_s=5.0)
    with LiveProcessor(config, pose=pose, threaded=False) as proc:
        rss = []
        for i in range(2400):
            proc.process(rgb, i * 1000.0 / 30.0 + 1.0)
            if i in (600, 2399):
                rss.append(_rss_mb())
        snap = proc.snapshot()
        assert len(proc._window.rows) <= 12.0 * 30 + 1
        assert len(proc.recent_latencies_ms()) == 300
    assert snap.frames_processed == 2400 and snap.frames_dropped == 0
    assert snap.metrics.window_s <= 12.0 + 1e-6
    assert rss[1] - rss[0] < 30.0


# --------------------------------------------------------- time to the first figures
def test_metrics_appear_once_two_strides_are_complete(monkeypatch):
    """Frames at 15 fps (what the real-time pacing analyses here): cadence, step times and a
    knee peak are shown by the end of the second complete stride plus the core's detection delay
    and one warm-up update; the limp verdict says it is collecting strides until it has three
    per side. Each update analyses the window once."""
    import vidgait.live.metrics as metrics_module
    import vidgait.live.processor as processor_module

    truth, seq = _side_walker()
    calls = []
    analyze = processor_module.analyze
    for module in (processor_module, metrics_module):
        monkeypatch.setattr(module, "analyze", lambda s: calls.append(s.t[-1]) or analyze(s))
    rgb = np.zeros((720, 1280, 3), np.uint8)
    first = None
    config = LiveConfig(metric="step_time_asymmetry_pct")
    with LiveProcessor(config, pose=WalkerPose(seq, keep_frames=False), threaded=False) as proc:
        for t in seq.t[::2]:
            proc.process(rgb, t * 1000.0)
            m = proc.snapshot().metrics
            if first is None and m.available:
                first_s, first = t, m
        last = proc.snapshot()
    second = _stride_ends(truth.events)[1]
    # 1.0 s = the settling margin (0.6 stride ~0.69 s: a heel strike closer to the window's end
    # may still be replaced, metrics.settled_strides) + one warm-up update interval (0.25 s).
    # Measured: 2.93 s, 0.93 s after the second stride (the first one accepted here ends then).
    # Before that margin the first figures came 0.40 s after the second stride (2.40 s), but on a
    # provisional heel strike the first cadence once read 121 and, in the browser, 190
    # steps/min for a walk at 105; 2.67 s before stride_period searched lags up to the window
    # minus 0.6 s and the outlier bound grew with the frame interval
    assert second < first_s <= second + 1.0, (first_s, second)
    assert first.cadence_steps_per_min == pytest.approx(105.0, abs=5.0)
    true_step = {s: truth.summary[s]["step_time_s"] for s in ("left", "right")}
    for s in ("left", "right"):  # both step times from the steps inside the first stride(s)
        assert first.step_time_s[s] == pytest.approx(true_step[s], abs=2 / 15)
    assert any(math.isfinite(v) for v in first.knee_peak_flexion_deg.values())
    assert first.limp_status.startswith("collecting strides (") and "/3)" in first.limp_status
    assert last.metrics.limp_status == "limp (right painful?)"
    assert last.metrics.step_time_si_pct == pytest.approx(
        100 * (true_step["right"] - true_step["left"]) / np.mean(list(true_step.values())), abs=5)
    assert last.feedback.total >= 6 and last.feedback.in_band == 0  # ~26 % asymmetry each stride
    assert len(calls) == len(set(calls))  # one analysis per update, biofeedback included


def test_limp_status_text():
    m = RollingMetrics(cadence_steps_per_min=105.0, strides_per_side={"left": 2, "right": 1})
    assert m.limp_status == "collecting strides (1/3)"
    assert RollingMetrics().limp_status == "not measurable"
    assert RollingMetrics(limp_verdict="limp", limp_side="left").limp_status == \
        "limp (left painful?)"
    assert RollingMetrics(cadence_steps_per_min=105.0, limp_verdict="no limp",
                          strides_per_side={"left": 4, "right": 4}).limp_status == "no limp"


def test_limp_cell_of_the_page_is_short():
    from vidgait.ui.live_page import _limp_cell

    collecting = RollingMetrics(cadence_steps_per_min=105.0,
                                strides_per_side={"left": 2, "right": 1})
    assert _limp_cell(collecting) == ("1/3", "strides collected")
    assert _limp_cell(RollingMetrics(limp_verdict="limp", limp_side="right")) == (
        "limp", "right painful?")
    assert _limp_cell(RollingMetrics()) == ("-", None)


# ----------------------------------------------------- the core's public per-pass detail
def test_pass_results_are_the_detail_behind_the_pooled_figures():
    from vidgait.kinematics import analyze, analyze_session
    from vidgait.kinematics.analysis import PassResult, timing_passes
    from vidgait.kinematics.spatiotemporal import cadence, stride_metrics

    _, seq = _side_walker()
    a = analyze(seq)
    assert len(a.pass_results) == len(a.passes) >= 1
    r = a.pass_results[0]
    assert isinstance(r, PassResult) and r.info is a.passes[0] and r.view == "side"
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.strides = []
    assert len(r.strides) == r.info["strides"] and r.strides
    assert r.t.shape == r.angles["left"]["knee_flexion"].shape
    assert r.t[0] == pytest.approx(r.info["start_s"]) and r.t[-1] == pytest.approx(r.info["stop_s"])
    for st in r.strides:  # accepted strides are made of the pass's detected events
        assert st.hs in r.events[st.side]["heel_strike_s"]
        assert st.next_hs in r.events[st.side]["heel_strike_s"]
    timing, kind = timing_passes(a.pass_results)
    assert kind == "side" and timing == list(a.pass_results)
    strides = [st for p in timing for st in p.strides]
    assert cadence(stride_metrics(strides)) == a.spatiotemporal["cadence_steps_per_min"]
    knee = np.concatenate([p.per_stride["right"]["knee_peak_swing_flexion_deg"] for p in timing])
    core_knee = a.kinematics["right"]["knee_peak_swing_flexion_deg"]["mean"]
    assert knee.mean() == pytest.approx(core_knee)
    d = a.to_dict()
    assert "pass_results" not in d
    json.dumps(d)
    session = analyze_session([seq, seq])
    assert [p.info["clip"] for p in session.pass_results] == [0] * len(a.passes) + [1] * len(
        a.passes)
    assert "clip" not in a.passes[0]  # a session does not touch another analysis's passes


# ------------------------------------------------------------------- crop fallback, live
class _Nobody:
    """A full-frame detector that never finds anyone (the person is too small for it)."""

    def detect(self, rgb: np.ndarray, timestamp_ms: float) -> list[Candidate]:
        return []


def _person_at(x: float, y: float, height: float = 300.0) -> Candidate:
    """A standing stick person ``height`` px tall centred at (x, y), crop pixels."""
    img = np.zeros((33, 3), np.float32)
    img[:, 0] = x
    img[:, 1] = np.linspace(y - 0.5 * height, y + 0.5 * height, 33)
    v = np.full(33, 0.9, np.float32)
    return Candidate(image=img, world=np.zeros((33, 3), np.float32), visibility=v,
                     presence=v.copy())


class _CropFinder:
    """Finds a person centred at frame pixel ``where`` in crops of at most 1080 px that hold
    them; the frame's pixels encode their own position (x // 8, y // 8), so a crop tells where
    it was cut."""

    def __init__(self, where: tuple[float, float]) -> None:
        self.where = where
        self.looks: list[tuple[int, int]] = []

    def __call__(self, crop: np.ndarray) -> list[Candidate]:
        self.looks.append(crop.shape[:2])
        x0, y0 = 8.0 * float(crop[0, 0, 0]), 8.0 * float(crop[0, 0, 1])
        x, y = self.where[0] - x0, self.where[1] - y0
        h, w = crop.shape[:2]
        if max(h, w) > 1080 or not (0 <= x < w and 160 <= y < h - 160):
            return []
        return [_person_at(x, y)]


def _coded_frame(width: int = 1920, height: int = 1080) -> np.ndarray:
    yy, xx = np.mgrid[0:height, 0:width]
    return np.stack([xx // 8, yy // 8, np.zeros_like(xx)], axis=-1).astype(np.uint8)


def test_live_follows_a_person_the_full_frame_detector_misses():
    """With ``crops`` on (off by default), as offline: nobody on the full frame, so the first frame is searched in tiles, and the
    person found there is followed in a crop around them on every later frame."""
    rgb = _coded_frame()
    finder = _CropFinder((1000.0, 600.0))
    with LiveProcessor(LiveConfig(crops=True), pose=_Nobody(), crop_detect=finder,
                       threaded=False) as proc:
        found = []
        for i in range(20):
            proc.process(rgb, 1000.0 * i / 30)
            found.append(proc.snapshot().person_found)
    assert all(found)
    assert finder.looks[:3] == [(1080, 1080)] * 3  # the tiles of the first frame
    assert len(finder.looks) == 3 + 19  # then one crop per frame, around the person
    with LiveProcessor(LiveConfig(crops=False), pose=_Nobody(), crop_detect=finder,
                       threaded=False) as proc:
        proc.process(rgb, 0.0)
        assert not proc.snapshot().person_found


def test_live_looks_at_no_crop_while_the_full_frame_finds_someone():
    """Not even for a second person seen in one frame and gone in the next (MediaPipe's
    occasional ghost), which would cost one crop per frame for a second."""
    class _Somebody:
        def __init__(self) -> None:
            self.n = 0

        def detect(self, rgb: np.ndarray, timestamp_ms: float) -> list[Candidate]:
            self.n += 1
            ghost = [_person_at(300.0, 600.0)] if self.n % 2 else []
            return [_person_at(1000.0 - timestamp_ms / 100.0, 600.0)] + ghost

    finder = _CropFinder((1000.0, 600.0))
    with LiveProcessor(LiveConfig(crops=True), pose=_Somebody(), crop_detect=finder,
                       threaded=False) as proc:
        for i in range(10):
            proc.process(_coded_frame(), 1000.0 * i / 30)
    assert finder.looks == []


def test_several_people_needs_a_second_person_in_3_of_5_frames():
    """A second detection in one frame (a ghost) does not flash the warning; a bystander who
    stays triggers it by the third frame."""
    class _Pose:
        def __init__(self, second: set[int]) -> None:
            self.second, self.n = second, 0

        def detect(self, rgb: np.ndarray, timestamp_ms: float) -> list[Candidate]:
            self.n += 1
            extra = [_person_at(300.0, 600.0)] if self.n in self.second else []
            return [_person_at(1000.0, 600.0)] + extra

    def warned(second: set[int]) -> list[bool]:
        out = []
        with LiveProcessor(LiveConfig(), pose=_Pose(second), threaded=False) as proc:
            for i in range(10):
                proc.process(np.zeros((1080, 1920, 3), np.uint8), 1000.0 * i / 30)
                out.append(any(a.code == "several_people" for a in proc.snapshot().advice))
        return out

    assert not any(warned({4}))  # one frame with a ghost
    assert warned(set(range(3, 11))) == [False] * 4 + [True] * 6  # from its third frame
