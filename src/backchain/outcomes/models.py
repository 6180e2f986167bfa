"""Typed values of outcome measures: a scored questionnaire, a change between two scores, and
the wording a questionnaire's items are asked in."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import Field

__all__ = [
    "PARAPHRASE_WORDING",
    "Change",
    "Direction",
    "Item",
    "Measure",
    "PainScore",
    "Questionnaire",
    "Score",
    "Wording",
]

PainScore = Annotated[int, Field(ge=0, le=10)]
# The wording a stored questionnaire was answered in: Backchain's own plain paraphrase, unless
# the official wording was loaded from a file (CLINICAL.md: say which wording was used).
PARAPHRASE_WORDING = "backchain"


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


class Questionnaire(StrEnum):
    """The questionnaires a person answers item by item; the value names their wording file."""

    STARTBACK = "startback"
    ODI = "odi"
    RMDQ = "rmdq"

    @property
    def full_name(self) -> str:
        return _TITLES[self]


_TITLES = {
    Questionnaire.STARTBACK: "STarT Back Screening Tool",
    Questionnaire.ODI: "Oswestry Disability Index (ODI)",
    Questionnaire.RMDQ: "Roland–Morris Disability Questionnaire (RMDQ)",
}


@dataclass(frozen=True)
class Item:
    """One item as asked: its number, its text and, for a choice, the answers in scale order.

    `options` is None for a yes/no (agree/disagree) item. For an ODI section the index of a
    statement is its score; for STarT Back item 9 the index follows `Bothersomeness`.
    """

    id: str
    text: str
    options: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Wording:
    """A questionnaire's items in one wording: Backchain's paraphrase, or one loaded from a file.

    `name` is what the store records with every answer given in this wording.
    """

    questionnaire: Questionnaire
    name: str
    items: tuple[Item, ...]

    @property
    def paraphrase(self) -> bool:
        return self.name == PARAPHRASE_WORDING

    @property
    def label(self) -> str:
        """Says which wording this is, for the page or the terminal that shows the items."""
        title = self.questionnaire.full_name
        if self.paraphrase:
            return (
                f"Backchain's own wording of the {title}: a plain paraphrase of each item, "
                "not the official text."
            )
        return f"The {title} in the wording “{self.name}”."
