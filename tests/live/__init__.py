"""Tests of vidgait.live, one module per module of the package."""
