"""The rolling landmark window: the followed person's landmarks over the last ``window_s`` s.

One row per processed frame (a frame without the person gets NaN landmarks and ``found`` False),
packed into a :class:`~vidgait.sequence.PoseSequence` for the kinematics core. Units: stream time
in seconds, image landmarks in pixels of the frame, world landmarks in metres (MediaPipe's).
When the pelvis marker is looked for, each row also holds the frame's
:class:`~vidgait.live.tag.TagRow`, and the sequence carries the window's
:class:`~vidgait.sequence.MarkerTrack` (:func:`vidgait.live.tag.marker_track`).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from vidgait.landmarks import N_LANDMARKS
from vidgait.live.tag import TagRow, marker_track
from vidgait.pose.tracking import Candidate
from vidgait.sequence import PoseSequence


class LandmarkWindow:
    """The followed person's landmarks over the last ``window_s`` seconds (bounded).

    Parameters
    ----------
    window_s : float
        Span kept, s of stream time.

    Attributes
    ----------
    rows : deque of tuple
        ``(t_s, image, world, visibility, presence, found, tag)`` per frame, oldest first
        (``tag``: the frame's :class:`~vidgait.live.tag.TagRow`, None when not looked for).
    frame_size : (int, int) or None
        (width, height) of the frames, pixels; a change starts the window again.
    """

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self.rows: deque[tuple] = deque()
        self.frame_size: tuple[int, int] | None = None

    def add(self, t_s: float, person: Candidate | None, frame_size: tuple[int, int],
            tag: TagRow | None = None) -> None:
        """Append one frame's landmarks (None: the person was not found) and drop rows older
        than ``window_s`` before ``t_s``.

        Parameters
        ----------
        t_s : float
            The frame's time, s.
        person : Candidate or None
            The followed person's landmarks (image px, world m), or None.
        frame_size : (int, int)
            The frame's (width, height), px; a change empties the window.
        tag : TagRow, optional
            The pelvis marker in this frame (None: not looked for).
        """
        if frame_size != self.frame_size:  # the camera changed resolution: start again
            self.rows.clear()
            self.frame_size = frame_size
        if person is None:
            nan = np.full((N_LANDMARKS, 3), np.nan, np.float32)
            zero = np.zeros(N_LANDMARKS, np.float32)
            self.rows.append((t_s, nan, nan, zero, zero, False, tag))
        else:
            self.rows.append((t_s, person.image, person.world, person.visibility,
                              person.presence, True, tag))
        while self.rows and self.rows[0][0] < t_s - self.window_s:
            self.rows.popleft()

    def sequence(self, model: str) -> PoseSequence | None:
        """The window as a pose sequence (``model`` names the pose model), with the pelvis
        marker's track when the tag was measured often enough; None below 3 rows.

        Parameters
        ----------
        model : str
            The pose model's name, kept in the sequence.
        """
        if len(self.rows) < 3 or self.frame_size is None:
            return None
        cols = list(zip(*self.rows, strict=True))
        t = np.asarray(cols[0])
        return PoseSequence(t=t, image=np.stack(cols[1]),
                            world=np.stack(cols[2]), visibility=np.stack(cols[3]),
                            presence=np.stack(cols[4]), found=np.asarray(cols[5]),
                            frame_size=self.frame_size, model=model, meta={"source": "live"},
                            marker=marker_track(cols[6], t))


__all__ = ["LandmarkWindow"]
