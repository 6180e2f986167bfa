"""Reading a profile: every bad input gives one line naming the field and what is allowed."""

from typing import Any

import pytest

from backchain.errors import PlanBlockedError, ProgramError, ScoringError, ScreeningError
from backchain.exercises import Equipment
from backchain.programs.models import Experience, Weekday
from backchain.programs.profile import check_screening, parse_profile
from backchain.screening import RED_FLAGS, Verdict

VALID: dict[str, Any] = {
    "age": 40,
    "equipment": ["mat"],
    "experience": "some",
    "days": ["monday", "thursday"],
    "minutes_per_session": 30,
    "sitting_hours": 8,
    "pain": 3,
}
FIELDS = (
    "age, equipment, experience, days, minutes_per_session, sitting_hours, pain, weeks, "
    "desk_breaks, screening, odi, rmdq"
)
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def answers(*yes: str, age: int = 40, bothered: str = "slightly") -> dict[str, Any]:
    """Screening answers in the `backchain screen --answers` format."""
    return {
        "red_flags": {flag.id: flag.id in yes for flag in RED_FLAGS},
        "startback": [False] * 8 + [bothered],
        "age": age,
    }


def without(field: str) -> dict[str, Any]:
    return {key: value for key, value in VALID.items() if key != field}


def test_a_valid_profile_gets_its_defaults() -> None:
    profile = parse_profile(VALID)
    assert profile.age == 40
    assert profile.equipment == [Equipment.MAT]
    assert profile.experience is Experience.SOME
    assert profile.days == [Weekday.MONDAY, Weekday.THURSDAY]
    assert profile.weeks == 12
    assert profile.desk_breaks is None
    assert profile.screening is None


def test_days_are_put_in_week_order_and_none_is_dropped_from_equipment() -> None:
    profile = parse_profile(
        VALID | {"days": ["friday", "monday", "wednesday"], "equipment": ["kettlebell", "none"]}
    )
    assert profile.days == [Weekday.MONDAY, Weekday.WEDNESDAY, Weekday.FRIDAY]
    assert profile.equipment == [Equipment.KETTLEBELL]


def test_optional_fields_are_read() -> None:
    profile = parse_profile(
        VALID
        | {
            "weeks": 16,
            "desk_breaks": False,
            "odi": [1, 2, None, 0, 0, 0, 0, 0, 0, 0],
            "rmdq": [True] * 3 + [False] * 21,
            "screening": answers(),
            "sitting_hours": 7.5,
        }
    )
    assert profile.weeks == 16
    assert profile.desk_breaks is False
    assert profile.odi == [1, 2, None, 0, 0, 0, 0, 0, 0, 0]
    assert profile.sitting_hours == 7.5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            VALID | {"age": "forty"},
            "Profile field 'age': give a whole number of years from 16 to 120, got 'forty'.",
            id="age-text",
        ),
        pytest.param(
            VALID | {"age": 35.5},
            "Profile field 'age': give a whole number of years from 16 to 120, got 35.5.",
            id="age-fraction",
        ),
        pytest.param(
            VALID | {"age": True},
            "Profile field 'age': give a whole number of years from 16 to 120, got true.",
            id="age-bool",
        ),
        pytest.param(
            VALID | {"age": 15},
            "Profile field 'age': give a whole number of years from 16 to 120, got 15.",
            id="age-too-young",
        ),
        pytest.param(
            without("age"),
            "Profile field 'age' is missing; give a whole number of years from 16 to 120.",
            id="age-missing",
        ),
        pytest.param(
            without("days"),
            "Profile field 'days' is missing; give a list of 2 to 5 different weekdays, "
            'e.g. ["monday", "thursday"].',
            id="days-missing",
        ),
        pytest.param(
            VALID | {"equipment": "mat"},
            "Profile field 'equipment': give a list of any of mat, resistance_band, dumbbells, "
            "kettlebell (or an empty list), got 'mat'.",
            id="equipment-not-list",
        ),
        pytest.param(
            VALID | {"equipment": ["mat", "barbell"]},
            "Profile field 'equipment.1': 'barbell' is not one of mat, resistance_band, "
            "dumbbells, kettlebell.",
            id="equipment-unknown",
        ),
        pytest.param(
            VALID | {"experience": "expert"},
            "Profile field 'experience': 'expert' is not one of new, some, trained.",
            id="experience-unknown",
        ),
        pytest.param(
            VALID | {"days": ["monday"]},
            "Profile field 'days': give 2 to 5 training days, got 1.",
            id="one-day",
        ),
        pytest.param(
            VALID | {"days": WEEKDAYS[:6]},
            "Profile field 'days': give 2 to 5 training days, got 6.",
            id="six-days",
        ),
        pytest.param(
            VALID | {"days": ["monday", "thursday", "monday"]},
            "Profile field 'days': 'monday' appears more than once; give each training day once.",
            id="duplicate-day",
        ),
        pytest.param(
            VALID | {"days": ["monday", "funday"]},
            "Profile field 'days.1': 'funday' is not one of monday, tuesday, wednesday, "
            "thursday, friday, saturday, sunday.",
            id="unknown-day",
        ),
        pytest.param(
            VALID | {"days": "monday"},
            "Profile field 'days': give a list of 2 to 5 different weekdays, "
            'e.g. ["monday", "thursday"], got \'monday\'.',
            id="days-not-list",
        ),
        pytest.param(
            VALID | {"minutes_per_session": 5},
            "Profile field 'minutes_per_session': give a whole number of minutes from 10 to 180, "
            "got 5.",
            id="minutes-too-few",
        ),
        pytest.param(
            VALID | {"sitting_hours": "8"},
            "Profile field 'sitting_hours': give the hours a day spent sitting, a number from "
            "0 to 24, got '8'.",
            id="sitting-text",
        ),
        pytest.param(
            VALID | {"sitting_hours": 25},
            "Profile field 'sitting_hours': give the hours a day spent sitting, a number from "
            "0 to 24, got 25.",
            id="sitting-too-many",
        ),
        pytest.param(
            VALID | {"pain": 11},
            "Profile field 'pain': give today's pain as a whole number from 0 to 10, got 11.",
            id="pain-11",
        ),
        pytest.param(
            VALID | {"pain": -1},
            "Profile field 'pain': give today's pain as a whole number from 0 to 10, got -1.",
            id="pain-negative",
        ),
        pytest.param(
            VALID | {"weeks": 11},
            "Profile field 'weeks': give a whole number of weeks from 12 to 16, got 11.",
            id="weeks-11",
        ),
        pytest.param(
            VALID | {"weeks": 17},
            "Profile field 'weeks': give a whole number of weeks from 12 to 16, got 17.",
            id="weeks-17",
        ),
        pytest.param(
            VALID | {"desk_breaks": "yes"},
            "Profile field 'desk_breaks': give true or false, got 'yes'.",
            id="desk-breaks-text",
        ),
        pytest.param(
            VALID | {"screening": [1, 2]},
            "Profile field 'screening': give the `backchain screen --answers` object, got [1, 2].",
            id="screening-not-object",
        ),
        pytest.param(
            VALID | {"rmdq": [1] * 24},
            "Profile field 'rmdq.0': give true or false, got 1.",
            id="rmdq-numbers",
        ),
        pytest.param(
            VALID | {"odi": [0, 1, "x", 0, 0, 0, 0, 0, 0, 0]},
            "Profile field 'odi.2': give a section score from 0 to 5, or null, got 'x'.",
            id="odi-text",
        ),
        pytest.param(
            VALID | {"name": "Sam"},
            f"Unknown profile field 'name'; the fields are {FIELDS}.",
            id="extra-field",
        ),
        pytest.param(
            VALID | {"name": "Sam", "goal": "run"},
            f"Unknown profile fields 'name', 'goal'; the fields are {FIELDS}.",
            id="two-extra-fields",
        ),
        pytest.param(
            ["not", "an", "object"],
            f"A profile must be a JSON object with the fields {FIELDS}.",
            id="not-an-object",
        ),
    ],
)
def test_bad_profiles_give_one_line_naming_the_field(data: object, message: str) -> None:
    with pytest.raises(ProgramError) as caught:
        parse_profile(data)
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


def test_a_value_json_cannot_hold_is_refused() -> None:
    with pytest.raises(ProgramError, match="only JSON values"):
        parse_profile(VALID | {"sitting_hours": float("nan")})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"odi": [0] * 9}, "The ODI has 10 sections, got 9 answers."),
        ({"odi": [6] + [0] * 9}, "ODI section 1 must be 0 to 5 or null (unanswered), got 6."),
        ({"odi": [None] * 10}, "No ODI section is answered; answer at least one section."),
        ({"rmdq": [False] * 23}, "The RMDQ has 24 items, got 23 answers."),
    ],
)
def test_baseline_questionnaires_are_scored(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ScoringError) as caught:
        parse_profile(VALID | changes)
    assert str(caught.value) == message


def test_malformed_screening_answers_are_a_screening_error() -> None:
    incomplete = answers()
    del incomplete["red_flags"]["bladder"]
    with pytest.raises(ScreeningError, match="bladder"):
        parse_profile(VALID | {"screening": incomplete})


def test_no_screening_answers_means_no_screening_result() -> None:
    assert check_screening(parse_profile(VALID)) is None


def test_clear_screening_proceeds() -> None:
    result = check_screening(parse_profile(VALID | {"screening": answers()}))
    assert result is not None
    assert result.verdict is Verdict.PROCEED


def test_high_startback_risk_advises_but_does_not_block() -> None:
    high = answers()
    high["startback"] = [False, False, False, False, True, True, True, True, "extremely"]
    result = check_screening(parse_profile(VALID | {"screening": high}))
    assert result is not None
    assert result.verdict is Verdict.PROCEED
    assert "physiotherapist or doctor alongside" in result.message


@pytest.mark.parametrize(
    ("flag", "opening"),
    [
        ("cancer_history", "Please see a doctor or physiotherapist before you start training."),
        ("pregnancy", "Please see a doctor or physiotherapist before you start training."),
        ("bladder", "Please get medical help today"),
        ("saddle_numbness", "Please get medical help today"),
    ],
)
def test_a_red_flag_blocks_the_plan_with_the_screening_words(flag: str, opening: str) -> None:
    profile = parse_profile(VALID | {"screening": answers(flag)})
    with pytest.raises(PlanBlockedError) as caught:
        check_screening(profile)
    assert str(caught.value).startswith(opening)
