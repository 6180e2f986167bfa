"""Typed values of screening: red flags, STarT Back answers and the verdict."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "Bothersomeness",
    "Clearance",
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
    condition: str | None = None  # when a "yes" counts, in words, beyond the question itself

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

    @property
    def applies_when(self) -> str | None:
        """When a "yes" counts, in words, for `--list-flags`; None when it always counts."""
        age = self.age_condition
        return f"age {age}" if age is not None else self.condition

    @property
    def clearable(self) -> bool:
        """CLINICAL.md: a clinician's clearance lifts a "see a clinician" flag; urgent flags need
        care the same day and are never cleared in the app."""
        return self.severity is Verdict.SEE_CLINICIAN


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
class Clearance:
    """The person's word that a clinician assessed these "see a clinician" flags and cleared them
    to exercise (CLINICAL.md, "Clearance")."""

    flags: tuple[str, ...]
    date: date
    by: str | None = None


@dataclass(frozen=True)
class ScreeningAnswers:
    red_flags: dict[str, bool]
    startback: StartBackAnswers
    age: int
    clearance: Clearance | None = None


@dataclass(frozen=True)
class ScreeningResult:
    """The verdict, why, and the words the person sees."""

    verdict: Verdict
    reasons: tuple[str, ...]
    message: str
    flags: tuple[str, ...]
    startback: StartBackResult
    cleared: tuple[str, ...] = ()  # the raised flags a clinician's clearance covers
    clearance: Clearance | None = None
