"""Fixtures of the live tests (builders in ``tests/live/helpers.py``)."""

from __future__ import annotations

import pytest

from tests.live.helpers import front_walker


@pytest.fixture(scope="module")
def front_seq():
    """A well-framed walker: the body fills about half the frame height."""
    _, seq = front_walker(duration_s=4.0, distance=6.0)
    return seq
