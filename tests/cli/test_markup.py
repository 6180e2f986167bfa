"""Text from a person or a file is printed as it is, never read as Rich markup: a skip reason of
"[/]" must not crash `backchain log` after the session is saved, nor turn into bold or an emoji."""

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from cli_runner import Run
from test_program_cli import CLEAR, MONDAY, one_line_error, profile, write

# A closing tag with nothing open is a MarkupError in Rich; the others would be styled away.
CLOSE = "[/]"
BOLD = "[bold]x[/bold]:thumbs_up:"
WEDNESDAY = "2026-01-07"
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


def ok(result: Any) -> str:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return str(result.stdout)


def test_skip_reasons_and_notes_print_as_typed(run: Run, tmp_path: Path) -> None:
    ok(run("init", "--profile", write(tmp_path, "p.json", profile()), "--start", MONDAY))
    session = {
        "exercises": [
            {
                "exercise": "glute_bridge",
                "variation": "glute_bridge",
                "sets": [{"reps": 25, "rpe": 6, "pain": 1}, {"reps": 25, "rpe": 7, "pain": 1}],
            }
        ],
        "skipped": [
            {"exercise": "locust", "reason": CLOSE},
            {"exercise": "squat", "reason": BOLD},
        ],
        "pain_after": 2,
        "notes": f"{CLOSE} {BOLD}",
    }
    logged = ok(run("log", "--file", write(tmp_path, "s.json", session), "--date", MONDAY))
    assert "Session saved." in logged
    assert f"Skipped this time ({CLOSE});" in logged
    assert f"Skipped this time ({BOLD});" in logged

    due = ok(run("today", "--date", WEDNESDAY))
    assert f"({CLOSE});" in due
    assert f"({BOLD});" in due

    checked = ok(
        run(
            "checkin", "--pain", "2", "--compared", "same", "--no-new-symptoms", "--date", WEDNESDAY
        )
    )
    assert f"Skipped this time ({CLOSE});" in checked

    assert "1 done, 2 skipped" in ok(run("history"))
    (stored,) = json.loads(ok(run("history", "--json")))["sessions"]
    assert [s["reason"] for s in stored["log"]["skipped"]] == [CLOSE, BOLD]
    assert stored["log"]["notes"] == f"{CLOSE} {BOLD}"


def test_who_cleared_you_prints_as_typed(run: Run, tmp_path: Path) -> None:
    cleared = {
        **CLEAR,
        "red_flags": {**CLEAR["red_flags"], "pregnancy": True},  # type: ignore[dict-item]
        "clearance": {"flags": ["pregnancy"], "date": YESTERDAY, "by": CLOSE},
    }
    screened = ok(run("screen", "--answers", write(tmp_path, "a.json", cleared)))
    assert f"a clinician ({CLOSE}) assessed" in screened
    data = profile(screening=cleared)
    ok(run("init", "--profile", write(tmp_path, "p.json", data), "--start", MONDAY))
    assert f"pregnancy: cleared on {YESTERDAY} by {CLOSE}" in ok(run("history"))


def test_text_from_an_imported_file_prints_as_written(run: Run, tmp_path: Path) -> None:
    ok(run("init", "--profile", write(tmp_path, "p.json", profile()), "--start", MONDAY))
    document = json.loads(ok(run("export")))
    (person,) = document["people"]
    plan = next(p for p in person["plans"] if not p["superseded"])
    plan["desk_break"]["note"] = f"{CLOSE} {BOLD}"
    person["questionnaires"][0]["band"] = CLOSE
    pause = {"exercise": None, "kind": "pause", "reason": f"{BOLD} {CLOSE}", "variation": None}
    person["decisions"].append({**pause, "load": None, "session_log": None, "decided_on": MONDAY})
    imported = ok(run("import", write(tmp_path, "[bold]in.json", document), "--replace"))
    assert imported == "Imported [bold]in.json.\n"

    assert f"Desk break: {CLOSE} {BOLD}" in ok(run("plan"))
    assert f"│ {CLOSE}" in ok(run("history"))  # the band, in its own cell
    assert f"{BOLD} {CLOSE}" in ok(run("today", "--date", MONDAY))  # the pause, and why


def test_file_names_print_as_given(run: Run, tmp_path: Path) -> None:
    assert ok(run("export", "-o", "[bold]x.json")) == "Exported to [bold]x.json.\n"
    other = tmp_path / "other"
    other.mkdir()
    (other / "[/]x.json").parent.mkdir()
    (other / "[/]x.json").write_bytes((tmp_path / "[bold]x.json").read_bytes())
    assert ok(run("import", "[/]x.json", cwd=other)) == "Imported [/]x.json.\n"
    line = one_line_error(run("export", "-o", "no-such-folder/[/]x.json"))
    assert line.startswith("Error: Cannot write no-such-folder/[/]x.json (No such file")


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["today", "--date", BOLD], f"Error: --date must be a date as YYYY-MM-DD, got '{BOLD}'."),
        (["log", "--file", f"{CLOSE}.json"], f"Error: {CLOSE}.json: no such file; check the path."),
        (["exercises", "show", CLOSE], f"Error: Unknown exercise '{CLOSE}'. Choose one of: "),
        (["import", "dup.json"], f'Error: Cannot import: the field "{CLOSE}" appears twice'),
    ],
)
def test_error_messages_quote_input_as_given(
    run: Run, tmp_path: Path, command: list[str], message: str
) -> None:
    (tmp_path / "dup.json").write_text(json.dumps({CLOSE: 1})[:-1] + f', "{CLOSE}": 2}}')
    assert one_line_error(run(*command)).startswith(message)
