"""Pain, disability, adherence, volume and form quality arranged as charts, for the progress page
and the PDF report: both draw the same charts from the same counts.

Only arranges what the journal stored; clinically important change comes from `outcomes`. Each
function takes an optional `Period`: without one it covers everything stored, as the progress
page does; with one, only what happened in it, as a report does.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from backchain import outcomes
from backchain.errors import BackchainError, CatalogueError
from backchain.exercises import Catalogue, load_catalogue
from backchain.journal import Journal
from backchain.outcomes import MCID_PERCENT, MCID_POINTS, Measure, Score
from backchain.programs.models import SessionLog
from backchain.web import charts

__all__ = [
    "ADHERENCE_AXES",
    "FAULT_AXES",
    "MEASURE_NAME",
    "NEXT_MORNING",
    "PAIN_AFTER",
    "PAIN_AXES",
    "PAIN_MAX",
    "PEAK_PAIN",
    "SCALE_MAX",
    "UNKNOWN_EXERCISE",
    "VOLUME_AXES",
    "Disability",
    "Period",
    "WeekCount",
    "adherence",
    "adherence_chart",
    "disability",
    "disability_charts",
    "exercise_name",
    "fault_chart",
    "in_or_just_before",
    "logs_in",
    "pain_chart",
    "plan_weeks",
    "volume_chart",
]

ONE_WEEK = timedelta(days=7)
PAIN_MAX = 10
PERCENT = 100
SCALE_MAX = {Measure.ODI: 100.0, Measure.RMDQ: 24.0}  # the top of each questionnaire's scale
MEASURE_NAME = {Measure.ODI: "Oswestry Disability Index", Measure.RMDQ: "Roland–Morris score"}
MEASURE_AXIS = {
    Measure.ODI: "ODI score (%)",
    Measure.RMDQ: f"RMDQ score (0–{SCALE_MAX[Measure.RMDQ]:g})",
}
PEAK_PAIN, PAIN_AFTER, NEXT_MORNING = "Peak pain", "Pain after", "Next morning"  # pain series
PAIN_AXES = charts.Axes(x="Session date", y=f"Pain (0–{PAIN_MAX})")
ADHERENCE_AXES = charts.Axes(x="Plan week", y="Sessions per week")
VOLUME_AXES = charts.Axes(x="Plan week", y="Reps per week")
FAULT_AXES = charts.Axes(x="% of sets with a form fault", y="Exercise")
# An exercise id the catalogue does not know (logged by another version of Backchain and
# imported): its numbers are still shown, under its id.
UNKNOWN_EXERCISE = "Unknown exercise ({id})"

_T = TypeVar("_T")


@dataclass(frozen=True)
class Period:
    """The days a report covers, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise BackchainError(
                f"The period ends on {self.end.isoformat()}, before it starts on "
                f"{self.start.isoformat()}; give an end date on or after the start date."
            )

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True)
class Disability:
    """One questionnaire's scores over time, with the line a clinically important change crosses.

    `change`, from the first score to the last, is None while there is only one score.
    """

    measure: Measure
    name: str
    chart: charts.Chart
    summary: str
    scores: tuple[tuple[date, Score], ...]
    change: outcomes.Change | None


@dataclass(frozen=True)
class WeekCount:
    """One plan week: sessions planned and sessions done (within the period, when given)."""

    week: int
    first_day: date
    planned: int
    done: int


def logs_in(state: Journal, period: Period | None = None) -> list[tuple[int, SessionLog]]:
    """The logged sessions (with their ids) in the period; all of them without one."""
    return [(i, log) for i, log in state.logs if period is None or log.date in period]


def pain_chart(state: Journal, period: Period | None = None) -> charts.Chart:
    """Peak pain, pain after and next-morning pain for each session."""
    logs = logs_in(state, period)
    labels = [f"{log.date:%d %b}" for _, log in logs]
    morning = [
        None if (c := state.checkins.get(log_id)) is None else float(c.pain) for log_id, _ in logs
    ]
    series: dict[str, list[float | None]] = {
        PEAK_PAIN: [float(log.peak_pain) for _, log in logs],
        PAIN_AFTER: [float(log.pain_after) for _, log in logs],
        NEXT_MORNING: morning,
    }
    return charts.line_chart(labels, series, axes=PAIN_AXES, y_max=PAIN_MAX)


def disability_charts(
    scores: Sequence[tuple[date, Score]], period: Period | None = None
) -> list[Disability]:
    """A chart for each disability questionnaire answered, ODI first."""
    return [d for m in SCALE_MAX if (d := disability(m, scores, period)) is not None]


def disability(
    measure: Measure, scores: Sequence[tuple[date, Score]], period: Period | None = None
) -> Disability | None:
    """One questionnaire's scores, counted from the first; None when it was never answered.

    With a period: the scores taken in it, counted from the latest score before it (the
    person's level as the period began), or from its own first score when there is none.
    """
    taken = _taken(measure, scores, period)
    if not taken:
        return None
    first = taken[0][1]
    # outcomes.change counts MCID points or 30 %, whichever is reached first: the nearer line.
    needed = MCID_POINTS[measure]
    if first.score > 0:
        needed = min(needed, first.score * MCID_PERCENT / PERCENT)
    target = max(first.score - needed, 0.0)
    labels = [f"{day:%d %b %Y}" for day, _ in taken]
    chart = charts.line_chart(
        labels,
        {MEASURE_NAME[measure]: [s.score for _, s in taken]},
        axes=charts.Axes(x="Date taken", y=MEASURE_AXIS[measure]),
        y_max=SCALE_MAX[measure],
        reference=target,
        reference_label=f"Important improvement: {target:g} or lower",
    )
    if len(taken) < 2:
        found = None
        summary = f"First score {first.score:g}. An important improvement is {target:g} or lower."
    else:
        found = outcomes.change(first, taken[-1][1])
        size = "a clinically important" if found.important else "not yet an important"
        summary = (
            f"From {found.before:g} to {found.after:g} ({found.points:+g} points): "
            f"{size} change ({found.direction.value})."
        )
    return Disability(measure, MEASURE_NAME[measure], chart, summary, tuple(taken), found)


def _taken(
    measure: Measure, scores: Sequence[tuple[date, Score]], period: Period | None
) -> list[tuple[date, Score]]:
    taken = [(day, score) for day, score in scores if score.measure is measure]
    return taken if period is None else in_or_just_before(taken, lambda t: t[0], period)


def in_or_just_before(
    items: Sequence[_T],
    day_of: Callable[[_T], date],
    period: Period,
    *,
    key: Callable[[_T], Hashable] = lambda _: None,
) -> list[_T]:
    """Of items stored oldest first: the latest one dated before the period (one per `key`),
    which held as the period began, then every one dated in it."""
    latest: dict[Hashable, _T] = {}
    for item in items:
        if day_of(item) < period.start:
            latest[key(item)] = item
    return [*latest.values(), *(item for item in items if day_of(item) in period)]


def plan_weeks(state: Journal, *, until: date, since: date | None = None) -> list[tuple[int, date]]:
    """(week number, first day) for each plan week begun by `until` and not over before `since`."""
    firsts = [
        (week.week, state.plan.start + i * ONE_WEEK) for i, week in enumerate(state.plan.weeks)
    ]
    return [
        (number, first)
        for number, first in firsts
        if first <= until and (since is None or first + ONE_WEEK > since)
    ]


def _week_of(state: Journal, log: SessionLog) -> int:
    return (log.date - state.plan.start).days // ONE_WEEK.days + 1


def adherence(
    state: Journal, weeks: Sequence[tuple[int, date]], period: Period | None = None
) -> list[WeekCount]:
    """Sessions planned and done in each of these weeks; with a period, only the days in it."""
    done: dict[int, int] = defaultdict(int)
    for _, log in logs_in(state, period):
        done[_week_of(state, log)] += 1
    planned = {
        week.week: sum(1 for s in week.sessions if period is None or s.date in period)
        for week in state.plan.weeks
    }
    return [WeekCount(number, first, planned[number], done[number]) for number, first in weeks]


def adherence_chart(counts: Sequence[WeekCount]) -> charts.Chart:
    labels = [str(count.week) for count in counts]
    series = {
        "Planned": [float(count.planned) for count in counts],
        "Done": [float(count.done) for count in counts],
    }
    return charts.bar_chart(labels, series, axes=ADHERENCE_AXES)


def volume_chart(
    state: Journal, weeks: Sequence[tuple[int, date]], period: Period | None = None
) -> charts.Chart:
    """Reps per exercise per week (sets × reps); a hold without reps counts as one."""
    catalogue = load_catalogue()
    totals: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for _, log in logs_in(state, period):
        for exercise in log.exercises:
            reps = sum(s.reps if s.reps is not None else 1 for s in exercise.sets)
            totals[exercise.exercise][_week_of(state, log)] += reps
    labels = [str(number) for number, _ in weeks]
    series: dict[str, list[float | None]] = {
        exercise_name(catalogue, exercise): [by_week.get(number, 0.0) for number, _ in weeks]
        for exercise, by_week in totals.items()
    }
    return charts.line_chart(labels, series, axes=VOLUME_AXES)


def fault_chart(state: Journal, period: Period | None = None) -> charts.Chart:
    """Share of logged sets with any form fault, per exercise."""
    catalogue = load_catalogue()
    sets: dict[str, int] = defaultdict(int)
    faulty: dict[str, int] = defaultdict(int)
    for _, log in logs_in(state, period):
        for exercise in log.exercises:
            for s in exercise.sets:
                sets[exercise.exercise] += 1
                faulty[exercise.exercise] += bool(s.faults)
    labels = [exercise_name(catalogue, e) for e in sets]
    rate = [round(faulty[e] / sets[e] * PERCENT, 1) for e in sets]
    return charts.hbar_chart(
        labels,
        rate,
        name="Sets with a form fault (%)",
        axes=FAULT_AXES,
        value_max=PERCENT,
        suffix="%",
    )


def exercise_name(catalogue: Catalogue, exercise_id: str) -> str:
    """The exercise's name, or its id under `UNKNOWN_EXERCISE` when the catalogue lacks it."""
    try:
        return catalogue.get(exercise_id).name
    except CatalogueError:
        return UNKNOWN_EXERCISE.format(id=exercise_id)
