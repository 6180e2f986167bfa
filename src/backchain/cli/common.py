"""What every command shares: the console, JSON in and out, and turning user errors into one line."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from contextlib import suppress
from datetime import date
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from pydantic import ValidationError

from backchain.datafile import strict_json
from backchain.errors import BackchainError

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "USER_ERROR_EXIT",
    "JsonFlag",
    "console",
    "parse_day",
    "print_json",
    "read_file",
    "read_json",
    "user_errors",
    "validation_message",
    "write_file",
]

#: The terminal the commands print to, made on first use (`__getattr__`): a command that prints
#: only JSON starts a tenth faster without importing rich.
console: Console
USER_ERROR_EXIT = 2

_P = ParamSpec("_P")
_R = TypeVar("_R")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def __getattr__(name: str) -> Console:
    """`console`, made when a command first prints to it."""
    if name != "console":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rich.console import Console

    made = globals()["console"] = Console()
    return made


def user_errors(command: Callable[_P, _R]) -> Callable[_P, _R]:
    """Show a BackchainError as one line on stderr and exit 2, never as a traceback."""

    @wraps(command)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return command(*args, **kwargs)
        except BackchainError as error:
            print(f"Error: {error}", file=sys.stderr)
            raise typer.Exit(USER_ERROR_EXIT) from None

    return run


def read_json(path: Path) -> Any:
    """The JSON in a file, read strictly (`datafile.strict_json`); a missing, unreadable, too large
    or malformed file is a user error."""
    return strict_json(
        read_file(path), refuse=lambda problem: BackchainError(f"{path}: {problem}.")
    )


def read_file(path: Path) -> bytes:
    """A file's bytes; one over the size limit is refused before it is read."""
    from backchain.config import ENV_PREFIX, load_config  # pydantic-settings: slow to import

    limit = load_config().max_import_bytes
    try:
        with path.open("rb") as file:
            too_large = os.fstat(file.fileno()).st_size > limit
            data = b"" if too_large else file.read(limit + 1)  # +1: a pipe has no size
    except FileNotFoundError:
        raise BackchainError(f"{path}: no such file; check the path.") from None
    except OSError as error:
        reason = error.strerror or "it cannot be read"
        raise BackchainError(f"{path}: cannot read it ({reason}).") from None
    if too_large or len(data) > limit:
        raise BackchainError(
            f"{path} is over {load_config().max_import_mb} MB, the most Backchain reads "
            f"(set {ENV_PREFIX}MAX_IMPORT_MB to change it); nothing was changed."
        )
    return data


def print_json(data: object) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def parse_day(text: str | None, *, option: str = "--date") -> date:
    """A YYYY-MM-DD option, or today when it is not given."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BackchainError(f"{option} must be a date as YYYY-MM-DD, got '{text}'.") from None


def validation_message(error: ValidationError, what: str) -> str:
    """The first problem pydantic found, as one line naming the field."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "(whole file)"
    message = first["msg"].removeprefix("Value error, ")
    return f"{what} field '{field}': {message}."


def write_file(output: Path, data: bytes) -> None:
    """Write via FILE.partial and a rename, so a failure never leaves half a file behind."""
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
