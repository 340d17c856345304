"""vidgait's test suite; its layout mirrors the package (``tests/<package>/test_<module>.py``)."""
