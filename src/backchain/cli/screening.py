"""`backchain screen` and `backchain score`: safety screening and questionnaire scoring."""

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.panel import Panel
from rich.prompt import Confirm, IntPrompt, Prompt
from rich.table import Table
from rich.text import Text

from backchain import outcomes, screening
from backchain.cli.common import JsonFlag, console, print_json, read_json, user_errors
from backchain.errors import BackchainError
from backchain.outcomes import Wording
from backchain.screening.startback import STARTBACK_PARAPHRASE

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
        typer.Option(
            help="A STarT Back wording file (e.g. the official one: a JSON list of the 9 item "
            "texts) to ask instead of Backchain's own wording."
        ),
    ] = None,
) -> None:
    """Safety screening: red flags and the STarT Back risk group (asks, or reads --answers)."""
    if list_flags:
        _list_flags(as_json=as_json)
        return
    if answers is not None:
        parsed = screening.parse_answers(read_json(answers), today=date.today())
        result = screening.screen(parsed)
    elif as_json:
        raise BackchainError("--json needs --answers FILE (or --list-flags).")
    else:
        startback = screening.load_wording(wording) if wording else STARTBACK_PARAPHRASE
        asked = ask_screening(startback)
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
            "applies_when": flag.applies_when,
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
    startback: Wording = STARTBACK_PARAPHRASE, *, age: int | None = None
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
    clearance = _ask_clearance(screening.raised_flags(flags, age=age))
    answers: dict[str, object] = {
        "red_flags": flags,
        "startback": ask_startback(startback),
        "age": age,
    }
    if clearance is not None:
        answers["clearance"] = clearance
    return answers


def ask_startback(wording: Wording) -> list[object]:
    """The nine STarT Back items in `wording`; the answers as the `"startback"` list."""
    console.print("\n[bold]About the last two weeks.[/bold] Answer yes if you agree.")
    console.print(Text(wording.label), style="dim")
    *statements, last = wording.items
    # Text, not markup: a wording file's own text is shown as it is.
    agree: list[object] = [Confirm.ask(Text(item.text), default=False) for item in statements]
    return [*agree, _ask_bothersome(last).value]


def _ask_bothersome(item: outcomes.Item) -> screening.Bothersomeness:
    """Item 9 by the number of its answer (1-5) or its value (e.g. "slightly")."""
    scale = list(screening.Bothersomeness)
    console.print(Text(item.text))
    for number, text in enumerate(item.options or (), start=1):
        console.print(Text(f"  {number}. {text}"))
    by_answer = {str(n): choice for n, choice in enumerate(scale, start=1)}
    by_answer |= {choice.value: choice for choice in scale}
    answer = Prompt.ask(f"Your answer (1-{len(scale)})").strip().lower()
    while answer not in by_answer:
        answer = Prompt.ask(f"Please give a number from 1 to {len(scale)}").strip().lower()
    return by_answer[answer]


def _ask_clearance(raised: list[screening.RedFlag]) -> dict[str, object] | None:
    """For "see a clinician" flags: has a clinician assessed each and cleared the person?"""
    if not raised:
        return None
    console.print(
        "\nSome answers are worth checking with a clinician before training. If a doctor or "
        "physiotherapist has already assessed them and cleared you to exercise, say so now."
    )
    cleared = [
        flag.id
        for flag in raised
        if Confirm.ask(
            f"Has a clinician assessed this and cleared you: {flag.reason}?", default=False
        )
    ]
    if not cleared:
        return None
    while True:
        text = Prompt.ask("On what day were you cleared (YYYY-MM-DD)")
        try:
            day = screening.parse_clearance(
                {"flags": cleared, "date": text}, today=date.today()
            ).date
            break
        except BackchainError as error:
            console.print(Text(str(error)))
    by = Prompt.ask("Who cleared you (optional, e.g. your GP)", default="").strip() or None
    return {"flags": cleared, "date": day.isoformat(), "by": by}


def _result_json(result: screening.ScreeningResult) -> dict[str, object]:
    return {
        "verdict": result.verdict.value,
        "reasons": list(result.reasons),
        "message": result.message,
        "flags": list(result.flags),
        "cleared": list(result.cleared),
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
    # Text, not markup: a clearance's "by" is the person's own words.
    console.print(Panel(Text("\n".join(lines)), title=title, border_style=colour))


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


# The questionnaires answered item by item, each in Backchain's own wording.
PARAPHRASES: dict[outcomes.Questionnaire, Wording] = {
    outcomes.Questionnaire.STARTBACK: STARTBACK_PARAPHRASE,
    outcomes.Questionnaire.ODI: outcomes.ODI_PARAPHRASE,
    outcomes.Questionnaire.RMDQ: outcomes.RMDQ_PARAPHRASE,
}
_LISTABLE = "|".join(PARAPHRASES)


@user_errors
def score(
    questionnaire: Annotated[
        Questionnaire | None, typer.Argument(help="odi, rmdq or nrs, with --answers.")
    ] = None,
    answers: Annotated[
        Path | None, typer.Option("--answers", help="The answers as a JSON file.")
    ] = None,
    list_items: Annotated[
        str | None,
        typer.Option(
            "--list-items",
            metavar=_LISTABLE,
            help="List a questionnaire's items and answers (no scoring), then stop.",
        ),
    ] = None,
    wording: Annotated[
        Path | None,
        typer.Option(help="With --list-items: a wording file to list instead of Backchain's own."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Score a questionnaire (ODI, RMDQ or pain NRS), or list its items with --list-items."""
    if list_items is not None:
        if questionnaire is not None or answers is not None:
            raise BackchainError("--list-items takes no questionnaire argument and no --answers.")
        _list_items(list_items, wording, as_json=as_json)
        return
    if wording is not None:
        raise BackchainError("--wording goes with --list-items; scores do not depend on wording.")
    if questionnaire is None or answers is None:
        raise BackchainError(
            "Give a questionnaire and its answers (`backchain score odi --answers FILE`), "
            f"or --list-items {_LISTABLE}."
        )
    measure = outcomes.Measure(questionnaire.value)
    result = outcomes.score_answers(measure, read_json(answers))
    if as_json:
        print_json({"score": result.score, "band": result.band, "answered": result.answered})
        return
    scale = {"odi": "%", "rmdq": " of 24", "nrs": " of 10"}[measure.value]
    band = f" ({result.band})" if result.band else ""
    console.print(f"{measure.value.upper()}: {result.score:g}{scale}{band}")


def _list_items(name: str, wording_file: Path | None, *, as_json: bool) -> None:
    try:
        paraphrase = PARAPHRASES[outcomes.Questionnaire(name.strip().lower())]
    except ValueError:
        raise BackchainError(
            f"Unknown questionnaire '{name}'; --list-items takes {_LISTABLE.replace('|', ', ')}."
        ) from None
    wording = (
        outcomes.load_wording(wording_file, paraphrase=paraphrase) if wording_file else paraphrase
    )
    if as_json:
        print_json(items_json(wording))
        return
    console.print(_items_table(wording))


def items_json(wording: Wording) -> dict[str, object]:
    """The `score --list-items --json` contract: the wording's name and every item in order."""
    return {
        "questionnaire": wording.questionnaire.value,
        "wording": wording.name,
        "items": [
            {
                "id": item.id,
                "text": item.text,
                "options": None if item.options is None else list(item.options),
            }
            for item in wording.items
        ],
    }


# What a person answers to an item without options of its own.
_TWO_WAY = {
    outcomes.Questionnaire.STARTBACK: "agree / disagree",
    outcomes.Questionnaire.RMDQ: "applies today: yes / no",
}


def _items_table(wording: Wording) -> Table:
    first_score = 0 if wording.questionnaire is outcomes.Questionnaire.ODI else 1
    table = Table(title=Text(wording.label), show_lines=True)
    for column in ("#", "item", "answers"):
        table.add_column(column)
    for item in wording.items:
        if item.options is None:
            answers = Text(_TWO_WAY[wording.questionnaire])
        else:  # an ODI statement's number is its score
            lines = (f"{n}. {text}" for n, text in enumerate(item.options, start=first_score))
            answers = Text("\n".join(lines))
        table.add_row(Text(item.id), Text(item.text), answers)
    return table
