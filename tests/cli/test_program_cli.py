"""The training journey on the command line: init, plan, today, log, checkin, history, export."""

import json
from pathlib import Path
from typing import Any

import pytest
from cli_runner import Run

from backchain.screening import RED_FLAGS

MONDAY = "2026-01-05"
CLEAR = {
    "red_flags": {flag.id: False for flag in RED_FLAGS},
    "startback": [False] * 8 + ["slightly"],
    "age": 38,
}


def profile(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "age": 38,
        "equipment": ["mat", "dumbbells"],
        "experience": "some",
        "days": ["monday", "wednesday", "friday"],
        "minutes_per_session": 40,
        "sitting_hours": 9,
        "pain": 3,
        "screening": CLEAR,
        "odi": [1, 1, 2, 1, 0, 1, 1, None, 1, 1],
    }
    return {**data, **changes}


def write(folder: Path, name: str, data: object) -> str:
    (folder / name).write_text(json.dumps(data))
    return name


def one_line_error(result: Any) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return str(lines[0])


def test_plan_json_contract_stores_nothing(run: Run, tmp_path: Path) -> None:
    result = run(
        "plan", "--profile", write(tmp_path, "p.json", profile()), "--start", MONDAY, "--json"
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert [w["week"] for w in plan["weeks"]] == list(range(1, 13))
    assert [w["phase"] for w in plan["weeks"]][::4] == ["foundation", "build", "strength"]
    first = plan["weeks"][0]["sessions"][0]
    assert first["date"] == MONDAY
    assert [s["date"] for s in plan["weeks"][0]["sessions"]] == [MONDAY, "2026-01-07", "2026-01-09"]
    bridge = first["exercises"][0]
    assert set(bridge) >= {"exercise", "variation", "sets", "reps", "hold_s", "rest_s", "reason"}
    assert bridge["exercise"] == "glute_bridge"
    assert bridge["variation"] == "glute_bridge"  # some experience, pain 3: the main exercise
    assert bridge["reps"] == [15, 20]  # foundation: the coach range topping at 20 inside 8-25
    dog = next(e for e in first["exercises"] if e["exercise"] == "downward_dog")
    assert dog["reps"] is None
    assert isinstance(dog["hold_s"], int | float)
    assert "No program yet" in run("today").stderr


def test_plan_for_sixteen_weeks(run: Run, tmp_path: Path) -> None:
    result = run("plan", "--profile", write(tmp_path, "p.json", profile(weeks=16)), "--json")
    assert len(json.loads(result.stdout)["weeks"]) == 16


def test_plan_refused_when_screening_says_see_a_clinician(run: Run, tmp_path: Path) -> None:
    flags = {**CLEAR["red_flags"], "recent_back_surgery": True}  # type: ignore[dict-item]
    data = profile(screening={**CLEAR, "red_flags": flags})
    line = one_line_error(run("plan", "--profile", write(tmp_path, "p.json", data), "--json"))
    assert "Please see a doctor or physiotherapist before you start training" in line


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"days": ["monday"]}, "'days'"),
        ({"equipment": ["barbell"]}, "barbell"),
        ({"weeks": 20}, "'weeks'"),
        ({"pain": 11}, "'pain'"),
        ({"minutes_per_session": 5}, "'minutes_per_session'"),
    ],
)
def test_invalid_profile_is_one_line(
    run: Run, tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    line = one_line_error(
        run("plan", "--profile", write(tmp_path, "p.json", profile(**changes)), "--json")
    )
    assert message in line


def test_too_little_time_says_what_would_fit(run: Run, tmp_path: Path) -> None:
    data = profile(days=["monday", "thursday"], minutes_per_session=10)
    line = one_line_error(run("plan", "--profile", write(tmp_path, "p.json", data)))
    assert "minutes" in line


SESSION = {
    "exercises": [
        {
            "exercise": "glute_bridge",
            "variation": "glute_bridge",
            "sets": [{"reps": 25, "rpe": 6, "pain": 1}, {"reps": 25, "rpe": 7, "pain": 1}],
        },
        {
            "exercise": "squat",
            "variation": "squat",
            "sets": [{"reps": 15, "rpe": 6, "pain": 7}],
        },
    ],
    "skipped": [{"exercise": "locust", "reason": "no mat at work"}],
    "pain_after": 2,
    "notes": "first session",
}


def test_a_first_week_from_init_to_history(run: Run, tmp_path: Path) -> None:
    init = run("init", "--profile", write(tmp_path, "p.json", profile()), "--start", MONDAY)
    assert init.returncode == 0, init.stderr
    assert "You can start" in init.stdout

    today = run("today", "--date", MONDAY)
    assert "week 1 · foundation phase" in today.stdout
    assert "Glute bridge" in today.stdout

    logged = run("log", "--file", write(tmp_path, "s.json", SESSION), "--date", MONDAY)
    assert logged.returncode == 0, logged.stderr
    assert "regress" in logged.stdout  # pain 7 in the squat

    due = run("today", "--date", "2026-01-06")
    assert "backchain checkin" in due.stdout

    checked = run(
        "checkin", "--pain", "2", "--compared", "same", "--no-new-symptoms", "--date", "2026-01-06"
    )
    assert checked.returncode == 0, checked.stderr

    history = json.loads(run("history", "--json").stdout)
    (session,) = history["sessions"]
    assert session["log"]["date"] == MONDAY
    assert session["peak_pain"] == 7
    assert session["checkin"]["compared"] == "same"
    squat = next(d for d in session["decisions"] if d["exercise"] == "squat")
    assert (squat["kind"], squat["variation"]) == ("regress", "chair_squat")
    assert [q["measure"] for q in history["questionnaires"]] == ["nrs", "odi"]

    wednesday = run("today", "--date", "2026-01-07")
    assert "Chair squat" in wednesday.stdout  # the regression shows in the next session


def test_init_twice_needs_new(run: Run, tmp_path: Path) -> None:
    name = write(tmp_path, "p.json", profile())
    assert run("init", "--profile", name).returncode == 0
    assert "init --new" in one_line_error(run("init", "--profile", name))
    assert run("init", "--profile", name, "--new").returncode == 0


def test_init_profile_without_screening_is_refused(run: Run, tmp_path: Path) -> None:
    data = profile()
    del data["screening"]
    line = one_line_error(run("init", "--profile", write(tmp_path, "p.json", data)))
    assert 'no "screening" answers' in line


def test_interactive_init(run: Run) -> None:
    about_you = "\n".join(
        ["38", "y", "n", "y", "n", "some", "monday wednesday friday", "40", "9", "3"]
    )
    screening = "n\n" * len(RED_FLAGS) + "n\n" * 8 + "slightly\n"
    result = run("init", "--start", MONDAY, stdin=f"{about_you}\n{screening}n\n")
    assert result.returncode == 0, result.stderr
    assert "Your 12-week plan from 05 Jan 2026" in result.stdout


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["today"], "No program yet: run `backchain init`"),
        (["history"], "No program yet"),
        (["checkin", "--pain", "1", "--compared", "same", "--no-new-symptoms"], "No program yet"),
        (["today", "--date", "05/01/2026"], "--date must be a date as YYYY-MM-DD"),
    ],
)
def test_commands_before_init(run: Run, command: list[str], message: str) -> None:
    assert message in one_line_error(run(*command))


def test_bad_logs_are_refused_and_store_nothing(run: Run, tmp_path: Path) -> None:
    run("init", "--profile", write(tmp_path, "p.json", profile()), "--start", MONDAY)
    bad_rpe = {
        **SESSION,
        "exercises": [{**SESSION["exercises"][0], "sets": [{"reps": 10, "rpe": 11, "pain": 0}]}],
    }  # type: ignore[dict-item]
    line = one_line_error(
        run("log", "--file", write(tmp_path, "bad.json", bad_rpe), "--date", MONDAY)
    )
    assert "rpe" in line
    wrong = {**SESSION, "skipped": [{"exercise": "plank", "reason": "x"}]}
    line = one_line_error(
        run("log", "--file", write(tmp_path, "wrong.json", wrong), "--date", MONDAY)
    )
    assert "'plank' is not in this session" in line
    assert json.loads(run("history", "--json").stdout)["sessions"] == []
    line = one_line_error(run("checkin", "--pain", "1", "--compared", "same", "--no-new-symptoms"))
    assert "Nothing to check in on" in line


def test_export_import_round_trip(run: Run, tmp_path: Path) -> None:
    run("init", "--profile", write(tmp_path, "p.json", profile()), "--start", MONDAY)
    run("log", "--file", write(tmp_path, "s.json", SESSION), "--date", MONDAY)
    assert run("export", "-o", "backup.json").returncode == 0
    first = (tmp_path / "backup.json").read_text()

    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "backup.json").write_text(first)
    imported = run("import", "backup.json", cwd=other)
    assert imported.returncode == 0, imported.stderr
    again = run("export", cwd=other)
    assert again.stdout == first

    # A second import without --replace is refused; the data stays as it was.
    assert "--replace" in one_line_error(run("import", "backup.json", cwd=other))
    assert run("export", cwd=other).stdout == first


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"format": "backchain-export", "version": 5, "people": []}', "newer Backchain"),
        ('{"format": "something-else", "version": 1, "people": []}', "format"),
    ],
)
def test_import_refuses_bad_files_and_changes_nothing(
    run: Run, tmp_path: Path, content: str, message: str
) -> None:
    run("init", "--profile", write(tmp_path, "p.json", profile()), "--start", MONDAY)
    before = run("export").stdout
    (tmp_path / "in.json").write_text(content)
    assert message in one_line_error(run("import", "in.json", "--replace"))
    assert run("export").stdout == before


def test_interactive_log_asks_set_by_set(run: Run, tmp_path: Path) -> None:
    name = write(tmp_path, "p.json", profile())
    run("init", "--profile", name, "--start", MONDAY)
    planned = json.loads(run("plan", "--json").stdout)["weeks"][0]["sessions"][0]["exercises"]
    bridge, *others = planned
    assert bridge["exercise"] == "glute_bridge"
    answers = "y\n" + "25\n6\n1\n" * bridge["sets"]  # reps, effort, pain for each set
    answers += "n\nshort on time\n" * len(others)
    answers += "2\nfelt fine\n"  # pain after, notes
    result = run("log", "--date", MONDAY, stdin=answers)
    assert result.returncode == 0, result.stderr
    assert "Session saved." in result.stdout
    (session,) = json.loads(run("history", "--json").stdout)["sessions"]
    (done,) = session["log"]["exercises"]
    assert [s["reps"] for s in done["sets"]] == [25] * bridge["sets"]
    assert {s["reason"] for s in session["log"]["skipped"]} == {"short on time"}
    assert session["log"]["notes"] == "felt fine"
