"""`backchain score odi|rmdq|nrs --answers FILE --json` and its bad inputs."""

import json
from pathlib import Path

import pytest
from cli_runner import Run


def write(tmp_path: Path, data: object) -> str:
    (tmp_path / "answers.json").write_text(json.dumps(data))
    return "answers.json"


@pytest.mark.parametrize(
    ("measure", "data", "score", "band"),
    [
        ("odi", {"sections": [2, 2, 2, 2, 2, 2, 2, 1, 1, None]}, 35.6, "moderate"),
        ("odi", {"sections": [0] * 10}, 0, "minimal"),
        ("rmdq", {"items": [True] * 9 + [False] * 15}, 9, None),
        ("nrs", {"pain": 7}, 7, None),
    ],
)
def test_json_contract(
    run: Run, tmp_path: Path, measure: str, data: object, score: float, band: str | None
) -> None:
    result = run("score", measure, "--answers", write(tmp_path, data), "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["score"], out["band"]) == (score, band)


def test_human_readable(run: Run, tmp_path: Path) -> None:
    result = run("score", "odi", "--answers", write(tmp_path, {"sections": [3] * 10}))
    assert result.stdout.strip() == "ODI: 60% (severe)"


@pytest.mark.parametrize(
    ("measure", "content", "message"),
    [
        ("odi", None, "answers.json: no such file"),
        ("odi", '{"sections": [1, 2,', "answers.json is not valid JSON"),
        ("odi", '{"sections": [1, 2, 3]}', "The ODI has 10 sections, got 3 answers."),
        ("rmdq", '{"items": [true]}', "The RMDQ has 24 items, got 1 answers."),
        ("odi", '{"sections": [1, 2, 3, 4, 5, 6, 0, 0, 0, 0]}', "ODI section 6 must be 0 to 5"),
        ("nrs", '{"pain": 12}', "Pain must be a whole number from 0 to 10, got 12."),
        ("nrs", '{"pain": "high"}', "Pain must be a whole number"),
        ("rmdq", "[true, false]", 'RMDQ answers must be a JSON object with "items"'),
        ("nrs", "\xff\xfe", "answers.json is not valid JSON"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    run: Run, tmp_path: Path, measure: str, content: str | None, message: str
) -> None:
    if content is not None:
        (tmp_path / "answers.json").write_text(content)
    result = run("score", measure, "--answers", "answers.json", "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
