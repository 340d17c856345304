"""Shared fixtures (the builders behind them are in ``tests/helpers.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import write_video


@pytest.fixture
def tiny_video(tmp_path: Path) -> Path:
    """A valid 2.5 s, 30 fps, 64x48 H.264 clip."""
    return write_video(tmp_path / "tiny.mp4")
