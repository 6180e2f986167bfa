"""Red flags and verdicts, exactly as listed in CLINICAL.md ("Safety screening")."""

from typing import Any

import pytest

from backchain.errors import ScreeningError
from backchain.screening import (
    RED_FLAGS,
    Bothersomeness,
    Risk,
    ScreeningAnswers,
    StartBackAnswers,
    Verdict,
    parse_answers,
    screen,
)

# CLINICAL.md: six urgent (same-day) flags; the rest mean "see a clinician before training".
URGENT_FLAGS = {
    "bladder",
    "bowel",
    "saddle_numbness",
    "leg_weakness",
    "both_legs",
    "sexual_function",
}
CLINICIAN_FLAGS = {
    "new_pain_age",
    "cancer_history",
    "weight_loss",
    "night_pain",
    "fever_unwell",
    "immunosuppressed",
    "iv_drug_use",
    "recent_infection",
    "major_trauma",
    "minor_trauma_bone_risk",
    "not_improving",
    "pregnancy",
    "recent_back_surgery",
}
CALM_STARTBACK = StartBackAnswers(agree=(False,) * 8, bothersome=Bothersomeness.SLIGHTLY)  # type: ignore[arg-type]
HIGH_RISK_STARTBACK = StartBackAnswers(
    agree=(False, False, False, False, True, True, True, True),
    bothersome=Bothersomeness.EXTREMELY,
)


def answers_with(
    *yes: str, age: int = 35, startback: StartBackAnswers = CALM_STARTBACK
) -> ScreeningAnswers:
    flags = {flag.id: flag.id in yes for flag in RED_FLAGS}
    return ScreeningAnswers(red_flags=flags, startback=startback, age=age)


def test_flag_list_is_the_clinical_list() -> None:
    severities = {flag.id: flag.severity for flag in RED_FLAGS}
    assert severities == {
        **dict.fromkeys(URGENT_FLAGS, Verdict.URGENT),
        **dict.fromkeys(CLINICIAN_FLAGS, Verdict.SEE_CLINICIAN),
    }


def test_no_flags_proceeds() -> None:
    result = screen(answers_with())
    assert result.verdict is Verdict.PROCEED
    assert result.reasons == ()
    assert "stands in the way" in result.message


@pytest.mark.parametrize("flag_id", sorted(URGENT_FLAGS))
def test_each_urgent_flag_alone_means_care_today(flag_id: str) -> None:
    result = screen(answers_with(flag_id))
    assert result.verdict is Verdict.URGENT
    assert result.flags == (flag_id,)
    assert "today" in result.message


@pytest.mark.parametrize("flag_id", sorted(CLINICIAN_FLAGS))
def test_each_other_flag_alone_means_see_a_clinician(flag_id: str) -> None:
    result = screen(answers_with(flag_id, age=60))
    assert result.verdict is Verdict.SEE_CLINICIAN
    assert len(result.reasons) == 1
    assert "before you start training" in result.message


def test_urgent_outranks_see_clinician_and_all_reasons_are_kept() -> None:
    result = screen(answers_with("pregnancy", "bowel", "weight_loss"))
    assert result.verdict is Verdict.URGENT
    assert result.flags == ("bowel", "weight_loss", "pregnancy")
    assert len(result.reasons) == 3


@pytest.mark.parametrize(
    ("age", "verdict"),
    [
        (19, Verdict.SEE_CLINICIAN),
        (20, Verdict.PROCEED),
        (50, Verdict.PROCEED),
        (51, Verdict.SEE_CLINICIAN),
    ],
)
def test_new_pain_counts_only_under_20_or_over_50(age: int, verdict: Verdict) -> None:
    assert screen(answers_with("new_pain_age", age=age)).verdict is verdict


def test_high_startback_risk_recommends_a_clinician_without_stopping() -> None:
    result = screen(answers_with(startback=HIGH_RISK_STARTBACK))
    assert result.verdict is Verdict.PROCEED
    assert result.startback.risk is Risk.HIGH
    assert "physiotherapist or doctor alongside" in result.message
    assert any("STarT Back: high risk" in reason for reason in result.reasons)


def test_wording_never_names_a_diagnosis() -> None:
    texts = [flag.question for flag in RED_FLAGS] + [flag.reason for flag in RED_FLAGS]
    texts += [screen(answers_with(f)).message for f in ("bowel", "pregnancy")]
    for text in texts:
        lowered = text.lower()
        for word in (
            "cauda equina",
            "fracture",
            "tumour",
            "tumor",
            "diagnos",
            "you may have",
            "sign of",
        ):
            assert word not in lowered, text


def valid_file() -> dict[str, Any]:
    return {
        "red_flags": {flag.id: False for flag in RED_FLAGS},
        "startback": [False] * 8 + ["slightly"],
        "age": 40,
    }


def test_valid_file_parses() -> None:
    parsed = parse_answers(valid_file())
    assert parsed.age == 40
    assert parsed.startback.bothersome is Bothersomeness.SLIGHTLY
    assert screen(parsed).verdict is Verdict.PROCEED


def _without(key: str) -> dict[str, Any]:
    data = valid_file()
    del data[key]
    return data


def _with(path: tuple[str, ...], value: object) -> dict[str, Any]:
    data = valid_file()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def _startback(index: int, value: object) -> dict[str, Any]:
    data = valid_file()
    data["startback"][index] = value
    return data


def _missing_flag(flag_id: str) -> dict[str, Any]:
    data = valid_file()
    del data["red_flags"][flag_id]
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "must be a JSON object"),
        (_without("age"), 'missing "age"'),
        (_without("startback"), 'missing "startback"'),
        (_with(("red_flags", "tingling"), True), "Unknown red-flag id 'tingling'"),
        (_with(("red_flags", "bowel"), "yes"), 'Red flag "bowel" must be true or false'),
        (_with(("red_flags",), ["bowel"]), '"red_flags" must be an object'),
        (_missing_flag("pregnancy"), "No answer for red flag 'pregnancy'"),
        (_with(("startback",), [False] * 8), "needs a list of 9 answers, got 8"),
        (_startback(2, 1), "STarT Back item 3 must be true"),
        (_startback(8, "a lot"), "STarT Back item 9 must be one of not_at_all"),
        (_startback(8, True), "STarT Back item 9 must be one of"),
        (_with(("age",), -3), '"age" must be a whole number'),
        (_with(("age",), "forty"), '"age" must be a whole number'),
        (_with(("age",), True), '"age" must be a whole number'),
        (_with(("age",), 40.5), '"age" must be a whole number'),
    ],
)
def test_bad_answers_are_refused_with_one_line(data: object, message: str) -> None:
    with pytest.raises(ScreeningError) as caught:
        parse_answers(data)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
