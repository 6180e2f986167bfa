"""Rich views of plans, sessions, decisions and history for the terminal."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from rich.panel import Panel
from rich.table import Table

from backchain.cli.common import console
from backchain.exercises import Catalogue, load_catalogue
from backchain.outcomes import Score
from backchain.programs.ladder import rung
from backchain.programs.models import (
    CheckIn,
    Decision,
    DecisionKind,
    DeskBreak,
    Load,
    Plan,
    Prescription,
    SessionLog,
    Weekday,
)

__all__ = [
    "decisions_table",
    "desk_break",
    "history_table",
    "load_text",
    "plan_calendar",
    "scores_table",
    "session_table",
    "show_pause",
]

PHASE_STYLE = {"foundation": "cyan", "build": "magenta", "strength": "green"}
KIND_STYLE = {
    DecisionKind.PROGRESS: "green",
    DecisionKind.REPEAT: "white",
    DecisionKind.REDUCE: "yellow",
    DecisionKind.REGRESS: "yellow",
    DecisionKind.PAUSE: "bold red",
    DecisionKind.RESUME: "green",
}


def load_text(load: Load | None) -> str:
    if load is None:
        return ""
    return f"{load.kg:g} kg" if load.kg is not None else f"{load.band} band"


def plan_calendar(plan: Plan, *, today: date, logged: Iterable[date] = ()) -> Table:
    """Weeks as rows, weekdays as columns; today in reverse video, done sessions ticked."""
    done = set(logged)
    table = Table(title=f"Your {len(plan.weeks)}-week plan from {plan.start:%d %b %Y}")
    table.add_column("week", justify="right")
    table.add_column("phase")
    for day in Weekday:
        table.add_column(day.value[:3].title(), justify="center")
    for week in plan.weeks:
        cells = [""] * len(Weekday)
        for session in week.sessions:
            mark = "✓" if session.date in done else "●"
            text = f"{mark} {session.date:%d %b}\n{len(session.exercises)} ex"
            style = "reverse" if session.date == today else ""
            cells[session.date.weekday()] = f"[{style}]{text}[/]" if style else text
        phase = f"[{PHASE_STYLE[week.phase]}]{week.phase}[/]"
        table.add_row(str(week.week), phase, *cells)
    return table


def session_table(
    prescriptions: Sequence[Prescription], catalogue: Catalogue, loads: Mapping[str, Load | None]
) -> Table:
    table = Table(show_lines=True)
    for column in ("#", "exercise", "dose", "load", "why"):
        table.add_column(column)
    for number, p in enumerate(prescriptions, start=1):
        version = rung(catalogue.get(p.exercise), p.variation)
        name = f"[bold]{version.name}[/bold]\n[dim]{p.exercise}[/dim]"
        table.add_row(
            str(number), name, p.dosage.describe(), load_text(loads.get(p.exercise)), p.reason
        )
    return table


def decisions_table(decisions: Sequence[Decision], catalogue: Catalogue) -> Table:
    table = Table(title="What changes next time", show_lines=True)
    for column in ("exercise", "decision", "next time", "why"):
        table.add_column(column)
    for d in decisions:
        exercise = "whole program" if d.exercise is None else catalogue.get(d.exercise).name
        after = ""
        if d.exercise is not None and d.variation is not None:
            after = rung(catalogue.get(d.exercise), d.variation).name
            after += f" · {load_text(d.load)}" if d.load else ""
        kind = f"[{KIND_STYLE[d.kind]}]{d.kind}[/]"
        table.add_row(exercise, kind, after, d.reason)
    return table


def desk_break(routine: DeskBreak | None) -> None:
    """The movement break for long sitting days, when the plan has one."""
    if routine is None:
        return
    catalogue = load_catalogue()
    moves = [
        f"{rung(catalogue.get(p.exercise), p.variation).name} ({p.dosage.describe().rsplit(', rest', 1)[0]})"
        for p in routine.exercises
    ]
    console.print(f"[bold]Desk break:[/bold] {routine.note}\n  " + "; ".join(moves))


def show_pause(pause: Decision) -> None:
    console.print(
        Panel(
            f"{pause.reason}\n\nWhen a clinician has checked you, run [bold]backchain resume[/bold] "
            "to answer the safety questions again.",
            title="Training is paused",
            border_style="red",
        )
    )


def history_table(
    logs: Sequence[tuple[SessionLog, CheckIn | None, Sequence[Decision]]],
) -> Table:
    table = Table(title="Sessions")
    for column in ("date", "done", "peak pain", "pain after", "next morning", "decisions"):
        table.add_column(column)
    for log, checkin, decisions in logs:
        done = f"{len(log.exercises)} done"
        done += f", {len(log.skipped)} skipped" if log.skipped else ""
        morning = "" if checkin is None else f"{checkin.compared} ({checkin.pain}/10)"
        kinds = sorted({d.kind.value for d in decisions})
        table.add_row(
            log.date.isoformat(),
            done,
            f"{log.peak_pain}/10",
            f"{log.pain_after}/10",
            morning,
            ", ".join(kinds),
        )
    return table


def scores_table(scores: Sequence[tuple[date, Score]]) -> Table:
    table = Table(title="Questionnaires")
    for column in ("date", "measure", "score", "band"):
        table.add_column(column)
    for taken_on, score in scores:
        table.add_row(
            taken_on.isoformat(), score.measure.upper(), f"{score.score:g}", score.band or ""
        )
    return table
