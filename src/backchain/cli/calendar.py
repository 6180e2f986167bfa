"""`backchain calendar`: the current plan as an .ics file for any calendar app.

The store and the calendar format are imported inside the command, not here:
`backchain --help` imports this module and should not wait for them.
"""

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from backchain.cli.common import console, user_errors, write_file
from backchain.errors import BackchainError
from backchain.exercises import load_catalogue

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
    from backchain import journal
    from backchain.reports.calendar import CALENDAR_FILENAME, plan_calendar
    from backchain.store import open_store

    with open_store() as store, store.read() as session:
        plan = journal.load_journal(session).plan
    data = plan_calendar(plan, catalogue=load_catalogue(), generated_at=datetime.now(UTC))
    if output is None:
        sys.stdout.buffer.write(data)
        return
    if output.is_dir():
        raise BackchainError(
            f"{output} is a folder; give a file name, e.g. {output / CALENDAR_FILENAME}."
        )
    write_file(output, data)
    console.print(
        Text(f"Wrote your plan's calendar to {output}; import it into your calendar app.")
    )
