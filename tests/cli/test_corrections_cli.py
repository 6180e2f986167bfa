"""The clearance contract of `backchain screen`, one log a day, `log --replace`, `backchain correct`
and `backchain settings`, run as a user runs them."""

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from cli_runner import Run
from test_program_cli import MONDAY, SESSION, one_line_error, profile, write

from backchain.screening import RED_FLAGS

CLINICIAN = [flag.id for flag in RED_FLAGS if flag.severity.value == "see_clinician"]
URGENT = [flag.id for flag in RED_FLAGS if flag.severity.value == "urgent"]
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()
TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def answers(*yes: str, clearance: Any = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "red_flags": {flag.id: flag.id in yes for flag in RED_FLAGS},
        "startback": [False] * 8 + ["slightly"],
        "age": 60,  # new back pain counts as a flag over 50
    }
    if clearance is not None:
        data["clearance"] = clearance
    return data


def screen(run: Run, tmp_path: Path, data: object) -> Any:
    return run("screen", "--answers", write(tmp_path, "a.json", data), "--json")


def test_every_see_a_clinician_flag_cleared_means_proceed(run: Run, tmp_path: Path) -> None:
    clearance = {"flags": CLINICIAN, "date": YESTERDAY, "by": "Dr Okafor"}
    result = screen(run, tmp_path, answers(*CLINICIAN, clearance=clearance))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["verdict"] == "proceed"
    assert out["flags"] == CLINICIAN
    assert out["cleared"] == CLINICIAN


@pytest.mark.parametrize("flag", ["cancer_history", "pregnancy", "not_improving"])
def test_one_flag_cleared_means_proceed(run: Run, tmp_path: Path, flag: str) -> None:
    before = json.loads(screen(run, tmp_path, answers(flag)).stdout)
    clearance = {"flags": [flag], "date": YESTERDAY, "by": None}
    after = json.loads(screen(run, tmp_path, answers(flag, clearance=clearance)).stdout)
    assert (before["verdict"], before["cleared"]) == ("see_clinician", [])
    assert (after["verdict"], after["cleared"]) == ("proceed", [flag])


def test_an_uncleared_flag_keeps_see_a_clinician(run: Run, tmp_path: Path) -> None:
    clearance = {"flags": ["pregnancy"], "date": YESTERDAY, "by": None}
    out = json.loads(
        screen(run, tmp_path, answers("pregnancy", "weight_loss", clearance=clearance)).stdout
    )
    assert (out["verdict"], out["cleared"]) == ("see_clinician", ["pregnancy"])


def test_urgent_stays_urgent(run: Run, tmp_path: Path) -> None:
    clearance = {"flags": ["pregnancy"], "date": YESTERDAY, "by": None}
    out = json.loads(
        screen(run, tmp_path, answers("bladder", "pregnancy", clearance=clearance)).stdout
    )
    assert (out["verdict"], out["cleared"]) == ("urgent", ["pregnancy"])


@pytest.mark.parametrize(
    ("clearance", "message"),
    [
        ({"flags": [URGENT[0]], "date": YESTERDAY}, "urgent sign and cannot be cleared"),
        ({"flags": ["no_such_flag"], "date": YESTERDAY}, "Unknown red-flag id 'no_such_flag'"),
        ({"flags": ["pregnancy"], "date": TOMORROW}, "is in the future"),
        ({"flags": ["pregnancy"], "date": "last week"}, "YYYY-MM-DD"),
    ],
)
def test_a_bad_clearance_exits_2_with_one_line(
    run: Run, tmp_path: Path, clearance: dict[str, Any], message: str
) -> None:
    result = screen(run, tmp_path, answers("pregnancy", URGENT[0], clearance=clearance))
    assert message in one_line_error(result)
    assert result.stdout == ""


def test_init_with_a_cleared_flag_makes_a_plan_and_history_keeps_the_clearance(
    run: Run, tmp_path: Path
) -> None:
    clearance = {"flags": ["cancer_history"], "date": YESTERDAY, "by": "oncology clinic"}
    data = profile(screening={**answers("cancer_history", clearance=clearance), "age": 38})
    result = run("init", "--profile", write(tmp_path, "p.json", data), "--start", MONDAY)
    assert result.returncode == 0, result.stderr
    (screening,) = json.loads(run("history", "--json").stdout)["screenings"]
    assert screening["verdict"] == "proceed"
    assert screening["clearance"] == clearance
    exported = json.loads(run("export").stdout)
    assert exported["people"][0]["screenings"][0]["answers"]["clearance"] == clearance


def _started(run: Run, tmp_path: Path) -> None:
    assert (
        run("init", "--profile", write(tmp_path, "p.json", profile()), "--start", MONDAY).returncode
        == 0
    )
    logged = run("log", "--file", write(tmp_path, "s.json", SESSION), "--date", MONDAY)
    assert logged.returncode == 0, logged.stderr


def test_a_second_log_for_the_day_is_refused_and_replace_records_a_correction(
    run: Run, tmp_path: Path
) -> None:
    _started(run, tmp_path)
    again = {**SESSION, "pain_after": 5, "notes": "second try"}
    name = write(tmp_path, "again.json", again)
    line = one_line_error(run("log", "--file", name, "--date", MONDAY))
    assert "already logged for 2026-01-05" in line
    assert "--replace" in line
    (session,) = json.loads(run("history", "--json").stdout)["sessions"]
    assert session["log"]["notes"] == "first session"

    replaced = run("log", "--file", name, "--date", MONDAY, "--replace")
    assert replaced.returncode == 0, replaced.stderr
    history = json.loads(run("history", "--json").stdout)
    (session,) = history["sessions"]
    assert (session["log"]["notes"], session["corrected"]) == ("second try", True)
    (correction,) = history["corrections"]
    assert correction["kind"] == "session_replaced"
    assert correction["before"]["notes"] == "first session"


def test_replace_with_nothing_logged_just_logs(run: Run, tmp_path: Path) -> None:
    run("init", "--profile", write(tmp_path, "p.json", profile()), "--start", MONDAY)
    result = run("log", "--file", write(tmp_path, "s.json", SESSION), "--date", MONDAY, "--replace")
    assert result.returncode == 0, result.stderr
    history = json.loads(run("history", "--json").stdout)
    assert len(history["sessions"]) == 1
    assert history["corrections"] == []


def _decision(history: dict[str, Any], exercise: str) -> dict[str, Any]:
    (session,) = history["sessions"]
    decision: dict[str, Any] = next(d for d in session["decisions"] if d["exercise"] == exercise)
    return decision


def test_correcting_a_set_decides_again(run: Run, tmp_path: Path) -> None:
    _started(run, tmp_path)
    assert _decision(json.loads(run("history", "--json").stdout), "squat")["kind"] == "regress"
    # The squat's pain was 7; it was really 2: no more regression, and the history says so.
    fixed = run(
        "correct", "set", "--date", MONDAY, "--exercise", "squat", "--set", "1", "--pain", "2"
    )
    assert fixed.returncode == 0, fixed.stderr
    history = json.loads(run("history", "--json").stdout)
    assert _decision(history, "squat")["kind"] != "regress"
    (correction,) = history["corrections"]
    assert correction["kind"] == "set_changed"
    assert "pain 7 → 2" in correction["summary"]
    (session,) = history["sessions"]
    squat = next(e for e in session["log"]["exercises"] if e["exercise"] == "squat")
    assert squat["sets"][0]["pain"] == 2
    exported = json.loads(run("export").stdout)
    assert exported["people"][0]["revisions"][0]["summary"] == correction["summary"]


def test_removing_sets_and_a_session(run: Run, tmp_path: Path) -> None:
    _started(run, tmp_path)
    removed = run("correct", "remove-set", "--date", MONDAY, "--exercise", "squat", "--set", "1")
    assert removed.returncode == 0, removed.stderr
    (session,) = json.loads(run("history", "--json").stdout)["sessions"]
    assert [e["exercise"] for e in session["log"]["exercises"]] == ["glute_bridge"]
    assert {"exercise": "squat", "reason": "Every set was removed in a correction."} in session[
        "log"
    ]["skipped"]

    gone = run("correct", "remove-session", "--date", MONDAY, "--yes")
    assert gone.returncode == 0, gone.stderr
    history = json.loads(run("history", "--json").stdout)
    assert history["sessions"] == []
    assert [c["kind"] for c in history["corrections"]] == ["set_removed", "session_removed"]
    # The day is free again.
    assert run("log", "--file", "s.json", "--date", MONDAY).returncode == 0


BAD_CORRECTIONS = (
    (
        [
            "correct",
            "set",
            "--date",
            "2026-01-07",
            "--exercise",
            "squat",
            "--set",
            "1",
            "--reps",
            "3",
        ],
        "No session is logged for 2026-01-07",
    ),
    (
        [
            "correct",
            "set",
            "--date",
            MONDAY,
            "--exercise",
            "squat",
            "--set",
            "4",
            "--reps",
            "3",
        ],
        "no set 4",
    ),
    (
        ["correct", "set", "--date", MONDAY, "--exercise", "squat", "--set", "1"],
        "Give at least one value",
    ),
    (
        [
            "correct",
            "set",
            "--date",
            MONDAY,
            "--exercise",
            "squat",
            "--set",
            "1",
            "--pain",
            "11",
        ],
        "pain",
    ),
    (
        [
            "correct",
            "set",
            "--date",
            MONDAY,
            "--exercise",
            "squat",
            "--set",
            "1",
            "--load",
            "heavy",
        ],
        "--load must be",
    ),
    (
        ["correct", "remove-set", "--date", MONDAY, "--exercise", "plank", "--set", "1"],
        "no sets of 'plank'",
    ),
    (["correct", "remove-session", "--date", "2026-02-30", "--yes"], "YYYY-MM-DD"),
)


def test_bad_corrections_exit_2_and_change_nothing(run: Run, tmp_path: Path) -> None:
    # One stored program for all the cases: each CLI run costs a second or two.
    _started(run, tmp_path)
    before = run("export").stdout
    for command, message in BAD_CORRECTIONS:
        assert message in one_line_error(run(*command)), command
    assert run("export").stdout == before


def test_settings_change_the_days_from_a_day_on(run: Run, tmp_path: Path) -> None:
    _started(run, tmp_path)
    before = json.loads(run("plan", "--json").stdout)
    changed = run("settings", "--days", "tuesday,thursday", "--date", "2026-01-06")
    assert changed.returncode == 0, changed.stderr
    after = json.loads(run("plan", "--json").stdout)
    weeks = [[s["date"] for s in w["sessions"]] for w in after["weeks"]]
    # The past stays; this week gets one of the new days, as many sessions as now asked for.
    assert weeks[0] == [MONDAY, "2026-01-06"]
    later = [date.fromisoformat(d).strftime("%A") for week in weeks[1:] for d in week]
    assert later == ["Tuesday", "Thursday"] * (len(weeks) - 1)
    assert before["weeks"][0]["sessions"][0] == after["weeks"][0]["sessions"][0]
    (change,) = json.loads(run("history", "--json").stdout)["corrections"]
    assert change["kind"] == "settings_changed"
    assert change["after"] == {"days": ["tuesday", "thursday"]}


BAD_SETTINGS = (
    ([], "Give a setting to change"),
    (["--days", "monday"], "give 2 to 5 training days"),
    (["--equipment", "barbell"], "'barbell' is not one of"),
    (["--minutes", "5"], "minutes_per_session"),
    (["--weeks", "20"], "weeks"),
)


def test_bad_settings_exit_2_and_change_nothing(run: Run, tmp_path: Path) -> None:
    _started(run, tmp_path)
    before = run("export").stdout
    for args, message in BAD_SETTINGS:
        assert message in one_line_error(run("settings", *args)), args
    assert run("export").stdout == before
