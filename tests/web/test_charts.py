"""The chart layout helpers: values land inside the viewBox, in order, with their table rows."""

import pytest

from backchain.web import charts


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
        ["a", "b", "c"], {"pain": [0, 10, 5], "morning": [None, 4, None]}, y_max=10
    )
    pain, morning = chart.lines
    assert [p.value for p in pain.points] == [0, 10, 5]
    assert len(morning.points) == 1
    for p in pain.points:
        assert chart.left <= p.x <= chart.right
        assert chart.top <= p.y <= chart.bottom
    assert pain.points[0].y == chart.bottom  # 0 sits on the x axis
    assert pain.points[1].y == chart.top  # the maximum touches the top
    assert pain.points[0].x < pain.points[1].x < pain.points[2].x
    assert chart.rows == (("a", ("0", "")), ("b", ("10", "4")), ("c", ("5", "")))
    assert not chart.empty


def test_values_beyond_the_scale_are_clamped() -> None:
    chart = charts.line_chart(["a"], {"s": [30]}, y_max=10)
    assert chart.lines[0].points[0].y == chart.top


def test_reference_line_sits_at_its_value() -> None:
    chart = charts.line_chart(["a", "b"], {"odi": [40, 28]}, y_max=100, reference=30)
    assert chart.reference is not None
    assert chart.reference.position == pytest.approx(
        charts.scale(30, 0, 100, chart.bottom, chart.top)
    )


def test_bars_group_by_label_and_grow_from_the_axis() -> None:
    chart = charts.bar_chart(["w1", "w2"], {"planned": [3, 3], "done": [3, 1]})
    assert len(chart.bars) == 4
    planned_w1, planned_w2, done_w1, done_w2 = chart.bars
    assert planned_w1.x < done_w1.x < planned_w2.x < done_w2.x
    assert done_w2.height == pytest.approx(planned_w1.height / 3)
    for bar in chart.bars:
        assert bar.y + bar.height == pytest.approx(chart.bottom)
        assert chart.left <= bar.x
        assert bar.x + bar.width <= chart.right


def test_empty_data_gives_an_empty_chart() -> None:
    assert charts.line_chart([], {"pain": []}, y_max=10).empty
    assert charts.bar_chart([], {"done": []}).empty
    assert charts.line_chart(["a"], {"pain": [None]}, y_max=10).empty


def test_long_series_label_only_some_ticks() -> None:
    labels = [str(i) for i in range(20)]
    chart = charts.line_chart(labels, {"s": [1.0] * 20}, y_max=2)
    assert len(chart.x_ticks) <= charts.MAX_X_LABELS
    assert chart.x_ticks[0].label == "0"
