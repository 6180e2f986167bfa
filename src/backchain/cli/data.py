"""`backchain export` and `backchain import`: all your data as one versioned JSON file."""

import json
from pathlib import Path
from typing import Annotated

import typer

from backchain.cli.common import console, read_json, user_errors
from backchain.store import open_store
from backchain.store.transfer import export_data, import_data


@user_errors
def export(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of the screen."),
    ] = None,
) -> None:
    """Export everything stored (profile, plan, logs, check-ins, decisions, questionnaires)."""
    with open_store() as store, store.transaction() as session:
        data = export_data(session)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        print(text, end="")
        return
    partial = output.with_name(output.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(output)  # never leave a half-written export behind
    console.print(f"Exported to {output}.")


@user_errors
def import_(
    file: Annotated[Path, typer.Argument(help="A file written by `backchain export`.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the data already stored here.")
    ] = False,
) -> None:
    """Import an export file; nothing changes unless the whole file is valid."""
    data = read_json(file)
    with open_store() as store, store.transaction() as session:
        import_data(session, data, replace=replace)
    console.print(f"Imported {file}.")
