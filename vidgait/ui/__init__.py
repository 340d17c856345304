"""The dashboard's Streamlit pages (Analyse, Simulate my setup, Live, History) and their helpers.

The pages only collect input and show values; the processing is the session pipeline
(:mod:`vidgait.pipeline`) and "Simulate my setup" (:mod:`vidgait.simulate`).
"""
