"""Tests of vidgait.synth: the walker (gait, body, walk, filming) and its camera."""
