"""The kinematics core: pure numpy/scipy functions from a pose sequence to a gait analysis.

Stages (each a module): :mod:`~vidgait.kinematics.signal` (conditioning; the leg-swap fixer in
:mod:`~vidgait.kinematics.swaps`, shared track helpers in :mod:`~vidgait.kinematics.tracks`),
:mod:`~vidgait.kinematics.view` (views and walking passes), :mod:`~vidgait.kinematics.angles`,
:mod:`~vidgait.kinematics.events` (heel strikes, toe offs), :mod:`~vidgait.kinematics.strides`
(strides and their checks), :mod:`~vidgait.kinematics.spatiotemporal`,
:mod:`~vidgait.kinematics.limp`, :mod:`~vidgait.kinematics.pelvis`,
:mod:`~vidgait.kinematics.per_pass` (one pass measured) and :mod:`~vidgait.kinematics.analysis`
(``analyze``, ``analyze_session``); the values they return are typed in
:mod:`~vidgait.kinematics.results`. Sign conventions are
written once, in :mod:`~vidgait.kinematics.conventions`. The core measures; judging against normal
ranges and sentences for people live outside it (:mod:`vidgait.findings`, :mod:`vidgait.norms`).
No file I/O, mediapipe, cv2 or streamlit here.
"""

from vidgait.kinematics.analysis import GaitAnalysis, analyze, analyze_session
from vidgait.kinematics.angles import frontal_angles, sagittal_angles, transverse_angles
from vidgait.kinematics.events import zeni
from vidgait.kinematics.limp import LimpAssessment, assess_limp, gait_asymmetry, symmetry_index
from vidgait.kinematics.per_pass import PassResult, measure_pass, timing_passes
from vidgait.kinematics.results import (
    Curve,
    Estimate,
    Notice,
    NotMeasurable,
    PassInfo,
    Quantity,
    Refusal,
    Spatiotemporal,
)
from vidgait.kinematics.signal import Conditioned, condition, lowpass
from vidgait.kinematics.strides import Stride, build_strides, normalize_cycles
from vidgait.kinematics.view import Pass, find_passes

__all__ = [
    "Conditioned", "Curve", "Estimate", "GaitAnalysis", "LimpAssessment", "NotMeasurable",
    "Notice", "Pass", "PassInfo", "PassResult", "Quantity", "Refusal", "Spatiotemporal",
    "Stride", "analyze", "analyze_session", "assess_limp", "build_strides", "condition",
    "find_passes", "frontal_angles", "gait_asymmetry", "lowpass", "measure_pass",
    "normalize_cycles", "sagittal_angles", "symmetry_index", "timing_passes",
    "transverse_angles", "zeni",
]
