"""The chart layout helpers: values land inside the plot, in order, with their table rows, and
no two texts ever share space, whatever the labels."""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backchain.web import charts
from backchain.web.charts import Axes, Box, Chart, Text

AXES = Axes(x="Session date", y="Pain (0–10)")
FIRST_DAY = date(2025, 3, 3)


def dates(count: int) -> list[str]:
    return [f"{FIRST_DAY + timedelta(days=2 * i):%d %b}" for i in range(count)]


def collisions(chart: Chart) -> list[tuple[str, str]]:
    texts = chart.texts
    return [
        (a.text, b.text)
        for i, a in enumerate(texts)
        for b in texts[i + 1 :]
        if a.box.overlaps(b.box)
    ]


def outside(chart: Chart) -> list[str]:
    return [t.text for t in chart.texts if not t.box.within(chart.box)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 100.0), (10, 0.0), (5, 50.0), (2.5, 75.0)],
)
def test_scale_maps_onto_the_range_either_way(value: float, expected: float) -> None:
    assert charts.scale(value, 0, 10, 100, 0) == pytest.approx(expected)


def test_scale_of_a_flat_range_is_the_middle() -> None:
    assert charts.scale(3, 3, 3, 0, 50) == 25


def test_line_points_fit_the_plot_area_and_skip_gaps() -> None:
    chart = charts.line_chart(
        ["a", "b", "c"], {"pain": [0, 10, 5], "morning": [None, 4, None]}, axes=AXES, y_max=10
    )
    pain, morning = chart.lines
    assert [p.value for p in pain.points] == [0, 10, 5]
    assert len(morning.points) == 1
    for p in pain.points:
        assert chart.left <= p.x <= chart.right
        assert chart.top <= p.y <= chart.bottom
    assert pain.points[0].y == pytest.approx(chart.bottom)  # 0 sits on the x axis
    assert pain.points[1].y == pytest.approx(chart.top)  # the maximum touches the top
    assert pain.points[0].x < pain.points[1].x < pain.points[2].x
    assert chart.rows == (("a", ("0", "")), ("b", ("10", "4")), ("c", ("5", "")))
    assert chart.category == "Session date"
    assert not chart.empty


def test_values_beyond_the_scale_are_clamped() -> None:
    chart = charts.line_chart(["a"], {"s": [30]}, axes=AXES, y_max=10)
    assert chart.lines[0].points[0].y == pytest.approx(chart.top)


def test_reference_line_sits_at_its_value() -> None:
    chart = charts.line_chart(["a", "b"], {"odi": [40, 28]}, axes=AXES, y_max=100, reference=30)
    assert chart.reference is not None
    assert chart.reference.position == pytest.approx(
        charts.scale(30, 0, 100, chart.bottom, chart.top)
    )


def test_a_scale_without_a_maximum_rounds_the_data_up() -> None:
    chart = charts.line_chart(["1", "2"], {"reps": [40, 111]}, axes=AXES)
    assert chart.y_ticks[-1].label == "120"
    assert chart.y_ticks[-1].position == pytest.approx(chart.top)


def test_bars_group_by_label_and_grow_from_the_axis() -> None:
    chart = charts.bar_chart(["1", "2"], {"planned": [3, 3], "done": [3, 1]}, axes=AXES)
    assert len(chart.bars) == 4
    planned_w1, planned_w2, done_w1, done_w2 = chart.bars
    assert planned_w1.x < done_w1.x < planned_w2.x < done_w2.x
    assert done_w2.height == pytest.approx(planned_w1.height / 3)
    for bar in chart.bars:
        assert bar.y + bar.height == pytest.approx(chart.bottom)
        assert chart.left <= bar.x
        assert bar.x + bar.width <= chart.right


def test_empty_data_gives_an_empty_chart() -> None:
    assert charts.line_chart([], {"pain": []}, axes=AXES, y_max=10).empty
    assert charts.bar_chart([], {"done": []}, axes=AXES).empty
    assert charts.line_chart(["a"], {"pain": [None]}, axes=AXES, y_max=10).empty
    assert charts.hbar_chart([], [], name="f", axes=AXES, value_max=100).empty


@pytest.mark.parametrize(
    ("top", "fixed", "expected"),
    [
        (10, True, (0, 2, 4, 6, 8, 10)),  # pain
        (100, True, (0, 20, 40, 60, 80, 100)),  # ODI, per cent
        (24, True, (0, 5, 10, 15, 20)),  # RMDQ: the scale ends at 24, between ticks
        (111, False, (0, 20, 40, 60, 80, 100, 120)),  # reps: rounded up
        (3, False, (0, 1, 2, 3)),  # sessions: never half a session
        (0, False, (0, 1)),  # nothing yet: still a scale
    ],
)
def test_ticks_are_round_numbers(top: float, fixed: bool, expected: tuple[float, ...]) -> None:
    assert charts.nice_ticks(top, fixed=fixed) == expected


def test_y_tick_labels_never_touch() -> None:
    chart = charts.line_chart(["a"], {"s": [7]}, axes=AXES, y_max=10)
    ys = sorted(t.position for t in chart.y_ticks)
    assert min(b - a for a, b in pairwise(ys)) >= charts.TEXT_HEIGHT


def test_thinning_keeps_labels_a_gap_apart_and_the_last_one() -> None:
    chart = charts.line_chart(dates(36), {"pain": [3.0] * 36}, axes=AXES, y_max=10)
    shown = [t for t in chart.texts if t.text in dates(36)]
    assert 2 <= len(shown) < 36
    assert shown[-1].text == dates(36)[-1]
    for a, b in pairwise(shown):
        assert b.box.left - a.box.right >= charts.LABEL_GAP


def test_a_few_labels_all_show() -> None:
    chart = charts.bar_chart([str(w) for w in range(1, 13)], {"done": [3.0] * 12}, axes=AXES)
    assert [t.label for t in chart.x_ticks] == [str(w) for w in range(1, 13)]


def test_the_last_date_stays_inside_the_chart() -> None:
    labels = dates(5)
    chart = charts.line_chart(labels, {"pain": [1.0] * 5}, axes=AXES, y_max=10)
    last = next(t for t in chart.texts if t.text == labels[-1])
    assert last.box.right == pytest.approx(charts.WIDTH - charts.EDGE)  # moved in
    point = chart.lines[0].points[-1]
    assert last.box.left <= point.x <= last.box.right  # still under its point


def test_every_axis_has_its_title() -> None:
    chart = charts.line_chart(dates(3), {"pain": [1.0, 2.0, 3.0]}, axes=AXES, y_max=10)
    assert {t.text for t in chart.texts if t.role == "title"} == {"Session date", "Pain (0–10)"}
    title = next(t for t in chart.texts if t.text == "Pain (0–10)")
    assert title.box.bottom < chart.top - charts.TEXT_HEIGHT / 2  # above the top y label


def test_long_names_get_rows_of_their_own() -> None:
    names = ["Dumbbell Romanian deadlift", "Glute bridge", "Squat " * 12]
    chart = charts.hbar_chart(
        names, [33.3, 0, 100], name="faults", axes=Axes("% of sets", "Exercise"), value_max=100
    )
    drawn = [t for t in chart.texts if t.role == "name"]
    assert [t.text for t in drawn[:2]] == names[:2]
    assert drawn[2].text.endswith(charts.ELLIPSIS)  # too long for a line: shortened
    for text, bar, track in zip(drawn, chart.bars, chart.tracks, strict=True):
        assert text.box.bottom <= bar.y  # the name sits above its own bar
        assert track.width == pytest.approx(chart.right - chart.left)
    assert chart.bars[2].width == pytest.approx(chart.right - chart.left)
    assert chart.rows[0] == ("Dumbbell Romanian deadlift", ("33.3",))
    assert chart.category == "Exercise"
    assert not collisions(chart)
    assert not outside(chart)


def test_markers_nest_so_equal_values_all_show() -> None:
    for smaller, larger in zip(charts.MARKERS, charts.MARKERS[1:], strict=False):
        assert larger.inner - smaller.outer >= 1  # a visible ring of the smaller one's colour
    assert charts.MARKERS[-1].outer < charts.POINT_INSET  # whole marks at the plot's ends


def test_fit_text_shortens_only_what_does_not_fit() -> None:
    assert charts.fit_text("Squat", 100) == "Squat"
    short = charts.fit_text("Dumbbell Romanian deadlift", 80)
    assert short.endswith(charts.ELLIPSIS)
    assert charts.text_width(short) <= 80


def test_box_overlap_needs_shared_area() -> None:
    a = Box(0, 0, 10, 10)
    assert a.overlaps(Box(5, 5, 15, 15))
    assert not a.overlaps(Box(10, 0, 20, 10))  # touching edges do not overlap
    assert Text(5, 10, "ab", "start").box.left == 5
    assert Text(5, 10, "ab", "end").box.right == 5


# No time limit per example: laying out 60 labels takes a few milliseconds, but the two shared
# CI cores sometimes stall one past Hypothesis's 200 ms and fail a correct layout.
PROPERTY = settings(deadline=None)
LABEL = st.text(st.sampled_from("0123456789 abcdefghijklmnopqrstuvwxyzMW%()–-"), max_size=14)
VALUES = st.floats(0, 500, allow_nan=False)


@PROPERTY
@given(st.lists(st.tuples(LABEL, VALUES, VALUES), min_size=1, max_size=60), st.booleans())
def test_no_text_collides_or_leaves_a_line_chart(
    rows: list[tuple[str, float, float]], fixed: bool
) -> None:
    labels = [label for label, _, _ in rows]
    series = {"a": [a for _, a, _ in rows], "b": [b for _, _, b in rows]}
    chart = charts.line_chart(labels, series, axes=AXES, y_max=500 if fixed else None)
    assert not collisions(chart)
    assert not outside(chart)


@PROPERTY
@given(st.lists(st.tuples(LABEL, VALUES), min_size=1, max_size=30))
def test_no_text_collides_or_leaves_a_bar_chart(rows: list[tuple[str, float]]) -> None:
    chart = charts.bar_chart([r[0] for r in rows], {"done": [r[1] for r in rows]}, axes=AXES)
    assert not collisions(chart)
    assert not outside(chart)


@PROPERTY
@given(st.lists(st.tuples(st.text(max_size=60), st.floats(0, 100)), min_size=1, max_size=12))
def test_no_text_collides_or_leaves_a_horizontal_bar_chart(rows: list[tuple[str, float]]) -> None:
    chart = charts.hbar_chart(
        [r[0] for r in rows],
        [r[1] for r in rows],
        name="faults",
        axes=Axes("% of sets with a form fault", "Exercise"),
        value_max=100,
        suffix="%",
    )
    assert not collisions(chart)
    assert not outside(chart)
