"""`backchain score odi|rmdq|nrs --answers FILE --json`, `backchain score --list-items`, their bad
inputs, and the questionnaire items `backchain init` asks."""

import json
from pathlib import Path

import pytest
from cli_runner import Run

from backchain.outcomes import ODI_PARAPHRASE, RMDQ_PARAPHRASE
from backchain.screening import RED_FLAGS
from backchain.screening.startback import STARTBACK_PARAPHRASE


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
        ("odi", '{"sections": [1, 2,', "answers.json: the file is not valid JSON (Expecting"),
        ("odi", '{"sections": [1, 2, 3]}', "The ODI has 10 sections, got 3 answers."),
        ("rmdq", '{"items": [true]}', "The RMDQ has 24 items, got 1 answers."),
        ("odi", '{"sections": [1, 2, 3, 4, 5, 6, 0, 0, 0, 0]}', "ODI section 6 must be 0 to 5"),
        ("nrs", '{"pain": 12}', "Pain must be a whole number from 0 to 10, got 12."),
        ("nrs", '{"pain": "high"}', "Pain must be a whole number"),
        ("rmdq", "[true, false]", 'RMDQ answers must be a JSON object with "items"'),
        ("nrs", "\xff\xfe", "answers.json: the file is not valid JSON (Expecting value"),
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


def one_line_error(result: object) -> str:
    assert getattr(result, "returncode", None) == 2
    assert getattr(result, "stdout", None) == ""
    lines = str(getattr(result, "stderr", "")).strip().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("questionnaire", "count", "option_counts"),
    [
        ("odi", 10, [6] * 10),
        ("rmdq", 24, [None] * 24),
        ("startback", 9, [None] * 8 + [5]),
    ],
)
def test_list_items_json_contract(
    run: Run, questionnaire: str, count: int, option_counts: list[int | None]
) -> None:
    result = run("score", "--list-items", questionnaire, "--json")

    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {"questionnaire", "wording", "items"}
    assert (out["questionnaire"], out["wording"]) == (questionnaire, "backchain")
    assert [item["id"] for item in out["items"]] == [str(n) for n in range(1, count + 1)]
    assert all(set(item) == {"id", "text", "options"} for item in out["items"])
    counts = [None if i["options"] is None else len(i["options"]) for i in out["items"]]
    assert counts == option_counts


def test_list_items_gives_odi_statements_in_score_order(run: Run) -> None:
    out = json.loads(run("score", "--list-items", "odi", "--json").stdout)

    walking = out["items"][3]
    assert walking["text"] == "Walking"
    assert walking["options"] == list(ODI_PARAPHRASE.items[3].options or ())
    assert walking["options"][0] == "My back doesn't limit how far I can walk."


def test_list_items_gives_startback_item_9_choices_from_not_at_all(run: Run) -> None:
    out = json.loads(run("score", "--list-items", "startback", "--json").stdout)

    assert out["items"][8]["options"] == [
        "Not at all",
        "Slightly",
        "Moderately",
        "Very much",
        "Extremely",
    ]
    assert out["items"][0]["text"] == STARTBACK_PARAPHRASE.items[0].text


def test_list_items_with_a_wording_file(run: Run, tmp_path: Path) -> None:
    statements = [f"Official statement {n}" for n in range(1, 25)]
    (tmp_path / "rmdq.json").write_text(json.dumps({"name": "RMDQ 1983", "items": statements}))

    out = json.loads(
        run("score", "--list-items", "rmdq", "--wording", "rmdq.json", "--json").stdout
    )

    assert out["wording"] == "RMDQ 1983"
    assert [item["text"] for item in out["items"]] == statements


def test_list_items_as_a_table_says_whose_wording_it_is(run: Run) -> None:
    result = run("score", "--list-items", "rmdq")

    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "Backchain's own wording of the Roland–Morris Disability Questionnaire" in text
    assert RMDQ_PARAPHRASE.items[23].text in text
    assert "applies today: yes / no" in text


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (["--list-items", "nrs"], None, "Unknown questionnaire 'nrs'; --list-items takes"),
        (["--list-items", "sf36"], None, "Unknown questionnaire 'sf36'"),
        (["--list-items", "odi", "--wording", "w.json"], None, "w.json: no such file"),
        (
            ["--list-items", "odi", "--wording", "w.json"],
            "[1, 2",
            "w.json: the file is not valid JSON",
        ),
        (
            ["--list-items", "odi", "--wording", "w.json"],
            json.dumps(["Lifting"] * 10),
            "ODI section 1 must be an object",
        ),
        (
            ["--list-items", "rmdq", "--wording", "w.json"],
            json.dumps(["A statement"] * 23),
            "the RMDQ wording needs 24 statements, got 23.",
        ),
        (["odi"], None, "Give a questionnaire and its answers"),
        (["odi", "--list-items", "odi"], None, "--list-items takes no questionnaire argument"),
        (["odi", "--answers", "a.json", "--wording", "w.json"], None, "--wording goes with"),
    ],
)
def test_list_items_bad_input_is_one_line_exit_2(
    run: Run, tmp_path: Path, args: list[str], content: str | None, message: str
) -> None:
    if content is not None:
        (tmp_path / "w.json").write_text(content)

    line = one_line_error(run("score", *args, "--json"))

    assert message in line


def test_interactive_init_asks_the_rmdq_statements(run: Run) -> None:
    about_you = "38\ny\nn\ny\nn\nsome\nmonday wednesday friday\n40\n9\n3\n"
    screening = "n\n" * len(RED_FLAGS) + "n\n" * 8 + "2\n"  # item 9 by its number
    rmdq = "y\n" * 3 + "n\n" * 20 + "y\n"  # statements 1-3 and 24: 4 of 24
    result = run("init", "--start", "2026-01-05", stdin=f"{about_you}{screening}y\nrmdq\n{rmdq}")

    assert result.returncode == 0, result.stderr
    assert RMDQ_PARAPHRASE.items[23].text in result.stdout
    history = json.loads(run("history", "--json").stdout)
    assert [(q["measure"], q["score"], q["wording"]) for q in history["questionnaires"]] == [
        ("nrs", 3.0, "backchain"),
        ("rmdq", 4.0, "backchain"),
    ]


def test_interactive_init_asks_each_odi_section_with_its_statements(run: Run) -> None:
    about_you = "38\ny\nn\ny\nn\nsome\nmonday wednesday friday\n40\n9\n3\n"
    screening = "n\n" * len(RED_FLAGS) + "n\n" * 8 + "slightly\n"
    # Sections 1-10: a wrong answer first (asked again), then 2, 3, blank, 1 and the rest 0.
    odi = "7\n2\n3\n\n1\n" + "0\n" * 6
    result = run("init", "--start", "2026-01-05", stdin=f"{about_you}{screening}y\nodi\n{odi}")

    assert result.returncode == 0, result.stderr
    assert "Please give a number from 0 to 5, or leave it blank" in result.stdout
    assert (ODI_PARAPHRASE.items[0].options or ())[5] in result.stdout
    history = json.loads(run("history", "--json").stdout)
    odi_scores = [q for q in history["questionnaires"] if q["measure"] == "odi"]
    # 2 + 3 + 1 = 6 points over 9 answered sections: 6 / 45 x 100 = 13.3 %.
    assert [(q["score"], q["band"]) for q in odi_scores] == [(13.3, "minimal")]
