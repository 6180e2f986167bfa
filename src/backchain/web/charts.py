"""Small pure helpers that lay out line and bar charts for inline SVG.

Everything is placed here, in a viewBox `WIDTH` units wide: a phone's content width, so one unit
is about one CSS pixel there. The SVG scales uniformly, so text that does not collide in the
viewBox does not collide at any rendered width. Templates only draw what these functions place.
Every chart keeps its data as a table too, so a screen reader gets the numbers, not only a picture.

A chart depends on nothing but its arguments and is frozen, so each layout is made once and then
remembered, keyed by those arguments.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise
from typing import Literal, TypeVar

__all__ = [
    "FONT_SIZE",
    "WIDTH",
    "Axes",
    "Bar",
    "Box",
    "Chart",
    "Line",
    "Marker",
    "Point",
    "Segment",
    "Text",
    "Tick",
    "bar_chart",
    "fit_text",
    "hbar_chart",
    "line_chart",
    "nice_ticks",
    "scale",
    "text_width",
    "thin",
]

WIDTH = 358  # viewBox width: a 390 px phone's content width (16 px padding each side)
FONT_SIZE = 13  # user units: about 13 px on a phone, above the 11 px floor for legible text
# DejaVu Sans, the wide fallback behind system-ui on Linux: a text box spans this far above and
# below the baseline (font units / em), so estimates made with it hold for narrower fonts too.
ASCENT, DESCENT = 0.93 * FONT_SIZE, 0.24 * FONT_SIZE
TEXT_HEIGHT = ASCENT + DESCENT
TEXT_GAP = 4  # user units of space kept between two texts above each other
LABEL_GAP = 8  # user units between tick labels side by side, so they read as separate words
TICK_GAP = 4  # between a y tick label and the axis
EDGE = 1  # nothing is drawn closer than this to the SVG's border
PLOT_HEIGHT = 120  # user units: the data area of line and column charts
POINT_INSET = 12  # the first and last points sit this far inside the plot: whole markers show
BAR_GAP = 0.2  # share of each group's width left empty between groups
BAR_THICKNESS = 10  # user units: one bar of a horizontal bar chart
ROW_GAP = 10  # user units between one exercise's bar and the next exercise's name
MAX_TICK_INTERVALS = int(PLOT_HEIGHT // (TEXT_HEIGHT + TEXT_GAP))  # y labels never touch
NICE_STEPS = (1, 2, 5)  # tick steps, times a power of ten: whole numbers a person reads at once
MIN_STEP = 1  # every value charted is a count, a score or a percentage: no half ticks
ELLIPSIS = "…"
CHART_CACHE_SIZE = 256  # laid-out charts remembered: every chart of a few people's progress pages

Anchor = Literal["start", "middle", "end"]
_V = TypeVar("_V", float, float | None)
Frozen = tuple[tuple[str, tuple[_V, ...]], ...]  # a mapping of series, hashable to key a cache


def _frozen(series: Mapping[str, Sequence[_V]]) -> Frozen[_V]:
    return tuple((name, tuple(values)) for name, values in series.items())


@dataclass(frozen=True)
class Axes:
    """What each axis shows, with its unit: the x title also heads the table's first column."""

    x: str
    y: str


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: "Box") -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    def within(self, other: "Box") -> bool:
        return (
            other.left <= self.left
            and self.right <= other.right
            and other.top <= self.top
            and self.bottom <= other.bottom
        )


@dataclass(frozen=True)
class Text:
    """A text to draw: `y` is its baseline; `role` becomes its CSS class."""

    x: float
    y: float
    text: str
    anchor: Anchor = "middle"
    role: str = "tick"

    @property
    def box(self) -> Box:
        """The space the text takes, estimated generously (see `text_width`)."""
        width = text_width(self.text)
        start = {"start": self.x, "middle": self.x - width / 2, "end": self.x - width}[self.anchor]
        return Box(start, self.y - ASCENT, start + width, self.y + DESCENT)


@dataclass(frozen=True)
class Marker:
    """A point's mark. Sizes nest (dot inside ring inside square), so equal values all show."""

    shape: Literal["dot", "ring", "square"]
    size: float  # user units: radius of a dot or ring; half the side of a square
    stroke: float  # user units: the outline's width, centred on `size`

    @property
    def hollow(self) -> bool:
        return self.shape != "dot"

    @property
    def outer(self) -> float:
        return self.size + self.stroke / 2

    @property
    def inner(self) -> float:
        """How far from the centre the mark leaves a hole for a smaller one."""
        return self.size - self.stroke / 2 if self.hollow else 0.0


# Each mark's hole clears the next smaller mark by 1 unit, and the largest fits in POINT_INSET.
MARKERS = (Marker("dot", 3.5, 1.0), Marker("ring", 6.0, 2.0), Marker("square", 9.0, 2.0))


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
    def marker(self) -> Marker:
        return MARKERS[self.index % len(MARKERS)]

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
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Tick:
    position: float  # x for x ticks, y for y ticks
    label: str


@dataclass(frozen=True)
class Chart:
    """A laid-out chart: what to draw, and the same numbers as table rows."""

    names: tuple[str, ...]
    category: str  # what the rows are, e.g. "Session date": the table's first column
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    texts: tuple[Text, ...] = ()
    lines: tuple[Line, ...] = ()
    bars: tuple[Bar, ...] = ()
    tracks: tuple[Bar, ...] = ()  # the full scale behind each horizontal bar
    grid: tuple[Segment, ...] = ()
    axes: tuple[Segment, ...] = ()
    x_ticks: tuple[Tick, ...] = ()
    y_ticks: tuple[Tick, ...] = ()
    reference: Tick | None = None  # a horizontal line, e.g. the clinically important change
    width: float = WIDTH
    height: float = 0.0
    left: float = 0.0
    right: float = WIDTH
    top: float = 0.0
    bottom: float = 0.0
    font_size: float = FONT_SIZE

    @property
    def empty(self) -> bool:
        return not self.bars and not any(line.points for line in self.lines)

    @property
    def box(self) -> Box:
        return Box(0, 0, self.width, self.height)


def _clamped(value: float, top: float, start: float, end: float) -> float:
    """Where `value` sits on an axis from 0 (at `start`) to `top` (at `end`), kept on it."""
    return scale(min(max(value, 0.0), top), 0.0, top, start, end)


def scale(value: float, low: float, high: float, start: float, end: float) -> float:
    """Map `value` from [low, high] onto [start, end]; a flat range maps to the middle."""
    if high == low:
        return (start + end) / 2
    share = (value - low) / (high - low)
    return start * (1 - share) + end * share  # exactly `end` at `high`, not a hair off


_NARROW = frozenset("fijlrt.,:;'!|()[] -")
_WIDE = frozenset("mwMW%")


def text_width(text: str) -> float:
    """Rendered width of `text` at FONT_SIZE, rounded up per kind of character from DejaVu
    Sans's advances (0.28–0.99 em), so labels spaced by it never collide in narrower fonts."""
    ems = sum(
        0.42 if c in _NARROW else 1.0 if c in _WIDE else 0.8 if c.isupper() else 0.66 for c in text
    )
    return ems * FONT_SIZE


def fit_text(text: str, width: float) -> str:
    """`text`, or as much of it as fits in `width` followed by an ellipsis."""
    if text_width(text) <= width:
        return text
    kept = text
    while kept and text_width(kept.rstrip() + ELLIPSIS) > width:
        kept = kept[:-1]
    return kept.rstrip() + ELLIPSIS


def nice_ticks(top: float, *, fixed: bool) -> tuple[float, ...]:
    """Tick values from 0 at a step of 1, 2 or 5 × 10ⁿ, at most MAX_TICK_INTERVALS apart.

    A `fixed` scale (pain 0–10, ODI 0–100) ends at `top`; otherwise the last tick rounds the
    data's top up, and becomes the top of the axis.
    """
    top = max(top, MIN_STEP)
    raw = max(top / MAX_TICK_INTERVALS, MIN_STEP)
    power = 10.0 ** math.floor(math.log10(raw))
    step = min(s * power * m for s in NICE_STEPS for m in (1, 10) if s * power * m >= raw)
    count = math.floor(top / step + 1e-9) if fixed else math.ceil(top / step - 1e-9)
    return tuple(round(i * step, 10) for i in range(count + 1))


def thin(boxes: Sequence[Box]) -> tuple[int, ...]:
    """Which labels to show: every n-th from the first, and the last, with n the smallest step
    at which no two shown labels come closer than LABEL_GAP. `boxes` are in order along x."""
    count = len(boxes)
    for step in range(1, count + 1):
        chosen = list(range(0, count, step))
        if chosen[-1] != count - 1:
            if len(chosen) > 1 and not _apart(boxes[chosen[-1]], boxes[-1]):
                chosen[-1] = count - 1  # the last label matters most: it is the latest
            else:
                chosen.append(count - 1)
        if all(_apart(boxes[a], boxes[b]) for a, b in pairwise(chosen)):
            return tuple(chosen)
    return (count - 1,) if count else ()


def _apart(first: Box, second: Box) -> bool:
    return second.left - first.right >= LABEL_GAP


def _inside(x: float, text: str) -> float:
    """The centre for a label meant to sit at `x`, moved just enough to stay in the viewBox."""
    half = text_width(text) / 2
    return min(max(x, EDGE + half), WIDTH - EDGE - half)


def _x_labels(positions: Sequence[float], labels: Sequence[str], baseline: float) -> list[Text]:
    placed = zip(positions, labels, strict=True)
    texts = [Text(_inside(x, label), baseline, label) for x, label in placed]
    return [texts[i] for i in thin([t.box for t in texts])]


# Vertical layout, shared by every chart: the y title on the top line, then the plot, then the
# x tick labels and the x title. Each text keeps TEXT_GAP from its neighbours above and below.
_TITLE_BASELINE = EDGE + ASCENT
_ROWS_TOP = EDGE + TEXT_HEIGHT + TEXT_GAP  # the first thing below the y title
_PLOT_TOP = _ROWS_TOP + TEXT_HEIGHT / 2  # room for half of the top y label above the plot
_LIFT = (ASCENT - DESCENT) / 2  # a baseline this far below a y centres the text on it


def _below(
    plot_bottom: float, *, clear: float, left: float, right: float, title: str
) -> tuple[float, int, Text]:
    """The x tick baseline, the chart's height and the x title, below a plot's bottom edge;
    `clear` is how far the lowest y label reaches below that edge."""
    tick_baseline = plot_bottom + clear + TEXT_GAP + ASCENT
    title_baseline = tick_baseline + DESCENT + TEXT_GAP + ASCENT
    height = math.ceil(title_baseline + DESCENT + EDGE)
    return tick_baseline, height, Text((left + right) / 2, title_baseline, title, role="title")


def _rows(
    labels: Sequence[str], series: Mapping[str, Sequence[float | None]]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(
        (label, tuple("" if v[i] is None else f"{v[i]:g}" for v in series.values()))
        for i, label in enumerate(labels)
    )


def _plot_left(values: Sequence[float]) -> float:
    """The y axis: right of the widest y tick label."""
    return EDGE + max(text_width(f"{v:g}") for v in values) + TICK_GAP


def _cartesian(
    labels: Sequence[str],
    centres: Sequence[float],
    values: Sequence[float],
    *,
    top: float,
    left: float,
    axes: Axes,
    series: Mapping[str, Sequence[float | None]],
) -> Chart:
    """What a line chart and a column chart share: frame, ticks, titles, grid and table."""
    right, bottom = WIDTH - EDGE, _PLOT_TOP + PLOT_HEIGHT
    y_ticks = tuple(Tick(scale(v, 0, top, bottom, _PLOT_TOP), f"{v:g}") for v in values)
    y_texts = [Text(left - TICK_GAP, t.position + _LIFT, t.label, "end") for t in y_ticks]
    tick_baseline, height, x_title = _below(
        bottom, clear=TEXT_HEIGHT / 2, left=left, right=right, title=axes.x
    )
    x_texts = _x_labels(centres, labels, tick_baseline)
    y_title = Text(EDGE, _TITLE_BASELINE, axes.y, "start", "title")
    return Chart(
        names=tuple(series),
        category=axes.x,
        rows=_rows(labels, series),
        texts=(*y_texts, *x_texts, y_title, x_title),
        grid=tuple(Segment(left, t.position, right, t.position) for t in y_ticks[1:]),
        axes=(Segment(left, bottom, right, bottom), Segment(left, _PLOT_TOP, left, bottom)),
        x_ticks=tuple(Tick(t.x, t.text) for t in x_texts),
        y_ticks=y_ticks,
        height=height,
        left=left,
        right=right,
        top=_PLOT_TOP,
        bottom=bottom,
    )


def _value_axis(data_top: float, y_max: float | None) -> tuple[tuple[float, ...], float]:
    """Tick values and the axis top: a fixed `y_max`, or the data's top rounded up."""
    values = nice_ticks(y_max if y_max is not None else data_top, fixed=y_max is not None)
    return values, y_max if y_max is not None else values[-1]


def line_chart(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    axes: Axes,
    y_max: float | None = None,
    reference: float | None = None,
    reference_label: str = "",
) -> Chart:
    """One line per series over the labels; None values are gaps with no point.

    With `y_max` the scale is fixed (a questionnaire's range); without, it fits the data.
    """
    return _line_chart(tuple(labels), _frozen(series), axes, y_max, reference, reference_label)


@lru_cache(maxsize=CHART_CACHE_SIZE)
def _line_chart(
    labels: tuple[str, ...],
    frozen: Frozen[float | None],
    axes: Axes,
    y_max: float | None,
    reference: float | None,
    reference_label: str,
) -> Chart:
    series = dict(frozen)
    data = [v for vs in series.values() for v in vs if v is not None]
    values, top = _value_axis(max(data or [0.0]), y_max)
    left = _plot_left(values)
    xs = [
        scale(i, 0, len(labels) - 1, left + POINT_INSET, WIDTH - EDGE - POINT_INSET)
        for i in range(len(labels))
    ]
    base = _cartesian(labels, xs, values, top=top, left=left, axes=axes, series=series)

    def y(value: float) -> float:
        return _clamped(value, top, base.bottom, base.top)

    lines = tuple(
        Line(
            name,
            index,
            tuple(Point(xs[i], y(v), labels[i], v) for i, v in enumerate(vs) if v is not None),
        )
        for index, (name, vs) in enumerate(series.items())
    )
    ref = None if reference is None else Tick(y(reference), reference_label)
    return replace(base, lines=lines, reference=ref)


def bar_chart(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    axes: Axes,
    y_max: float | None = None,
) -> Chart:
    """Grouped columns: one group per label, one bar per series; the scale fits the data
    unless `y_max` fixes it."""
    return _bar_chart(tuple(labels), _frozen(series), axes, y_max)


@lru_cache(maxsize=CHART_CACHE_SIZE)
def _bar_chart(
    labels: tuple[str, ...], frozen: Frozen[float], axes: Axes, y_max: float | None
) -> Chart:
    series = dict(frozen)
    values, top = _value_axis(max([v for vs in series.values() for v in vs] or [0.0]), y_max)
    left = _plot_left(values)
    right = WIDTH - EDGE
    group = (right - left) / max(len(labels), 1)
    width = group * (1 - BAR_GAP) / max(len(series), 1)
    centres = [left + (i + 0.5) * group for i in range(len(labels))]
    base = _cartesian(labels, centres, values, top=top, left=left, axes=axes, series=series)
    bars = []
    for index, (name, vs) in enumerate(series.items()):
        for i, value in enumerate(vs):
            x = left + i * group + group * BAR_GAP / 2 + index * width
            y = _clamped(value, top, base.bottom, base.top)
            bars.append(Bar(x, y, width, base.bottom - y, name, index, labels[i], value))
    return replace(base, bars=tuple(bars))


def _hbar_row(
    top: float, label: str, shown: str, share: float, *, left: float, right: float
) -> tuple[Text, Text, float, float]:
    """One row of a horizontal bar chart: the label (shortened to leave room for the value)
    and the value on a line, then the bar: returns both texts, the bar's top and length."""
    room = right - left - text_width(shown) - LABEL_GAP
    name = Text(left, top + ASCENT, fit_text(label, room), "start", "name")
    value = Text(right, top + ASCENT, shown, "end", "value")
    return name, value, top + TEXT_HEIGHT + TEXT_GAP / 2, share * (right - left)


def hbar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    name: str,
    axes: Axes,
    value_max: float,
    suffix: str = "",
) -> Chart:
    """One horizontal bar per label, each label on its own line above its bar with the value
    at the right, so long names never collide. `axes.y` names the labels, `axes.x` the values."""
    return _hbar_chart(tuple(labels), tuple(values), name, axes, value_max, suffix)


@lru_cache(maxsize=CHART_CACHE_SIZE)
def _hbar_chart(
    labels: tuple[str, ...],
    values: tuple[float, ...],
    name: str,
    axes: Axes,
    value_max: float,
    suffix: str,
) -> Chart:
    ticks = [Tick(v, f"{v:g}") for v in nice_ticks(value_max, fixed=True)]
    left = EDGE + text_width(ticks[0].label) / 2  # the 0 label centres on the axis start
    right = WIDTH - EDGE - text_width(ticks[-1].label) / 2
    row = TEXT_HEIGHT + TEXT_GAP / 2 + BAR_THICKNESS + ROW_GAP
    texts, bars, tracks = [Text(EDGE, _TITLE_BASELINE, axes.y, "start", "title")], [], []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        shown, share = f"{value:g}{suffix}", _clamped(value, value_max, 0, 1)
        title, number, y, length = _hbar_row(
            _ROWS_TOP + i * row, label, shown, share, left=left, right=right
        )
        texts += [title, number]
        bars.append(Bar(left, y, length, BAR_THICKNESS, name, 0, label, value))
        tracks.append(Bar(left, y, right - left, BAR_THICKNESS, name, 0, label, value_max))
    bottom = _ROWS_TOP + len(labels) * row - ROW_GAP + TEXT_GAP
    tick_baseline, height, x_title = _below(bottom, clear=0, left=left, right=right, title=axes.x)
    positions = [_clamped(t.position, value_max, left, right) for t in ticks]
    x_texts = _x_labels(positions, [t.label for t in ticks], tick_baseline)
    return Chart(
        names=(name,),
        category=axes.y,
        rows=_rows(labels, {name: values}),
        texts=(*texts, *x_texts, x_title),
        bars=tuple(bars),
        tracks=tuple(tracks),
        axes=(Segment(left, bottom, right, bottom),),
        x_ticks=tuple(Tick(t.x, t.text) for t in x_texts),
        height=height,
        left=left,
        right=right,
        top=_ROWS_TOP,
        bottom=bottom,
    )
