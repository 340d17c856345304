"""``analyze_session``: several clips of one walk pooled, each metric from the view that supports
it.
"""

from __future__ import annotations

import pytest

from vidgait.findings import flags, summary
from vidgait.kinematics import analyze_session


def test_session_combines_side_and_front(limp_side, limp_front):
    side_seq, side_only = limp_side
    g = analyze_session([side_seq, limp_front], height_cm=170)
    assert sorted({p.view for p in g.passes}) == ["side", "toward"]
    # timing from the side view only: identical to the side clip alone
    assert g.spatiotemporal.cadence_steps_per_min == pytest.approx(
        side_only.spatiotemporal.cadence_steps_per_min)
    assert g.limp.suspected_painful_side == "right"
    # pelvic drop from the front clip: the LEFT pelvis drops during RIGHT stance
    assert g.pelvis["left"]["pelvic_drop_deg"].value > g.pelvis["right"][
        "pelvic_drop_deg"].value + 3.0
    assert any(f["metric"] == "pelvic_drop_deg" and f["side"] == "left" for f in flags(g))
    text = " ".join(summary(g))
    assert "protecting the right knee, with hip-abductor compensation" in text
    assert "not measurable in this view" not in text
    with pytest.raises(ValueError):
        analyze_session([])
