"""Tests of :mod:`vidgait.models`, one module per module of the package."""
