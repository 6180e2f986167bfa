"""`backchain export` and `backchain import`: all your data as one versioned JSON file.

The store is imported inside the commands, not here: `backchain --help` imports this module
and should not wait for the database.
"""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from backchain.cli.common import console, read_file, user_errors, write_file


@user_errors
def export(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of the screen."),
    ] = None,
) -> None:
    """Export everything stored (profile, plan, logs, check-ins, decisions, questionnaires)."""
    from backchain.store import open_store
    from backchain.store.transfer import export_data

    with open_store() as store, store.read() as session:
        data = export_data(session)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        print(text, end="")
        return
    write_file(output, text.encode())
    console.print(Text(f"Exported to {output}."))  # Text: a file name is not markup


@user_errors
def import_(
    file: Annotated[Path, typer.Argument(help="A file written by `backchain export`.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the data already stored here.")
    ] = False,
) -> None:
    """Import an export file; nothing changes unless the whole file is valid."""
    from backchain.store import open_store
    from backchain.store.transfer import import_data, parse_export

    data = parse_export(read_file(file))  # the same strict reading as the web app's import
    with open_store() as store, store.transaction() as session:
        import_data(session, data, replace=replace)
    console.print(Text(f"Imported {file}."))
