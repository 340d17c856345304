"""``analyze_session``: several clips of one walk pooled, each metric from the view that supports
it.
"""

from __future__ import annotations

import pytest

from tests.helpers import as_if_marker
from vidgait.findings import flags, summary
from vidgait.kinematics import NotMeasurable, analyze_session


def test_session_combines_side_and_front(limp_side, limp_front):
    side_seq, side_only = limp_side
    g = analyze_session([side_seq, limp_front], height_cm=170)
    assert sorted({p.view for p in g.passes}) == ["side", "toward"]
    # timing from the side view only: identical to the side clip alone
    assert g.spatiotemporal.cadence_steps_per_min == pytest.approx(
        side_only.spatiotemporal.cadence_steps_per_min)
    assert g.limp.suspected_painful_side == "right"
    # no pelvic drop from the front clip's hip landmarks: it needs the pelvis marker
    assert g.pelvis["left"]["pelvic_drop_deg"] == NotMeasurable("marker_needed")
    assert not any(f["metric"] == "pelvic_drop_deg" for f in flags(g))
    text = " ".join(summary(g))
    assert "protecting the right knee" in text and "hip-abductor" not in text
    assert "Pelvic drop needs the pelvis marker" in text
    assert "not measurable in this view" not in text
    # with the pelvis's true drop (what the marker gives): the LEFT pelvis drops in RIGHT stance
    m = as_if_marker(g)
    assert m.pelvis["left"]["pelvic_drop_deg"].value > m.pelvis["right"][
        "pelvic_drop_deg"].value + 3.0
    assert any(f["metric"] == "pelvic_drop_deg" and f["side"] == "left" for f in flags(m))
    assert "protecting the right knee, with hip-abductor compensation" in " ".join(summary(m))
    with pytest.raises(ValueError):
        analyze_session([])
