"""The live overlay (:mod:`vidgait.live.draw`): sides survive a mirrored display."""

from __future__ import annotations

import numpy as np

from tests.live.helpers import (
    WalkerPose,
    candidate,
    front_walker,
)
from vidgait.landmarks import L_HIP, R_HIP
from vidgait.live.biofeedback import (
    FeedbackState,
)
from vidgait.live.config import LiveConfig
from vidgait.live.draw import draw_overlay, mirror_landmarks
from vidgait.live.metrics import RollingMetrics
from vidgait.live.processor import LiveProcessor
from vidgait.render.skeleton import COLOURS


def test_mirrored_display_does_not_swap_sides():
    _, seq = front_walker(drop=10.0, duration_s=9.0)
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
    c = candidate(seq, len(seq) - 1)
    shown = draw_overlay(np.zeros((640, 360, 3), np.uint8), c.image, c.visibility, [],
                         RollingMetrics(), FeedbackState(), mirror=True)
    x, y = mirror_landmarks(c.image, 360)[R_HIP, :2].round().astype(int)
    assert tuple(shown[y, x]) == COLOURS["right"]
    x, y = mirror_landmarks(c.image, 360)[L_HIP, :2].round().astype(int)
    assert tuple(shown[y, x]) == COLOURS["left"]
