"""`backchain correct` and `backchain settings`: put right what was logged, change the program.

    backchain correct set --date D --exercise ID --set N [--reps --hold --load --rpe --pain]
    backchain correct remove-set --date D --exercise ID --set N
    backchain correct remove-session --date D [--yes]
    backchain settings [--days --equipment --minutes --weeks --desk-breaks/--no-desk-breaks]

Corrections are recorded (`backchain history` lists them) and the decisions that depended on
the corrected session are made again.

The store is imported inside the commands, not here: `backchain --help` imports this module
and should not wait for the database.
"""

from datetime import UTC, datetime
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.text import Text

from backchain.cli import render
from backchain.cli.common import console, parse_day, user_errors, validation_message
from backchain.errors import BackchainError
from backchain.exercises import Equipment, load_catalogue
from backchain.programs.models import Band, Load, SessionLog, SetLog

app = typer.Typer(
    help="Correct a logged set or session; the history records every correction.",
    no_args_is_help=True,
)

DayArg = Annotated[str, typer.Option("--date", help="The session's day, YYYY-MM-DD.")]
ExerciseArg = Annotated[str, typer.Option("--exercise", help="The exercise id, e.g. squat.")]
SetArg = Annotated[int, typer.Option("--set", help="Which set of that exercise, from 1.")]


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@app.command("set")
@user_errors
def change_set(
    day: DayArg,
    exercise: ExerciseArg,
    number: SetArg,
    reps: Annotated[int | None, typer.Option(help="Reps done.")] = None,
    hold: Annotated[float | None, typer.Option(help="Seconds held.")] = None,
    load: Annotated[str | None, typer.Option(help="kg (e.g. 8) or a band colour.")] = None,
    rpe: Annotated[int | None, typer.Option(help="Effort, 1 to 10.")] = None,
    pain: Annotated[int | None, typer.Option(help="Back pain during the set, 0 to 10.")] = None,
) -> None:
    """Correct one logged set: give only the values that change."""
    from backchain.journal import corrections
    from backchain.journal.history import logged_session
    from backchain.store import open_store

    the_day = parse_day(day)
    with open_store() as store:
        found = logged_session(store, day=the_day)
        old = _old_set(found.log if found else None, the_day.isoformat(), exercise, number)
        changes = {
            "reps": reps,
            "hold_s": hold,
            "load": None if load is None else _load(load),
            "rpe": rpe,
            "pain": pain,
        }
        given = {name: value for name, value in changes.items() if value is not None}
        if not given:
            raise BackchainError(
                "Give at least one value to change: --reps, --hold, --load, --rpe or --pain."
            )
        try:
            new = SetLog.model_validate({**old.model_dump(), **given})
        except ValidationError as error:
            raise BackchainError(validation_message(error, "Set")) from None
        decisions = corrections.change_set(
            store, day=the_day, exercise=exercise, number=number, logged=new, now=_now()
        )
    console.print(Text(f"Set {number} of {exercise} on {the_day.isoformat()} corrected."))
    console.print(render.decisions_table(decisions, load_catalogue()))


@app.command("remove-set")
@user_errors
def remove_set(day: DayArg, exercise: ExerciseArg, number: SetArg) -> None:
    """Remove one logged set."""
    from backchain.journal import corrections
    from backchain.store import open_store

    the_day = parse_day(day)
    with open_store() as store:
        decisions = corrections.remove_set(
            store, day=the_day, exercise=exercise, number=number, now=_now()
        )
    console.print(Text(f"Set {number} of {exercise} on {the_day.isoformat()} removed."))
    console.print(render.decisions_table(decisions, load_catalogue()))


@app.command("remove-session")
@user_errors
def remove_session(
    day: DayArg,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove a whole logged session with its check-in; later sessions are decided again."""
    from backchain.journal import corrections
    from backchain.store import open_store

    the_day = parse_day(day)
    if not yes and not typer.confirm(f"Remove the session of {the_day.isoformat()}?"):
        raise typer.Exit(1)
    with open_store() as store:
        corrections.remove_session(store, day=the_day, now=_now())
    console.print(f"The session of {the_day.isoformat()} is removed; the history records it.")


def _old_set(log: SessionLog | None, day: str, exercise: str, number: int) -> SetLog:
    if log is None:
        raise BackchainError(f"No session is logged for {day}; `backchain history` lists them.")
    sets = next((e.sets for e in log.exercises if e.exercise == exercise), ())
    if not 1 <= number <= len(sets):
        raise BackchainError(
            f"The session of {day} has {len(sets)} logged set(s) of '{exercise}'; there is no set {number}."
        )
    return sets[number - 1]


def _load(text: str) -> Load:
    bands = [b.value for b in Band]
    if text.lower() in bands:
        return Load(band=Band(text.lower()))
    try:
        return Load(kg=float(text.lower().removesuffix("kg")))
    except (ValueError, ValidationError):
        raise BackchainError(
            f"--load must be a weight in kg (such as 8) or a band colour ({', '.join(bands)}); got '{text}'."
        ) from None


@user_errors
def settings(
    days: Annotated[
        str | None, typer.Option(help="Training days, e.g. 'monday,thursday' (2 to 5).")
    ] = None,
    equipment: Annotated[
        str | None,
        typer.Option(help="Your kit, e.g. 'mat,dumbbells', or 'none'."),
    ] = None,
    minutes: Annotated[int | None, typer.Option(help="Minutes per session, 10 to 180.")] = None,
    weeks: Annotated[int | None, typer.Option(help="Program length, 12 to 16 weeks.")] = None,
    desk_breaks: Annotated[
        bool | None, typer.Option("--desk-breaks/--no-desk-breaks", help="Desk-break routine.")
    ] = None,
    day: Annotated[
        str | None, typer.Option("--date", help="From which day, YYYY-MM-DD (default today).")
    ] = None,
) -> None:
    """Change training days, equipment, minutes or weeks: the rest of the plan is made again."""
    from backchain.journal import settings as program_settings
    from backchain.store import open_store

    changes: dict[str, object] = {}
    if days is not None:
        changes["days"] = [d.strip().lower() for d in days.split(",") if d.strip()]
    if equipment is not None:
        items = [e.strip().lower() for e in equipment.split(",") if e.strip()]
        changes["equipment"] = [e for e in items if e != Equipment.NONE.value]
    if minutes is not None:
        changes["minutes_per_session"] = minutes
    if weeks is not None:
        changes["weeks"] = weeks
    if desk_breaks is not None:
        changes["desk_breaks"] = desk_breaks
    if not changes:
        raise BackchainError(
            "Give a setting to change: --days, --equipment, --minutes, --weeks or --desk-breaks."
        )
    the_day = parse_day(day)
    with open_store() as store:
        plan = program_settings.change_settings(store, changes=changes, day=the_day, now=_now())
    console.print(Text("Settings saved; the plan from today is made again."))
    console.print(render.plan_calendar(plan, today=the_day))
