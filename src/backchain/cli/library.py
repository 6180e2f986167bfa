"""`backchain exercises`: the exercise library in the terminal.

Rich is imported only to draw: `backchain exercises --json`, which scripts call, starts without it.
"""

from typing import Annotated

import typer

from backchain import exercises as ex
from backchain.cli import common
from backchain.cli.common import JsonFlag, print_json, user_errors

app = typer.Typer(help="The exercise library.")


@app.callback(invoke_without_command=True)
@user_errors
def exercises_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List the seven exercises."""
    if ctx.invoked_subcommand is not None:
        return
    catalogue = ex.load_catalogue()
    if as_json:
        print_json([exercise.model_dump(mode="json") for exercise in catalogue])
        return
    from rich.table import Table

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
    common.console.print(table)
    common.console.print("Details: [bold]backchain exercises show ID[/bold]")


@app.command("show")
@user_errors
def exercises_show(exercise_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Steps, cues, dosage and variations of one exercise."""
    from rich.panel import Panel
    from rich.table import Table

    exercise = ex.load_catalogue().get(exercise_id)
    muscles = ", ".join(m.value.replace("_", " ") for m in exercise.primary_muscles)
    common.console.print(
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
    common.console.print(table)
    _print_list("Sources", exercise.sources)


def _fault_line(exercise: ex.Exercise, fault: ex.Fault) -> str:
    cue = next(c for c in exercise.cues if c.id == fault.breaks)
    camera = " (camera can check)" if fault.camera_checkable else ""
    return f"{fault.text} Cue: {cue.text}{camera}"


def _print_list(title: str, items: list[str], *, numbered: bool = False) -> None:
    common.console.print(f"\n[bold]{title}[/bold]")
    for number, item in enumerate(items, start=1):
        marker = f"{number}." if numbered else "•"
        common.console.print(f"  {marker} {item}", highlight=False)
