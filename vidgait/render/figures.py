"""Gait-cycle figures: left and right curves (0-100 % of the cycle) over the normal reference.

Two back ends draw the same content: plotly for the dashboard (:func:`cycle_figure`) and
matplotlib for the printable reports (:func:`cycle_image`). The normal reference and how it is
built are described in :mod:`vidgait.norms`.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from vidgait.norms import (
    CURVE_REFERENCES,
    FOOT_OFF_PCT,
    KEY_BOX_HALF_WIDTH_PCT,
    SCHWARTZ,
    CurveReference,
)
from vidgait.report import value

#: curves shown in the dashboard and reports, in order, with their titles
CURVES: dict[str, str] = {
    "hip_flexion": "Hip flexion (+) / extension (-)",
    "knee_flexion": "Knee flexion",
    "ankle_dorsiflexion": "Ankle dorsiflexion (+) / plantarflexion (-)",
    "pelvic_obliquity": "Pelvic obliquity (+ up, - drop)",
}

#: patient's sides, the overlay's colours (left blue, right orange)
SIDE_COLOURS = {"left": "#2878ff", "right": "#ff8c00"}
GREY = "rgba(128,128,128,0.28)"


def cycle_curves(report: dict[str, Any], angle: str) -> dict[str, dict[str, np.ndarray]]:
    """Mean and SD curves (101 points, deg) per side for ``angle``.

    Sides without it are left out.

    Parameters
    ----------
    report : dict
        The report (``report.json``'s content).
    angle : str
        A curve's name (a key of :data:`CURVES`).
    """
    out = {}
    for side in ("left", "right"):
        block = (report.get("cycles") or {}).get(side)
        cur = block.get(angle) if isinstance(block, dict) else None
        if isinstance(cur, dict) and cur.get("mean"):
            mean = np.array([np.nan if v is None else v for v in cur["mean"]], float)
            sd = np.array([np.nan if v is None else v for v in (cur.get("sd") or [])], float)
            out[side] = {"mean": mean, "sd": sd if sd.size == mean.size else np.zeros_like(mean),
                         "n": int(cur.get("n") or 0)}
    return out


def available_curves(report: dict[str, Any]) -> list[str]:
    """The curves of :data:`CURVES` that the report holds for at least one side; pelvic obliquity
    only when the pelvis marker gave it (``pelvis.method`` "marker"): the hip landmarks' line does
    not follow the pelvis (docs/accuracy.md).

    Parameters
    ----------
    report : dict
        The report (``report.json``'s content).
    """
    marker = (report.get("pelvis") or {}).get("method") == "marker"
    return [a for a in CURVES
            if cycle_curves(report, a) and (marker or a != "pelvic_obliquity")]


def _toe_off(report: dict[str, Any], side: str) -> float | None:
    """The side's mean toe-off in % of the cycle (its stance %), from the report."""
    st = report.get("spatiotemporal", {}).get(side)
    return value(st, "stance_pct") if isinstance(st, dict) else None


def _reference_boxes(ref: CurveReference) -> list[tuple[float, float, float, float]]:
    """(x0, x1, y0, y1) rectangles of the normal reference."""
    if ref.kind == "range":
        return [(0.0, 100.0, ref.low, ref.high)]
    w = KEY_BOX_HALF_WIDTH_PCT
    return [(max(0.0, x - w), min(100.0, x + w), y - ref.half_height, y + ref.half_height)
            for x, y in ref.keys]


def cycle_figure(report: dict[str, Any], angle: str):
    """A plotly figure of one angle over the gait cycle.

    Parameters
    ----------
    report : dict
        The report (``cycles`` and ``spatiotemporal`` are used).
    angle : str
        A key of :data:`CURVES`.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    ref = CURVE_REFERENCES.get(angle)
    for x0, x1, y0, y1 in (_reference_boxes(ref) if ref else []):
        fig.add_shape(type="rect", x0=x0, x1=x1, y0=y0, y1=y1, fillcolor=GREY, line_width=0,
                      layer="below")
    fig.add_vline(x=FOOT_OFF_PCT[0], line_dash="dash", line_color="grey")
    pct = np.arange(101)
    for side, cur in cycle_curves(report, angle).items():
        colour = SIDE_COLOURS[side]
        upper, lower = cur["mean"] + cur["sd"], cur["mean"] - cur["sd"]
        fig.add_trace(go.Scatter(x=np.r_[pct, pct[::-1]], y=np.r_[upper, lower[::-1]],
                                 fill="toself", fillcolor=colour, opacity=0.15, line_width=0,
                                 hoverinfo="skip", showlegend=False))
        fig.add_trace(go.Scatter(x=pct, y=cur["mean"], name=f"{side} (n={cur['n']})",
                                 line={"color": colour, "width": 2.5}))
        toe = _toe_off(report, side)
        if toe is not None:
            fig.add_vline(x=toe, line_color=colour, line_width=1)
    fig.update_layout(title=CURVES.get(angle, angle), height=320,
                      margin={"l": 40, "r": 10, "t": 40, "b": 40},
                      xaxis_title="% of gait cycle", yaxis_title="deg",
                      legend={"orientation": "h", "y": -0.25})
    fig.update_xaxes(range=[0, 100])
    return fig


def cycle_image(report: dict[str, Any], angle: str, fmt: str = "png", dpi: int = 110) -> bytes:
    """The same figure drawn with matplotlib (headless), as PNG or SVG bytes.

    Parameters
    ----------
    report : dict
        The report (``report.json``'s content).
    angle : str
        A curve's name (a key of :data:`CURVES`).
    fmt : str
        ``"png"`` or ``"svg"``.
    dpi : int
        Resolution, dots per inch.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    fig = Figure(figsize=(4.6, 2.7), dpi=dpi)
    ax = fig.add_subplot()
    ref = CURVE_REFERENCES.get(angle)
    for x0, x1, y0, y1 in (_reference_boxes(ref) if ref else []):
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, color="0.8", zorder=0, lw=0))
    ax.axvline(FOOT_OFF_PCT[0], color="0.5", ls="--", lw=0.8)
    pct = np.arange(101)
    for side, cur in cycle_curves(report, angle).items():
        colour = SIDE_COLOURS[side]
        ax.fill_between(pct, cur["mean"] - cur["sd"], cur["mean"] + cur["sd"], color=colour,
                        alpha=0.15, lw=0)
        ax.plot(pct, cur["mean"], color=colour, lw=1.8, label=f"{side} (n={cur['n']})")
        toe = _toe_off(report, side)
        if toe is not None:
            ax.axvline(toe, color=colour, lw=0.8)
    ax.set_xlim(0, 100)
    ax.set_title(CURVES.get(angle, angle), fontsize=9)
    ax.set_xlabel("% of gait cycle", fontsize=8)
    ax.set_ylabel("deg", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt)
    return buf.getvalue()


def band_description(angles: list[str]) -> list[str]:
    """One sentence per shown curve saying what its grey band is and where it comes from.

    Parameters
    ----------
    angles : list of str
        The curves shown (keys of :data:`CURVES`).
    """
    lines = [f"{CURVES.get(a, a)}: {CURVE_REFERENCES[a].reference}."
             for a in angles if a in CURVE_REFERENCES]
    lines.append(f"Dashed grey line: normal foot-off at {FOOT_OFF_PCT[0]:g} +- "
                 f"{FOOT_OFF_PCT[1]:g} % of the cycle ({SCHWARTZ}); coloured thin lines: this "
                 "patient's toe-off per side; shaded colour: +- 1 SD over the patient's strides.")
    return lines


def history_figure(labels: list[str], values: list[float | None], *, title: str, unit: str,
                   sdc: float | None = None):
    """A headline metric over sessions (plotly); with a smallest detectable change ``sdc``, a
    grey band of +- ``sdc`` around the first measured value shows what counts as no change.

    Parameters
    ----------
    labels : list of str
        One label per session (e.g. its date), oldest first.
    values : list of float or None
        The metric per session (None: not measured then).
    title, unit : str
        Plot title and y-axis unit.
    sdc : float, optional
        Smallest detectable change, same unit.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    first = next((v for v in values if v is not None), None)
    if sdc is not None and first is not None:
        fig.add_hrect(y0=first - sdc, y1=first + sdc, fillcolor=GREY, line_width=0,
                      annotation_text=f"first session +- SDC {sdc:g} {unit}",
                      annotation_position="top left")
    fig.add_trace(go.Scatter(x=labels, y=[np.nan if v is None else v for v in values],
                             mode="lines+markers", name=title, connectgaps=True))
    fig.update_layout(title=title, height=300, yaxis_title=unit,
                      margin={"l": 40, "r": 10, "t": 40, "b": 40})
    return fig
