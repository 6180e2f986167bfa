"""The training journey: `init`, `plan`, `today`, `log`, `checkin`, `history`, `resume`.

The store is imported inside the commands, not here: `backchain --help` imports this module
and should not wait for the database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

import typer
from pydantic import ValidationError
from rich.panel import Panel
from rich.prompt import Confirm, FloatPrompt, IntPrompt, Prompt
from rich.text import Text

from backchain import outcomes
from backchain.cli import render
from backchain.cli.common import (
    JsonFlag,
    console,
    parse_day,
    print_json,
    read_json,
    user_errors,
    validation_message,
)
from backchain.cli.screening import ask_screening, show_verdict
from backchain.errors import BackchainError, PlanBlockedError
from backchain.exercises import Equipment, load_catalogue
from backchain.programs.generator import generate_plan, plan_to_json
from backchain.programs.ladder import is_loaded, rung
from backchain.programs.models import (
    Band,
    CheckIn,
    ExerciseLog,
    Load,
    Prescription,
    SessionLog,
    SetLog,
    Skip,
)
from backchain.programs.profile import parse_profile
from backchain.screening import parse_answers, screen

if TYPE_CHECKING:
    from backchain.journal.history import History

DateOption = Annotated[
    str | None, typer.Option("--date", help="The day, as YYYY-MM-DD (default today).")
]
ProfileFile = Annotated[Path | None, typer.Option("--profile", help="The profile as a JSON file.")]
StartOption = Annotated[
    str | None, typer.Option("--start", help="First day of the plan, YYYY-MM-DD (default today).")
]


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# -- init ----------------------------------------------------------------------------------


@user_errors
def init(
    profile_file: ProfileFile = None,
    start: StartOption = None,
    new: Annotated[
        bool, typer.Option("--new", help="Start another program; the stored one is kept.")
    ] = False,
) -> None:
    """Start a program: profile, safety screening, baseline questionnaire, then the plan."""
    from backchain import journal
    from backchain.store import open_store

    first_day = parse_day(start, option="--start")
    data = read_json(profile_file) if profile_file else _ask_profile()
    if data is None:
        raise typer.Exit(2)  # an urgent flag was answered yes; the person has been told why
    profile = parse_profile(data)
    try:
        with open_store() as store:
            plan, result = journal.start_program(
                store, profile=profile, start=first_day, now=_now(), new=new
            )
    except PlanBlockedError:
        if profile.screening is not None:
            outcome = screen(parse_answers(profile.screening))
            show_verdict(outcome.verdict, list(outcome.reasons), outcome.message)
        raise
    show_verdict(result.verdict, list(result.reasons), result.message)
    console.print(render.plan_calendar(plan, today=date.today()))
    console.print("Next: [bold]backchain today[/bold] shows your first session.")


def _ask_profile() -> dict[str, Any] | None:
    console.print("[bold]About you.[/bold] This shapes a plan around your kit and your week.")
    age = IntPrompt.ask("Your age in years")
    equipment = [
        item.value
        for item in Equipment
        if item is not Equipment.NONE
        and Confirm.ask(f"Do you have a {item.value.replace('_', ' ')}?", default=False)
    ]
    experience = Prompt.ask(
        "Strength training experience", choices=["new", "some", "trained"], default="new"
    )
    days = Prompt.ask("Training days, e.g. 'monday wednesday friday' (2 to 5 days)").lower().split()
    data: dict[str, Any] = {
        "age": age,
        "equipment": equipment,
        "experience": experience,
        "days": days,
        "minutes_per_session": IntPrompt.ask("Minutes per session", default=30),
        "sitting_hours": FloatPrompt.ask("Hours sitting on a usual day", default=8.0),
        "pain": IntPrompt.ask("Back pain right now, 0 (none) to 10 (worst imaginable)"),
    }
    answers = ask_screening(age=age)
    if answers is None:
        return None
    data["screening"] = answers
    if Confirm.ask(
        "Answer a disability questionnaire now, to see your progress later?", default=True
    ):
        measure = Prompt.ask(
            "Which one: odi (Oswestry, 10 sections; suits most people) or rmdq (Roland–Morris, "
            "24 statements; suits milder trouble)",
            choices=["odi", "rmdq"],
            default="odi",
        )
        if measure == "odi":
            console.print(Text(outcomes.ODI_PARAPHRASE.label), style="dim")
            data["odi"] = [_ask_odi_section(item) for item in outcomes.ODI_PARAPHRASE.items]
        else:
            data["rmdq"] = _ask_rmdq(outcomes.RMDQ_PARAPHRASE)
    return data


def _ask_odi_section(section: outcomes.Item) -> int | None:
    """The number of the statement (its score) that fits the person today; None to skip."""
    statements = section.options or ()
    console.print(Text(f"\n{section.id}. {section.text}", style="bold"))
    for score, statement in enumerate(statements):
        console.print(Text(f"  {score}. {statement}"))
    allowed = {str(score) for score in range(len(statements))}
    question = f"Which statement fits you today (0-{len(statements) - 1}, blank to skip)"
    answer = Prompt.ask(question, default="", show_default=False).strip()
    while answer and answer not in allowed:
        answer = Prompt.ask(
            f"Please give a number from 0 to {len(statements) - 1}, or leave it blank",
            default="",
            show_default=False,
        ).strip()
    return int(answer) if answer else None


def _ask_rmdq(wording: outcomes.Wording) -> list[bool]:
    """Each RMDQ statement: does it describe the person today?"""
    console.print(Text(wording.label), style="dim")
    console.print("Answer yes for each statement that describes you [bold]today[/bold].")
    return [Confirm.ask(Text(item.text), default=False) for item in wording.items]


# -- plan and today ------------------------------------------------------------------------


@user_errors
def plan(
    profile_file: ProfileFile = None, start: StartOption = None, as_json: JsonFlag = False
) -> None:
    """Show the plan: the stored one, or with --profile a new one (nothing is stored)."""
    if profile_file is not None:
        profile = parse_profile(read_json(profile_file))
        the_plan = generate_plan(profile, parse_day(start, option="--start"))
        logged: list[date] = []
    else:
        from backchain import journal
        from backchain.store import open_store

        with open_store() as store, store.read() as session:
            state = journal.load_journal(session)
        the_plan, logged = state.plan, list(state.done)
    if as_json:
        print_json(plan_to_json(the_plan))
        return
    console.print(render.plan_calendar(the_plan, today=date.today(), logged=logged))
    render.desk_break(the_plan.desk_break)


@user_errors
def today(day: DateOption = None) -> None:
    """Today's session (or the next one), with any change your logs have made."""
    from backchain import journal
    from backchain.store import open_store

    with open_store() as store:
        view = journal.today(store, day=parse_day(day))
    if view.pause is not None:
        render.show_pause(view.pause)
        return
    if view.checkin_due is not None:
        console.print(
            Panel(
                f"How is your back this morning, after the session on {view.checkin_due.date}? "
                "Run [bold]backchain checkin[/bold].",
                border_style="yellow",
            )
        )
    if view.done is not None:
        console.print(
            f"Today's session is done: {len(view.done.exercises)} exercises logged. "
            "One session a day; `backchain correct` puts a mistake right."
        )
    if view.session is None or view.week is None:
        console.print("Your plan is complete. Well done.")
        return
    when = "Today" if view.on_its_day else f"Next session: {view.session.date:%A %d %b}"
    if view.can_train_today and not view.on_its_day:
        when = f"{view.session.date:%A %d %b}'s session, which you can do today"
    console.print(f"[bold]{when}[/bold] · week {view.week.week} · {view.week.phase} phase")
    catalogue = load_catalogue()
    console.print(render.session_table(view.prescriptions, catalogue, view.loads))
    render.desk_break(view.desk_break)
    console.print("Steps and cues for any exercise: [bold]backchain exercises show ID[/bold]")


# -- log -----------------------------------------------------------------------------------


@user_errors
def log(
    file: Annotated[Path | None, typer.Option("--file", help="The session as a JSON file.")] = None,
    day: DateOption = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="Log the day again, replacing its session (recorded as a correction)."
        ),
    ] = False,
) -> None:
    """Log a session, set by set: reps, load, hold, effort (RPE) and pain. One session a day."""
    from backchain import journal
    from backchain.store import open_store

    the_day = parse_day(day)
    with open_store() as store:
        if file is not None:
            session_log = _parse_log(read_json(file), the_day)
        else:
            found = journal.to_log(store, day=the_day)
            if found.pause is not None:
                render.show_pause(found.pause)
                raise typer.Exit(2)
            if found.logged is not None and not replace:
                raise BackchainError(
                    f"A session is already logged for {the_day.isoformat()}: one session a day. "
                    "Correct it with `backchain correct`, or log it again with --replace."
                )
            session_log = _ask_log(the_day, found.prescriptions)
        decisions = journal.log_session(store, log=session_log, now=_now(), replace=replace)
    console.print("Session saved." if not replace else "Session saved, replacing the earlier log.")
    console.print(render.decisions_table(decisions, load_catalogue()))
    console.print(
        "Tomorrow morning: [bold]backchain checkin[/bold] tells Backchain how your back feels."
    )


def _parse_log(data: object, day: date) -> SessionLog:
    if isinstance(data, dict):
        data = {"date": day.isoformat(), **data}
    try:
        return SessionLog.model_validate(data)
    except ValidationError as error:
        raise BackchainError(validation_message(error, "Session log")) from None


def _ask_log(day: date, prescriptions: tuple[Prescription, ...]) -> SessionLog:
    catalogue = load_catalogue()
    done: list[ExerciseLog] = []
    skipped: list[Skip] = []
    for p in prescriptions:
        version = rung(catalogue.get(p.exercise), p.variation)
        console.print(f"\n[bold]{version.name}[/bold]: {p.dosage.describe()}")
        if not Confirm.ask("Did you do it?", default=True):
            skipped.append(Skip(exercise=p.exercise, reason=Prompt.ask("Why not (a few words)")))
            continue
        sets = tuple(_ask_set(n, p, loaded=is_loaded(version)) for n in range(1, p.sets + 1))
        done.append(ExerciseLog(exercise=p.exercise, variation=p.variation, sets=sets))
    return SessionLog(
        date=day,
        exercises=tuple(done),
        skipped=tuple(skipped),
        pain_after=_ask_score("Back pain now, after the session (0-10)", 0, 10),
        notes=Prompt.ask("Notes (optional)", default=""),
    )


def _ask_set(number: int, p: Prescription, *, loaded: bool) -> SetLog:
    console.print(f"Set {number}")
    reps = _ask_score("  reps", 0, 100) if p.reps is not None else None
    hold = FloatPrompt.ask("  seconds held") if p.hold_s is not None and p.reps is None else None
    if p.hold_s is not None and p.reps is not None:
        hold = FloatPrompt.ask("  seconds held at the top of each rep", default=p.hold_s[0])
    load = _ask_load() if loaded else None
    return SetLog(
        reps=reps,
        hold_s=hold,
        load=load,
        rpe=_ask_score("  effort, RPE 1 (very easy) to 10 (maximal)", 1, 10),
        pain=_ask_score("  back pain during the set (0-10)", 0, 10),
    )


def _ask_load() -> Load | None:
    bands = [b.value for b in Band]
    while True:
        text = Prompt.ask(
            f"  load: kg, or a band colour ({', '.join(bands)}); blank if none", default=""
        )
        if not text:
            return None
        if text in bands:
            return Load(band=Band(text))
        try:
            return Load(kg=float(text))
        except (ValueError, ValidationError):
            console.print("  Please give a weight in kg, such as 8, or a band colour.")


def _ask_score(question: str, low: int, high: int) -> int:
    value = IntPrompt.ask(question)
    while not low <= value <= high:
        value = IntPrompt.ask(f"Please give a whole number from {low} to {high}")
    return value


# -- check-in, history, resume ---------------------------------------------------------------


@user_errors
def checkin(
    pain: Annotated[int | None, typer.Option(help="Back pain this morning, 0-10.")] = None,
    compared: Annotated[
        str | None,
        typer.Option(help="This morning compared with your usual: better, same or worse."),
    ] = None,
    new_symptoms: Annotated[
        bool | None,
        typer.Option(
            "--new-symptoms/--no-new-symptoms",
            help="Any of the warning signs from the safety questions since yesterday?",
        ),
    ] = None,
    day: DateOption = None,
) -> None:
    """The next-morning check-in: how your back feels compared with usual."""
    from backchain import journal
    from backchain.store import open_store

    if pain is None:
        pain = _ask_score("Back pain this morning (0-10)", 0, 10)
    if compared is None:
        compared = Prompt.ask("Compared with your usual", choices=["better", "same", "worse"])
    if new_symptoms is None:
        new_symptoms = Confirm.ask(
            "Since yesterday, any of the warning signs from the safety questions "
            "(bladder, bowel, numbness, leg weakness)?",
            default=False,
        )
    try:
        the_checkin = CheckIn(
            date=parse_day(day),
            pain=pain,
            compared=cast(Literal["better", "same", "worse"], compared),
            new_red_flags=new_symptoms,
        )
    except ValidationError as error:
        raise BackchainError(validation_message(error, "Check-in")) from None
    with open_store() as store:
        decisions = journal.check_in(store, checkin=the_checkin)
    console.print(render.decisions_table(decisions, load_catalogue()))


@user_errors
def history(as_json: JsonFlag = False) -> None:
    """Your sessions, check-ins, decisions, screenings, questionnaires and corrections."""
    from backchain.journal.history import history as read_history
    from backchain.store import open_store

    with open_store() as store:
        found = read_history(store)
    if as_json:
        print_json(_history_json(found))
        return
    rows = [(s.log, s.checkin, s.decisions) for s in found.sessions]
    console.print(render.history_table(rows))
    console.print(render.scores_table(found.questionnaires))
    console.print(render.screenings_table(found.screenings))
    if found.revisions:
        console.print(render.revisions_table(found.revisions))


def _history_json(found: History) -> dict[str, object]:
    return {
        "sessions": [
            {
                "log": s.log.model_dump(mode="json"),
                "peak_pain": s.log.peak_pain,
                "checkin": None if s.checkin is None else s.checkin.model_dump(mode="json"),
                "decisions": [d.model_dump(mode="json") for d in s.decisions],
                "corrected": s.corrected,
            }
            for s in found.sessions
        ],
        "questionnaires": [
            {
                "date": q.taken_on.isoformat(),
                "measure": q.score.measure.value,
                "score": q.score.score,
                "band": q.score.band,
                "wording": q.wording,
            }
            for q in found.questionnaires
        ],
        "screenings": [
            {
                "taken_at": s.taken_at.isoformat(),
                "verdict": s.verdict,
                "clearance": s.answers.get("clearance"),
                "wording": s.wording,
            }
            for s in found.screenings
        ],
        "corrections": [
            {"made_at": r.made_at.isoformat(), **r.revision.model_dump(mode="json")}
            for r in found.revisions
        ],
    }


@user_errors
def resume(
    answers: Annotated[
        Path | None, typer.Option("--answers", help="Screening answers as JSON.")
    ] = None,
) -> None:
    """After a pause: answer the safety questions again; training resumes if they are clear."""
    from backchain import journal
    from backchain.store import open_store

    data = read_json(answers) if answers else ask_screening()
    if data is None:
        raise typer.Exit(2)
    with open_store() as store:
        result = journal.resume(store, answers=data, day=date.today(), now=_now())
    show_verdict(result.verdict, list(result.reasons), result.message)
    console.print("Training resumes: [bold]backchain today[/bold] shows your next session.")
