"""Rendering of a gait report (the ``report.json`` dict) for people: headline cards, tables,
gait-cycle figures, printable HTML and PDF reports, and the annotated video (the skeleton drawn on
the clip, :mod:`vidgait.render.skeleton`).

Everything here works on the report dict documented in ``docs/report.md``; nothing imports
streamlit, so the same functions serve the dashboard, the
downloads and the tests.
"""

from vidgait.render.headline import Card, headline_cards, quality_advice, spatiotemporal_rows

__all__ = ["Card", "headline_cards", "quality_advice", "spatiotemporal_rows"]
