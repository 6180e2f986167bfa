"""Screening: turn answers into a verdict, its reasons, and calm words for the person."""

from collections.abc import Mapping, Sequence
from datetime import date

from backchain.errors import ScreeningError
from backchain.screening.flags import RED_FLAGS, red_flag
from backchain.screening.models import (
    Bothersomeness,
    Clearance,
    RedFlag,
    Risk,
    ScreeningAnswers,
    ScreeningResult,
    StartBackAnswers,
    Verdict,
)
from backchain.screening.startback import ITEM_PROMPTS, score_startback

__all__ = [
    "HIGH_RISK_ADVICE",
    "MESSAGES",
    "clearance_date",
    "cleared_by",
    "parse_answers",
    "parse_clearance",
    "raised_flags",
    "screen",
    "verdict_for",
]

MIN_AGE, MAX_AGE = 0, 120  # a sanity check on the input, not a clinical rule
MAX_CLEARED_BY = 200  # characters: a clinician's name and role, not a letter
CLEARANCE_KEYS = ("flags", "date", "by")

MESSAGES: dict[Verdict, str] = {
    Verdict.URGENT: (
        "Please get medical help today: contact your doctor, an urgent care service or an emergency "
        "department and tell them what you noticed. These signs are uncommon and need to be checked "
        "promptly. Please do not start training until you have been seen."
    ),
    Verdict.SEE_CLINICIAN: (
        "Please see a doctor or physiotherapist before you start training. What you told us is worth "
        "checking first; often it turns out to be nothing serious. Once a clinician has checked it "
        "and cleared you to exercise, you can record that clearance here and start."
    ),
    Verdict.PROCEED: (
        "Nothing you told us stands in the way of starting. If any of the warning signs in these "
        "questions appear later, stop training and get checked."
    ),
}

HIGH_RISK_ADVICE = (
    "Your answers suggest the back pain is weighing on you a good deal. People in this situation "
    "tend to do best with a physiotherapist or doctor alongside an exercise program, so we "
    "recommend booking an appointment while you train."
)


def screen(answers: ScreeningAnswers) -> ScreeningResult:
    """The verdict is the most serious flag answered "yes" that no clinician has cleared (only
    "see a clinician" flags can be cleared); STarT Back adds advice, never a stop."""
    raised = raised_flags(answers.red_flags, age=answers.age)
    clearance = answers.clearance
    covered = set() if clearance is None else set(clearance.flags)
    cleared = [flag for flag in raised if flag.id in covered and flag.clearable]
    verdict = verdict_for([flag for flag in raised if flag not in cleared])
    startback = score_startback(answers.startback)
    reasons = [_reason(flag, clearance if flag in cleared else None) for flag in raised]
    message = MESSAGES[verdict]
    if cleared and clearance is not None and verdict is Verdict.PROCEED:
        message = f"{_cleared_words(clearance)} {message}"
    if startback.risk is Risk.HIGH:
        reasons.append(
            f"STarT Back: high risk (psychosocial score {startback.psychosocial} of 5); "
            "a clinician alongside the app is recommended"
        )
        if verdict is Verdict.PROCEED:
            message = f"{message} {HIGH_RISK_ADVICE}"
    return ScreeningResult(
        verdict=verdict,
        reasons=tuple(reasons),
        message=message,
        flags=tuple(flag.id for flag in raised),
        startback=startback,
        cleared=tuple(flag.id for flag in cleared),
        clearance=clearance,
    )


def _reason(flag: RedFlag, clearance: Clearance | None) -> str:
    if clearance is None:
        return flag.reason
    return f"{flag.reason} (cleared by a clinician on {clearance.date.isoformat()})"


def _cleared_words(clearance: Clearance) -> str:
    who = f" ({clearance.by})" if clearance.by else ""
    return (
        f"You told us a clinician{who} assessed this on {clearance.date.isoformat()} and cleared "
        "you to exercise, so you can start. If anything changes, stop and get checked again."
    )


def raised_flags(red_flags: Mapping[str, bool], *, age: int) -> list[RedFlag]:
    """The flags answered "yes" that count at this age, in the order they are asked."""
    return [flag for flag in RED_FLAGS if red_flags.get(flag.id, False) and flag.applies_at(age)]


def verdict_for(raised: Sequence[RedFlag]) -> Verdict:
    """The most serious verdict among the raised flags; proceed when there are none."""
    return max((flag.severity for flag in raised), key=lambda v: v.rank, default=Verdict.PROCEED)


def parse_answers(data: object, *, today: date | None = None) -> ScreeningAnswers:
    """Check answers in the `backchain screen --answers` format; every red flag must be answered.

    An optional "clearance" records a clinician's clearance; with `today` given, a clearance
    dated later than today is refused.
    """
    if not isinstance(data, Mapping):
        raise ScreeningError(
            'Answers must be a JSON object with "red_flags", "startback" and "age".'
        )
    for key in ("red_flags", "startback", "age"):
        if key not in data:
            raise ScreeningError(f'Answers are missing "{key}".')
    unknown = [
        str(key) for key in data if key not in {"red_flags", "startback", "age", "clearance"}
    ]
    if unknown:
        raise ScreeningError(
            f"Unknown field '{unknown[0]}' in the answers; the fields are red_flags, startback, "
            "age and clearance."
        )
    raw = data.get("clearance")
    return ScreeningAnswers(
        red_flags=_parse_red_flags(data["red_flags"]),
        startback=_parse_startback(data["startback"]),
        age=_parse_age(data["age"]),
        clearance=None if raw is None else parse_clearance(raw, today=today),
    )


def parse_clearance(raw: object, *, today: date | None = None) -> Clearance:
    """A clearance object: {"flags": [ids], "date": "YYYY-MM-DD", "by": str | null}."""
    shape = '"clearance" must be {"flags": [flag ids], "date": "YYYY-MM-DD", "by": a name or null}'
    if not isinstance(raw, Mapping) or any(key not in CLEARANCE_KEYS for key in raw):
        raise ScreeningError(f"{shape}.")
    flags = raw.get("flags")
    if not isinstance(flags, list) or not flags or not all(isinstance(f, str) for f in flags):
        raise ScreeningError(f"{shape}; give at least one flag id.")
    for flag_id in flags:
        flag = red_flag(flag_id)
        if flag is None:
            raise ScreeningError(
                f"Unknown red-flag id '{flag_id}' in the clearance; "
                "`backchain screen --list-flags` lists the ids."
            )
        if not flag.clearable:
            raise ScreeningError(
                f"'{flag_id}' is an urgent sign and cannot be cleared in the app: please get "
                "medical help today, then screen again once you have been seen."
            )
    return Clearance(
        flags=tuple(dict.fromkeys(flags)),
        date=clearance_date(raw.get("date"), today),
        by=cleared_by(raw.get("by")),
    )


def clearance_date(raw: object, today: date | None) -> date:
    """The day of a clearance, from YYYY-MM-DD; not later than `today` when it is given."""
    try:
        day = date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        day = None
    if day is None:
        raise ScreeningError(
            f'The clearance "date" must be the day a clinician cleared you, as YYYY-MM-DD, got {raw!r}.'
        )
    if today is not None and day > today:
        raise ScreeningError(
            f"The clearance date {day.isoformat()} is in the future; give the day the clinician "
            "saw you."
        )
    return day


def cleared_by(raw: object) -> str | None:
    """Who cleared the person: a short name, or None."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str) or len(raw) > MAX_CLEARED_BY or "\x00" in raw:
        raise ScreeningError(
            f'The clearance "by" must be a name of up to {MAX_CLEARED_BY} characters, or null.'
        )
    return raw.strip()


def _parse_red_flags(raw: object) -> dict[str, bool]:
    if not isinstance(raw, Mapping):
        raise ScreeningError('"red_flags" must be an object of flag ids to true or false.')
    for flag_id, value in raw.items():
        if red_flag(flag_id) is None:
            raise ScreeningError(
                f"Unknown red-flag id '{flag_id}'; `backchain screen --list-flags` lists the ids."
            )
        if not isinstance(value, bool):
            raise ScreeningError(f'Red flag "{flag_id}" must be true or false, got {value!r}.')
    missing = [flag.id for flag in RED_FLAGS if flag.id not in raw]
    if missing:
        # A red flag left out cannot be assumed to be a "no".
        raise ScreeningError(
            f"No answer for red flag '{missing[0]}' ({len(missing)} missing); answer every flag."
        )
    return dict(raw)


def _parse_startback(raw: object) -> StartBackAnswers:
    count = len(ITEM_PROMPTS)
    if not isinstance(raw, list) or len(raw) != count:
        got = f"{len(raw)} answers" if isinstance(raw, list) else "something else"
        raise ScreeningError(f'"startback" needs a list of {count} answers, got {got}.')
    agree = raw[: count - 1]
    for number, value in enumerate(agree, start=1):
        if not isinstance(value, bool):
            raise ScreeningError(
                f"STarT Back item {number} must be true (agree) or false, got {value!r}."
            )
    choices = [b.value for b in Bothersomeness]
    if raw[-1] not in choices:
        raise ScreeningError(
            f"STarT Back item {count} must be one of {', '.join(choices)}, got {raw[-1]!r}."
        )
    return StartBackAnswers(agree=tuple(agree), bothersome=Bothersomeness(raw[-1]))


def _parse_age(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not MIN_AGE <= raw <= MAX_AGE:
        raise ScreeningError(f'"age" must be a whole number of years from {MIN_AGE} to {MAX_AGE}.')
    return raw
