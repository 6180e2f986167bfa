"""Minimal clinically important change (CLINICAL.md): NRS 2 points, ODI 10, RMDQ 5, or 30 %."""

import pytest

from backchain.errors import ScoringError
from backchain.outcomes import Direction, Measure, Score, change

IMPROVED, WORSENED, UNCHANGED = Direction.IMPROVED, Direction.WORSENED, Direction.UNCHANGED


@pytest.mark.parametrize(
    ("measure", "before", "after", "points", "percent", "important", "direction"),
    [
        (Measure.NRS, 6, 4, -2, 33.3, True, IMPROVED),  # 2 points
        (Measure.NRS, 7, 6, -1, 14.3, False, IMPROVED),
        (Measure.NRS, 3, 2, -1, 33.3, True, IMPROVED),  # 30 % rule
        (Measure.NRS, 10, 7, -3, 30.0, True, IMPROVED),  # exactly 30 %
        (Measure.NRS, 5, 5, 0, 0.0, False, UNCHANGED),
        (Measure.NRS, 0, 1, 1, None, False, WORSENED),  # no percent from zero
        (Measure.NRS, 4, 6, 2, 50.0, True, WORSENED),
        (Measure.ODI, 40, 31, -9, 22.5, False, IMPROVED),
        (Measure.ODI, 40, 30, -10, 25.0, True, IMPROVED),  # 10 points
        (Measure.ODI, 20, 14, -6, 30.0, True, IMPROVED),  # 30 %
        (Measure.ODI, 35.6, 28.9, -6.7, 18.8, False, IMPROVED),
        (Measure.RMDQ, 10, 6, -4, 40.0, True, IMPROVED),
        (Measure.RMDQ, 20, 16, -4, 20.0, False, IMPROVED),
        (Measure.RMDQ, 20, 15, -5, 25.0, True, IMPROVED),  # 5 points
        (Measure.RMDQ, 8, 12, 4, 50.0, True, WORSENED),
    ],
)
def test_change_table(
    measure: Measure,
    before: float,
    after: float,
    points: float,
    percent: float | None,
    important: bool,
    direction: Direction,
) -> None:
    result = change(Score(measure, before), Score(measure, after))
    assert result.points == points
    assert result.percent == percent
    assert result.important is important
    assert result.direction is direction


def test_different_measures_cannot_be_compared() -> None:
    with pytest.raises(ScoringError, match="Cannot compare a ODI score with a RMDQ score"):
        change(Score(Measure.ODI, 40), Score(Measure.RMDQ, 10))
