"""Typed values of screening: red flags, STarT Back answers and the verdict."""

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "Bothersomeness",
    "RedFlag",
    "Risk",
    "ScreeningAnswers",
    "ScreeningResult",
    "StartBackAnswers",
    "StartBackResult",
    "Verdict",
]


class Verdict(StrEnum):
    """What screening allows, mildest first, so `max()` picks the most serious."""

    PROCEED = "proceed"
    SEE_CLINICIAN = "see_clinician"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return list(Verdict).index(self)


class Risk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Bothersomeness(StrEnum):
    """STarT Back item 9: how bothersome the back pain has been in the last two weeks."""

    NOT_AT_ALL = "not_at_all"
    SLIGHTLY = "slightly"
    MODERATELY = "moderately"
    VERY_MUCH = "very_much"
    EXTREMELY = "extremely"


@dataclass(frozen=True)
class RedFlag:
    """One yes/no question; a "yes" leads to `severity` (within the age range, if the flag has one)."""

    id: str
    question: str
    severity: Verdict
    reason: str
    over_age: int | None = None
    under_age: int | None = None

    def applies_at(self, age: int) -> bool:
        """True when a "yes" counts at this age: always, unless the flag is age-bound."""
        if self.over_age is None and self.under_age is None:
            return True
        over = self.over_age is not None and age > self.over_age
        under = self.under_age is not None and age < self.under_age
        return over or under

    @property
    def age_condition(self) -> str | None:
        """The ages at which a "yes" counts, in words; None when it always counts."""
        parts = []
        if self.under_age is not None:
            parts.append(f"under {self.under_age}")
        if self.over_age is not None:
            parts.append(f"over {self.over_age}")
        return " or ".join(parts) or None


@dataclass(frozen=True)
class StartBackAnswers:
    """Items 1-8 as agree (True) / disagree (False); item 9 as bothersomeness."""

    agree: tuple[bool, bool, bool, bool, bool, bool, bool, bool]
    bothersome: Bothersomeness


@dataclass(frozen=True)
class StartBackResult:
    total: int
    psychosocial: int
    risk: Risk


@dataclass(frozen=True)
class ScreeningAnswers:
    red_flags: dict[str, bool]
    startback: StartBackAnswers
    age: int


@dataclass(frozen=True)
class ScreeningResult:
    """The verdict, why, and the words the person sees."""

    verdict: Verdict
    reasons: tuple[str, ...]
    message: str
    flags: tuple[str, ...]
    startback: StartBackResult
