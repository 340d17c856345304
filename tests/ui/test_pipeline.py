"""The dashboard's streamlit-free processing helpers (fast; the full pipeline is in test_app)."""

from __future__ import annotations

import pytest

from tests.helpers import REPO
from vidgait.errors import InputError
from vidgait.ui.common import content_key
from vidgait.ui.pipeline import check_suffix, process_clips, sample_clips


@pytest.mark.parametrize("name", ["a.mp4", "B.MOV", "c.m4v", "d.avi", "e.webm", "f.mkv"])
def test_video_suffixes_are_accepted(name: str) -> None:
    assert check_suffix(name) == "." + name.rsplit(".", 1)[1].lower()


@pytest.mark.parametrize("name", ["notes.txt", "clip", "photo.jpg", ".."])
def test_other_names_are_refused(name: str) -> None:
    with pytest.raises(InputError, match="not a video file name"):
        check_suffix(name)


def test_bad_name_is_refused_before_any_work() -> None:
    with pytest.raises(InputError, match=r"notes\.txt"):
        process_clips([("notes.txt", b"hello")])
    with pytest.raises(InputError, match="no clip"):
        process_clips([])


def test_content_key_depends_on_bytes_and_names() -> None:
    a = content_key([("a.mp4", b"123")])
    assert a == content_key([("a.mp4", b"123")])
    assert a != content_key([("a.mp4", b"124")])
    assert a != content_key([("b.mp4", b"123")])
    assert a != content_key([("a.mp4", b"123"), ("b.mp4", b"")])


def test_samples_side_view_first() -> None:
    samples = sample_clips(REPO / "sample_videos")
    assert samples and "side" in samples[0].name
    assert all(p.suffix == ".mp4" for p in samples)
