"""Typed values of outcome measures: a scored questionnaire and a change between two scores."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import Field

__all__ = ["Change", "Direction", "Measure", "PainScore", "Score"]

PainScore = Annotated[int, Field(ge=0, le=10)]


class Measure(StrEnum):
    """Outcome measures; for all three a lower score is better."""

    NRS = "nrs"
    ODI = "odi"
    RMDQ = "rmdq"


class Direction(StrEnum):
    IMPROVED = "improved"
    WORSENED = "worsened"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Score:
    """A questionnaire result: the score on the measure's own scale and its band, if it has bands."""

    measure: Measure
    score: float
    band: str | None = None
    answered: int | None = None  # items or sections that counted


@dataclass(frozen=True)
class Change:
    """Change from `before` to `after`, and whether it reaches the minimal important change."""

    measure: Measure
    before: float
    after: float
    points: float  # after - before; negative is better
    percent: float | None  # relative to `before`; None when `before` is 0
    important: bool
    direction: Direction
