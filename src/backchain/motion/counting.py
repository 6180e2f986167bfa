"""Counting reps from a phase signal: a two-state machine with hysteresis and minimum phase times.

The signal is high at the top of a rep's working phase. The counter keeps a sliding range of
recent values; it enters "low" when the signal falls below 35 % of that range and "high" when it
climbs back above 65 %. A rep therefore needs a real excursion, jitter inside the band never
counts, and the top position someone starts in (standing before a squat) is not a rep. Nothing
counts until the signal has moved through the exercise's minimum amplitude, so set-up fidgeting
is ignored.

A rep is complete when the body heads back to where the set started: a set that starts at the
top (standing before a squat) completes each rep on arriving back at the top; one that starts at
the bottom (lying before a bridge) completes it as the lowering starts, so a last rep still held
when the recording ends is not yet a rep. A held pose (the dog) counts on arriving at the top. A rise that falls back before the
top of the range is still a rep when it moved through the exercise's minimum amplitude (a shallow
rep among full ones is counted, and the form rules judge it); smaller rises are reported as
part-way movements.

The top of a rep is the top 35 % of its own range, the same line the counter uses: the hold is
the time spent there, from the end of the rise to the start of the lowering.
"""

from collections import deque
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "CountedSet",
    "CounterConfig",
    "Rep",
    "RepCounter",
    "RepEvent",
    "count_reps",
    "count_set",
]

FloatArray = npt.NDArray[np.float64]

LOW_FRACTION = 0.35  # below this share of the recent range the rep has started
HIGH_FRACTION = 0.65  # above it the body is at the top: 0.3 of the range apart is the hysteresis
PARTIAL_FRACTION = 0.45  # a rise past this that falls back is a shallow rep or a part-way movement
RANGE_WINDOW_S = 10.0  # the range follows the last 10 s, so it adapts to a new camera angle
MIN_PHASE_S = 0.15  # a crossing must hold this long: one-frame spikes never switch state
MAX_TEMPO_RATIO = 2.0  # a shallow rep rises within twice the set's usual time from bottom to top

CountsOn = Literal["top", "return"]


@dataclass(frozen=True)
class CounterConfig:
    """How to count one exercise; `min_amplitude` and `floor` are in the signal's own unit.

    `floor`, when known, is the signal's value in the starting position whatever the camera
    (the hips on the hands-feet line in a plank), so a pose held from the first frame counts.
    """

    min_amplitude: float
    counts_on: CountsOn = "return"
    floor: float | None = None


@dataclass(frozen=True)
class RepEvent:
    """Emitted live when a rep is complete."""

    index: int  # 1-based
    t: float


@dataclass(frozen=True)
class Rep:
    """A finished rep: from its lowest point to its highest."""

    index: int
    start_s: float
    top_s: float  # when it arrived at the top
    end_s: float
    hold_s: float  # time at the top


class RepCounter:
    """Streaming counter: feed (t, value) pairs in time order; NaN values are skipped."""

    def __init__(self, config: CounterConfig) -> None:
        self.config = config
        self.count = 0
        self.tops: list[float] = []  # when each rep arrived at its top
        self.partials: list[float] = []  # rises that fell back short of the top, when they peaked
        self._recent: deque[tuple[float, float]] = deque()
        self._state: str | None = None  # "low" | "high"; None until the first position is known
        self._pending: tuple[str, float] | None = None  # a crossing waiting out MIN_PHASE_S
        self._bottom: tuple[float, float] | None = None  # (time, value) of the lowest since the top
        self._rise_times: list[float] = []  # from the bottom to the top, for each full rep
        # A part-way rise: when it passed PARTIAL_FRACTION, and the time and value of its peak.
        self._rise: tuple[float, float, float] | None = None
        self._open = False  # at the top of a rep that is counted when it leaves
        self._leaving: float | None = None  # when the signal last fell below the top line
        self.at_top = False  # whether the latest value is in the top of the range
        self._from_top = False  # whether the set started at the top of its range

    def update(self, t: float, value: float) -> RepEvent | None:
        if not np.isfinite(value):
            return None
        self._remember(t, value)
        low, high = self._levels()
        if self._state is None:
            # Until the body has moved through a rep-sized range nothing is known. The first
            # such movement either falls from a top (no rep yet) or rises from a start low in
            # the rep (a clip that begins at the bottom): in both cases "low" is the state that
            # makes the next top count.
            if high - low >= self.config.min_amplitude:
                self._state = "low"
                self._from_top = value <= low + LOW_FRACTION * (high - low)
            return None
        wanted = self._wanted(value, low, high)
        self.at_top = value >= low + HIGH_FRACTION * (high - low)
        event = self._track_rise(t, value, low, high, wanted)
        if wanted is None or wanted == self._state:
            self._pending = None
            return event
        if self._pending is None or self._pending[0] != wanted:
            self._pending = (wanted, t)
        if t - self._pending[1] < MIN_PHASE_S:
            return event
        self._state, since = wanted, self._pending[1]
        self._pending = None
        if wanted == "low":
            self._bottom = (t, value)
            if self._open:  # fell straight through the top line
                self._open = False
                return self._count(since)
            return event
        self._rise = None
        if high - low < self.config.min_amplitude:
            return None  # a top without a rep-sized range around it is not a rep
        self.tops.append(since)
        if self._bottom is not None and since - self._bottom[0] >= MIN_PHASE_S:
            self._rise_times.append(since - self._bottom[0])  # (none when the set began mid-rise)
        if self.config.counts_on == "top" or self._from_top:
            return self._count(since)
        self._open, self._leaving = True, None
        return None

    @property
    def top_since(self) -> float | None:
        """When the body arrived at the top it is at now; None when it is not at a top."""
        return self.tops[-1] if self._state == "high" and self.at_top and self.tops else None

    def finish(self) -> RepEvent | None:
        """The recording has ended: a rep whose lowering had begun is complete."""
        if self._open and self._leaving is not None:
            self._open = False
            return self._count(self._leaving)
        return None

    def _count(self, t: float) -> RepEvent:
        self.count += 1
        return RepEvent(self.count, t)

    def _track_rise(
        self, t: float, value: float, low: float, high: float, wanted: str | None
    ) -> RepEvent | None:
        """End a held rep as it is lowered; a rise that got part of the way up is, once it falls
        back to the bottom, a shallow rep (it moved through the minimum amplitude) or a part-way
        movement."""
        if self._open:
            # Leaving the top ends a held rep: counted once the lowering has lasted MIN_PHASE_S.
            if value >= low + HIGH_FRACTION * (high - low):
                self._leaving = None
            elif self._leaving is None:
                self._leaving = t
            elif t - self._leaving >= MIN_PHASE_S:
                self._open = False
                return self._count(self._leaving)
            return None
        if self._state != "low" or high - low < self.config.min_amplitude:
            return None
        if self._bottom is None or value < self._bottom[1]:
            self._bottom = (t, value)
        if value >= low + PARTIAL_FRACTION * (high - low):
            if self._rise is None:
                self._rise = (t, t, value)
            elif value > self._rise[2]:
                self._rise = (self._rise[0], t, value)
        elif wanted == "low" and self._rise is not None:
            (passed_t, peak_t, peak), self._rise = self._rise, None
            bottom, self._bottom = self._bottom, (t, value)
            if bottom is not None and self._is_shallow_rep(passed_t - bottom[0], peak - bottom[1]):
                self.tops.append(passed_t)
                return self._count(t)
            self.partials.append(peak_t)
        return None

    def _is_shallow_rep(self, rise_s: float, rise: float) -> bool:
        """A part-way rise is a rep when it moved through the minimum amplitude at the set's
        tempo (`rise_s` from the bottom to part-way, against the full reps' bottom to top):
        shifting the weight or changing hands is slower than a rep."""
        if rise < self.config.min_amplitude:
            return False
        usual = float(np.median(self._rise_times)) if self._rise_times else None
        return usual is None or rise_s <= MAX_TEMPO_RATIO * usual

    def _remember(self, t: float, value: float) -> None:
        self._recent.append((t, value))
        while self._recent and self._recent[0][0] < t - RANGE_WINDOW_S:
            self._recent.popleft()

    def _levels(self) -> tuple[float, float]:
        values = [v for _, v in self._recent]
        floor = self.config.floor
        low = min(values) if floor is None else min(min(values), floor)
        return low, max(values)

    def _wanted(self, value: float, low: float, high: float) -> str | None:
        span = high - low
        if value <= low + LOW_FRACTION * span:
            return "low"
        if value >= low + HIGH_FRACTION * span:
            return "high"
        return None


def count_reps(t: FloatArray, values: FloatArray, config: CounterConfig) -> list[Rep]:
    """Reps in a whole recording, each with its time window and time held at the top."""
    return count_set(t, values, config).reps


@dataclass(frozen=True)
class CountedSet:
    reps: list[Rep]
    partials: list[float]  # when movements that did not reach the top peaked


def count_set(t: FloatArray, values: FloatArray, config: CounterConfig) -> CountedSet:
    """The reps, and the part-way movements that were not counted."""
    counter = RepCounter(config)
    for ti, vi in zip(t, values, strict=True):
        counter.update(float(ti), float(vi))
    counter.finish()
    return CountedSet(rep_details(counter, t, values), counter.partials)


def rep_details(counter: RepCounter, t: FloatArray, values: FloatArray) -> list[Rep]:
    """The counted reps of a counter fed with (t, values): each one's bottom, top and hold."""
    tops = counter.tops[: counter.count]  # a top still held when the recording ends is no rep
    return [_rep(i, tops, t, values, counter.config.floor) for i in range(len(tops))]


def _rep(i: int, tops: list[float], t: FloatArray, values: FloatArray, floor: float | None) -> Rep:
    """The rep around one top: its bottom, its arrival at the top and the time held there."""
    known = np.isfinite(values)
    before = tops[i - 1] if i else float(t[0]) - 1.0
    after = tops[i + 1] if i + 1 < len(tops) else float(t[-1]) + 1.0
    rising = (t > before) & (t <= tops[i]) & known
    if not rising.any():
        return Rep(i + 1, tops[i], tops[i], tops[i], 0.0)
    start_index = int(np.flatnonzero(rising)[np.argmin(values[rising])])
    span = (t >= t[start_index]) & (t < after) & known
    bottom = float(values[start_index]) if floor is None else min(floor, float(values[start_index]))
    level = bottom + HIGH_FRACTION * (float(np.max(values[span])) - bottom)
    top_run = _first_run(span & (values >= level), t)
    arrive, leave = int(top_run[0]), int(top_run[-1])
    peak = int(top_run[np.argmax(values[top_run])])
    step = float(np.median(np.diff(t))) if len(t) > 1 else 0.0
    hold = float(t[leave] - t[arrive]) + step
    # The rep ends at its highest point: what follows belongs to the lowering of the next.
    return Rep(i + 1, float(t[start_index]), float(t[arrive]), float(t[peak]), hold)


def _first_run(mask: npt.NDArray[np.bool_], t: FloatArray) -> npt.NDArray[np.intp]:
    """Indices of the first run of True values (the first arrival at the top and its stay);
    dips out of it shorter than MIN_PHASE_S do not end it, as they do not end a stay live."""
    where = np.flatnonzero(mask)
    breaks = np.flatnonzero(np.diff(t[where]) > MIN_PHASE_S + 1e-9)
    return where if not len(breaks) else where[: breaks[0] + 1]
