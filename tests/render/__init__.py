"""Tests of vidgait.render: the annotated video, the skeleton drawing and "simulate my setup"."""
