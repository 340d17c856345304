"""One walking pass measured: its events, accepted strides, angles and per-stride values.

:func:`measure_pass` is the per-pass step of :func:`vidgait.kinematics.analyze`: the angles the
pass's view supports (degrees), its gait events (s) from the view's rule (Zeni 2008 on image
tracks in a side view, on world tracks elsewhere, heel strikes refined by heel speed; walking
toward the camera, depth heel strikes must agree with the image's floor geometry), the strides
that pass the plausibility checks, their temporal metrics (s, % of the stride), and in a side
view knee/hip ranges and knee swing peaks (degrees) and step lengths (leg lengths or metres); in
a front/back view the pelvis metrics (degrees); in any view but the side's, the foot progression
angles of the planted feet on the floor plane (:mod:`vidgait.kinematics.footprog`, degrees, toe
out positive; seen from the side a foot's turn is only a few pixels of height, so a side pass is
not measured). :func:`timing_passes` picks the passes whose strides give the timing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vidgait.kinematics.angles import (
    angle_uncertainty,
    frontal_angles,
    sagittal_angles,
    transverse_angles,
)
from vidgait.kinematics.conventions import SIDES
from vidgait.kinematics.events import (
    confirm_heel_strikes,
    floor_heel_strikes,
    ground_tracks,
    refine_heel_strikes,
    stance_speed,
    stride_period,
    zeni,
)
from vidgait.kinematics.footprog import FootProgression, foot_progression
from vidgait.kinematics.limp import MIN_STRIDES
from vidgait.kinematics.pelvis import (
    landmark_pelvis,
    pelvis_metrics,
    pelvis_metrics_without_events,
)
from vidgait.kinematics.results import Measure, PassInfo, Refusal
from vidgait.kinematics.signal import Conditioned
from vidgait.kinematics.spatiotemporal import LEG_FRACTION_OF_HEIGHT, step_lengths, stride_metrics
from vidgait.kinematics.strides import Stride, build_strides, normalize_cycles
from vidgait.kinematics.view import Pass, leg_length_px
from vidgait.landmarks import INDEX
from vidgait.lens import Pinhole, pinhole


@dataclass(frozen=True, eq=False)
class PassResult:
    """Per-stride detail of one walking pass, as :func:`vidgait.kinematics.analyze` computed it
    before pooling.

    Found on :attr:`~vidgait.kinematics.GaitAnalysis.pass_results`, one per pass in time order.
    The arrays are the core's own (not copies): treat them as read-only.

    Attributes
    ----------
    info : PassInfo
        The pass as listed in :attr:`~vidgait.kinematics.GaitAnalysis.passes`.
    t : (N,) float
        The pass's uniform analysis time grid, s (the input's times, resampled).
    events : dict side -> {"heel_strike_s": (n,), "toe_off_s": (m,)}
        All gait events detected in the pass, s (those of refused strides included).
    strides : list of Stride
        Accepted strides (:class:`~vidgait.kinematics.strides.Stride`), both sides.
    refused : list of Refusal
        Strides refused by the checks, each with its reason.
    angles : dict side -> angle name -> (N,) float
        Angle series on ``t`` for the angles this view supports, degrees.
    per_stride : dict side -> metric name -> (n_strides,) float
        Per accepted stride of that side, in stride order: the temporal metrics of
        :func:`~vidgait.kinematics.spatiotemporal.stride_metrics` and, in a side view,
        ``knee_flexion_range_deg``, ``hip_flexion_range_deg`` and ``knee_peak_swing_flexion_deg``
        (the last one leaves out strides with interpolated frames in swing, so it may be shorter)
        and ``knee_flexion_contact_deg`` (at the stride's heel strike).
    step_length : dict side -> (n,) float or None
        Step lengths (side view, overground), leg lengths (no height given) or metres.
    pelvis : dict side -> metric -> Estimate or NotMeasurable, or None
        Pelvis metrics of a front/back pass (degrees), else None; pelvic drop and obliquity
        range are ``NotMeasurable("marker_needed")``
        (:func:`~vidgait.kinematics.pelvis.landmark_pelvis`).
    uncertainty : dict side -> angle name -> float
        First-order SD of each angle series, degrees.
    knee_peak_strides : dict side -> (n,) int
        Side view: for each value of ``per_stride[side]["knee_peak_swing_flexion_deg"]``, the
        index in :attr:`strides` of the stride it belongs to (empty elsewhere).
    foot : FootProgression or None
        The planted feet's foot progression angles (:mod:`vidgait.kinematics.footprog`); None in
        a side view.
    """

    info: PassInfo
    t: np.ndarray
    events: dict[str, dict[str, np.ndarray]]
    strides: list[Stride]
    refused: list[Refusal]
    angles: dict[str, dict[str, np.ndarray]]
    per_stride: dict[str, dict[str, np.ndarray]]
    step_length: dict[str, np.ndarray] | None
    pelvis: dict[str, dict[str, Measure]] | None
    uncertainty: dict[str, dict[str, float]]
    knee_peak_strides: dict[str, np.ndarray] = field(default_factory=dict)
    foot: FootProgression | None = None

    @property
    def view(self) -> str:
        """The pass's view (``info.view``)."""
        return self.info.view


def _world_forward(world: np.ndarray) -> np.ndarray:
    """Median walking direction (3,) in MediaPipe world axes from the hip and shoulder lines."""
    up = np.array([0.0, -1.0, 0.0])
    left = (world[:, INDEX["left_hip"]] - world[:, INDEX["right_hip"]]
            + world[:, INDEX["left_shoulder"]] - world[:, INDEX["right_shoulder"]])
    fwd = np.cross(left, up)
    fwd[:, 1] = 0.0
    fwd = np.nanmedian(fwd / np.linalg.norm(fwd, axis=1, keepdims=True), axis=0)
    return fwd / np.linalg.norm(fwd)


def measure_pass(c: Conditioned, p: Pass, height_m: float | None,
                 lens: Pinhole | None = None) -> PassResult:
    """Measure one walking pass of a conditioned clip.

    Parameters
    ----------
    c : Conditioned
        The clip's conditioned landmarks (:func:`~vidgait.kinematics.signal.condition`).
    p : Pass
        One of its walking passes (:func:`~vidgait.kinematics.view.find_passes`).
    height_m : float or None
        Standing height, m (step lengths in metres), or None (in leg lengths).
    lens : Pinhole, optional
        The camera model, px (default: the assumed phone lens for the frame size,
        :func:`vidgait.lens.pinhole`).

    Returns
    -------
    PassResult
    """
    sl = slice(p.start, p.stop)
    t, xy, world = c.t[sl], c.image[sl], c.world[sl]
    hip = 0.5 * (xy[:, INDEX["left_hip"]] + xy[:, INDEX["right_hip"]])
    unc: dict[str, dict[str, float]] = {s: {} for s in SIDES}
    step = None
    pel = None
    fwd: dict[str, np.ndarray] = {}
    doubtful: dict[str, np.ndarray] | None = None
    knee_peak_strides: dict[str, np.ndarray] = {}
    if p.view == "side":
        fwd = {s: p.facing * xy[:, INDEX[f"{s}_heel"], 0] for s in SIDES}
        toe = {s: p.facing * xy[:, INDEX[f"{s}_foot_index"], 0] for s in SIDES}
        events = zeni(t, {s: fwd[s] - p.facing * hip[:, 0] for s in SIDES},
                      {s: toe[s] - p.facing * hip[:, 0] for s in SIDES}, c.fs)
        if not p.treadmill:
            speed = abs(float(np.median(np.gradient(hip[:, 0], t))))
            events = refine_heel_strikes(t, events, {s: xy[:, INDEX[f"{s}_heel"]] for s in SIDES},
                                         speed)
        angles = sagittal_angles(xy, p.facing)
    else:
        d = _world_forward(world)
        heel_w = {s: world[:, INDEX[f"{s}_heel"]] for s in SIDES}
        heel_fwd = {s: heel_w[s] @ d for s in SIDES}
        events = zeni(t, heel_fwd, {s: world[:, INDEX[f"{s}_foot_index"]] @ d for s in SIDES},
                      c.fs)
        speed = stance_speed(t, events, heel_fwd)
        if np.isfinite(speed) and speed > 0:  # heel speed over the floor (Bonci 2022)
            events = refine_heel_strikes(t, events, ground_tracks(t, heel_w, d, speed), speed)
        if p.view == "toward":  # depth events must agree with the image's floor geometry
            check = floor_heel_strikes(t, {s: xy[:, INDEX[f"{s}_heel"]] for s in SIDES},
                                       {s: xy[:, INDEX[f"{s}_foot_index"]] for s in SIDES},
                                       leg_length_px(xy), c.fs)
            doubtful = confirm_heel_strikes(events, check)
        angles = frontal_angles(xy, p.facing) if p.view in ("toward", "away") else {}
        trans = transverse_angles(world, d)
        for s in SIDES:
            angles.setdefault(s, {}).update(trans[s])
    strides, refused = build_strides(events, doubtful=doubtful)
    per_stride = stride_metrics(strides)
    for s in SIDES:
        for name in angles[s]:
            noise = float(np.nanmedian(c.noise_px))
            unc[s][name] = angle_uncertainty(xy, noise, c.fs, c.cutoff_hz, s, name,
                                             yaw_deg=p.yaw_deg)
        if p.view == "side":
            for name in ("knee_flexion", "hip_flexion"):
                rows = normalize_cycles(t, angles[s][name], strides, s)
                per_stride[s][f"{name}_range_deg"] = (np.ptp(rows, axis=1) if len(rows)
                                                      else np.empty(0))
            knee_pts = [INDEX[f"{s}_{j}"] for j in ("hip", "knee", "ankle")]
            filled = (c.filled_landmark[sl][:, knee_pts].any(axis=1)
                      if c.filled_landmark is not None else c.filled[sl])
            (per_stride[s]["knee_peak_swing_flexion_deg"],
             knee_peak_strides[s]) = _swing_peaks(t, angles[s]["knee_flexion"], filled, strides, s)
            per_stride[s]["knee_flexion_contact_deg"] = _at_contact(t, angles[s]["knee_flexion"],
                                                                    strides, s)
    if p.view == "side" and not p.treadmill and strides:
        leg_px = float(np.nanmedian(leg_length_px(xy)))
        scale = leg_px / (LEG_FRACTION_OF_HEIGHT * height_m) if height_m else leg_px
        step = step_lengths(strides, t, fwd, scale)
    if p.view in ("toward", "away"):
        pel = _frontal_pelvis(t, angles, strides, c.fs)
    foot = None
    if p.view != "side":
        noise = c.noise_median_px if c.noise_median_px is not None else c.noise_px
        foot = foot_progression(t, xy, c.fs, lens or pinhole(*c.frame_size), noise_px=noise,
                                frame_size=c.frame_size, height_m=height_m,
                                treadmill=p.treadmill, cutoff_hz=c.cutoff_hz)
    info = PassInfo(float(t[0]), float(t[-1]), p.view, int(p.facing), bool(p.treadmill),
                    float(p.yaw_deg), len(strides))
    return PassResult(info, t, events, strides, refused, angles, per_stride, step, pel, unc,
                      knee_peak_strides, foot)


def _frontal_pelvis(t: np.ndarray, angles: dict[str, dict[str, np.ndarray]],
                    strides: list[Stride], fs: float) -> dict[str, dict[str, Measure]]:
    """Pelvis metrics of a front/back pass: from the mean stride curves when each side has at
    least MIN_STRIDES accepted strides, else trunk lean from per-stride extremes without events
    (:func:`~vidgait.kinematics.pelvis.pelvis_metrics_without_events`). Pelvic drop and
    obliquity range need the pelvis marker (:func:`~vidgait.kinematics.pelvis.landmark_pelvis`).
    """
    pel = (pelvis_metrics(t, angles, strides, angles) if strides
           else {s: {} for s in SIDES})
    if min(sum(st.side == s for st in strides) for s in SIDES) >= MIN_STRIDES:
        return landmark_pelvis(pel)
    obl = np.nan_to_num(angles["left"]["pelvic_obliquity"])
    free = pelvis_metrics_without_events(t, angles, stride_period(obl, fs), fs)
    for s in SIDES:
        pel[s] = {k: v for k, v in pel[s].items()
                  if k not in ("pelvic_drop_deg", "trunk_lean_over_stance_deg")} | free[s]
    return landmark_pelvis(pel)


def _at_contact(t: np.ndarray, y: np.ndarray, strides: list[Stride], side: str) -> np.ndarray:
    """``y`` at the heel strike of each stride of ``side``, in stride order (same unit as
    ``y``; NaN where ``y`` is not measured there).
    """
    return np.asarray([np.interp(st.hs, t, y) for st in strides if st.side == side], float)


def _swing_peaks(t: np.ndarray, y: np.ndarray, filled: np.ndarray, strides: list[Stride],
                 side: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-stride maximum of ``y`` in swing (toe off to next heel strike), degrees, and the index
    in ``strides`` of each stride it comes from; strides whose swing contains interpolated frames
    are left out (a filled gap flattens a peak).
    """
    out, index = [], []
    for i, st in enumerate(strides):
        m = (t >= st.to) & (t <= st.next_hs)
        if st.side == side and m.any() and not filled[m].any() and np.isfinite(y[m]).all():
            out.append(float(y[m].max()))
            index.append(i)
    return np.asarray(out, float), np.asarray(index, int)


def timing_passes(results: list[PassResult] | tuple[PassResult, ...]
                  ) -> tuple[list[PassResult], str | None]:
    """The passes whose strides give the timing figures of :func:`vidgait.kinematics.analyze`.

    Side-view passes when any of them has accepted strides (events from pixels), else the
    front/back/oblique passes with strides (events from MediaPipe depth, trusted less).

    Parameters
    ----------
    results : sequence of PassResult
        E.g. :attr:`~vidgait.kinematics.GaitAnalysis.pass_results`.

    Returns
    -------
    passes : list of PassResult
        The timing passes (empty when no pass has an accepted stride).
    kind : {"side", "frontal"} or None
        Where their events come from; None without strides.
    """
    side = [r for r in results if r.view == "side" and r.strides]
    if side:
        return side, "side"
    other_views = [r for r in results if r.view != "side" and r.strides]
    return other_views, ("frontal" if other_views else None)


