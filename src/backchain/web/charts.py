"""Small pure helpers that lay out line and bar charts for inline SVG.

The functions only compute positions in a fixed viewBox; templates draw them. Every chart keeps
its data as a table too, so a screen reader gets the numbers, not only a picture.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Bar", "Chart", "Line", "Point", "Tick", "bar_chart", "line_chart", "scale"]

WIDTH, HEIGHT = 320, 170  # viewBox size; the SVG scales to the page width
LEFT, RIGHT, TOP, BOTTOM = 30, 10, 10, 28  # room for the axis labels
MAX_X_LABELS = 8  # more labels than this overlap on a phone; show every n-th
BAR_GAP = 0.2  # share of each group's width left empty between groups


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: float


@dataclass(frozen=True)
class Line:
    name: str
    index: int  # picks the series colour
    points: tuple[Point, ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    name: str
    index: int
    label: str
    value: float


@dataclass(frozen=True)
class Tick:
    position: float  # x for x ticks, y for y ticks
    label: str


@dataclass(frozen=True)
class Chart:
    """A laid-out chart: what to draw, and the same numbers as table rows."""

    names: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    lines: tuple[Line, ...] = ()
    bars: tuple[Bar, ...] = ()
    x_ticks: tuple[Tick, ...] = ()
    y_ticks: tuple[Tick, ...] = ()
    reference: Tick | None = None  # a horizontal line, e.g. the clinically important change
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        return not self.bars and not any(line.points for line in self.lines)


def scale(value: float, low: float, high: float, start: float, end: float) -> float:
    """Map `value` from [low, high] onto [start, end]; a flat range maps to the middle."""
    if high == low:
        return (start + end) / 2
    return start + (value - low) / (high - low) * (end - start)


def _y(value: float, y_max: float) -> float:
    return scale(min(max(value, 0.0), y_max), 0.0, y_max, HEIGHT - BOTTOM, TOP)


def _y_ticks(y_max: float) -> tuple[Tick, ...]:
    return tuple(Tick(_y(v, y_max), f"{v:g}") for v in (0.0, y_max / 2, y_max))


def _x_ticks(positions: Sequence[float], labels: Sequence[str]) -> tuple[Tick, ...]:
    every = max(1, -(-len(labels) // MAX_X_LABELS))
    return tuple(
        Tick(x, label)
        for i, (x, label) in enumerate(zip(positions, labels, strict=True))
        if i % every == 0
    )


def _rows(
    labels: Sequence[str], series: Mapping[str, Sequence[float | None]]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(
        (label, tuple("" if v[i] is None else f"{v[i]:g}" for v in series.values()))
        for i, label in enumerate(labels)
    )


def line_chart(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    y_max: float,
    reference: float | None = None,
    reference_label: str = "",
) -> Chart:
    """One line per series over the labels; None values are gaps with no point."""
    xs = [scale(i, 0, len(labels) - 1, LEFT + 6, WIDTH - RIGHT - 6) for i in range(len(labels))]
    lines = tuple(
        Line(
            name,
            index,
            tuple(
                Point(xs[i], _y(v, y_max), labels[i], v)
                for i, v in enumerate(values)
                if v is not None
            ),
        )
        for index, (name, values) in enumerate(series.items())
    )
    ref = None if reference is None else Tick(_y(reference, y_max), reference_label)
    return Chart(
        names=tuple(series),
        rows=_rows(labels, series),
        lines=lines,
        x_ticks=_x_ticks(xs, labels),
        y_ticks=_y_ticks(y_max),
        reference=ref,
    )


def bar_chart(
    labels: Sequence[str], series: Mapping[str, Sequence[float]], *, y_max: float | None = None
) -> Chart:
    """Grouped bars: one group per label, one bar per series; `y_max` defaults to the data's."""
    top = y_max if y_max is not None else max([v for vs in series.values() for v in vs] or [0])
    top = top or 1.0  # all zero: still a valid scale
    group = (WIDTH - RIGHT - LEFT) / max(len(labels), 1)
    width = group * (1 - BAR_GAP) / max(len(series), 1)
    bars = []
    for index, (name, values) in enumerate(series.items()):
        for i, value in enumerate(values):
            x = LEFT + i * group + group * BAR_GAP / 2 + index * width
            y = _y(value, top)
            bars.append(Bar(x, y, width, HEIGHT - BOTTOM - y, name, index, labels[i], value))
    centres = [LEFT + (i + 0.5) * group for i in range(len(labels))]
    return Chart(
        names=tuple(series),
        rows=_rows(labels, series),
        bars=tuple(bars) if labels else (),
        x_ticks=_x_ticks(centres, labels),
        y_ticks=_y_ticks(top),
    )
