"""The 33 BlazePose / MediaPipe Pose landmarks: names, indices, sides and skeleton edges.

Sides are the PERSON's anatomical sides: MediaPipe's ``left_hip`` is the patient's left hip,
whatever the camera sees. No mediapipe import here, so the pure core can use these names.
"""

from __future__ import annotations

NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner", "left_eye", "left_eye_outer",
    "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear",
    "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow",
    "left_wrist", "right_wrist",
    "left_pinky", "right_pinky",
    "left_index", "right_index",
    "left_thumb", "right_thumb",
    "left_hip", "right_hip",
    "left_knee", "right_knee",
    "left_ankle", "right_ankle",
    "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)
N_LANDMARKS = len(NAMES)
INDEX: dict[str, int] = {name: i for i, name in enumerate(NAMES)}

NOSE = INDEX["nose"]
L_SHOULDER, R_SHOULDER = INDEX["left_shoulder"], INDEX["right_shoulder"]
L_HIP, R_HIP = INDEX["left_hip"], INDEX["right_hip"]
L_KNEE, R_KNEE = INDEX["left_knee"], INDEX["right_knee"]
L_ANKLE, R_ANKLE = INDEX["left_ankle"], INDEX["right_ankle"]
L_HEEL, R_HEEL = INDEX["left_heel"], INDEX["right_heel"]
L_FOOT, R_FOOT = INDEX["left_foot_index"], INDEX["right_foot_index"]

#: landmarks of the lower body that gait analysis relies on
LOWER_BODY: tuple[int, ...] = (L_HIP, R_HIP, L_KNEE, R_KNEE, L_ANKLE, R_ANKLE, L_HEEL, R_HEEL,
                               L_FOOT, R_FOOT)


def _mirror_name(name: str) -> str:
    if name.startswith("left_"):
        return "right_" + name[5:]
    if name.startswith("right_"):
        return "left_" + name[6:]
    if name == "mouth_left":
        return "mouth_right"
    if name == "mouth_right":
        return "mouth_left"
    return name


#: index permutation that swaps every left landmark with its right twin
MIRROR: tuple[int, ...] = tuple(INDEX[_mirror_name(n)] for n in NAMES)

#: skeleton edges to draw (pairs of landmark indices), as in MediaPipe's POSE_CONNECTIONS
CONNECTIONS: tuple[tuple[int, int], ...] = (
    (0, 1), (1, 2), (2, 3), (3, 7), (0, 4), (4, 5), (5, 6), (6, 8), (9, 10),
    (11, 12), (11, 13), (13, 15), (15, 17), (15, 19), (15, 21), (17, 19),
    (12, 14), (14, 16), (16, 18), (16, 20), (16, 22), (18, 20),
    (11, 23), (12, 24), (23, 24),
    (23, 25), (24, 26), (25, 27), (26, 28), (27, 29), (28, 30), (29, 31), (30, 32), (27, 31),
    (28, 32),
)


def side_of(index: int) -> str:
    """'left', 'right' or 'centre' for a landmark index (the person's side).

    Parameters
    ----------
    index : int
        Landmark index, 0-32.
    """
    name = NAMES[index]
    if "left" in name:
        return "left"
    if "right" in name:
        return "right"
    return "centre"
