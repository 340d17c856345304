"""Tests of vidgait.ui, one module per module of the package."""
