"""Fixtures of the phantom tests: a short walk and a headless OpenGL context."""

from __future__ import annotations

import pytest

from vidgait.synth import GaitParams, simulate


@pytest.fixture(scope="module")
def walk():
    """A short normal walk (1 s at 30 fps)."""
    return simulate(GaitParams(duration_s=1.0, fps=30.0))


@pytest.fixture(scope="module")
def gl_ctx():
    """A headless OpenGL context, or skip when EGL/Mesa is not installed."""
    pytest.importorskip("moderngl")
    from vidgait.phantom.gl import create_context

    try:
        ctx = create_context()
    except RuntimeError as exc:
        pytest.skip(f"no headless EGL OpenGL context: {exc}")
    yield ctx
    ctx.release()
