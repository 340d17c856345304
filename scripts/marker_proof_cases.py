"""Failure cases of the pelvis marker's proof (``scripts/marker_proof.py``; also rendered by
``tests/test_e2e_marker.py``): the tag hidden for a large part of the walk, turned away (filmed
from the front), too oblique (a camera 55 deg off the walking line), and two people wearing
the card. Each must give a specific message and no pelvic drop number.

The renderer draws one figure, so two people are two renderings with the same camera and
backdrop composited by depth: each figure's pixels are those that differ from the backdrop
alone (rendered once with the figure behind the camera), and the nearer figure is drawn last.
A hidden tag is the card moved out of the picture in those frames (as if a shirt hung over
it): the figure is drawn as always.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from marker_proof_clips import (
    CAMERA_HEIGHT_M,
    PLACEMENTS,
    Clip,
    analyse,
    make_walk,
    phone_camera_fov,
)

from vidgait.phantom import BodyShape, CardTrack, card_track, render_walker
from vidgait.sequence import TAG_STATUS
from vidgait.synth import Camera, walkway_centre

SMALL = (1280, 720)
#: seconds of walking simulated after the 2 s standing (the first heel strike comes ~0.3 s in)
WALK_S = 4.3
#: hidden tag: the card is out of sight for HIDE_S out of every HIDE_PERIOD_S of the walk
HIDE_S, HIDE_PERIOD_S = 0.5, 1.25

FAILURES: dict[str, str] = {
    "hidden": "tag hidden 0.5 s in every 1.25 s of the walk (40 %), treadmill 4 m, 1280x720",
    "front": "tag turned away: filmed from the front, walking toward the camera from ~8 m to "
             "~3 m, 1280x720",
    "oblique": "camera 55 deg off the walking line, behind-left, 5 m from the walkway's centre,"
               " walking away, 1920x1080",
    "pair_apart": "two people with the card side by side 1.2 m apart on treadmills (left "
                  "Trendelenburg 8 deg on the left of the picture, symmetric on the right), "
                  "camera 4 m, 1280x720",
    "pair_close": "two people with the card, the second 1.0 m ahead and 0.35 m to the side "
                  "(left Trendelenburg 8 deg nearer, symmetric ahead), treadmills, camera "
                  "3.5 m, 1280x720",
}


def _shifted(track: CardTrack, offset: np.ndarray, n: int) -> CardTrack:
    return CardTrack(track.placement, track.centre[:n] + offset, track.axes[:n],
                     track.standoff_m, track.slide[:n])


def hidden_track(track: CardTrack, t: np.ndarray, t_walk: float, view: Camera) -> CardTrack:
    """The card out of sight (50 m under the camera) for ``HIDE_S`` of every
    ``HIDE_PERIOD_S`` after ``t_walk``.

    Parameters
    ----------
    track : CardTrack
        The worn card.
    t : (T,) float
        Frame times, s.
    t_walk : float
        When the walk starts, s.
    view : Camera
        The camera.
    """
    hide = (t >= t_walk) & (np.mod(t - t_walk, HIDE_PERIOD_S) < HIDE_S)
    centre = track.centre.copy()
    centre[hide] = np.asarray(view.position, float) + np.array([0.0, 0.0, -50.0])
    return CardTrack(track.placement, centre, track.axes, track.standoff_m, track.slide)


def _single(name: str, path: Path) -> None:
    """Render the one-person failure cases."""
    if name == "hidden":
        clip = Clip("treadmill", 4.0, SMALL, 30, "L6", walk_s=WALK_S)
        walk = make_walk(clip)
        cam = Camera.back(walkway_centre(walk), distance=4.0, cam_height=CAMERA_HEIGHT_M,
                          vertical_fov_deg=phone_camera_fov(SMALL), width=SMALL[0],
                          height=SMALL[1])
        track = hidden_track(card_track(walk), walk.t, float(walk.t[round(2.0 * clip.fps)]),
                             cam)
    elif name == "front":
        walk = make_walk(Clip("toward", 0.0, SMALL, 30, "L6", walk_s=4.5))
        cam = Camera.front(walkway_centre(walk), distance=5.6, cam_height=CAMERA_HEIGHT_M,
                           vertical_fov_deg=phone_camera_fov(SMALL), width=SMALL[0],
                           height=SMALL[1])
        track = card_track(walk)
    else:  # oblique
        size = (1920, 1080)
        walk = make_walk(Clip("overground", 2.75, size, 30, "L6"))
        cam = Camera.oblique(walkway_centre(walk), angle_deg=180.0 - 55.0, distance=5.0,
                             cam_height=CAMERA_HEIGHT_M, vertical_fov_deg=phone_camera_fov(size),
                             width=size[0], height=size[1])
        track = card_track(walk)
    render_walker(walk, cam, path, noise=2.0, crf=23, seed=0, marker=track)


def _figure_pixels(frames, background: np.ndarray):
    """Each frame's figure (pixels unlike the backdrop alone) as (y0, x0, crop, mask)."""
    for f in frames:
        mask = np.abs(f.astype(np.int16) - background).sum(axis=-1) > 6
        ys, xs = np.nonzero(mask)
        if not len(ys):
            yield None
            continue
        y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        yield y0, x0, f[y0:y1, x0:x1].copy(), mask[y0:y1, x0:x1].copy()


def _paste(image: np.ndarray, item) -> None:
    if item is not None:
        y0, x0, crop, mask = item
        view = image[y0:y0 + crop.shape[0], x0:x0 + crop.shape[1]]
        view[mask] = crop[mask]


def render_pair(name: str, path: Path, walk_s: float = WALK_S) -> dict:
    """Render two people wearing the card, composited by depth; returns their truths.

    Parameters
    ----------
    name : {"pair_apart", "pair_close"}
        The case.
    path : Path
        The mp4 to write.
    walk_s : float
        Seconds of walking after the 2 s standing.

    Returns
    -------
    dict
        Per person (``near_or_left``, ``other``): its true drops (relative to its standing
        level), cadence and its tag's image column range.
    """
    from vidgait.phantom import render_frames, write_video
    from vidgait.phantom.gl import Backdrop

    gaits = ("L8", "symmetric")
    walks = [make_walk(Clip("treadmill", 4.0, SMALL, 30, g, walk_s=walk_s)) for g in gaits]
    n = min(len(w.t) for w in walks)
    if name == "pair_apart":
        offsets, distance = [np.array([0.0, 0.6, 0.0]), np.array([0.0, -0.6, 0.0])], 4.0
    else:
        offsets, distance = [np.zeros(3), np.array([1.0, 0.35, 0.0])], 3.5
    centre = walkway_centre(walks[0])
    centre[1] = np.mean([o[1] for o in offsets]) + float(np.mean(walks[0].joints["pelvis"][:, 1]))
    cam = Camera.back(centre, distance=distance, cam_height=CAMERA_HEIGHT_M,
                      vertical_fov_deg=phone_camera_fov(SMALL), width=SMALL[0], height=SMALL[1])
    lms = [w.landmarks[:n] + o for w, o in zip(walks, offsets, strict=True)]
    tracks = [_shifted(card_track(w, PLACEMENTS["well placed"]), o, n)
              for w, o in zip(walks, offsets, strict=True)]
    backdrop = Backdrop.behind(cam, np.concatenate(lms).reshape(-1, 3))
    height = float(walks[0].params.height_m)
    shapes = [BodyShape.from_body(w.body) for w in walks]
    away = lms[0][:1] + np.array([float(cam.position[0]) - 30.0 - lms[0][0, 0, 0], 0.0, 0.0])
    background = next(iter(render_frames(away, cam, height_m=height, backdrop=backdrop,
                                         shape=shapes[0]))).astype(np.int16)
    first = list(_figure_pixels(render_frames(lms[0], cam, height_m=height, backdrop=backdrop,
                                              shape=shapes[0], marker=tracks[0]), background))
    depth = [cam.depth(w.joints["pelvis"][:n] + o) for w, o in zip(walks, offsets, strict=True)]
    base = background.astype(np.uint8)

    def frames():
        second = _figure_pixels(render_frames(lms[1], cam, height_m=height, backdrop=backdrop,
                                              shape=shapes[1], marker=tracks[1]), background)
        for i, b in enumerate(second):
            img = base.copy()
            order = (first[i], b) if depth[0][i] > depth[1][i] else (b, first[i])
            for item in order:  # the farther first
                _paste(img, item)
            yield img

    write_video(frames(), path, 30.0, crf=23, noise=2.0, seed=0)
    truths = {}
    for key, w, o, tr in zip(("first", "second"), walks, offsets, tracks, strict=True):
        level = float(w.angles["right"]["pelvic_obliquity"][0])
        u = cam.project(tr.centre)[:, 0]
        truths[key] = {"gait": gaits[0] if key == "first" else gaits[1],
                       "offset_m": o.tolist(),
                       "drop_left": float(w.summary["left"]["pelvic_drop_deg"]) - level,
                       "drop_right": float(w.summary["right"]["pelvic_drop_deg"]) + level,
                       "cadence": float(w.summary["cadence_steps_per_min"]),
                       "tag_u_px": [float(u.min()), float(u.max())]}
    path.with_suffix(".pair.json").write_text(json.dumps(truths, indent=1), encoding="utf-8")
    return truths


def render_failure(name: str, cache: Path) -> Path:
    """Render a failure case into ``cache`` (reused when there).

    Parameters
    ----------
    name : str
        A key of :data:`FAILURES`.
    cache : Path
        The folder.

    Returns
    -------
    Path
        The mp4.
    """
    path = Path(cache) / f"failure_{name}.mp4"
    done = path.with_suffix(".pair.json" if name.startswith("pair") else ".truth.json")
    if path.is_file() and done.is_file():
        return path
    if name.startswith("pair"):
        render_pair(name, path)
    else:
        _single(name, path)
    return path


def score_failure(name: str, path: Path, cache: Path) -> dict:
    """What vidgait says on a failure case: the pelvis block's method, reason and note, the
    drop numbers (there should be none), the marker's quality line, the notices and the
    recording advice.

    Parameters
    ----------
    name : str
        A key of :data:`FAILURES`.
    path : Path
        The mp4.
    cache : Path
        The folder for the pose file.

    Returns
    -------
    dict
    """
    from vidgait.errors import InputError
    from vidgait.findings.words import marker_quality_text
    from vidgait.render import headline_cards, quality_advice

    row: dict = {"case": name, "what": FAILURES[name]}
    try:
        session = analyse(path, cache)
    except InputError as exc:
        row.update(error=f"{type(exc).__name__}: {exc}", drops=[math.nan, math.nan])
        return row
    g, rep = session.analysis, session.report
    pel = rep["pelvis"]
    seq = session.seqs[0]
    row.update(
        method=pel.get("method"), reason=pel.get("reason"), note=pel.get("note"),
        drops=[g.value("pelvis", s, "pelvic_drop_deg") for s in ("left", "right")],
        marker_line=marker_quality_text(pel["marker"]) if pel.get("marker") else None,
        warnings=list(rep["quality"]["warnings"]), advice=quality_advice(rep),
        card=next(c.value for c in headline_cards(rep) if c.key == "pelvic_drop_deg"),
        track=None if seq.marker is None else {
            "measured_share": float(seq.marker.measured.mean()),
            "status": {TAG_STATUS[k]: int(v) for k, v in zip(*np.unique(
                seq.marker.status, return_counts=True), strict=True)}},
        people=int(seq.meta.get("max_people_per_frame", 1)),
        cadence=g.spatiotemporal.cadence_steps_per_min)
    pair = path.with_suffix(".pair.json")
    if pair.is_file():
        row["truths"] = json.loads(pair.read_text(encoding="utf-8"))
    row["no_number"] = not any(np.isfinite(row["drops"]))
    return row


def failure_table(rows: list[dict]) -> str:
    """The failure cases: what vidgait says, and whether a drop number was given."""
    lines = ["| case | pelvic drop given | reason | pelvis note | marker quality line | "
             "notices / advice |", "|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['what']} | no | (refused: {r['error']}) | | | |")
            continue
        drops = ("no" if r["no_number"] else
                 "YES: " + " / ".join("-" if not np.isfinite(d) else f"{d:.1f}"
                                      for d in r["drops"]))
        notes = "; ".join(r["warnings"] + [a for a in r["advice"] if "people" in a])
        lines.append(f"| {r['what']} | {drops} | {r['reason'] or '-'} | {r['note'] or '-'} | "
                     f"{r['marker_line'] or '(no marker track)'} | {notes or '-'} |")
    return "\n".join(lines)
