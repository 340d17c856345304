"""Interpretation of a measured gait: flags against normal ranges and plain-language findings.

The kinematics core measures; this package judges what it measured against
:mod:`vidgait.norms` and says it in words for a clinician (findings, not a diagnosis). The report
builder (:func:`vidgait.report.build_report`) calls it; the core never does.
"""

from vidgait.findings.flags import flags
from vidgait.findings.summary import summary

__all__ = ["flags", "summary"]
