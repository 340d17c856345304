"""Tests of :mod:`vidgait.kinematics`, one file per module."""
