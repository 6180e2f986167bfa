"""What every command shares: the console, JSON in and out, and turning user errors into one line."""

import json
import sys
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console

from backchain.errors import BackchainError

__all__ = [
    "USER_ERROR_EXIT",
    "JsonFlag",
    "console",
    "parse_day",
    "print_json",
    "read_json",
    "user_errors",
    "validation_message",
]

console = Console()
USER_ERROR_EXIT = 2

_P = ParamSpec("_P")
_R = TypeVar("_R")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


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
    """The parsed JSON in a file; a missing, unreadable or malformed file is a user error."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BackchainError(f"{path}: no such file; check the path.") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not a UTF-8 text file"
        raise BackchainError(f"{path}: cannot read it ({reason}).") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BackchainError(
            f"{path} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None


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
