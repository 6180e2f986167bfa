"""A clinician's clearance (CLINICAL.md, "Clearance"), and chronic pain as no red flag in itself."""

from datetime import date, timedelta
from typing import Any

import pytest
from test_screen import CLINICIAN_FLAGS, URGENT_FLAGS

from backchain.errors import ScreeningError
from backchain.screening import RED_FLAGS, Verdict, parse_answers, red_flag, screen

TODAY = date(2026, 12, 2)


def data(*yes: str, clearance: Any = None, age: int = 35) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "red_flags": {flag.id: flag.id in yes for flag in RED_FLAGS},
        "startback": [False] * 8 + ["slightly"],
        "age": age,
    }
    if clearance is not None:
        answers["clearance"] = clearance
    return answers


def cleared(*flags: str, day: date = TODAY, by: str | None = "Dr Okafor, GP") -> dict[str, Any]:
    return {"flags": list(flags), "date": day.isoformat(), "by": by}


# new_pain_age counts only under 20 or over 50, so it is raised at 60 for these tests.
@pytest.mark.parametrize("flag", sorted(CLINICIAN_FLAGS))
def test_each_see_a_clinician_flag_cleared_means_proceed(flag: str) -> None:
    before = screen(parse_answers(data(flag, age=60), today=TODAY))
    after = screen(parse_answers(data(flag, age=60, clearance=cleared(flag)), today=TODAY))
    assert before.verdict is Verdict.SEE_CLINICIAN
    assert after.verdict is Verdict.PROCEED
    assert after.flags == (flag,)  # still reported, and kept with the screening
    assert after.cleared == (flag,)
    assert "cleared by a clinician on 2026-12-02" in after.reasons[0]
    assert "Dr Okafor, GP" in after.message


def test_a_clearance_must_cover_every_raised_flag() -> None:
    result = screen(
        parse_answers(data("pregnancy", "cancer_history", clearance=cleared("pregnancy")))
    )
    assert result.verdict is Verdict.SEE_CLINICIAN
    assert result.cleared == ("pregnancy",)


def test_a_clearance_of_a_flag_not_raised_clears_nothing() -> None:
    result = screen(parse_answers(data("weight_loss", clearance=cleared("pregnancy"))))
    assert result.verdict is Verdict.SEE_CLINICIAN
    assert result.cleared == ()


@pytest.mark.parametrize("urgent", sorted(URGENT_FLAGS))
def test_an_urgent_flag_is_never_cleared(urgent: str) -> None:
    with pytest.raises(ScreeningError, match="urgent sign and cannot be cleared in the app"):
        parse_answers(data(urgent, clearance=cleared(urgent)), today=TODAY)


def test_a_clearance_of_other_flags_leaves_an_urgent_one_urgent() -> None:
    result = screen(parse_answers(data("bowel", "pregnancy", clearance=cleared("pregnancy"))))
    assert result.verdict is Verdict.URGENT


@pytest.mark.parametrize(
    ("clearance", "message"),
    [
        (cleared("no_such_flag"), "Unknown red-flag id 'no_such_flag' in the clearance"),
        (cleared("pregnancy", day=TODAY + timedelta(days=1)), "2026-12-03 is in the future"),
        ({"flags": ["pregnancy"], "date": "yesterday"}, 'clearance "date" must be the day'),
        ({"flags": [], "date": "2026-11-30"}, "give at least one flag id"),
        ({"flags": "pregnancy", "date": "2026-11-30"}, "give at least one flag id"),
        ({"flags": ["pregnancy"], "date": "2026-11-30", "note": "x"}, '"clearance" must be'),
        ({"flags": ["pregnancy"], "date": "2026-11-30", "by": 7}, 'clearance "by" must be'),
        ({"flags": ["pregnancy"], "date": "2026-11-30", "by": "x" * 201}, "200 characters"),
        ("cleared", '"clearance" must be'),
    ],
)
def test_a_bad_clearance_is_refused_in_one_line(clearance: Any, message: str) -> None:
    with pytest.raises(ScreeningError, match=message) as caught:
        parse_answers(data("pregnancy", clearance=clearance), today=TODAY)
    assert "\n" not in str(caught.value)


def test_a_clearance_today_or_earlier_is_accepted_and_who_is_optional() -> None:
    for day in (TODAY, TODAY - timedelta(days=400)):
        answers = parse_answers(
            data("pregnancy", clearance=cleared("pregnancy", day=day, by=None)), today=TODAY
        )
        assert answers.clearance is not None
        assert answers.clearance.by is None
        assert screen(answers).verdict is Verdict.PROCEED


def test_without_today_the_date_is_not_checked_against_the_calendar() -> None:
    # A stored profile is read back long after the day; only new answers are held to today.
    later = cleared("pregnancy", day=TODAY + timedelta(days=30))
    assert screen(parse_answers(data("pregnancy", clearance=later))).verdict is Verdict.PROCEED


def test_long_standing_pain_counts_only_when_no_clinician_has_checked_it() -> None:
    flag = red_flag("not_improving")
    assert flag is not None
    assert "no doctor or physiotherapist checked it yet" in flag.question
    assert flag.applies_when == "no clinician has checked this back pain yet"
    assert flag.clearable


def test_unknown_fields_in_the_answers_are_refused() -> None:
    with pytest.raises(ScreeningError, match="Unknown field 'clearence'"):
        parse_answers({**data(), "clearence": cleared("pregnancy")})
