"""Tests of :mod:`vidgait.pose`, one file per module."""
