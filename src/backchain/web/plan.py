"""The plan as a calendar: weeks as rows, training days as cells, each session one tap away."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from backchain.exercises import load_catalogue
from backchain.journal import Journal
from backchain.programs.ladder import rung
from backchain.programs.models import (
    Load,
    Plan,
    PlannedSession,
    PlanWeek,
    Prescription,
    Weekday,
)
from backchain.web.deps import JournalDep, get_journal
from backchain.web.errors import NotFoundError
from backchain.web.templating import templates

# JournalDep and get_journal live in `deps`; named here too for the routers that import them
# from this module.
__all__ = [
    "JournalDep",
    "Row",
    "clinician_changes",
    "get_journal",
    "load_text",
    "router",
    "rows",
    "version_name",
]

router = APIRouter(prefix="/plan", tags=["plan"])


@dataclass(frozen=True)
class Row:
    """One prescription as the pages show it."""

    name: str
    exercise: str
    dose: str
    load: str
    reason: str
    change: str = ""  # a clinician's change or hold in force, with who and why


def clinician_changes(journal: Journal) -> dict[str, str]:
    """Each exercise's clinician change or hold in force: who made it, and why."""
    return {
        exercise: state.change.reason
        for exercise, state in journal.states.items()
        if state.change is not None
    }


def version_name(exercise: str, variation: str) -> str:
    """The name of the version of an exercise in use, e.g. "Partial glute bridge"."""
    return rung(load_catalogue().get(exercise), variation).name


def load_text(load: Load | None) -> str:
    if load is None:
        return ""
    return f"{load.kg:g} kg" if load.kg is not None else f"{load.band} band"


def rows(
    prescriptions: Iterable[Prescription],
    loads: Mapping[str, Load | None] | None = None,
    changes: Mapping[str, str] | None = None,
) -> list[Row]:
    """Prescriptions with their version names, doses, loads, reasons and clinician changes."""
    loads = loads or {}
    changes = changes or {}
    return [
        Row(
            name=version_name(p.exercise, p.variation),
            exercise=p.exercise,
            dose=p.dosage.describe(),
            load=load_text(loads.get(p.exercise)),
            reason=p.reason,
            change=changes.get(p.exercise, ""),
        )
        for p in prescriptions
    ]


def _columns(plan: Plan) -> list[Weekday]:
    """The training days, in the order they come from the plan's first day."""
    days = {s.date.weekday() for week in plan.weeks for s in week.sessions}
    first = plan.start.weekday()
    ordered = sorted(days, key=lambda number: (number - first) % len(Weekday))
    return [list(Weekday)[number] for number in ordered]


def _cells(week: PlanWeek, columns: Sequence[Weekday]) -> list[PlannedSession | None]:
    by_day = {s.date.weekday(): s for s in week.sessions}
    return [by_day.get(day.number) for day in columns]


@router.get("", response_class=HTMLResponse)
def plan_page(request: Request, state: JournalDep) -> HTMLResponse:
    """The whole program; today's session is marked, each session links to its exercises."""
    plan = state.plan
    columns = _columns(plan)
    today = date.today()
    context = {
        "plan": plan,
        "columns": columns,
        "weeks": [(week, _cells(week, columns)) for week in plan.weeks],
        "today": today,
        "logged": set(state.done),  # the planned dates a log stands for
        "desk_break": None if plan.desk_break is None else rows(plan.desk_break.exercises),
        "desk_note": None if plan.desk_break is None else plan.desk_break.note,
        "phases": list(dict.fromkeys(week.phase for week in plan.weeks)),
        "changes": [
            (version_name(exercise, state.variation), state.change)
            for exercise, state in state.states.items()
            if state.change is not None
        ],
    }
    return templates.TemplateResponse(request, "plan.html", context)


@router.get("/{day}", response_class=HTMLResponse)
def plan_session(request: Request, day: date, state: JournalDep) -> HTMLResponse:
    """One planned session: each exercise with its dose, and why it is in the plan."""
    for week in state.plan.weeks:
        for planned in week.sessions:
            if planned.date == day:
                context = {
                    "week": week,
                    "session": planned,
                    "rows": rows(planned.exercises, changes=clinician_changes(state)),
                    "is_today": day == date.today(),
                }
                return templates.TemplateResponse(request, "plan_session.html", context)
    raise NotFoundError(
        title="No session that day",
        detail=f"Your plan has no session on {day:%A %d %B %Y}; see the plan for your training days.",
    )
