"""STarT Back scoring against Hill et al. 2008 as summarised in CLINICAL.md, and its items."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backchain.errors import BackchainError
from backchain.outcomes import OFFICIAL_WORDING
from backchain.screening import Bothersomeness, Risk, StartBackAnswers, score_startback
from backchain.screening.startback import (
    BOTHERSOME_CHOICES,
    ITEM_PROMPTS,
    PSYCHOSOCIAL_FIRST_ITEM,
    STARTBACK_PARAPHRASE,
    load_wording,
)

NOT_AT_ALL, SLIGHTLY, MODERATELY, VERY_MUCH, EXTREMELY = Bothersomeness


def answers(agreed_items: set[int], item9: Bothersomeness) -> StartBackAnswers:
    agree = tuple(number in agreed_items for number in range(1, 9))
    return StartBackAnswers(agree=agree, bothersome=item9)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("agreed", "item9", "total", "psychosocial", "risk"),
    [
        (set(), NOT_AT_ALL, 0, 0, Risk.LOW),
        ({1, 2, 3}, MODERATELY, 3, 0, Risk.LOW),
        ({5, 6}, VERY_MUCH, 3, 3, Risk.LOW),  # psychosocial 3 but total <= 3: low
        ({1, 2, 3, 4}, NOT_AT_ALL, 4, 0, Risk.MEDIUM),
        ({1, 2, 5, 6, 7}, SLIGHTLY, 5, 3, Risk.MEDIUM),
        ({1, 2, 5, 6, 7}, MODERATELY, 5, 3, Risk.MEDIUM),  # "moderately" scores 0
        ({1, 5, 6, 7}, EXTREMELY, 5, 4, Risk.HIGH),
        ({5, 6, 7, 8}, NOT_AT_ALL, 4, 4, Risk.HIGH),
        ({5, 6, 7, 8}, VERY_MUCH, 5, 5, Risk.HIGH),
        (set(range(1, 9)), EXTREMELY, 9, 5, Risk.HIGH),
    ],
)
def test_published_scoring(
    agreed: set[int], item9: Bothersomeness, total: int, psychosocial: int, risk: Risk
) -> None:
    result = score_startback(answers(agreed, item9))
    assert (result.total, result.psychosocial, result.risk) == (total, psychosocial, risk)


agreements = st.sets(st.integers(min_value=1, max_value=8))
bothers = st.sampled_from(list(Bothersomeness))
RISK_ORDER = [Risk.LOW, Risk.MEDIUM, Risk.HIGH]


@given(agreements, bothers)
def test_scores_stay_in_range(agreed: set[int], item9: Bothersomeness) -> None:
    result = score_startback(answers(agreed, item9))
    assert 0 <= result.psychosocial <= 5
    assert result.psychosocial <= result.total <= 9


@given(agreements, bothers, st.integers(min_value=1, max_value=8))
def test_agreeing_with_one_more_item_never_lowers_risk(
    agreed: set[int], item9: Bothersomeness, extra: int
) -> None:
    before = score_startback(answers(agreed, item9))
    after = score_startback(answers(agreed | {extra}, item9))
    assert after.total == before.total + (extra not in agreed)
    assert RISK_ORDER.index(after.risk) >= RISK_ORDER.index(before.risk)


# -- the items and their wording ---------------------------------------------------------------


def test_items_are_statements_to_agree_with_then_the_bothersome_question() -> None:
    *statements, item9 = STARTBACK_PARAPHRASE.items

    assert len(statements) == 8
    assert all(item.options is None and item.text.endswith(".") for item in statements)
    assert item9.text.endswith("?")
    assert dict(zip(Bothersomeness, item9.options or (), strict=True)) == BOTHERSOME_CHOICES
    assert tuple(item.text for item in STARTBACK_PARAPHRASE.items) == ITEM_PROMPTS


def test_psychosocial_items_are_the_ones_about_worry_mood_and_bother() -> None:
    psychosocial = STARTBACK_PARAPHRASE.items[PSYCHOSOCIAL_FIRST_ITEM - 1 :]

    assert [item.id for item in psychosocial] == ["5", "6", "7", "8", "9"]
    assert "safe" in psychosocial[0].text
    assert "Worries" in psychosocial[1].text


def test_the_nine_item_list_file_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "wording.json"
    path.write_text(json.dumps([f"Official item {n}" for n in range(1, 10)]), encoding="utf-8")

    wording = load_wording(path)

    assert wording.name == OFFICIAL_WORDING
    assert [item.text for item in wording.items][::8] == ["Official item 1", "Official item 9"]
    assert wording.items[-1].options == STARTBACK_PARAPHRASE.items[-1].options


def test_a_wording_file_of_eight_items_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wording.json"
    path.write_text(json.dumps(["An item"] * 8), encoding="utf-8")

    with pytest.raises(BackchainError, match="the STarT Back wording needs 9 items, got 8"):
        load_wording(path)
