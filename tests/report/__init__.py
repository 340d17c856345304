"""Tests of vidgait.report."""
