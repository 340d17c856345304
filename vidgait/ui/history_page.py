"""The History page: a patient's saved sessions and the change of headline metrics."""

from __future__ import annotations

import streamlit as st

from vidgait.render.figures import history_figure
from vidgait.render.headline import fmt
from vidgait.store import Store, change_table


def _trend(sessions: list, rows: list[dict]) -> None:
    """One metric over the sessions, against its smallest detectable change."""
    if len(sessions) < 2 or not rows:
        return
    names = {f"{r['metric']} ({r['unit']})": r for r in rows}
    row = names[st.selectbox("Metric over sessions", list(names), key="history_metric")]
    labels = [f"#{s.id} {s.recorded_at:%Y-%m-%d}" for s in sessions]
    st.plotly_chart(history_figure(labels, row["values"], title=row["metric"], unit=row["unit"],
                                   sdc=row["sdc"]), key="history_chart")


def render() -> None:
    """Build the History page."""
    st.title("History")
    store = Store()
    try:
        st.caption(f"Sessions are stored on this computer only: {store.path}")
        patients = store.patients()
        if not patients:
            st.info("No saved sessions yet: analyse a clip, enter a patient ID and press "
                    "'Save to History'.")
            return
        pid = st.selectbox("Patient", patients, key="history_patient")
        sessions = store.sessions(pid)
    finally:
        store.close()
    st.dataframe([{"session": s.id, "date": f"{s.recorded_at:%Y-%m-%d %H:%M}",
                   "clips": ", ".join(s.clips), "views": ", ".join(s.report.get("view", []))}
                  for s in sessions], hide_index=True)
    rows = change_table(sessions)
    st.subheader("Headline metrics over sessions")
    st.dataframe([{"metric": f"{r['metric']} ({r['unit']})",
                   **{f"#{s.id} {s.recorded_at:%Y-%m-%d}": fmt(v) for s, v in
                      zip(sessions, r["values"], strict=True)},
                   "change (last - first)": fmt(r["change"]),
                   "smallest detectable change": fmt(r["sdc"]), "judgement": r["verdict"]}
                  for r in rows], hide_index=True,
                 column_config={"judgement": st.column_config.TextColumn(width="large"),
                                "metric": st.column_config.TextColumn(width="medium")})
    _trend(sessions, rows)
    refs = sorted({r["reference"] for r in rows if r["reference"]})
    st.caption("A change is judged against the smallest detectable change (SDC) where one is "
               "published, not against zero ('within SDC': no detectable change): "
               + ("; ".join(refs) or "none for these metrics")
               + ". Metrics without a published SDC show the change without a judgement.")
