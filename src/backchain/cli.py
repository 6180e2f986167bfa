"""The `backchain` command line: a thin adapter over the domain packages.

User errors (`BackchainError`) become one line on stderr and exit status 2; see `_user_errors`.
"""

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.panel import Panel
from rich.prompt import Confirm, IntPrompt, Prompt
from rich.table import Table

from backchain import exercises as ex
from backchain import outcomes, screening
from backchain.errors import BackchainError

app = typer.Typer(
    help="Backchain: posterior-chain training for lower back pain, run on your own machine.",
    no_args_is_help=True,
    add_completion=False,
)
exercises_app = typer.Typer(help="The exercise library.")
app.add_typer(exercises_app, name="exercises")

console = Console()
USER_ERROR_EXIT = 2

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _user_errors(command: Callable[_P, _R]) -> Callable[_P, _R]:
    """Show a BackchainError as one line on stderr and exit 2, never as a traceback."""

    @wraps(command)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return command(*args, **kwargs)
        except BackchainError as error:
            print(f"Error: {error}", file=sys.stderr)
            raise typer.Exit(USER_ERROR_EXIT) from None

    return run


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BackchainError(f"{path}: no such file; check the path.") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not a UTF-8 text file"
        raise BackchainError(f"{path}: cannot read it ({reason}).") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BackchainError(
            f"{path} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None


def _print_json(data: object) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
AnswersFile = Annotated[
    Path | None, typer.Option("--answers", help="Read the answers from a JSON file.")
]


# -- exercises -----------------------------------------------------------------------------


@exercises_app.callback(invoke_without_command=True)
@_user_errors
def exercises_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List the seven exercises."""
    if ctx.invoked_subcommand is not None:
        return
    catalogue = ex.load_catalogue()
    if as_json:
        _print_json([exercise.model_dump(mode="json") for exercise in catalogue])
        return
    table = Table(title="Backchain exercises", show_lines=False)
    for column in ("id", "name", "equipment", "dosage"):
        table.add_column(column)
    for exercise in catalogue:
        table.add_row(
            exercise.id,
            exercise.name,
            ", ".join(item.value.replace("_", " ") for item in exercise.equipment),
            exercise.dosage.describe(),
        )
    console.print(table)
    console.print("Details: [bold]backchain exercises show ID[/bold]")


@exercises_app.command("show")
@_user_errors
def exercises_show(exercise_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Steps, cues, dosage and variations of one exercise."""
    exercise = ex.load_catalogue().get(exercise_id)
    muscles = ", ".join(m.value.replace("_", " ") for m in exercise.primary_muscles)
    console.print(
        Panel.fit(
            f"[bold]{exercise.name}[/bold]  ({exercise.pattern.value.replace('_', ' ')})\n"
            f"Works: {muscles}\nDosage: {exercise.dosage.describe()}",
            title=exercise.id,
        )
    )
    _print_list("Set-up", exercise.setup, numbered=True)
    _print_list("Steps", exercise.steps, numbered=True)
    _print_list("Cues", [cue.text for cue in exercise.cues])
    _print_list("Common faults", [_fault_line(exercise, fault) for fault in exercise.faults])
    _print_list("Cautions", exercise.cautions)
    table = Table(title="Variations")
    for column in ("kind", "name", "dosage", "how"):
        table.add_column(column)
    for variation in [*reversed(exercise.regressions), *exercise.progressions]:
        table.add_row(
            f"{variation.kind} {variation.level:+d}",
            variation.name,
            variation.dosage.describe(),
            variation.summary,
        )
    console.print(table)
    _print_list("Sources", exercise.sources)


def _fault_line(exercise: ex.Exercise, fault: ex.Fault) -> str:
    cue = next(c for c in exercise.cues if c.id == fault.breaks)
    camera = " (camera can check)" if fault.camera_checkable else ""
    return f"{fault.text} Cue: {cue.text}{camera}"


def _print_list(title: str, items: list[str], *, numbered: bool = False) -> None:
    console.print(f"\n[bold]{title}[/bold]")
    for number, item in enumerate(items, start=1):
        marker = f"{number}." if numbered else "•"
        console.print(f"  {marker} {item}", highlight=False)


# -- screening -----------------------------------------------------------------------------


@app.command()
@_user_errors
def screen(
    answers: AnswersFile = None,
    as_json: JsonFlag = False,
    list_flags: Annotated[
        bool, typer.Option("--list-flags", help="List the red-flag questions and stop.")
    ] = False,
    wording: Annotated[
        Path | None,
        typer.Option(help="JSON list of the 9 official STarT Back item texts to ask instead."),
    ] = None,
) -> None:
    """Safety screening: red flags and the STarT Back risk group (asks, or reads --answers)."""
    if list_flags:
        _list_flags(as_json=as_json)
        return
    result: screening.ScreeningResult | None
    if answers is not None:
        result = screening.screen(screening.parse_answers(_read_json(answers)))
    elif as_json:
        raise BackchainError("--json needs --answers FILE (or --list-flags).")
    else:
        prompts = screening.load_wording(wording) if wording else screening.ITEM_PROMPTS
        result = _ask_screening(prompts)
    if result is None:  # stopped early: the person was sent to urgent care
        return
    if as_json:
        _print_json(_result_json(result))
    else:
        _show_result(result)


def _list_flags(*, as_json: bool) -> None:
    rows = [
        {
            "id": flag.id,
            "question": flag.question,
            "severity": flag.severity.value,
            "applies_when": None if flag.age_condition is None else f"age {flag.age_condition}",
        }
        for flag in screening.RED_FLAGS
    ]
    if as_json:
        _print_json(rows)
        return
    table = Table(title="Red-flag questions (any yes stops training)")
    for column in ("id", "question", "a yes means"):
        table.add_column(column)
    for row in rows:
        note = f" (counts at {row['applies_when']})" if row["applies_when"] else ""
        table.add_row(row["id"], f"{row['question']}{note}", str(row["severity"]))
    console.print(table)


def _ask_screening(prompts: tuple[str, ...]) -> screening.ScreeningResult | None:
    console.print(
        "[bold]Safety questions.[/bold] Answer each honestly; they decide whether it is "
        "safe to start training on your own."
    )
    age = IntPrompt.ask("Your age in years")
    flags: dict[str, bool] = {}
    for flag in screening.RED_FLAGS:
        flags[flag.id] = Confirm.ask(flag.question, default=False)
        raised = screening.raised_flags(flags, age=age)
        if screening.verdict_for(raised) is screening.Verdict.URGENT:
            # No reason to keep someone answering questions when they need care today.
            _show_verdict(screening.Verdict.URGENT, [f.reason for f in raised])
            return None
    console.print("\n[bold]About the last two weeks.[/bold] Answer yes if you agree.")
    agree = tuple(Confirm.ask(prompt, default=False) for prompt in prompts[:-1])
    choices = [b.value for b in screening.Bothersomeness]
    bothersome = Prompt.ask(prompts[-1], choices=choices, default="moderately")
    answers = screening.ScreeningAnswers(
        red_flags=flags,
        startback=screening.StartBackAnswers(
            agree=agree,  # type: ignore[arg-type]  # eight prompts, checked by load_wording
            bothersome=screening.Bothersomeness(bothersome),
        ),
        age=age,
    )
    return screening.screen(answers)


def _result_json(result: screening.ScreeningResult) -> dict[str, object]:
    return {
        "verdict": result.verdict.value,
        "reasons": list(result.reasons),
        "message": result.message,
        "flags": list(result.flags),
        "startback": {
            "total": result.startback.total,
            "psychosocial": result.startback.psychosocial,
            "risk": result.startback.risk.value,
        },
    }


_VERDICT_STYLE = {
    screening.Verdict.PROCEED: ("green", "You can start"),
    screening.Verdict.SEE_CLINICIAN: ("yellow", "Please see a clinician first"),
    screening.Verdict.URGENT: ("red", "Please get medical help today"),
}


def _show_verdict(verdict: screening.Verdict, reasons: list[str], message: str = "") -> None:
    colour, title = _VERDICT_STYLE[verdict]
    lines = [message or screening.MESSAGES[verdict]]
    if reasons:
        lines += ["", "What you told us:", *(f"• {reason}" for reason in reasons)]
    console.print(Panel("\n".join(lines), title=title, border_style=colour))


def _show_result(result: screening.ScreeningResult) -> None:
    _show_verdict(result.verdict, list(result.reasons), result.message)
    sb = result.startback
    console.print(
        f"STarT Back: total {sb.total}/9, psychosocial {sb.psychosocial}/5, {sb.risk} risk"
    )


# -- questionnaire scoring -----------------------------------------------------------------


class Questionnaire(StrEnum):
    odi = "odi"
    rmdq = "rmdq"
    nrs = "nrs"


@app.command()
@_user_errors
def score(
    questionnaire: Annotated[Questionnaire, typer.Argument(help="odi, rmdq or nrs.")],
    answers: Annotated[Path, typer.Option("--answers", help="The answers as a JSON file.")],
    as_json: JsonFlag = False,
) -> None:
    """Score a questionnaire: ODI, RMDQ or pain NRS."""
    measure = outcomes.Measure(questionnaire.value)
    result = outcomes.score_answers(measure, _read_json(answers))
    if as_json:
        _print_json({"score": result.score, "band": result.band, "answered": result.answered})
        return
    scale = {"odi": "%", "rmdq": " of 24", "nrs": " of 10"}[measure.value]
    band = f" ({result.band})" if result.band else ""
    console.print(f"{measure.value.upper()}: {result.score:g}{scale}{band}")


# -- web -----------------------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Start the web app (http://127.0.0.1:8000 by default)."""
    import uvicorn

    from backchain.web.app import create_app

    uvicorn.run(create_app(), host=host, port=port, log_level="info")
