"""Counting reps from a phase signal: a two-state machine with hysteresis and minimum phase times.

The signal is high at the top of a rep's working phase. The counter keeps a sliding range of
recent values; it enters "low" when the signal falls below 35 % of that range and counts a rep
when it climbs back above 65 %. A rep therefore needs a real excursion, jitter inside the band
never counts, and the top position someone starts in (standing before a squat) is not a rep.
Nothing counts until the signal has moved through the exercise's minimum amplitude, so set-up
fidgeting is ignored.
"""

from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["CounterConfig", "Rep", "RepCounter", "RepEvent", "count_reps"]

FloatArray = npt.NDArray[np.float64]

LOW_FRACTION = 0.35  # below this share of the recent range the rep has started
HIGH_FRACTION = 0.65  # above it the rep is counted: 0.3 of the range apart is the hysteresis
RANGE_WINDOW_S = 10.0  # the range follows the last 10 s, so it adapts to a new camera angle
MIN_PHASE_S = 0.15  # a crossing must hold this long: one-frame spikes never switch state


@dataclass(frozen=True)
class CounterConfig:
    """How to count one exercise; `min_amplitude` is in the signal's own unit."""

    min_amplitude: float
    hold_fraction: float = 0.9  # share of the rep's rise that counts as "held at the top"


@dataclass(frozen=True)
class RepEvent:
    """Emitted live when a rep reaches the top."""

    index: int  # 1-based
    t: float


@dataclass(frozen=True)
class Rep:
    """A finished rep: from leaving the previous top to leaving this one."""

    index: int
    start_s: float
    top_s: float  # when it was counted
    end_s: float
    hold_s: float  # time spent near the top


class RepCounter:
    """Streaming counter: feed (t, value) pairs in time order; NaN values are skipped."""

    def __init__(self, config: CounterConfig) -> None:
        self.config = config
        self.count = 0
        self._recent: deque[tuple[float, float]] = deque()
        self._state: str | None = None  # "low" | "high"; None until the first position is known
        self._pending: tuple[str, float] | None = None  # a crossing waiting out MIN_PHASE_S
        self._left_top_s: float | None = None

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
            return None
        wanted = self._wanted(value, low, high)
        if wanted is None or wanted == self._state:
            self._pending = None
            return None
        if self._pending is None or self._pending[0] != wanted:
            self._pending = (wanted, t)
        if t - self._pending[1] < MIN_PHASE_S:
            return None
        self._state, since = wanted, self._pending[1]
        self._pending = None
        if wanted == "low":
            self._left_top_s = since if self._left_top_s is None else self._left_top_s
            return None
        if high - low < self.config.min_amplitude:
            return None
        self.count += 1
        return RepEvent(self.count, since)

    def _remember(self, t: float, value: float) -> None:
        self._recent.append((t, value))
        while self._recent and self._recent[0][0] < t - RANGE_WINDOW_S:
            self._recent.popleft()

    def _levels(self) -> tuple[float, float]:
        values = [v for _, v in self._recent]
        return min(values), max(values)

    def _wanted(self, value: float, low: float, high: float) -> str | None:
        span = high - low
        if value <= low + LOW_FRACTION * span:
            return "low"
        if value >= low + HIGH_FRACTION * span:
            return "high"
        return None


def count_reps(t: FloatArray, values: FloatArray, config: CounterConfig) -> list[Rep]:
    """Reps in a whole recording, each with its time window and time held at the top."""
    counter = RepCounter(config)
    tops: list[float] = []
    for ti, vi in zip(t, values, strict=True):
        event = counter.update(float(ti), float(vi))
        if event is not None:
            tops.append(event.t)
    return [_rep(i, top, tops, t, values, config) for i, top in enumerate(tops)]


def _rep(
    i: int, top: float, tops: list[float], t: FloatArray, values: FloatArray, config: CounterConfig
) -> Rep:
    previous = tops[i - 1] if i else float(t[0])
    following = tops[i + 1] if i + 1 < len(tops) else float(t[-1])
    before = (t >= previous) & (t <= top) & np.isfinite(values)
    after = (t >= top) & (t <= following) & np.isfinite(values)
    bottom = float(np.min(values[before])) if before.any() else float(values[t == top][0])
    peak = float(np.max(values[after])) if after.any() else bottom
    level = bottom + config.hold_fraction * (peak - bottom)
    start = float(t[before][np.argmin(values[before])]) if before.any() else top
    near_top = after & (values >= level)
    if not near_top.any():
        return Rep(i + 1, start, top, top, 0.0)
    first = int(np.argmax(near_top))
    last = first
    while last + 1 < len(t) and near_top[last + 1]:
        last += 1
    end = float(t[min(last + 1, len(t) - 1)])
    return Rep(i + 1, start, top, end, float(t[last] - t[first]))
