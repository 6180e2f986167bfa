"""Scoring NRS, ODI and RMDQ, and judging change against the minimal important change.

Sources (CLINICAL.md, "Outcome measures"): NRS MCID 2 points or 30 % (Farrar et al. 2001;
Ostelo et al. 2008, Spine 33:90); ODI scoring and bands (Fairbank & Pynsent 2000), MCID 10
points or 30 %; RMDQ 0-24, MCID 5 points or 30 % (Ostelo et al. 2008).
"""

from collections.abc import Sequence
from math import isclose

from backchain.errors import ScoringError
from backchain.outcomes.models import Change, Direction, Measure, Score

__all__ = [
    "MCID_PERCENT",
    "MCID_POINTS",
    "ODI_BANDS",
    "ODI_SECTIONS",
    "ODI_SECTION_MAX",
    "ODI_SECTION_TOPICS",
    "RMDQ_ITEMS",
    "change",
    "score_answers",
    "score_nrs",
    "score_odi",
    "score_rmdq",
]

NRS_MAX = 10
ODI_SECTIONS = 10
# The ODI's section topics (Fairbank & Pynsent 2000). Under each, Backchain asks six statements
# in its own words (`paraphrase.ODI_STATEMENTS`), 0 (no problem) to 5 (the most severe).
ODI_SECTION_TOPICS = (
    "Pain intensity",
    "Personal care (washing, dressing)",
    "Lifting",
    "Walking",
    "Sitting",
    "Standing",
    "Sleeping",
    "Sex life (leave unanswered if it does not apply)",
    "Social life",
    "Travelling",
)
ODI_SECTION_MAX = 5
RMDQ_ITEMS = 24

# ODI bands by upper bound, inclusive, in percent. A fractional score between two published
# bands (e.g. 20.5 between 0-20 and 21-40) belongs to the higher one.
ODI_BANDS: tuple[tuple[float, str], ...] = (
    (20, "minimal"),
    (40, "moderate"),
    (60, "severe"),
    (80, "crippling"),
    (100, "bed-bound"),
)

MCID_POINTS = {Measure.NRS: 2.0, Measure.ODI: 10.0, Measure.RMDQ: 5.0}
MCID_PERCENT = 30.0  # the same relative threshold for all three measures


def score_nrs(pain: int) -> Score:
    """Pain on the 0-10 numeric rating scale; CLINICAL.md gives it no bands."""
    if isinstance(pain, bool) or not isinstance(pain, int) or not 0 <= pain <= NRS_MAX:
        raise ScoringError(f"Pain must be a whole number from 0 to {NRS_MAX}, got {pain!r}.")
    return Score(Measure.NRS, float(pain), answered=1)


def score_odi(sections: Sequence[int | None]) -> Score:
    """ODI percent = sum / (5 x sections answered) x 100; unanswered sections (None) are left out."""
    if len(sections) != ODI_SECTIONS:
        raise ScoringError(f"The ODI has {ODI_SECTIONS} sections, got {len(sections)} answers.")
    answered = [_odi_section(number, value) for number, value in enumerate(sections, start=1)]
    scores = [value for value in answered if value is not None]
    if not scores:
        raise ScoringError("No ODI section is answered; answer at least one section.")
    percent = round(sum(scores) / (ODI_SECTION_MAX * len(scores)) * 100, 1)
    band = next(name for upper, name in ODI_BANDS if percent <= upper)
    return Score(Measure.ODI, percent, band=band, answered=len(scores))


def _odi_section(number: int, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= ODI_SECTION_MAX:
        raise ScoringError(
            f"ODI section {number} must be 0 to {ODI_SECTION_MAX} or null (unanswered), got {value!r}."
        )
    return value


def score_rmdq(items: Sequence[bool]) -> Score:
    """RMDQ: the number of the 24 statements that apply (0-24); CLINICAL.md gives it no bands."""
    if len(items) != RMDQ_ITEMS:
        raise ScoringError(f"The RMDQ has {RMDQ_ITEMS} items, got {len(items)} answers.")
    for number, value in enumerate(items, start=1):
        if not isinstance(value, bool):
            raise ScoringError(f"RMDQ item {number} must be true or false, got {value!r}.")
    return Score(Measure.RMDQ, float(sum(items)), answered=RMDQ_ITEMS)


def change(before: Score, after: Score) -> Change:
    """Important when the change reaches the MCID in points or 30 % of `before`, either way."""
    if before.measure is not after.measure:
        raise ScoringError(
            f"Cannot compare a {before.measure.value.upper()} score with a "
            f"{after.measure.value.upper()} score."
        )
    points = round(after.score - before.score, 1)
    relative = None if before.score == 0 else abs(points) / before.score * 100
    reaches_points = _at_least(abs(points), MCID_POINTS[before.measure])
    reaches_percent = relative is not None and _at_least(relative, MCID_PERCENT)
    if points < 0:
        direction = Direction.IMPROVED
    elif points > 0:
        direction = Direction.WORSENED
    else:
        direction = Direction.UNCHANGED
    return Change(
        measure=before.measure,
        before=before.score,
        after=after.score,
        points=points,
        percent=None if relative is None else round(relative, 1),
        important=points != 0 and (reaches_points or reaches_percent),
        direction=direction,
    )


def _at_least(value: float, threshold: float) -> bool:
    # Scores carry one decimal; don't let float noise push an exact 30 % below the line.
    return value > threshold or isclose(value, threshold, abs_tol=1e-9)


_ANSWER_FORMS = {
    Measure.NRS: ("pain", "a whole number 0-10"),
    Measure.ODI: ("sections", f"a list of {ODI_SECTIONS} values 0-5 or null"),
    Measure.RMDQ: ("items", f"a list of {RMDQ_ITEMS} true/false values"),
}


def score_answers(measure: Measure, data: object) -> Score:
    """Score answers in the `backchain score` file format: {"pain"|"sections"|"items": ...}."""
    key, form = _ANSWER_FORMS[measure]
    if not isinstance(data, dict) or key not in data:
        raise ScoringError(
            f'{measure.value.upper()} answers must be a JSON object with "{key}": {form}.'
        )
    value = data[key]
    if measure is Measure.NRS:
        return score_nrs(value)
    if not isinstance(value, list):
        raise ScoringError(f'"{key}" must be {form}.')
    return score_odi(value) if measure is Measure.ODI else score_rmdq(value)
