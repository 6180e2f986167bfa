"""The progress page: pain, disability, adherence, volume and form quality as charts.

Only arranges what the journal stored; clinically important change comes from `outcomes`.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from backchain import outcomes
from backchain.errors import CatalogueError
from backchain.exercises import Catalogue, load_catalogue
from backchain.journal import NO_PROGRAM, Journal, find_journal
from backchain.outcomes import MCID_PERCENT, MCID_POINTS, Measure, Score
from backchain.programs.models import SessionLog
from backchain.store import repository
from backchain.web import charts
from backchain.web.deps import SessionDep
from backchain.web.session import DayDep
from backchain.web.templating import templates

__all__ = ["router"]

router = APIRouter(prefix="/progress", tags=["progress"])

ONE_WEEK = timedelta(days=7)
PAIN_MAX = 10
PERCENT = 100
SCALE_MAX = {Measure.ODI: 100.0, Measure.RMDQ: 24.0}  # the top of each questionnaire's scale
MEASURE_NAME = {Measure.ODI: "Oswestry Disability Index", Measure.RMDQ: "Roland–Morris score"}
MEASURE_AXIS = {
    Measure.ODI: "ODI score (%)",
    Measure.RMDQ: f"RMDQ score (0–{SCALE_MAX[Measure.RMDQ]:g})",
}
PAIN_AXES = charts.Axes(x="Session date", y=f"Pain (0–{PAIN_MAX})")
ADHERENCE_AXES = charts.Axes(x="Plan week", y="Sessions per week")
VOLUME_AXES = charts.Axes(x="Plan week", y="Reps per week")
FAULT_AXES = charts.Axes(x="% of sets with a form fault", y="Exercise")
# An exercise id the catalogue does not know (logged by another version of Backchain and
# imported): its numbers are still shown, under its id.
UNKNOWN_EXERCISE = "Unknown exercise ({id})"


@dataclass(frozen=True)
class Disability:
    """One questionnaire's scores over time, with the line a clinically important change crosses."""

    measure: Measure
    name: str
    chart: charts.Chart
    summary: str


@router.get("", response_class=HTMLResponse)
def progress(request: Request, session: SessionDep, day: DayDep) -> HTMLResponse:
    """All charts, each with its numbers in a table for screen readers."""
    state = find_journal(session)  # one load, in the request's one read transaction
    if state is None:
        return templates.TemplateResponse(request, "progress.html", {"problem": NO_PROGRAM})
    scores = repository.questionnaires(session, person_id=state.person_id)
    weeks = _weeks_so_far(state, day)
    context = {
        "problem": None,
        "pain": _pain(state),
        "disability": [d for m in SCALE_MAX if (d := _disability(m, scores)) is not None],
        "adherence": _adherence(state, weeks),
        "volume": _volume(state, weeks),
        "faults": _fault_rate(state),
    }
    return templates.TemplateResponse(request, "progress.html", context)


def _pain(state: Journal) -> charts.Chart:
    labels = [f"{log.date:%d %b}" for _, log in state.logs]
    morning = [
        None if (c := state.checkins.get(log_id)) is None else float(c.pain)
        for log_id, _ in state.logs
    ]
    series: dict[str, list[float | None]] = {
        "Peak pain": [float(log.peak_pain) for _, log in state.logs],
        "Pain after": [float(log.pain_after) for _, log in state.logs],
        "Next morning": morning,
    }
    return charts.line_chart(labels, series, axes=PAIN_AXES, y_max=PAIN_MAX)


def _disability(measure: Measure, scores: Sequence[tuple[date, Score]]) -> Disability | None:
    taken = [(day, score) for day, score in scores if score.measure is measure]
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
        summary = f"First score {first.score:g}. An important improvement is {target:g} or lower."
    else:
        found = outcomes.change(first, taken[-1][1])
        size = "a clinically important" if found.important else "not yet an important"
        summary = (
            f"From {found.before:g} to {found.after:g} ({found.points:+g} points): "
            f"{size} change ({found.direction.value})."
        )
    return Disability(measure, MEASURE_NAME[measure], chart, summary)


def _weeks_so_far(state: Journal, day: date) -> list[tuple[int, date]]:
    """(week number, first day) for each plan week that has begun by `day`."""
    return [
        (week.week, state.plan.start + i * ONE_WEEK)
        for i, week in enumerate(state.plan.weeks)
        if state.plan.start + i * ONE_WEEK <= day
    ]


def _week_of(state: Journal, log: SessionLog) -> int:
    return (log.date - state.plan.start).days // ONE_WEEK.days + 1


def _adherence(state: Journal, weeks: Sequence[tuple[int, date]]) -> charts.Chart:
    done: dict[int, int] = defaultdict(int)
    for _, log in state.logs:
        done[_week_of(state, log)] += 1
    planned = {week.week: len(week.sessions) for week in state.plan.weeks}
    labels = [str(number) for number, _ in weeks]
    series = {
        "Planned": [float(planned[number]) for number, _ in weeks],
        "Done": [float(done[number]) for number, _ in weeks],
    }
    return charts.bar_chart(labels, series, axes=ADHERENCE_AXES)


def _volume(state: Journal, weeks: Sequence[tuple[int, date]]) -> charts.Chart:
    """Reps per exercise per week (sets × reps); a hold without reps counts as one."""
    catalogue = load_catalogue()
    totals: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for _, log in state.logs:
        for exercise in log.exercises:
            reps = sum(s.reps if s.reps is not None else 1 for s in exercise.sets)
            totals[exercise.exercise][_week_of(state, log)] += reps
    labels = [str(number) for number, _ in weeks]
    series: dict[str, list[float | None]] = {
        _name(catalogue, exercise): [by_week.get(number, 0.0) for number, _ in weeks]
        for exercise, by_week in totals.items()
    }
    return charts.line_chart(labels, series, axes=VOLUME_AXES)


def _fault_rate(state: Journal) -> charts.Chart:
    """Share of logged sets with any form fault, per exercise."""
    catalogue = load_catalogue()
    sets: dict[str, int] = defaultdict(int)
    faulty: dict[str, int] = defaultdict(int)
    for _, log in state.logs:
        for exercise in log.exercises:
            for s in exercise.sets:
                sets[exercise.exercise] += 1
                faulty[exercise.exercise] += bool(s.faults)
    labels = [_name(catalogue, e) for e in sets]
    rate = [round(faulty[e] / sets[e] * PERCENT, 1) for e in sets]
    return charts.hbar_chart(
        labels,
        rate,
        name="Sets with a form fault (%)",
        axes=FAULT_AXES,
        value_max=PERCENT,
        suffix="%",
    )


def _name(catalogue: Catalogue, exercise_id: str) -> str:
    try:
        return catalogue.get(exercise_id).name
    except CatalogueError:
        return UNKNOWN_EXERCISE.format(id=exercise_id)
