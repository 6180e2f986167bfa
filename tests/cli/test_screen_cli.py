"""`backchain screen`: the --answers/--json contract, --list-flags, prompts and bad input."""

import json
from pathlib import Path
from typing import Any

import pytest
from cli_runner import Run

from backchain.screening import RED_FLAGS


def answers(**yes: bool) -> dict[str, Any]:
    return {
        "red_flags": {flag.id: yes.get(flag.id, False) for flag in RED_FLAGS},
        "startback": [False] * 8 + ["slightly"],
        "age": 42,
    }


def write(tmp_path: Path, data: object, name: str = "answers.json") -> str:
    (tmp_path / name).write_text(json.dumps(data))
    return name


@pytest.mark.parametrize(
    ("yes", "verdict"),
    [
        ({}, "proceed"),
        ({"pregnancy": True}, "see_clinician"),
        ({"saddle_numbness": True}, "urgent"),
    ],
)
def test_answers_json_contract(
    run: Run, tmp_path: Path, yes: dict[str, bool], verdict: str
) -> None:
    result = run("screen", "--answers", write(tmp_path, answers(**yes)), "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["verdict"] == verdict
    assert len(out["reasons"]) == len(yes)
    assert out["startback"] == {"total": 0, "psychosocial": 0, "risk": "low"}


def test_high_risk_startback_in_json(run: Run, tmp_path: Path) -> None:
    data = answers()
    data["startback"] = [True, False, False, False, True, True, True, False, "very_much"]
    out = json.loads(run("screen", "--answers", write(tmp_path, data), "--json").stdout)
    assert out["verdict"] == "proceed"
    assert out["startback"] == {"total": 5, "psychosocial": 4, "risk": "high"}


def test_list_flags_json(run: Run) -> None:
    result = run("screen", "--list-flags", "--json")
    assert result.returncode == 0, result.stderr
    flags = json.loads(result.stdout)
    assert len(flags) == 19
    by_id = {flag["id"]: flag for flag in flags}
    assert by_id["bowel"]["severity"] == "urgent"
    assert by_id["pregnancy"] == {
        "id": "pregnancy",
        "question": "Are you pregnant?",
        "severity": "see_clinician",
        "applies_when": None,
    }
    assert by_id["new_pain_age"]["applies_when"] == "age under 20 or over 50"


def test_human_readable_result(run: Run, tmp_path: Path) -> None:
    result = run("screen", "--answers", write(tmp_path, answers(weight_loss=True)))
    assert result.returncode == 0, result.stderr
    assert "Please see a clinician first" in result.stdout
    assert "Weight loss you cannot explain" in result.stdout


def test_interactive_stops_at_an_urgent_flag(run: Run) -> None:
    # Age, then "yes" to the first question (bladder): the person is sent to care at once.
    result = run("screen", stdin="45\ny\n")
    assert result.returncode == 0, result.stderr
    assert "Please get medical help today" in result.stdout
    assert "STarT Back" not in result.stdout


def test_interactive_full_screening(run: Run) -> None:
    no_flags = "n\n" * len(RED_FLAGS)
    startback = "n\n" * 4 + "y\n" * 4 + "extremely\n"
    result = run("screen", stdin=f"35\n{no_flags}{startback}")
    assert result.returncode == 0, result.stderr
    assert "You can start" in result.stdout
    assert "STarT Back: total 5/9, psychosocial 5/5, high risk" in result.stdout


def test_interactive_with_official_wording_file(run: Run, tmp_path: Path) -> None:
    texts = [f"Official item {n}" for n in range(1, 10)]
    write(tmp_path, texts, "wording.json")
    no_flags = "n\n" * len(RED_FLAGS)
    result = run(
        "screen", "--wording", "wording.json", stdin=f"35\n{no_flags}" + "n\n" * 8 + "slightly\n"
    )
    assert result.returncode == 0, result.stderr
    assert "Official item 1" in result.stdout
    assert "Official item 9" in result.stdout


def _bad(tmp_path: Path, case: str) -> list[str]:
    if case == "missing file":
        return ["screen", "--answers", "nope.json", "--json"]
    if case == "malformed json":
        (tmp_path / "bad.json").write_text('{"red_flags": {')
        return ["screen", "--answers", "bad.json", "--json"]
    if case == "unknown flag":
        data = answers()
        data["red_flags"]["headache"] = True
        return ["screen", "--answers", write(tmp_path, data), "--json"]
    if case == "wrong count":
        data = answers()
        data["startback"] = data["startback"][:5]
        return ["screen", "--answers", write(tmp_path, data), "--json"]
    if case == "out of range":
        data = answers()
        data["startback"][8] = "a bit"
        return ["screen", "--answers", write(tmp_path, data), "--json"]
    if case == "json without answers":
        return ["screen", "--json"]
    raise AssertionError(case)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing file", "nope.json: no such file"),
        ("malformed json", "bad.json: the file is not valid JSON (Expecting property name"),
        ("unknown flag", "Unknown red-flag id 'headache'"),
        ("wrong count", '"startback" needs a list of 9 answers, got 5'),
        ("out of range", "STarT Back item 9 must be one of"),
        ("json without answers", "--json needs --answers FILE"),
    ],
)
def test_bad_input_is_one_line_exit_2(run: Run, tmp_path: Path, case: str, message: str) -> None:
    result = run(*_bad(tmp_path, case))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr
