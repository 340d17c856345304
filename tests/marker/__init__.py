"""Tests of vidgait.marker (the printable pelvis marker)."""
