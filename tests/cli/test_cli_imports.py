"""What a command imports: the database, the web app, the PDF report and the motion packages
cost most of a second to import, so only the commands that use them import them."""

import json
import subprocess
import sys

import pytest

# Runs `backchain ARGS...` the way the installed script does, then lists what was imported.
PROGRAM = """
import json, sys
from backchain.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""

HEAVY = ("sqlalchemy", "alembic", "mediapipe", "cv2", "av", "weasyprint", "fastapi", "uvicorn")


def imported_by(*args: str) -> set[str]:
    """Every module a process that ran `backchain ARGS...` had imported by its end."""
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


@pytest.mark.parametrize(
    "args",
    [
        ("exercises", "--json"),
        ("exercises", "show", "squat"),
        # The overview lists every command, so it loads every command's module.
        ("--help",),
        ("plan", "--help"),
    ],
    ids=" ".join,
)
def test_command_starts_without_heavy_packages(args: tuple[str, ...]) -> None:
    packages = {name.partition(".")[0] for name in imported_by(*args)}
    assert sorted(packages.intersection(HEAVY)) == []


def test_exercises_loads_no_other_command() -> None:
    imported = imported_by("exercises", "--json")
    cli_modules = {name for name in imported if name.startswith("backchain.cli.")}
    assert cli_modules == {"backchain.cli.common", "backchain.cli.library"}
    assert "backchain.store" not in imported
