"""Sign conventions of every angle vidgait reports: written once, here.

All angles are in degrees, per PATIENT side ("left"/"right" are the person's anatomical sides, as
in MediaPipe's landmark names; a mirrored preview never swaps them). Conventions follow the clinical
gait literature (Davis et al. 1991, Hum Mov Sci 10:575; Kadaba et al. 1990, J Orthop Res 8:383;
Baker 2001, Gait Posture 13:1 for the pelvis; Wu et al. 2002 ISB recommendation).

Sagittal plane (measured in a side view, from image pixels)
    hip_flexion         thigh ahead of the trunk line is positive (extension negative). Measured
                        between the thigh (hip->knee) and the downward trunk line (shoulder-mid ->
                        hip-mid): it equals pelvis-based hip flexion MINUS the pelvis's anterior
                        tilt relative to the trunk, which one camera cannot see (~5-10 deg offset).
    knee_flexion        positive flexion; 0 with thigh and shank aligned.
    ankle_dorsiflexion  positive dorsiflexion, negative plantarflexion; 0 when the heel->toe line
                        is perpendicular to the shank (knee->ankle).

Frontal plane (front or back view, from image pixels)
    pelvic_obliquity    positive when THAT side's pelvis is up; a drop is negative. left = -right.
    trunk_lean          lateral lean of the trunk line from vertical, positive TOWARD that side.
    hip_adduction       positive adduction (thigh toward the midline) relative to the pelvis line.
    knee_valgus         frontal-plane projection angle (FPPA): positive when the knee lies medial to
                        the hip-ankle line (valgus), negative varus. A 2-D projection, not a
                        3-D angle.

Transverse plane
    pelvic_rotation     positive when THAT side's hemipelvis is forward (left = -right); world
                        landmarks (MediaPipe depth, weak).
    foot_progression    angle of the heel->toe line from the direction of progression on the
                        floor, TOE OUT POSITIVE (the toe turned away from the other foot): the
                        opposite of Schwartz et al. 2008's sign, whose normal -14 to -1.5 deg is
                        1.5 to 14 deg toe out here. The reported value (per side, in mid-stance)
                        comes from the floor plane (:mod:`vidgait.kinematics.footprog`); the
                        per-frame series from world landmarks. The synthetic walker's truth keeps
                        Schwartz's sign (toe out negative).
    hip_rotation        internal rotation positive: angle about the thigh between the hip line and
                        the knee flexion axis; defined only with the knee flexed >= 20 deg (swing).
                        For left-versus-right comparison only.

Time is in seconds from the container's timestamps; lengths in pixels unless a name ends in ``_m``.
The gait cycle runs from one heel strike (0 %) to the next of the same side (100 %).
"""

from __future__ import annotations

from typing import Literal

Side = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("left", "right")

#: angles measurable per view; anything else is "not measurable in this view"
SAGITTAL = ("hip_flexion", "knee_flexion", "ankle_dorsiflexion")
FRONTAL = ("pelvic_obliquity", "trunk_lean", "hip_adduction", "knee_valgus")
TRANSVERSE = ("pelvic_rotation", "foot_progression", "hip_rotation")


def other(side: Side) -> Side:
    """The contralateral side.

    Parameters
    ----------
    side : {"left", "right"}
        The patient's side.
    """
    return "left" if side == "right" else "right"
