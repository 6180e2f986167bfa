"""`backchain calendar`: the stored plan as an .ics file, and one-line errors when it cannot be."""

import json
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from cli_runner import Run
from icalendar import Calendar

from backchain.screening import RED_FLAGS

MONDAY = "2026-01-05"
CLEAR = {
    "red_flags": {flag.id: False for flag in RED_FLAGS},
    "startback": [False] * 8 + ["slightly"],
    "age": 38,
}
PROFILE = {
    "age": 38,
    "equipment": ["mat", "dumbbells"],
    "experience": "some",
    "days": ["monday", "wednesday", "friday"],
    "minutes_per_session": 40,
    "sitting_hours": 9,  # desk breaks on by default
    "pain": 3,
    "screening": CLEAR,
}


def one_line_error(result: Any) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return str(lines[0])


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder with one stored program for the whole module: `init` takes seconds."""
    return tmp_path_factory.mktemp("home")


@pytest.fixture
def started(run: Run, home: Path) -> Run:
    """`backchain` run in the module's home, where a program is stored on first use."""
    if not (home / "p.json").exists():
        (home / "p.json").write_text(json.dumps(PROFILE))
        init = run("init", "--profile", "p.json", "--start", MONDAY, cwd=home)
        assert init.returncode == 0, init.stderr
    return partial(run, cwd=home)


def read_events(path: Path) -> list[Any]:
    return list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def test_writes_the_plan_as_a_calendar(started: Run, home: Path) -> None:
    result = started("calendar", "-o", "plan.ics")
    assert result.returncode == 0, result.stderr
    assert "plan.ics" in result.stdout
    found = read_events(home / "plan.ics")
    session_days = [e.decoded("DTSTART") for e in found if "RRULE" not in e]
    assert len(session_days) == 12 * 3
    assert session_days[0] == date.fromisoformat(MONDAY)
    assert len([e for e in found if "RRULE" in e]) == 2, "two desk-break reminders"
    assert not (home / "plan.ics.partial").exists()


def test_without_output_the_calendar_goes_to_the_screen(started: Run) -> None:
    result = started("calendar")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("BEGIN:VCALENDAR")
    assert result.stdout.rstrip().endswith("END:VCALENDAR")


def test_no_program_yet_is_one_line(run: Run, tmp_path: Path) -> None:
    line = one_line_error(run("calendar", "-o", "plan.ics"))
    assert line.startswith("Error: No program yet")
    assert not (tmp_path / "plan.ics").exists()


def test_a_path_that_cannot_be_written_is_one_line(started: Run) -> None:
    line = one_line_error(started("calendar", "-o", "no/such/folder/plan.ics"))
    assert line.startswith("Error: Cannot write no/such/folder/plan.ics")
    assert "choose a file in a folder you can write to" in line


def test_a_folder_is_refused_with_a_file_name_to_use(started: Run, home: Path) -> None:
    (home / "out").mkdir()
    line = one_line_error(started("calendar", "-o", "out"))
    assert "out is a folder" in line
    assert "out/backchain-plan.ics" in line
    assert list((home / "out").iterdir()) == []
