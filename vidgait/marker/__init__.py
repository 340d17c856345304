"""The printable pelvis marker: an AprilTag (36h11) on a rigid card worn on the sacrum, so that a
camera behind the patient can measure pelvic drop.

:func:`marker_pdf` makes the sheet to print (docs/marker.md); :func:`sheet_layout` is its
geometry as data, in millimetres; :func:`detect_tag` finds the tag in one frame and fits its
pose (:class:`TagObservation`, or a :class:`TagRefusal` saying why not) with a camera model
(:class:`Intrinsics`).
"""

from vidgait.marker.detect import Intrinsics, TagObservation, TagRefusal, detect_tag
from vidgait.marker.layout import (
    DEFAULT_SIZE_MM,
    MIN_SIZE_MM,
    PAPERS,
    SheetLayout,
    TagLayout,
    largest_size_mm,
    sheet_layout,
)
from vidgait.marker.sheet import marker_pdf

__all__ = ["DEFAULT_SIZE_MM", "MIN_SIZE_MM", "PAPERS", "Intrinsics", "SheetLayout",
           "TagLayout", "TagObservation", "TagRefusal", "detect_tag", "largest_size_mm",
           "marker_pdf", "sheet_layout"]
