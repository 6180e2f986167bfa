"""`backchain report`: the PDF report of a period written to a file, and one-line errors."""

import json
import subprocess
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from cli_runner import Run

from backchain.screening import RED_FLAGS

MONDAY = "2026-01-05"
PROFILE = {
    "age": 38,
    "equipment": ["mat"],
    "experience": "new",
    "days": ["monday", "wednesday", "friday"],
    "minutes_per_session": 30,
    "sitting_hours": 4,
    "pain": 3,
    "screening": {
        "red_flags": {flag.id: False for flag in RED_FLAGS},
        "startback": [False] * 8 + ["slightly"],
        "age": 38,
    },
}
SESSION = {
    "exercises": [
        {
            "exercise": "glute_bridge",
            "variation": "partial_glute_bridge",
            "sets": [{"reps": 11, "rpe": 6, "pain": 2}, {"reps": 13, "rpe": 6, "pain": 5}],
        }
    ],
    "pain_after": 3,
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
    """One folder with one stored program and one logged session for the whole module."""
    return tmp_path_factory.mktemp("home")


@pytest.fixture
def started(run: Run, home: Path) -> Run:
    if not (home / "p.json").exists():
        (home / "p.json").write_text(json.dumps(PROFILE))
        (home / "s.json").write_text(json.dumps(SESSION))
        for args in (
            ("init", "--profile", "p.json", "--start", MONDAY),
            ("log", "--file", "s.json", "--date", MONDAY),
        ):
            done = run(*args, cwd=home)
            assert done.returncode == 0, done.stderr
    return partial(run, cwd=home)


def test_writes_the_report_of_the_period(started: Run, home: Path) -> None:
    result = started(
        "report", "--from", MONDAY, "--to", "2026-01-11", "-o", "r.pdf", "--name", "Ana Lima"
    )
    assert result.returncode == 0, result.stderr
    assert "Wrote the report for 2026-01-05 to 2026-01-11 to r.pdf" in result.stdout
    assert (home / "r.pdf").read_bytes().startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-layout", str(home / "r.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    squeezed = " ".join(text.split())
    assert "Ana Lima" in squeezed
    assert "Period 05 Jan 2026 to 11 Jan 2026" in squeezed
    assert "1 of 3 planned sessions done in the period." in squeezed
    assert "Glute bridge 1 2 24 0" in squeezed  # 11 + 13 reps
    assert "05 Jan 5 3 –" in squeezed  # peak 5 (a set), after 3, no morning check-in


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--from", "5 Jan"), "Error: --from must be a date as YYYY-MM-DD, got '5 Jan'."),
        (("--to", "2026-02-30"), "Error: --to must be a date as YYYY-MM-DD, got '2026-02-30'."),
        (
            ("--from", "2026-02-01", "--to", "2026-01-31"),
            "Error: The period ends on 2026-01-31, before it starts on 2026-02-01; give an end "
            "date on or after the start date.",
        ),
    ],
)
def test_bad_days_are_one_line(
    started: Run, home: Path, args: tuple[str, ...], expected: str
) -> None:
    assert one_line_error(started("report", *args, "-o", "bad.pdf")) == expected
    assert not (home / "bad.pdf").exists()


def test_without_a_program_says_how_to_start(run: Run, tmp_path: Path) -> None:
    line = one_line_error(run("report", "-o", "r.pdf"))
    assert "No program yet" in line
    assert not (tmp_path / "r.pdf").exists()
