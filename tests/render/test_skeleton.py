"""The skeleton drawing: patient's side colours, nothing drawn where a landmark is missing."""

from __future__ import annotations

import numpy as np

from tests.helpers import standing_person
from vidgait import landmarks as L
from vidgait.render.skeleton import COLOURS, draw_skeleton


def test_draw_uses_patient_side_colours() -> None:
    rgb = np.zeros((200, 200, 3), np.uint8)
    img = standing_person(200, 200)
    draw_skeleton(rgb, img)
    left_knee = img[L.L_KNEE, :2].astype(int)
    right_knee = img[L.R_KNEE, :2].astype(int)
    assert tuple(rgb[left_knee[1], left_knee[0]]) == COLOURS["left"]
    assert tuple(rgb[right_knee[1], right_knee[0]]) == COLOURS["right"]
    assert rgb[5, 5].sum() == 0  # nothing drawn where there are no landmarks (NaN)


def test_low_visibility_landmarks_are_not_drawn() -> None:
    rgb = np.zeros((200, 200, 3), np.uint8)
    vis = np.ones(L.N_LANDMARKS, np.float32)
    vis[L.L_KNEE] = 0.1  # below the default 0.3
    out = draw_skeleton(rgb, standing_person(200, 200), vis)
    assert out is rgb  # drawn in place
    x, y = standing_person(200, 200)[L.L_KNEE, :2].astype(int)
    assert tuple(rgb[y, x]) != COLOURS["left"]  # neither the knee dot nor its two segments
    x, y = standing_person(200, 200)[L.R_KNEE, :2].astype(int)
    assert tuple(rgb[y, x]) == COLOURS["right"]
