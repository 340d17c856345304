"""Tests of vidgait.phantom: figure, OpenGL renderer, truth files, clips, validation."""
