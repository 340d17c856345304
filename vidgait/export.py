"""Files that biomechanics tools read: OpenSim ``.trc`` (marker trajectories) and ``.mot`` (angles).

Both are tab-separated text in OpenSim's storage formats.

- ``.trc``: the 33 landmarks from MediaPipe's WORLD landmarks, in metres, converted to OpenSim's
  axes (X = camera right, Y = up, Z = toward the camera; a right-handed frame). MediaPipe's world
  landmarks are centred on the hips in every frame, so the markers walk on the spot: fine for
  inverse kinematics of joint angles, not for step length or speed. Frames where the person was
  not found are written as empty fields, as OpenSim expects for missing markers.
- ``.mot``: named angle series in degrees (``inDegrees=yes``) with vidgait's clinical names and sign
  conventions (see :mod:`vidgait.kinematics.conventions`), not OpenSim model coordinates.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from vidgait.landmarks import NAMES
from vidgait.sequence import PoseSequence


def _fmt(v: float) -> str:
    return "" if not np.isfinite(v) else f"{v:.6f}"


def write_trc(seq: PoseSequence, path: str | os.PathLike[str]) -> Path:
    """Write the landmarks of ``seq`` as an OpenSim ``.trc`` file (metres); returns the path.

    Parameters
    ----------
    seq : PoseSequence
        The landmarks; ``seq.world`` (metres) is written, frames without a person as NaN.
    path : str or os.PathLike
        The ``.trc`` file to write.
    """
    path = Path(path)
    n = len(seq)
    rate = seq.fps or 30.0
    # y down -> up, z away -> toward
    xyz = seq.world.astype(np.float64) * np.array([1.0, -1.0, -1.0])
    xyz[~seq.found] = np.nan
    header = [
        f"PathFileType\t4\t(X/Y/Z)\t{path.name}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame"
        "\tOrigNumFrames",
        f"{rate:.4f}\t{rate:.4f}\t{n}\t{len(NAMES)}\tm\t{rate:.4f}\t1\t{n}",
        "Frame#\tTime\t" + "\t\t\t".join(NAMES) + "\t\t",
        "\t\t" + "\t".join(f"X{i}\tY{i}\tZ{i}" for i in range(1, len(NAMES) + 1)),
    ]
    rows = []
    for k in range(n):
        vals = "\t".join(_fmt(v) for v in xyz[k].ravel())
        rows.append(f"{k + 1}\t{seq.t[k] - seq.t[0]:.6f}\t{vals}")
    path.write_text("\n".join([*header, "", *rows]) + "\n", encoding="utf-8")
    return path


def write_mot(t: np.ndarray, angles: Mapping[str, np.ndarray], path: str | os.PathLike[str],
              *, name: str = "vidgait angles") -> Path:
    """Write angle series (degrees, each shaped like ``t``) as an OpenSim ``.mot`` file.

    Parameters
    ----------
    t : (N,) float
        Times, s; the file's time column starts at ``t[0]``.
    angles : mapping str -> (N,) float
        Angle name -> series, deg, each shaped like ``t``.
    path : str or os.PathLike
        The ``.mot`` file to write.
    name : str
        The name on the file's first header line.
    """
    path = Path(path)
    t = np.asarray(t, dtype=np.float64)
    cols = list(angles)
    for c in cols:
        if np.shape(angles[c]) != t.shape:
            raise ValueError(f"angle {c!r} has shape {np.shape(angles[c])}, time has {t.shape}")
    data = np.column_stack([t - t[0]] + [np.asarray(angles[c], dtype=np.float64) for c in cols])
    header = [name, "version=1", f"nRows={len(t)}", f"nColumns={len(cols) + 1}",
              "inDegrees=yes", "endheader", "time\t" + "\t".join(cols)]
    rows = ["\t".join(f"{v:.6f}" for v in row) for row in data]  # missing values print as nan
    path.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    return path
