"""`backchain report`: the PDF report of a period, to bring to an appointment.

The store and the PDF renderer are imported inside the command, not here: `backchain --help`
imports this module and should not wait for them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from backchain.cli.common import console, parse_day, user_errors, write_file
from backchain.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["report"]


@user_errors
def report(
    first: Annotated[
        str | None,
        typer.Option("--from", help="First day, as YYYY-MM-DD (default: the plan's first day)."),
    ] = None,
    last: Annotated[
        str | None, typer.Option("--to", help="Last day, as YYYY-MM-DD (default: today).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The PDF file to write (default: backchain-report-FROM-TO.pdf here).",
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", help="Your name, to print on the report (default: none)."),
    ] = None,
    person: Annotated[
        str | None,
        typer.Option("--person", help="Clinic mode: the email of the person the report is about."),
    ] = None,
) -> None:
    """Write a PDF report of a period: pain, questionnaires, sessions, decisions and form.

    Bring it to an appointment: it shows a physiotherapist or doctor how training has gone.
    """
    from backchain import journal
    from backchain.reports.pdf import build_report, render_pdf, report_filename
    from backchain.reports.progress_charts import Period
    from backchain.store import open_store

    start = None if first is None else parse_day(first, option="--from")
    end = None if last is None else parse_day(last, option="--to")
    today = date.today()
    with open_store() as store, store.read() as session:
        person_id, name = _person(session, person, name)
        plan_start = journal.load_journal(session, person_id=person_id).plan.start
        # Without --to, today; or the plan's first day while the plan is still to begin.
        period = Period(start or plan_start, end or max(today, plan_start))
        data = build_report(
            session,
            person_id=person_id,
            start=period.start,
            end=period.end,
            name=name,
            made_on=today,
        )
    target = output or Path(report_filename(period))
    if target.is_dir():
        target = target / report_filename(period)
    write_file(target, render_pdf(data))
    console.print(
        Text(
            f"Wrote the report for {period.start.isoformat()} to {period.end.isoformat()} "
            f"to {target}."
        )
    )


def _person(session: Session, email: str | None, name: str | None) -> tuple[int | None, str | None]:
    """The person of personal mode, or in clinic mode the account's person, with their name."""
    from backchain.store import care

    if email is None:
        return None, name
    found = care.account_by_email(session, email=email.strip().lower())
    person_id = None if found is None else care.person_of(session, account_id=found[0].id)
    if found is None or person_id is None:
        raise StoreError(
            f"No program is stored for {email}; check the email (`backchain accounts list`)."
        )
    return person_id, name or found[0].name
