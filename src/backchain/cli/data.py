"""`backchain export` and `backchain import`: all your data as one versioned JSON file."""

import json
from contextlib import suppress
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from backchain.cli.common import console, read_file, user_errors
from backchain.errors import BackchainError
from backchain.store import open_store
from backchain.store.transfer import export_data, import_data, parse_export


@user_errors
def export(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of the screen."),
    ] = None,
) -> None:
    """Export everything stored (profile, plan, logs, check-ins, decisions, questionnaires)."""
    with open_store() as store, store.read() as session:
        data = export_data(session)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        print(text, end="")
        return
    _write(output, text)
    console.print(Text(f"Exported to {output}."))  # Text: a file name is not markup


def _write(output: Path, text: str) -> None:
    """Write via FILE.partial and a rename, so a failure never leaves half an export behind."""
    partial = output.with_name(output.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(output)
    except OSError as error:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        reason = error.strerror or "it cannot be written"
        raise BackchainError(
            f"Cannot write {output} ({reason}); choose a file in a folder you can write to."
        ) from None


@user_errors
def import_(
    file: Annotated[Path, typer.Argument(help="A file written by `backchain export`.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the data already stored here.")
    ] = False,
) -> None:
    """Import an export file; nothing changes unless the whole file is valid."""
    data = parse_export(read_file(file))  # the same strict reading as the web app's import
    with open_store() as store, store.transaction() as session:
        import_data(session, data, replace=replace)
    console.print(Text(f"Imported {file}."))
