"""Frame pacing of the live stream: which submitted frames go to the model, and the rates.

:class:`Pacer` thins frames REGULARLY when the pose model is slower than the camera (every k-th
frame, k from the measured model time and frame interval): the kinematics core resamples onto a
uniform grid and distrusts peaks over interpolated samples, so 15 evenly spaced frames per
second give better metrics than 22 irregular ones. :class:`StreamStats` keeps the arrival and
completion times and the added latency of recent frames, for the fps and latency figures.

Units: times in seconds of wall clock (``StreamStats``), frame timestamps in milliseconds of
stream time (``Pacer.take``), latency in milliseconds, rates in frames per second.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np


class StreamStats:
    """Rolling counters for fps and latency (the caller serialises access).

    Attributes
    ----------
    arrivals, done : deque of float
        Wall-clock times of the last 120 submitted / processed frames, s.
    latency_ms : deque of float
        Added latency (submitted -> overlay ready) of the last 300 processed frames, ms.
    """

    def __init__(self) -> None:
        self.arrivals: deque[float] = deque(maxlen=120)
        self.done: deque[float] = deque(maxlen=120)
        self.latency_ms: deque[float] = deque(maxlen=300)

    @staticmethod
    def _rate(times: deque[float]) -> float:
        if len(times) < 2:
            return 0.0
        recent = [t for t in times if t >= times[-1] - 3.0]
        span = recent[-1] - recent[0]
        return (len(recent) - 1) / span if span > 0 else 0.0

    def fps(self) -> tuple[float, float]:
        """Submitted and processed frames per second over the last ~3 s of wall clock."""
        return self._rate(self.arrivals), self._rate(self.done)

    def latency(self) -> tuple[float, float]:
        """Median and 95th percentile of the recent added latency, ms (NaN before a frame)."""
        if not self.latency_ms:
            return float("nan"), float("nan")
        a = np.asarray(self.latency_ms)
        return float(np.median(a)), float(np.percentile(a, 95))


class Pacer:
    """Regular frame thinning: take every k-th frame, k from the model time and frame interval.

    ``k = ceil(margin * busy / interval)`` with exponential moving averages (weight ``alpha``) of
    the per-frame processing time and of the interval between submitted frames, re-evaluated
    every ``every`` frames and capped at ``max_k``. A frame that still arrives while the model is
    busy waits in the processor's single slot, so a margin of 1 costs at most one frame of
    latency. Written by the inference thread (``busy``) and read by the submitting thread
    (``take``); single float/int assignments, so no lock is needed.

    Parameters
    ----------
    margin : float
        Safety factor on the model time (1: take as many frames as the model keeps up with).
    alpha : float
        Weight of the newest sample in the moving averages, 0-1.
    every : int
        Frames between two re-evaluations of ``k``.
    max_k : int
        The largest thinning factor (at least every ``max_k``-th frame is taken).
    """

    def __init__(self, margin: float = 1.0, alpha: float = 0.1, every: int = 15,
                 max_k: int = 8) -> None:
        self.margin, self.alpha, self.every, self.max_k = margin, alpha, every, max_k
        self.k = 1
        self._busy_s = 0.0
        self._interval_s = 0.0
        self._last_ms: float | None = None
        self._n = 0

    def busy(self, seconds: float) -> None:
        """Report the processing time of one frame, s.

        Parameters
        ----------
        seconds : float
            Processing time of the frame, s.
        """
        self._busy_s = seconds if self._busy_s == 0 else (
            (1 - self.alpha) * self._busy_s + self.alpha * seconds)

    def take(self, timestamp_ms: float) -> bool:
        """True when this submitted frame (stream time, ms) should go to the model.

        Parameters
        ----------
        timestamp_ms : float
            The frame's stream time, ms.
        """
        if self._last_ms is not None:
            dt = (timestamp_ms - self._last_ms) / 1000.0
            self._interval_s = dt if self._interval_s == 0 else (
                (1 - self.alpha) * self._interval_s + self.alpha * dt)
        self._last_ms = timestamp_ms
        if self._n % self.every == 0 and self._interval_s > 0 and self._busy_s > 0:
            need = math.ceil(self.margin * self._busy_s / self._interval_s)
            self.k = int(min(self.max_k, max(1, need)))
        take = self._n % self.k == 0
        self._n += 1
        return take


__all__ = ["Pacer", "StreamStats"]
