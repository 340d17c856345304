"""Follow one person online, frame by frame, when several may be in view.

The batch pose stage picks the walker after seeing the whole clip
(:func:`vidgait.pose.tracking.select_walker`); a live stream cannot wait. The rule here:

1. While someone is followed and was seen less than ``max_gap_s`` ago, keep the candidate whose
   torso moved least, in torso lengths, if that is within the gate ``max_cost * (1 + 4 gap)``
   (the same gate as :func:`vidgait.pose.tracking.associate`: a walker covers ~2 torso lengths
   per second).
2. Otherwise (start, person lost, nobody within the gate) take the most prominent candidate:
   the largest torso, i.e. usually the person nearest the camera and centred in the clinic
   set-up.

Pure numpy; tested with synthetic candidates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from vidgait.pose.tracking import Candidate, suppress_duplicates


class Follower:
    """Online choice of the person to follow.

    Parameters
    ----------
    max_gap_s : float
        Longest time the followed person may be missing and still be continued, s.
    max_cost : float
        Largest torso displacement between consecutive frames, in torso lengths.
    """

    def __init__(self, max_gap_s: float = 1.0, max_cost: float = 1.0) -> None:
        self.max_gap_s = max_gap_s
        self.max_cost = max_cost
        self._last: Candidate | None = None
        self._last_t = -np.inf

    def reset(self) -> None:
        """Forget the followed person."""
        self._last, self._last_t = None, -np.inf

    def choose(self, candidates: Sequence[Candidate], t_s: float
               ) -> tuple[Candidate | None, list[Candidate]]:
        """Pick the followed person among one frame's candidates.

        Parameters
        ----------
        candidates : sequence of Candidate
            People found in the frame (duplicates allowed; they are suppressed here).
        t_s : float
            Frame time, s.

        Returns
        -------
        followed : Candidate or None
            The person followed in this frame (None when nobody is found).
        people : list of Candidate
            The distinct people in the frame.
        """
        people = suppress_duplicates(list(candidates))
        if not people:
            return None, people
        pick = self._continue(people, t_s)
        if pick is None:
            pick = max(people, key=lambda c: c.torso_length)
        self._last, self._last_t = pick, t_s
        return pick, people

    def _continue(self, people: list[Candidate], t_s: float) -> Candidate | None:
        gap = t_s - self._last_t
        if self._last is None or gap > self.max_gap_s:
            return None
        scale = self._last.torso_length
        cost = [float(np.linalg.norm(c.torso_centre - self._last.torso_centre)) / scale
                for c in people]
        best = int(np.argmin(cost))
        return people[best] if cost[best] <= self.max_cost * (1.0 + 4.0 * gap) else None
