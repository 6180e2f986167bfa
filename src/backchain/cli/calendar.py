"""`backchain calendar`: the current plan as an .ics file for any calendar app."""

import sys
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from backchain import journal
from backchain.cli.common import console, user_errors
from backchain.errors import BackchainError
from backchain.exercises import load_catalogue
from backchain.reports.calendar import CALENDAR_FILENAME, plan_calendar
from backchain.store import open_store

__all__ = ["calendar"]


@user_errors
def calendar(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this .ics file instead of the screen."),
    ] = None,
) -> None:
    """Export your plan's sessions (and desk-break reminders) as a calendar file (.ics).

    Import it into any calendar app; importing a newer file updates the events already there.
    """
    with open_store() as store, store.read() as session:
        plan = journal.load_journal(session).plan
    data = plan_calendar(plan, catalogue=load_catalogue(), generated_at=datetime.now(UTC))
    if output is None:
        sys.stdout.buffer.write(data)
        return
    _write(output, data)
    console.print(
        Text(f"Wrote your plan's calendar to {output}; import it into your calendar app.")
    )


def _write(output: Path, data: bytes) -> None:
    """Write via FILE.partial and a rename, so a failure never leaves half a calendar behind."""
    if output.is_dir():
        raise BackchainError(
            f"{output} is a folder; give a file name, e.g. {output / CALENDAR_FILENAME}."
        )
    partial = output.with_name(output.name + ".partial")
    try:
        partial.write_bytes(data)
        partial.replace(output)
    except OSError as error:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        reason = error.strerror or "it cannot be written"
        raise BackchainError(
            f"Cannot write {output} ({reason}); choose a file in a folder you can write to."
        ) from None
