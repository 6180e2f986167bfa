"""The `backchain` command line: a thin adapter over the domain packages.

A command's module is imported only when that command runs or a help page lists it, so each
command pays only for what it uses: `backchain exercises` reads the catalogue without loading
the database, the web app or the motion packages.

User errors (`BackchainError`) become one line on stderr and exit status 2 (`common.user_errors`).
"""

from collections.abc import Iterator, Mapping, MutableMapping
from importlib import import_module
from typing import Any

import typer
import typer.main
from typer._click import Command  # Typer's own click, whose commands these are
from typer.core import TyperGroup

__all__ = ["COMMANDS", "app"]

#: Each command and where it is defined, as "module:name" in this package: a function is one
#: command, a Typer a group of them. Help lists them in this order.
COMMANDS = {
    "screen": "screening:screen",
    "score": "screening:score",
    "init": "program:init",
    "plan": "program:plan",
    "today": "program:today",
    "log": "program:log",
    "checkin": "program:checkin",
    "history": "program:history",
    "settings": "corrections:settings",
    "resume": "program:resume",
    "export": "data:export",
    "import": "data:import_",
    "calendar": "calendar:calendar",
    "report": "report:report",
    "analyze": "motion:analyze",
    "landmarks": "motion:landmarks",
    "serve": "serve:serve",
    "worker": "worker:worker",
    "exercises": "library:app",
    "accounts": "accounts:app",
    "correct": "corrections:app",
}


class _LazyCommands(MutableMapping[str, Command]):
    """The commands of a group by name; a command's module is imported when it is looked up.

    Listing the names (for "Did you mean ...?") imports nothing.
    """

    def __init__(self, places: Mapping[str, str]) -> None:
        self._places = dict(places)
        self._loaded: dict[str, Command] = {}

    def __getitem__(self, name: str) -> Command:
        if name not in self._loaded:
            self._loaded[name] = _load(name, self._places[name])
        return self._loaded[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._places.setdefault(name, "")  # added ready-made: nothing to import
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._places[name]
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)


def _load(name: str, place: str) -> Command:
    """The command `name` as Typer makes it when it is registered with the top-level app."""
    module, _, attribute = place.partition(":")
    target = getattr(import_module(f"{__name__}.{module}"), attribute)
    carrier = typer.Typer()
    if isinstance(target, typer.Typer):
        carrier.add_typer(target, name=name)
    else:
        carrier.command(name)(target)
    return typer.main.get_group(carrier).commands[name]


class _TopLevel(TyperGroup):
    """The `backchain` group: its commands are the ones in COMMANDS."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _LazyCommands(COMMANDS)


app = typer.Typer(cls=_TopLevel, no_args_is_help=True, add_completion=False)


@app.callback()
def backchain() -> None:
    """Backchain: posterior-chain training for lower back pain, run on your own machine."""
