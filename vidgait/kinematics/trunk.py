"""Gait events from the lower trunk's motion: foot contacts and their sides from the sacrum's
vertical bob and lateral sway, as a lumbar inertial sensor gives them, for the views where the
feet cannot be timed (filmed from behind, the legs' labels unreliable).

The sacrum rises over each stance leg and is lowest in the double support after each contact,
twice per stride (~4 cm), and sways toward the stance leg once per stride (~3-5 cm). A contact is
taken at each minimum of the sacrum's height low-passed at ``CUTOFF_HZ``, and its side from the
sway: halfway through a left stance step the sacrum is left of its local mean (halfway, where
the sway peaks and the pelvis's rotation, which swings a sacral card ~10 cm behind the hips
sideways, passes through zero). Sides alternate, so one choice
per unbroken run of contacts (which contact is left) is made from all its steps together; the
share of steps whose own sway agrees says how clear that was.

Measured on the synthetic walker (symmetric, antalgic limp, Trendelenburg 8 deg, 90-125
steps/min, 30 and 60 fps, 0 or 2 mm noise; docs/kinematics.md): every side right, cadence within
0.5 %; the minimum comes 28-91 ms AFTER the heel strike depending on the gait, and the two sides'
delays differ by up to ~12 ms, so the step-time symmetry index of a walker without a limp is off
by up to 4.2 points, and a limp's reads 10-17 % too large (never on the wrong side). The other
candidates measured worse: the fastest fall (the vertical velocity's minimum, as lower-trunk
sensors use it) up to 7 points, the vertical acceleration's peak up to 36; a 6 Hz low-pass
doubled the errors. With a card 12-15 cm behind and 6-10 cm above the hip centres the sides
stay right; with the walker's pelvic rotation doubled to +-9 deg every side is wrong, even at the
hip centres: that walker's hips turn its hip flexion plane with the pelvis, so its feet land
sideways and its pelvis sways the other way (a limit of the walker to remove before trusting
this rule there). The contact times are NOT heel strikes, and no stance or swing time (which
needs toe-off) comes from them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from vidgait.kinematics.events import stride_period
from vidgait.kinematics.signal import lowpass
from vidgait.kinematics.tracks import runs

#: low-pass of the sacrum's height before its minima are read, Hz (the bob is at the step
#: frequency, ~2 Hz; 6 Hz let noise and the loading response's wiggle move the minimum)
CUTOFF_HZ = 4.0
#: a contact must stand out of the height's spread by this share of its 5-95 % range (noise
#: makes small extra minima)
MIN_PROMINENCE_SHARE = 0.3
#: plausible step times, s (cadence 48-200 steps/min)
STEP_RANGE_S = (0.3, 1.25)
#: a gap between contacts beyond this many step periods means a contact was missed: the run
#: of alternating sides is broken there
MAX_STEP_GAP = 1.5
#: fewest contacts in a run for its sides to be chosen
MIN_RUN_CONTACTS = 4


@dataclass(frozen=True)
class TrunkSteps:
    """Contacts found from the trunk, in time order.

    Attributes
    ----------
    contacts_s : (n,) float
        Contact times, s (late by tens of ms: see the module notes).
    sides : tuple of str
        ``"left"`` or ``"right"`` for each contact.
    run : (n,) int
        The unbroken run each contact belongs to (sides alternate within a run).
    side_agreement : float
        Share of the steps whose own sway agrees with their run's alternation (0..1; NaN
        without a run); near 0.5 the sides are a guess.
    step_period_s : float
        The typical step time, half the sway's period, s (NaN when none).
    """

    contacts_s: np.ndarray
    sides: tuple[str, ...]
    run: np.ndarray
    side_agreement: float
    step_period_s: float

    def per_side(self) -> dict[str, dict[str, np.ndarray]]:
        """Step and stride times per side, s.

        Returns
        -------
        dict side -> {"step_time_s", "stride_time_s"} -> (n,) float
            The step time of side S ends at an S contact and starts at the previous (other
            side's) contact; the stride time of S runs between consecutive S contacts; both
            only within a run.
        """
        out = {s: {"step_time_s": [], "stride_time_s": []} for s in ("left", "right")}
        c = self.contacts_s
        for k in range(1, len(c)):
            s = self.sides[k]
            if self.run[k - 1] == self.run[k]:
                out[s]["step_time_s"].append(c[k] - c[k - 1])
            if k >= 2 and self.run[k - 2] == self.run[k]:
                out[s]["stride_time_s"].append(c[k] - c[k - 2])
        return {s: {m: np.asarray(v, float) for m, v in d.items()} for s, d in out.items()}


def _parabolic(y: np.ndarray, i: int) -> float:
    """Sub-sample offset of the extremum at ``i`` from a parabola through its neighbours."""
    a, b, c = y[i - 1], y[i], y[i + 1]
    den = a - 2 * b + c
    return 0.0 if den == 0 else float(np.clip(0.5 * (a - c) / den, -0.5, 0.5))


def _contacts(t: np.ndarray, up: np.ndarray, fs: float, period: float) -> np.ndarray:
    """Times of the sacrum's lowest points in one measured run, s."""
    low = -lowpass(up, fs, CUTOFF_HZ)
    lo, hi = np.percentile(low, [5, 95])
    idx, _ = find_peaks(low, distance=max(1, int(0.6 * period * fs)),
                        prominence=MIN_PROMINENCE_SHARE * (hi - lo))
    idx = idx[(idx >= 2) & (idx < len(low) - 2)]
    return np.asarray([t[i] + _parabolic(low, i) / fs for i in idx], float)


def trunk_steps(t: np.ndarray, up_m: np.ndarray, left_m: np.ndarray, fs: float) -> TrunkSteps:
    """Foot contacts and their sides from the sacrum's trajectory.

    Parameters
    ----------
    t : (N,) float
        A uniform time grid, s.
    up_m, left_m : (N,) float
        The sacrum's height and its position toward the patient's left, m (any fixed origin;
        a steady drift, such as walking away along a line slanted to the camera, is allowed),
        NaN where not measured: runs are analysed apart, nothing is bridged.
    fs : float
        The grid's rate, Hz.

    Returns
    -------
    TrunkSteps
    """
    t, up, left = (np.asarray(a, float) for a in (t, up_m, left_m))
    spans = [(a, b) for a, b in runs(np.isfinite(up) & np.isfinite(left))
            if (b - a) > 2 * STEP_RANGE_S[1] * fs]
    # the step period is half the sway's (the bob of a limp alternates between a long and a
    # short step, which can make its own autocorrelation peak at the stride)
    periods = [0.5 * stride_period(left[a:b] - lowpass(left[a:b], fs, 0.5), fs,
                                   *(2 * x for x in STEP_RANGE_S)) for a, b in spans]
    finite = [p for p in periods if np.isfinite(p)]
    period = float(np.median(finite)) if finite else float("nan")
    contacts: list[float] = []
    run_of: list[int] = []
    sides: list[str] = []
    agree = total = 0
    n_run = 0
    for a, b in spans:
        if not np.isfinite(period):
            break
        c = _contacts(t[a:b], up[a:b], fs, period)
        sway = lowpass(left[a:b], fs, CUTOFF_HZ)
        # unbroken sub-runs: no missed contact between neighbours
        cuts = np.flatnonzero(np.diff(c) > MAX_STEP_GAP * period) + 1
        for part in np.split(c, cuts):
            if len(part) < MIN_RUN_CONTACTS:
                continue
            shift = []
            for k in range(len(part) - 1):  # the sway halfway through the step after contact k
                lo_k = part[max(k - 1, 0)]
                hi_k = part[min(k + 2, len(part) - 1)]
                ref = (t[a:b] >= lo_k) & (t[a:b] < hi_k)
                mid = float(np.interp(0.5 * (part[k] + part[k + 1]), t[a:b], sway))
                shift.append(mid - float(sway[ref].mean()))
            sign = np.sign(shift) * np.where(np.arange(len(shift)) % 2 == 0, 1.0, -1.0)
            first_left = sign.sum() >= 0  # contact 0 left when even steps sway left
            agree += int(np.sum(sign > 0) if first_left else np.sum(sign < 0))
            total += len(shift)
            for k, x in enumerate(part):
                sides.append("left" if (k % 2 == 0) == first_left else "right")
                contacts.append(float(x))
                run_of.append(n_run)
            n_run += 1
    return TrunkSteps(np.asarray(contacts, float), tuple(sides), np.asarray(run_of, int),
                      agree / total if total else float("nan"), period)
