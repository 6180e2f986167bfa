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
HIGH_FRACTION = 0.65  # above it the rep is counted: 0.3 of the range apart is the hysteresis
PARTIAL_FRACTION = 0.45  # a rise past this that falls back is reported as a partial rep
RANGE_WINDOW_S = 10.0  # the range follows the last 10 s, so it adapts to a new camera angle
MIN_PHASE_S = 0.15  # a crossing must hold this long: one-frame spikes never switch state
# Held means near the top and nearly still: moving at under 20 % of the rep's average rising
# speed, measured over +-0.1 s so frame jitter does not read as movement. Without the speed
# test the slow ends of the rise and fall would count as holding, at any tempo.
HOLD_MAX_SPEED = 0.2
SPEED_SPAN_S = 0.1


@dataclass(frozen=True)
class CounterConfig:
    """How to count one exercise; `min_amplitude` is in the signal's own unit."""

    min_amplitude: float
    hold_fraction: float = 0.9  # share of the rep's rise that counts as "at the top"


@dataclass(frozen=True)
class RepEvent:
    """Emitted live when a rep reaches the top."""

    index: int  # 1-based
    t: float


@dataclass(frozen=True)
class Rep:
    """A finished rep: from its lowest point to leaving the top."""

    index: int
    start_s: float
    top_s: float  # when it reached the top (the live count comes earlier, on the way up)
    end_s: float
    hold_s: float  # time held still near the top


class RepCounter:
    """Streaming counter: feed (t, value) pairs in time order; NaN values are skipped."""

    def __init__(self, config: CounterConfig) -> None:
        self.config = config
        self.count = 0
        self._recent: deque[tuple[float, float]] = deque()
        self._state: str | None = None  # "low" | "high"; None until the first position is known
        self._pending: tuple[str, float] | None = None  # a crossing waiting out MIN_PHASE_S
        self._partial: float | None = None  # when a part-way rise peaked, since the last bottom
        self.partials: list[float] = []  # rises past PARTIAL_FRACTION that fell back uncounted

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
        self._track_partial(t, value, low, high, wanted)
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
            return None
        self._partial = None
        if high - low < self.config.min_amplitude:
            return None
        self.count += 1
        return RepEvent(self.count, since)

    def _track_partial(
        self, t: float, value: float, low: float, high: float, wanted: str | None
    ) -> None:
        """Note a rise that got part of the way up, once it falls back to the bottom."""
        if self._state != "low" or high - low < self.config.min_amplitude:
            return
        if value >= low + PARTIAL_FRACTION * (high - low):
            self._partial = t
        elif wanted == "low" and self._partial is not None:
            self.partials.append(self._partial)
            self._partial = None

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
    return count_set(t, values, config).reps


@dataclass(frozen=True)
class CountedSet:
    reps: list[Rep]
    partials: list[float]  # when movements that did not reach the top peaked


def count_set(t: FloatArray, values: FloatArray, config: CounterConfig) -> CountedSet:
    """The reps, and the part-way movements that were not counted."""
    counter = RepCounter(config)
    crossings: list[float] = []
    for ti, vi in zip(t, values, strict=True):
        event = counter.update(float(ti), float(vi))
        if event is not None:
            crossings.append(event.t)
    reps = [_rep(i, c, crossings, t, values, config) for i, c in enumerate(crossings)]
    return CountedSet(reps, counter.partials)


def _rep(
    i: int,
    crossing: float,
    crossings: list[float],
    t: FloatArray,
    values: FloatArray,
    config: CounterConfig,
) -> Rep:
    """The rep around one counted crossing: its bottom, its arrival at the top, the still time there."""
    previous = crossings[i - 1] if i else float(t[0])
    following = crossings[i + 1] if i + 1 < len(crossings) else float(t[-1]) + 1.0
    known = np.isfinite(values)
    rising = (t >= previous) & (t <= crossing) & known
    falling = (t >= crossing) & (t < following) & known
    if not rising.any() or not falling.any():
        return Rep(i + 1, crossing, crossing, crossing, 0.0)
    start = float(t[rising][np.argmin(values[rising])])
    bottom = float(np.min(values[rising]))
    amplitude = float(np.max(values[falling])) - bottom
    level = bottom + config.hold_fraction * amplitude
    top_run = _first_run(falling & (values >= level))
    arrive, leave = int(top_run[0]), int(top_run[-1])
    speed = _speed(t[known], values[known], t)
    rising_speed = amplitude / max(float(t[arrive]) - start, SPEED_SPAN_S)
    still = top_run[speed[top_run] <= HOLD_MAX_SPEED * rising_speed]
    step = float(np.median(np.diff(t))) if len(t) > 1 else 0.0
    end = float(t[min(leave + 1, len(t) - 1)])
    return Rep(i + 1, start, float(t[arrive]), end, len(still) * step)


def _first_run(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.intp]:
    """Indices of the first run of True values (the first arrival at the top and its stay)."""
    where = np.flatnonzero(mask)
    breaks = np.flatnonzero(np.diff(where) > 1)
    return where if not len(breaks) else where[: breaks[0] + 1]


def _speed(t_known: FloatArray, v_known: FloatArray, t: FloatArray) -> FloatArray:
    """|dv/dt| from the values SPEED_SPAN_S either side of each frame."""
    ahead = np.interp(t + SPEED_SPAN_S, t_known, v_known)
    behind = np.interp(t - SPEED_SPAN_S, t_known, v_known)
    return np.asarray(np.abs(ahead - behind) / (2 * SPEED_SPAN_S), dtype=np.float64)
