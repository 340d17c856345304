"""Tests of vidgait.cli (the command line, run as a subprocess)."""
