"""`backchain screen` and `backchain score`: safety screening and questionnaire scoring."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.panel import Panel
from rich.prompt import Confirm, IntPrompt, Prompt
from rich.table import Table

from backchain import outcomes, screening
from backchain.cli.common import JsonFlag, console, print_json, read_json, user_errors
from backchain.errors import BackchainError

AnswersFile = Annotated[
    Path | None, typer.Option("--answers", help="Read the answers from a JSON file.")
]


@user_errors
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
    if answers is not None:
        result = screening.screen(screening.parse_answers(read_json(answers)))
    elif as_json:
        raise BackchainError("--json needs --answers FILE (or --list-flags).")
    else:
        prompts = screening.load_wording(wording) if wording else screening.ITEM_PROMPTS
        asked = ask_screening(prompts)
        if asked is None:  # stopped early: the person was sent to urgent care
            return
        result = screening.screen(screening.parse_answers(asked))
    if as_json:
        print_json(_result_json(result))
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
        print_json(rows)
        return
    table = Table(title="Red-flag questions (any yes stops training)")
    for column in ("id", "question", "a yes means"):
        table.add_column(column)
    for row in rows:
        note = f" (counts at {row['applies_when']})" if row["applies_when"] else ""
        table.add_row(row["id"], f"{row['question']}{note}", str(row["severity"]))
    console.print(table)


def ask_screening(
    prompts: tuple[str, ...] = screening.ITEM_PROMPTS, *, age: int | None = None
) -> dict[str, object] | None:
    """Ask the screening questions; the answers in the `--answers` file format.

    None when an urgent flag was answered "yes": the person has been told to get care today.
    """
    console.print(
        "[bold]Safety questions.[/bold] Answer each honestly; they decide whether it is "
        "safe to start training on your own."
    )
    if age is None:
        age = IntPrompt.ask("Your age in years")
    flags: dict[str, bool] = {}
    for flag in screening.RED_FLAGS:
        flags[flag.id] = Confirm.ask(flag.question, default=False)
        raised = screening.raised_flags(flags, age=age)
        if screening.verdict_for(raised) is screening.Verdict.URGENT:
            # No reason to keep someone answering questions when they need care today.
            show_verdict(screening.Verdict.URGENT, [f.reason for f in raised])
            return None
    console.print("\n[bold]About the last two weeks.[/bold] Answer yes if you agree.")
    agree: list[object] = [Confirm.ask(prompt, default=False) for prompt in prompts[:-1]]
    choices = [b.value for b in screening.Bothersomeness]
    bothersome = Prompt.ask(prompts[-1], choices=choices, default="moderately")
    return {"red_flags": flags, "startback": [*agree, bothersome], "age": age}


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


def show_verdict(verdict: screening.Verdict, reasons: list[str], message: str = "") -> None:
    colour, title = _VERDICT_STYLE[verdict]
    lines = [message or screening.MESSAGES[verdict]]
    if reasons:
        lines += ["", "What you told us:", *(f"• {reason}" for reason in reasons)]
    console.print(Panel("\n".join(lines), title=title, border_style=colour))


def _show_result(result: screening.ScreeningResult) -> None:
    show_verdict(result.verdict, list(result.reasons), result.message)
    sb = result.startback
    console.print(
        f"STarT Back: total {sb.total}/9, psychosocial {sb.psychosocial}/5, {sb.risk} risk"
    )


class Questionnaire(StrEnum):
    odi = "odi"
    rmdq = "rmdq"
    nrs = "nrs"


@user_errors
def score(
    questionnaire: Annotated[Questionnaire, typer.Argument(help="odi, rmdq or nrs.")],
    answers: Annotated[Path, typer.Option("--answers", help="The answers as a JSON file.")],
    as_json: JsonFlag = False,
) -> None:
    """Score a questionnaire: ODI, RMDQ or pain NRS."""
    measure = outcomes.Measure(questionnaire.value)
    result = outcomes.score_answers(measure, read_json(answers))
    if as_json:
        print_json({"score": result.score, "band": result.band, "answered": result.answered})
        return
    scale = {"odi": "%", "rmdq": " of 24", "nrs": " of 10"}[measure.value]
    band = f" ({result.band})" if result.band else ""
    console.print(f"{measure.value.upper()}: {result.score:g}{scale}{band}")
