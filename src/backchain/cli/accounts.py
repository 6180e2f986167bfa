"""`backchain accounts`: clinic mode's accounts from the command line; the first admin starts here.

The store is imported inside the commands, not here: `backchain --help` imports this module
and should not wait for the database.
"""

import getpass
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from backchain.care.accounts import Role
from backchain.cli.common import console, read_file, user_errors

__all__ = ["app"]

app = typer.Typer(help="Clinic mode's accounts: create the first admin, list, password links.")


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _password(password_file: Path | None) -> str:
    from backchain.journal.accounts import AccountError

    if password_file is not None:
        return read_file(password_file).decode("utf-8", errors="replace").rstrip("\r\n")
    if not sys.stdin.isatty():
        raise AccountError(
            "No terminal to type the password in; give it with --password-file FILE."
        )
    first = getpass.getpass("Password (at least 10 characters): ")
    if getpass.getpass("The password again: ") != first:
        raise AccountError("The two passwords are not the same; run the command again.")
    return first


@app.command()
@user_errors
def create(
    email: Annotated[str, typer.Option(help="The account's email: how its owner signs in.")],
    role: Annotated[Role, typer.Option(help="person, clinician or admin.")] = Role.ADMIN,
    name: Annotated[str | None, typer.Option(help="The name shown to others.")] = None,
    password_file: Annotated[
        Path | None,
        typer.Option(help="Read the password from this file (first line) instead of asking."),
    ] = None,
) -> None:
    """Create an account with a password (prompted, or read from a file)."""
    from backchain.config import load_config
    from backchain.journal import accounts as journal_accounts
    from backchain.store import open_store

    password = _password(password_file)
    with open_store() as store:
        made = journal_accounts.create_account(
            store,
            email=email,
            name=name or email.split("@")[0],
            role=role,
            password=password,
            now=_now(),
        )
    console.print(Text(f"Created the {made.role.value} account {made.email}."))
    if not load_config().clinic:
        console.print(
            Text("Accounts are used in clinic mode: start it with `backchain serve --clinic`.")
        )


@app.command("list")
@user_errors
def list_() -> None:
    """Every account, with its role."""
    from backchain.store import care as stored
    from backchain.store import open_store

    with open_store() as store, store.read() as session:
        everyone = stored.accounts(session)
    table = Table("Email", "Name", "Role", "Password")
    for account in everyone:
        table.add_row(
            Text(account.email),
            Text(account.name),
            account.role.value,
            "set" if account.has_password else "not set yet",
        )
    console.print(table)


@app.command("password-link")
@user_errors
def password_link(
    email: Annotated[str, typer.Option(help="Whose password to (re)set.")],
    admin: Annotated[str, typer.Option(help="The admin account making the link.")],
    url: Annotated[
        str, typer.Option(help="The address people open Backchain at.")
    ] = "http://127.0.0.1:8000",
) -> None:
    """A one-time link to set a new password (there is no mail server: hand it over)."""
    from backchain.journal import accounts as journal_accounts
    from backchain.journal.accounts import AccountError
    from backchain.store import care as stored
    from backchain.store import open_store

    with open_store() as store:
        with store.read() as session:
            found = stored.account_by_email(session, email=admin.strip().lower())
        if found is None or found[0].role is not Role.ADMIN:
            raise AccountError(f"{admin} is not an admin account; name one with --admin.")
        token = journal_accounts.password_link(store, made_by=found[0].id, email=email, now=_now())
    console.print(Text(f"{url.rstrip('/')}/password/{token}"))
