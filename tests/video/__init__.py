"""Tests of vidgait.video: reading (probe, frames, refusals) and writing (H.264)."""
