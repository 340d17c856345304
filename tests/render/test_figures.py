"""Figures: gait-cycle curves with their sourced reference, and the history of a metric."""

from __future__ import annotations

import numpy as np
import pytest

from vidgait.norms import CURVE_REFERENCES
from vidgait.render.figures import available_curves, cycle_figure, history_figure


def test_curves_and_their_reference(limp_side_report: dict, trend_front_report: dict,
                                    trend_front_marker_report: dict) -> None:
    assert {"hip_flexion", "knee_flexion", "ankle_dorsiflexion"} <= set(
        available_curves(limp_side_report))
    # the hip landmarks' line is not the pelvis: its obliquity curve is shown only from the marker
    assert trend_front_report["cycles"]["left"]["pelvic_obliquity"]["n"] > 0
    assert "pelvic_obliquity" not in available_curves(trend_front_report)
    assert "pelvic_obliquity" in available_curves(trend_front_marker_report)
    fig = cycle_figure(limp_side_report, "knee_flexion")
    names = [t.name for t in fig.data if t.name]
    assert any(n.startswith("left") for n in names) and any(n.startswith("right") for n in names)
    left = next(t for t in fig.data if t.name and t.name.startswith("left"))
    assert np.allclose(np.asarray(left.y, float),
                       np.asarray(limp_side_report["cycles"]["left"]["knee_flexion"]["mean"],
                                  float), equal_nan=True)
    # the grey boxes are the sourced key values: one box per key point
    boxes = [sh for sh in fig.layout.shapes if sh.type == "rect"]
    assert len(boxes) == len(CURVE_REFERENCES["knee_flexion"].keys)
    assert {(b.y0 + b.y1) / 2 for b in boxes} == {y for _, y in
                                                 CURVE_REFERENCES["knee_flexion"].keys}


def test_history_figure_band_is_first_value_plus_minus_sdc() -> None:
    fig = history_figure(["a", "b", "c"], [None, 6.0, 2.0], title="Pelvic drop left",
                         unit="deg", sdc=2.8)
    (band,) = [s for s in fig.layout.shapes if s.type == "rect"]
    assert (band.y0, band.y1) == pytest.approx((3.2, 8.8))
    assert list(fig.data[0].y[1:]) == [6.0, 2.0] and np.isnan(fig.data[0].y[0])
    no_sdc = history_figure(["a", "b"], [100.0, 104.0], title="Cadence", unit="steps/min")
    assert not [s for s in no_sdc.layout.shapes if s.type == "rect"]
