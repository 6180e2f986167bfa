"""Rich views of plans, sessions, decisions and history for the terminal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from backchain.cli.common import console
from backchain.exercises import Catalogue, load_catalogue
from backchain.outcomes.models import PARAPHRASE_WORDING
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

if TYPE_CHECKING:
    from backchain.store.repository import QuestionnaireRecord, RevisionRecord, ScreeningRecord

__all__ = [
    "decisions_table",
    "desk_break",
    "history_table",
    "load_text",
    "plan_calendar",
    "revisions_table",
    "scores_table",
    "screenings_table",
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
    DecisionKind.SWITCH: "cyan",
    DecisionKind.CHANGE: "magenta",
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
        name = Text.assemble((version.name, "bold"), "\n", (p.exercise, "dim"))
        reason = Text(p.reason)  # not markup: it can quote a skip reason the person typed
        table.add_row(
            str(number), name, p.dosage.describe(), load_text(loads.get(p.exercise)), reason
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
        kind = Text(d.kind.value, style=KIND_STYLE[d.kind])
        # Text, not markup: a reason can quote the person's own words (a skip reason).
        table.add_row(exercise, kind, after, Text(d.reason))
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
    # Text, not markup: the note comes from the stored plan, which an import can write.
    console.print(Text.assemble(("Desk break:", "bold"), f" {routine.note}\n  ", "; ".join(moves)))


def show_pause(pause: Decision) -> None:
    message = Text.assemble(
        pause.reason,  # stored text, which an import can write: not markup
        "\n\nWhen a clinician has checked you, run ",
        ("backchain resume", "bold"),
        " to answer the safety questions again.",
    )
    console.print(Panel(message, title="Training is paused", border_style="red"))


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


def scores_table(scores: Sequence[QuestionnaireRecord]) -> Table:
    table = Table(title="Questionnaires")
    for column in ("date", "measure", "score", "band", "wording"):
        table.add_column(column)
    for record in scores:
        score = record.score
        table.add_row(
            record.taken_on.isoformat(),
            score.measure.upper(),
            f"{score.score:g}",
            Text(score.band or ""),  # Text, not markup: both can come from an imported file
            Text(wording_name(record.wording)),
        )
    return table


def wording_name(wording: str) -> str:
    return "Backchain's paraphrase" if wording == PARAPHRASE_WORDING else wording


def screenings_table(screenings: Sequence[ScreeningRecord]) -> Table:
    table = Table(title="Safety screenings")
    for column in ("when", "result", "clearance"):
        table.add_column(column)
    for record in screenings:
        clearance = record.answers.get("clearance")
        cleared = ""
        if isinstance(clearance, dict):
            by = f" by {clearance['by']}" if clearance.get("by") else ""
            flags = ", ".join(str(f) for f in clearance.get("flags", []))
            cleared = f"{flags}: cleared on {clearance.get('date')}{by}"
        table.add_row(
            f"{record.taken_at:%Y-%m-%d %H:%M}", record.verdict.replace("_", " "), Text(cleared)
        )
    return table


def revisions_table(revisions: Sequence[RevisionRecord]) -> Table:
    table = Table(title="Corrections and settings changes")
    for column in ("when", "what"):
        table.add_column(column)
    for record in revisions:
        table.add_row(f"{record.made_at:%Y-%m-%d %H:%M}", Text(record.revision.summary))
    return table
