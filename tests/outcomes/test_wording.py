"""The questionnaires' items in Backchain's own wording, and wording files in their three formats."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backchain.outcomes import (
    ODI_PARAPHRASE,
    ODI_SECTION_TOPICS,
    OFFICIAL_WORDING,
    PARAPHRASE_WORDING,
    RMDQ_PARAPHRASE,
    Questionnaire,
    Wording,
    WordingError,
    load_wording,
    parse_wording,
    wording_in,
)
from backchain.screening import Bothersomeness
from backchain.screening.startback import STARTBACK_PARAPHRASE

PARAPHRASES = [STARTBACK_PARAPHRASE, ODI_PARAPHRASE, RMDQ_PARAPHRASE]
ODI_SECTION = {"topic": "Official topic", "statements": [f"Official level {n}" for n in range(6)]}


def texts(prefix: str, count: int) -> list[str]:
    return [f"{prefix} {n}" for n in range(1, count + 1)]


# -- Backchain's own wording ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("wording", "items", "options"),
    [
        (STARTBACK_PARAPHRASE, 9, [None] * 8 + [5]),
        (ODI_PARAPHRASE, 10, [6] * 10),
        (RMDQ_PARAPHRASE, 24, [None] * 24),
    ],
    ids=["startback", "odi", "rmdq"],
)
def test_every_item_is_there_with_its_answers(
    wording: Wording, items: int, options: list[int | None]
) -> None:
    assert len(wording.items) == items
    assert [None if i.options is None else len(i.options) for i in wording.items] == options
    assert [item.id for item in wording.items] == [str(n) for n in range(1, items + 1)]
    assert all(item.text.strip() and item.text == item.text.strip() for item in wording.items)


@pytest.mark.parametrize("wording", PARAPHRASES, ids=lambda w: w.questionnaire.value)
def test_no_two_items_or_answers_read_the_same(wording: Wording) -> None:
    item_texts = [item.text for item in wording.items]
    assert len(set(item_texts)) == len(item_texts)
    for item in wording.items:
        if item.options is not None:
            assert len(set(item.options)) == len(item.options), item.id
            assert all(option.strip() for option in item.options)


def test_no_odi_statement_is_used_twice_across_sections() -> None:
    statements = [s for item in ODI_PARAPHRASE.items for s in item.options or ()]
    assert len(set(statements)) == len(statements) == 60


@pytest.mark.parametrize("wording", PARAPHRASES, ids=lambda w: w.questionnaire.value)
def test_the_paraphrase_says_it_is_backchains_own_wording(wording: Wording) -> None:
    assert wording.name == PARAPHRASE_WORDING
    assert wording.paraphrase
    assert wording.label.startswith(
        f"Backchain's own wording of the {wording.questionnaire.full_name}"
    )
    assert "not the official text" in wording.label


def test_odi_sections_keep_their_published_topics_in_order() -> None:
    assert tuple(item.text for item in ODI_PARAPHRASE.items) == ODI_SECTION_TOPICS


def test_odi_statements_run_from_no_problem_to_the_most_severe() -> None:
    pain = ODI_PARAPHRASE.items[0].options
    assert pain is not None
    assert pain[0] == "I have no pain right now."
    assert "as bad as I can imagine" in pain[-1]


def test_rmdq_statements_are_about_the_back_and_today() -> None:
    about_the_back = [i for i in RMDQ_PARAPHRASE.items if "my back" in i.text.lower()]
    assert len(about_the_back) == len(RMDQ_PARAPHRASE.items)


def test_startback_item_9_offers_the_scale_in_order() -> None:
    item9 = STARTBACK_PARAPHRASE.items[-1]
    assert item9.options == ("Not at all", "Slightly", "Moderately", "Very much", "Extremely")
    assert len(item9.options) == len(Bothersomeness)


# -- wording files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paraphrase", "data", "name"),
    [
        (STARTBACK_PARAPHRASE, texts("Item", 9), OFFICIAL_WORDING),
        (STARTBACK_PARAPHRASE, {"name": "Keele 2007", "items": texts("Item", 9)}, "Keele 2007"),
        (ODI_PARAPHRASE, [ODI_SECTION] * 10, OFFICIAL_WORDING),
        (ODI_PARAPHRASE, {"name": "ODI 2.1a", "items": [ODI_SECTION] * 10}, "ODI 2.1a"),
        (RMDQ_PARAPHRASE, texts("Statement", 24), OFFICIAL_WORDING),
        (RMDQ_PARAPHRASE, {"name": " RMDQ-24 ", "items": texts("Statement", 24)}, "RMDQ-24"),
    ],
    ids=["startback-list", "startback-named", "odi-list", "odi-named", "rmdq-list", "rmdq-named"],
)
def test_each_format_loads(tmp_path: Path, paraphrase: Wording, data: object, name: str) -> None:
    path = tmp_path / "wording.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    wording = load_wording(path, paraphrase=paraphrase)

    assert wording.name == name
    assert wording.questionnaire is paraphrase.questionnaire
    assert not wording.paraphrase
    assert wording.label == f"The {paraphrase.questionnaire.full_name} in the wording “{name}”."
    assert [item.id for item in wording.items] == [item.id for item in paraphrase.items]
    assert wording.items[0].text in {"Item 1", "Official topic", "Statement 1"}


def test_odi_file_statements_keep_their_scores() -> None:
    wording = parse_wording([ODI_SECTION] * 10, paraphrase=ODI_PARAPHRASE, source="odi.json")
    assert wording.items[3].options == tuple(f"Official level {n}" for n in range(6))


def test_startback_file_keeps_backchains_answers_to_item_9_unless_it_gives_its_own() -> None:
    plain = parse_wording(texts("Item", 9), paraphrase=STARTBACK_PARAPHRASE, source="s.json")
    choices = ["None", "A bit", "Some", "Much", "Very much indeed"]
    own = parse_wording(
        {"items": texts("Item", 9), "choices": choices},
        paraphrase=STARTBACK_PARAPHRASE,
        source="s.json",
    )

    assert plain.items[-1].options == STARTBACK_PARAPHRASE.items[-1].options
    assert own.items[-1].options == tuple(choices)
    assert own.items[-1].text == "Item 9"
    assert all(item.options is None for item in own.items[:-1])


def odi_with(section: object, at: int = 2) -> list[object]:
    sections: list[object] = [ODI_SECTION] * 10
    sections[at] = section
    return sections


@pytest.mark.parametrize(
    ("paraphrase", "data", "message"),
    [
        (RMDQ_PARAPHRASE, texts("S", 23), "the RMDQ wording needs 24 statements, got 23."),
        (STARTBACK_PARAPHRASE, texts("S", 10), "the STarT Back wording needs 9 items, got 10."),
        (ODI_PARAPHRASE, [ODI_SECTION] * 9, "the ODI wording needs 10 sections, got 9."),
        (RMDQ_PARAPHRASE, "24 statements", "must be a JSON list of 24 statements, or an object"),
        (RMDQ_PARAPHRASE, {"name": "x"}, 'or an object with "name" and "items".'),
        (RMDQ_PARAPHRASE, [*texts("S", 23), "  "], "RMDQ statement 24 must be a text"),
        (RMDQ_PARAPHRASE, [*texts("S", 23), 7], "RMDQ statement 24 must be a text"),
        (ODI_PARAPHRASE, odi_with("Lifting"), "ODI section 3 must be an object"),
        (
            ODI_PARAPHRASE,
            odi_with({"topic": "Lifting", "statements": texts("L", 5)}),
            "ODI section 3 needs a list of 6 statements.",
        ),
        (
            ODI_PARAPHRASE,
            odi_with({"topic": "Lifting", "statements": ["Same", *texts("L", 4), "Same"]}),
            "ODI section 3 has the same statement twice",
        ),
        (
            ODI_PARAPHRASE,
            odi_with({"topic": "Lifting", "statements": [*texts("L", 5), ""]}, at=9),
            "ODI section 10, statement 5 must be a text that is not empty.",
        ),
        (
            ODI_PARAPHRASE,
            odi_with({"topic": "", "statements": texts("L", 6)}),
            "ODI section 3's topic must be a text",
        ),
        (
            ODI_PARAPHRASE,
            odi_with({**ODI_SECTION, "note": "x"}),
            "ODI section 3 must be an object",
        ),
        (RMDQ_PARAPHRASE, {"itmes": texts("S", 24)}, 'unknown key "itmes"; the keys are'),
        (
            RMDQ_PARAPHRASE,
            {"items": texts("S", 24), "choices": ["a"]},
            'unknown key "choices"; the keys are "items", "name".',
        ),
        (RMDQ_PARAPHRASE, {"name": "backchain", "items": texts("S", 24)}, '"name" must be'),
        (RMDQ_PARAPHRASE, {"name": "Backchain ", "items": texts("S", 24)}, '"name" must be'),
        (RMDQ_PARAPHRASE, {"name": "x" * 61, "items": texts("S", 24)}, "1 to 60 characters"),
        (RMDQ_PARAPHRASE, {"name": 3, "items": texts("S", 24)}, '"name" must be'),
        (
            STARTBACK_PARAPHRASE,
            {"items": texts("S", 9), "choices": texts("C", 4)},
            '"choices" needs a list of 5 answers.',
        ),
        (
            STARTBACK_PARAPHRASE,
            {"items": texts("S", 9), "choices": ["A", "B", "C", "D", "A"]},
            '"choices" has the same answer twice',
        ),
    ],
)
def test_malformed_wording_is_refused_in_one_line(
    paraphrase: Wording, data: object, message: str
) -> None:
    with pytest.raises(WordingError) as refused:
        parse_wording(data, paraphrase=paraphrase, source="wording.json")

    text = str(refused.value)
    assert text.startswith("wording.json: ")
    assert message in text
    assert "\n" not in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "wording.json: no such file; check the path."),
        ('["one", "two",', "wording.json: the file is not valid JSON ("),
        ("[" * 100_000, "wording.json: the file nests lists and objects more than 64 deep"),
        ('{"name": "x", "name": "y", "items": []}', 'the field "name" appears twice'),
        (b"\xff\xfe[]", "wording.json: cannot read it (not a UTF-8 text file)."),
    ],
)
def test_unreadable_files_are_refused_in_one_line(
    tmp_path: Path, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / "wording.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")

    with pytest.raises(WordingError) as refused:
        load_wording(path, paraphrase=RMDQ_PARAPHRASE)

    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_folder_without_a_file_means_backchains_own_wording(tmp_path: Path) -> None:
    (tmp_path / "rmdq.json").write_text(json.dumps(texts("Official", 24)), encoding="utf-8")

    assert wording_in(tmp_path, paraphrase=ODI_PARAPHRASE) is ODI_PARAPHRASE
    assert wording_in(tmp_path, paraphrase=RMDQ_PARAPHRASE).name == OFFICIAL_WORDING


def test_a_missing_folder_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(WordingError, match=r"The wording folder .* does not exist"):
        wording_in(tmp_path / "nowhere", paraphrase=ODI_PARAPHRASE)


def test_file_names_follow_the_questionnaire_ids() -> None:
    assert [q.value for q in Questionnaire] == ["startback", "odi", "rmdq"]


statement = st.text(min_size=1, max_size=40).filter(lambda t: t.strip() != "")


@given(st.lists(statement, min_size=24, max_size=24))
def test_any_24_texts_load_as_the_rmdq_in_order(statements: list[str]) -> None:
    wording = parse_wording(statements, paraphrase=RMDQ_PARAPHRASE, source="rmdq.json")

    assert [item.text for item in wording.items] == [s.strip() for s in statements]
    assert all(item.options is None for item in wording.items)
