"""The ``vidgait`` command line: one thin function per command over the library (the session
pipeline, the pose stage, the phantom, the live processor, model provisioning); its console
helpers are in :mod:`vidgait.cli.console`.

Exit codes: 0 success; 2 bad input or usage (a message, no traceback); 1 internal error.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from vidgait import __version__
from vidgait.cli.console import frame_progress, native_logs_aside, stage_progress
from vidgait.errors import InputError, VidgaitError
from vidgait.marker.layout import DEFAULT_SIZE_MM

if TYPE_CHECKING:
    from vidgait.sequence import PoseSequence

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


def _cmd_info(args: argparse.Namespace) -> int:
    from vidgait.video import probe

    info = probe(args.video)
    if args.json:
        print(json.dumps(info.to_dict(), indent=2))
    else:
        print(f"{Path(info.path).name}: {info.width}x{info.height} (upright), {info.fps:.3f} fps, "
              f"{info.frame_count} frames, {info.duration_s:.2f} s, rotation {info.rotation} deg, "
              f"{info.codec} in {info.container}, {info.size_bytes / 1e6:.1f} MB")
    return EXIT_OK


def _track(video: str, args: argparse.Namespace, num_poses: int = 2) -> PoseSequence:
    """Run the pose stage on ``video`` with a progress bar (unless ``--quiet``)."""
    from vidgait.pose import PoseOptions, estimate_poses

    with native_logs_aside(args.verbose):
        update, close = (frame_progress(f"pose {Path(video).name}") if not args.quiet
                         else (None, lambda: None))
        try:
            return estimate_poses(video, options=PoseOptions(model=args.model,
                                                             num_poses=num_poses),
                                  progress=update)
        finally:
            close()


def _cmd_pose(args: argparse.Namespace) -> int:
    seq = _track(args.video, args, num_poses=args.num_poses)
    out = seq.save(args.output)
    print(f"{out}: {len(seq)} frames, person found in {100 * seq.detected_fraction:.1f}%, "
          f"up to {seq.meta.get('max_people_per_frame', 1)} people per frame, model {seq.model}")
    return EXIT_OK


def _cmd_analyze(args: argparse.Namespace) -> int:
    from vidgait.outputs import text_summary
    from vidgait.pipeline import run_session, write_outputs

    outdir = Path(args.output)
    outdir.mkdir(parents=True, exist_ok=True)
    update, close = stage_progress(args.quiet)
    with native_logs_aside(args.verbose):
        try:
            session = run_session(args.inputs, height_cm=args.height_cm, model=args.model,
                                  marker_size_mm=args.marker_size_mm, poses_dir=outdir,
                                  progress=update)
        finally:
            close()
    files = write_outputs(session, outdir)
    print(text_summary(session.report))
    print("wrote " + ", ".join(str(p) for p in files.values()))
    return EXIT_OK


def _cmd_overlay(args: argparse.Namespace) -> int:
    from vidgait.render.annotate import write_annotated
    from vidgait.sequence import PoseSequence

    seq = PoseSequence.load(args.poses)
    out = write_annotated(args.video, seq, args.output)
    print(f"{out}: annotated video (H.264)")
    return EXIT_OK


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1280x720, not {text!r}") from None
    if w <= 0 or h <= 0 or w % 2 or h % 2:
        raise argparse.ArgumentTypeError("width and height must be positive and even")
    return w, h


def _cmd_phantom(args: argparse.Namespace) -> int:
    from vidgait.phantom import render_clip
    from vidgait.phantom.setup import RecordingSetup
    from vidgait.synth import GaitParams, simulate

    width, height = args.size
    try:
        setup = RecordingSetup(view=args.view, distance_m=args.distance,
                               camera_height_m=args.camera_height, vertical_fov_deg=args.fov,
                               width=width, height=height, fps=args.fps, noise=args.noise,
                               crf=args.crf)
        params = GaitParams(
            height_m=args.height_cm / 100.0, cadence_steps_per_min=args.cadence,
            speed_m_s=args.speed, duration_s=args.duration, fps=args.fps, path=setup.path,
            painful_side=args.painful_side, limp_severity=args.limp_severity,
            trendelenburg_side=args.trendelenburg_side, pelvic_drop_deg=args.pelvic_drop,
            trunk_lean_deg=args.trunk_lean)
    except ValueError as exc:  # a parameter out of its range
        raise InputError(f"phantom: {exc}") from exc
    out = Path(args.output) / f"{args.name or 'phantom_' + args.view}.mp4"
    clip = render_clip(params, setup.camera(simulate(params)), out, noise=setup.noise,
                       crf=setup.crf, seed=args.seed)
    print(f"{clip.video_path}: {clip.width}x{clip.height}, {clip.n_frames} frames at "
          f"{clip.fps:g} fps, rendered at {clip.seconds_per_frame:.3f} s/frame")
    print(f"{clip.truth_path}: true angles, events and summary")
    if args.validate:
        from vidgait.phantom.validate import validate_clip

        with native_logs_aside(args.verbose):
            rep = validate_clip(clip.video_path)
        errs = ", ".join(f"{k} {v:.1f}" for k, v in rep.median_pct.items())
        print(f"pose stage: person found in {100 * rep.detection_rate:.1f}% of frames; median "
              f"landmark error (% of body height): {errs}; left/right swapped in "
              f"{100 * rep.side_swap_rate:.1f}% of frames")
    return EXIT_OK


def _cmd_live(args: argparse.Namespace) -> int:
    from vidgait.live.camera import run_camera
    from vidgait.live.config import LiveConfig
    from vidgait.video import H264Writer

    source: int | str = int(args.source) if args.source.isdigit() else args.source
    writer = None
    last_print = -1.0
    with native_logs_aside(args.verbose):
        try:
            config = LiveConfig(model=args.model, marker_size_mm=args.marker_size_mm)
            for out in run_camera(source, config=config, seconds=args.seconds,
                                  record_to=args.record):
                if args.overlay:
                    if writer is None:
                        h, w = out.overlay.shape[:2]
                        writer = H264Writer(args.overlay, w, h, 30.0)
                    writer.write(out.overlay, out.frame.timestamp_ms)
                snap = out.snapshot
                if snap.t_s - last_print >= 1.0:
                    last_print = snap.t_s
                    print(_live_line(snap), flush=True)
        finally:
            if writer is not None:
                writer.close()
    if args.record:
        print(f"{args.record}: raw recording; "
              f"analyse it with `vidgait analyze {args.record} -o DIR`")
    return EXIT_OK


def _live_line(snap: object) -> str:
    """One status line of a live snapshot: time, fps, view, cadence, knees, pelvis, advice."""
    m, p = snap.metrics, snap.pelvis

    def f(v: float, unit: str = "") -> str:
        return "-" if v is None or v != v else f"{v:.0f}{unit}"

    advice = "; ".join(a.text for a in snap.advice) if snap.advice else ""
    drop = ("needs the pelvis marker" if m.pelvic_drop_needs_marker else
            f"{f(m.pelvic_drop_deg.get('left'))}/{f(m.pelvic_drop_deg.get('right'))}")
    return (f"t={snap.t_s:5.1f}s {snap.fps_processed:4.1f}fps view={m.view or '-'} "
            f"cadence={f(m.cadence_steps_per_min)} limp={m.limp_verdict}"
            f"{'(' + m.limp_side + ')' if m.limp_side else ''} "
            f"knee L/R={f(m.knee_peak_swing_flexion_deg.get('left'))}/"
            f"{f(m.knee_peak_swing_flexion_deg.get('right'))} pelvic drop L/R={drop}"
            + (f" obliquity={p.obliquity_deg:+.1f}" if p.measured else
               f" marker={p.status}" if p.seen_share else "") + f" {advice}")


def _cmd_lan_cert(args: argparse.Namespace) -> int:
    from vidgait import lan

    hosts = args.host or [h for h in [lan.lan_address()] if h]
    if not hosts:
        raise InputError("This computer has no LAN address (loopback only): pass --host with "
                         "the address or name the clinic's browsers will use.")
    cert, key = lan.make_certificate(args.output, hosts)
    print(f"certificate for {', '.join(hosts)}: {cert}\nprivate key: {key}\n"
          f"serve the dashboard on the LAN with:\n  {lan.serve_command(cert, key)}\n"
          f"then open https://{hosts[0]}:8501 and accept the certificate once per browser")
    return EXIT_OK


def _cmd_models(args: argparse.Namespace) -> int:
    from vidgait import models

    model_dir = Path(args.model_dir) if args.model_dir else None
    logging.getLogger("vidgait.models").setLevel(logging.INFO)  # say which source was used
    if args.action == "list":
        rows = models.list_models(model_dir)
        if args.json:
            print(json.dumps(rows, indent=2, default=str))
        for row in [] if args.json else rows:
            state = "installed" if row["installed"] else "missing"
            if row["installed"] and not row["valid"]:
                state = "invalid"
            offline = "offline build" if row["available_offline"] else "download only"
            origin = f" ({row['installed_from']})" if row.get("installed_from") else ""
            print(f"{row['name']:6s} {state:9s} {offline:14s} {row['path'] or ''}{origin}")
        return EXIT_OK
    names = args.names or [models.DEFAULT_MODEL]
    for name in names:
        path = models.fetch_model(name, model_dir=model_dir, source=args.from_file,
                                  progress=not args.quiet)
        print(f"{name}: {path}")
    return EXIT_OK


def _cmd_marker(args: argparse.Namespace) -> int:
    from vidgait.marker import marker_pdf

    data = marker_pdf(paper=args.paper, size_mm=args.marker_size_mm, tag_id=args.id)
    out = Path(args.output)
    out.write_bytes(data)
    print(f"{out}: AprilTag 36h11 id {args.id}, black square {args.marker_size_mm:g} mm on "
          f"{args.paper.upper()}; print at 100 % (actual size) and check the scale bar")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to generate the README's command list)."""
    p = argparse.ArgumentParser(
        prog="vidgait", description="Gait analysis from an ordinary phone or webcam video.")
    p.add_argument("--version", action="version", version=f"vidgait {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    info = sub.add_parser("info", help="facts about a video: size, fps, duration, rotation, codec")
    info.add_argument("video", help="video file (mp4, mov, m4v, avi, webm, mkv)")
    info.add_argument("--json", action="store_true", help="print the facts as JSON")
    info.set_defaults(func=_cmd_info)

    pose = sub.add_parser("pose", help="track the walking person's 33 landmarks, save as .npz")
    pose.add_argument("video", help="video file")
    pose.add_argument("-o", "--output", required=True, help="output pose file (.npz)")
    pose.add_argument("--model", default="full",
                      help="lite, full (default) or heavy, or a path to a .task bundle")
    pose.add_argument("--num-poses", type=int, default=2,
                      help="people the model may return per frame; the walker is followed (2)")
    pose.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    pose.set_defaults(func=_cmd_pose)

    an = sub.add_parser("analyze", help="gait analysis of one or more clips of the same walk "
                                        "(side + front): report.json, timeseries.csv, .mot, .trc")
    an.add_argument("inputs", nargs="+", metavar="VIDEO",
                    help="video files, or pose files (.npz) saved by `vidgait pose`")
    an.add_argument("-o", "--output", required=True, help="output folder")
    an.add_argument("--model", default="full", help="pose model for videos (full)")
    an.add_argument("--height-cm", type=float,
                    help="patient height in cm: step length and speed in metres (else in leg "
                         "lengths)")
    an.add_argument("--marker-size-mm", type=float, default=DEFAULT_SIZE_MM,
                    help="black square of the printed pelvis marker, mm, when it was printed at "
                         f"another size ({DEFAULT_SIZE_MM:g}); the marker is found by itself")
    an.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    an.set_defaults(func=_cmd_analyze)

    ov = sub.add_parser("overlay", help="draw the tracked skeleton on the video (H.264 mp4)")
    ov.add_argument("video", help="the video the poses came from")
    ov.add_argument("poses", help="pose file written by `vidgait pose`")
    ov.add_argument("-o", "--output", required=True, help="output video (.mp4)")
    ov.set_defaults(func=_cmd_overlay)

    ph = sub.add_parser("phantom", help="render a walking phantom with known truth for a camera "
                                        "setup (mp4 + .truth.json)")
    ph.add_argument("-o", "--output", required=True, help="output folder")
    ph.add_argument("--name", help="file name without suffix (default phantom_<view>)")
    cam = ph.add_argument_group("camera")
    cam.add_argument("--view", choices=["side", "front", "back", "oblique"], default="side",
                     help="side: walks across; front: toward the camera; back: away (side)")
    cam.add_argument("--distance", type=float, help="camera distance from the walkway middle, m "
                                                    "(default 6.5 side, 8 front/back, 6 oblique)")
    cam.add_argument("--camera-height", type=float, default=1.0, help="lens height, m (1.0)")
    cam.add_argument("--fov", type=float, help="vertical field of view, degrees "
                                               "(default 40 side, 50 front/back, 45 oblique)")
    cam.add_argument("--size", type=_size, default=(1280, 720),
                     help="picture WIDTHxHEIGHT, e.g. 720x1280 for a portrait phone (1280x720)")
    cam.add_argument("--fps", type=float, default=30.0, help="frame rate (30)")
    cam.add_argument("--noise", type=float, default=0.0, help="sensor noise SD, grey levels (0)")
    cam.add_argument("--crf", type=int, default=23, help="H.264 compression, 23 default")
    walk = ph.add_argument_group("walker")
    walk.add_argument("--duration", type=float, default=5.5, help="seconds (5.5)")
    walk.add_argument("--height-cm", type=float, default=170.0, help="body height, cm (170)")
    walk.add_argument("--cadence", type=float, default=105.0, help="steps per minute (105)")
    walk.add_argument("--speed", type=float, default=1.25, help="walking speed, m/s (1.25)")
    walk.add_argument("--painful-side", choices=["left", "right"],
                      help="antalgic limp protecting this knee")
    walk.add_argument("--limp-severity", type=float, default=0.0, help="0..1 (0)")
    walk.add_argument("--trendelenburg-side", choices=["left", "right"],
                      help="weak hip abductors: the other side's pelvis drops in its stance")
    walk.add_argument("--pelvic-drop", type=float, default=0.0, help="extra drop, degrees (0)")
    walk.add_argument("--trunk-lean", type=float, default=0.0,
                      help="compensating trunk lean over the stance leg, degrees (0)")
    ph.add_argument("--seed", type=int, default=0, help="noise seed (0)")
    ph.add_argument("--validate", action="store_true",
                    help="also run the pose stage and print its landmark error against the truth")
    ph.set_defaults(func=_cmd_phantom)

    lv = sub.add_parser("live", help="live assessment from a camera (device index) or a video "
                                     "file played as a camera: rolling metrics and guidance")
    lv.add_argument("source", help="camera index (0 = first webcam) or a video file")
    lv.add_argument("--model", help="pose model (default: lite when installed, else full)")
    lv.add_argument("--seconds", type=float, help="stop after this many seconds of stream")
    lv.add_argument("--record", help="record the raw frames to this .mp4 for a full analysis")
    lv.add_argument("--overlay", help="also write the live overlay to this .mp4")
    lv.add_argument("--marker-size-mm", type=float, default=DEFAULT_SIZE_MM,
                    help="black square of the printed pelvis marker, mm (obliquity shown live)")
    lv.set_defaults(func=_cmd_live)

    lc = sub.add_parser("lan-cert", help="make a self-signed HTTPS certificate so that browsers "
                                         "on the clinic LAN may use their camera (Live page)")
    lc.add_argument("-o", "--output", required=True, help="folder for the certificate and key")
    lc.add_argument("--host", action="append",
                    help="IP address or name the browsers will use (repeatable; default: this "
                         "computer's LAN address)")
    lc.set_defaults(func=_cmd_lan_cert)

    mk = sub.add_parser(
        "marker", help="the printable pelvis marker (AprilTag card, scale bar, instructions) as "
                       "a PDF",
        description="Write the pelvis marker sheet. Print it at 100 % ('Actual size', never "
                    "'Fit to page'), check the black square and the 100 mm scale bar with a "
                    "ruler, cut the card out, make it rigid and wear it on the sacrum; page 2 "
                    "says how to wear it and record the walk (docs/marker.md).")
    mk.add_argument("-o", "--output", required=True, help="output PDF file")
    mk.add_argument("--paper", default="a4", metavar="{a4,letter}", help="paper size (a4)")
    mk.add_argument("--marker-size-mm", type=float, default=DEFAULT_SIZE_MM,
                    help="side of the tag's black square when printed, mm (120; 40 up to what "
                         "fits the paper)")
    mk.add_argument("--id", type=int, default=0,
                    help="tag id: 0 worn at the back on the sacrum (default), 1 for a front view")
    mk.set_defaults(func=_cmd_marker)

    mod = sub.add_parser("models", help="list or provision pose models")
    mod.add_argument("action", choices=["list", "fetch"])
    mod.add_argument("names", nargs="*", help="models to fetch: lite, full, heavy (default: full)")
    mod.add_argument("--from", dest="from_file", metavar="FILE",
                     help="install a .task bundle you downloaded elsewhere")
    mod.add_argument("--model-dir", help="where models live (default: $VIDGAIT_MODEL_DIR, "
                                         "the checkout's models/ or ~/.cache/vidgait/models)")
    mod.add_argument("--json", action="store_true", help="list as JSON")
    mod.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    mod.set_defaults(func=_cmd_models)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad input/usage, 1 internal error).

    Parameters
    ----------
    argv : sequence of str, optional
        The command-line arguments after the program name; None reads ``sys.argv``.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="vidgait: %(message)s")
    try:
        return int(args.func(args))
    except InputError as exc:
        print(f"vidgait: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except VidgaitError as exc:
        print(f"vidgait: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("vidgait: interrupted", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # last resort: one line, exit 1; -v shows the traceback
        if args.verbose:
            raise
        print(f"vidgait: internal error: {type(exc).__name__}: {exc} (run with -v for details)",
              file=sys.stderr)
        return EXIT_INTERNAL

