"""Streamlit helpers shared by the dashboard pages: cached model and pipeline, progress, cards."""

from __future__ import annotations

import hashlib
import html

import streamlit as st

from vidgait.marker.layout import DEFAULT_SIZE_MM
from vidgait.render.document import CARD_CSS, card_html
from vidgait.render.headline import Card
from vidgait.ui.pipeline import STAGES, SessionResult, process_clips

# Share of the wall time of each stage of the upload flow: the pose stage takes most of it.
STAGE_WEIGHTS = (0.05, 0.75, 0.05, 0.15)


@st.cache_resource(show_spinner="Preparing the pose model (first run only)...")
def model_path(name: str) -> str:
    """Provision the pose model once per process and return its file path.

    Parameters
    ----------
    name : str
        A model name (lite, full, heavy) or a path to a ``.task`` bundle.
    """
    from vidgait.models import resolve_model

    return str(resolve_model(name, progress=False))


def content_key(clips: list[tuple[str, bytes]]) -> str:
    """SHA-256 over the clips' bytes (and names, which appear in the report).

    Parameters
    ----------
    clips : list of (str, bytes)
        The clips' names and contents.
    """
    h = hashlib.sha256()
    for name, data in clips:
        h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


class StageBar:
    """A progress bar over a flow's stages; ``__call__`` is a pipeline progress callback.

    Parameters
    ----------
    stages : tuple of str
        The stages in the order they run (default: the upload flow's
        :data:`~vidgait.ui.pipeline.STAGES`); the text reads e.g. "2/4 pose".
    weights : tuple of float
        Share of the bar each stage fills (its share of the wall time).
    """

    def __init__(self, stages: tuple[str, ...] = STAGES,
                 weights: tuple[float, ...] = STAGE_WEIGHTS) -> None:
        if len(stages) != len(weights):
            raise ValueError("one weight per stage")
        self._stages, self._weights = stages, weights
        self._bar = st.progress(0.0, text="Starting...")

    def __call__(self, stage: str, fraction: float, text: str) -> None:
        """Show ``fraction`` of ``stage`` done, with ``text``, on the bar.

        Parameters
        ----------
        stage : str
            The running stage (one of the bar's stages; an unknown one counts as the first).
        fraction : float
            How much of that stage is done, 0-1.
        text : str
            What the stage is doing, shown after the stage's number and name.
        """
        i = self._stages.index(stage) if stage in self._stages else 0
        done = sum(self._weights[:i]) + self._weights[i] * min(max(fraction, 0.0), 1.0)
        label = f"{i + 1}/{len(self._stages)} {self._stages[i]}"
        self._bar.progress(min(done, 1.0), text=f"{label}: {text}")

    def clear(self) -> None:
        """Remove the bar."""
        self._bar.empty()


@st.cache_data(show_spinner=False, max_entries=16)
def analyse_cached(key: str, _clips: list[tuple[str, bytes]], model: str,
                   height_cm: float | None, face_blur: bool,
                   marker_size_mm: float = DEFAULT_SIZE_MM) -> SessionResult:
    """:func:`~vidgait.ui.pipeline.process_clips`, cached by content hash ``key`` and settings.

    The progress bar is created (and removed) inside the function: streamlit replays the
    elements a cached function drew, and they must belong to it.

    Parameters
    ----------
    key : str
        :func:`content_key` of ``_clips`` (the cache key).
    _clips : list of (str, bytes)
        The clips' names and contents (leading underscore: streamlit does not hash it).
    model : str
        The pose model's name (lite, full, heavy).
    height_cm : float or None
        The patient's height, cm (None: lengths in leg lengths).
    face_blur : bool
        Blur the face in the annotated videos.
    marker_size_mm : float
        The printed pelvis marker's black square, mm.
    """
    bar = StageBar()
    try:
        return process_clips(_clips, model=model_path(model), height_cm=height_cm,
                             face_blur=face_blur, marker_size_mm=marker_size_mm, progress=bar)
    finally:
        bar.clear()


def inject_css() -> None:
    """The card styles (shared with the HTML report)."""
    st.markdown(f"<style>{CARD_CSS}.vg-card{{margin-bottom:10px;min-height:150px}}</style>",
                unsafe_allow_html=True)


def show_cards(cards: list[Card], per_row: int = 3) -> None:
    """Headline cards in a grid; coloured only when outside their normal range.

    Parameters
    ----------
    cards : list of Card
        The headline cards.
    per_row : int
        Cards per row.
    """
    for start in range(0, len(cards), per_row):
        cols = st.columns(per_row)
        for col, card in zip(cols, cards[start:start + per_row], strict=False):
            col.markdown(card_html(card), unsafe_allow_html=True)


def esc(text: str) -> str:
    """HTML-escape for ``unsafe_allow_html`` markdown.

    Parameters
    ----------
    text : str
        The text to escape.
    """
    return html.escape(text)
