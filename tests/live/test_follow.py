"""Following one person online (:mod:`vidgait.live.follow`)."""

from __future__ import annotations

from tests.live.helpers import (
    candidate,
)
from vidgait.live.follow import Follower


def test_follower_keeps_the_person_it_follows(front_seq):
    f = Follower()
    walker = [candidate(front_seq, i) for i in range(10)]
    chosen, _ = f.choose([walker[0]], 0.0)
    assert chosen is walker[0]
    for i in range(1, 10):
        # a bigger bystander appears beside the walker: the walker is still followed
        bystander = candidate(front_seq, i, shift=(250, 0), scale=1.3)
        chosen, people = f.choose([bystander, walker[i]], i / 30)
        assert chosen is walker[i] and len(people) == 2
    # after the walker is gone for longer than max_gap_s, the most prominent person is taken
    chosen, _ = f.choose([bystander], 10 / 30 + 2.0)
    assert chosen is bystander
