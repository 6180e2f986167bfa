"""Pieces for the journeys in `test_journeys`: a person seeded through the store, what the store
holds afterwards, and the onboarding forms filled in the way a person fills them.

Seeding goes through `backchain.journal`, the same functions the app uses, so a seeded person is
one the app could have made; what a test then checks is read back from the store, never worked
out the way the app works it out.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from playwright.sync_api import Locator, Page

from backchain import journal
from backchain.errors import StoreError
from backchain.journal import corrections, drafts
from backchain.journal.core import Journal
from backchain.journal.settings import delete_everything
from backchain.programs.models import (
    CheckIn,
    ExerciseLog,
    PlannedSession,
    Prescription,
    Profile,
    SessionLog,
    SetLog,
    Weekday,
)
from backchain.screening import RED_FLAGS
from backchain.store import Store, open_store
from backchain.store.transfer import export_data

__all__ = [
    "CLEAR_SCREENING",
    "TODAY",
    "add_draft_set",
    "check_all",
    "export",
    "fill_profile",
    "group",
    "low_risk_startback",
    "planned",
    "seed_history",
    "seed_program",
    "set_for",
    "stored",
    "top_of_range",
    "utc_now",
    "weekdays_from",
    "wipe",
]

TODAY = date.today()  # the server's day too: `backchain serve` uses date.today()
CLEAR_SCREENING: dict[str, Any] = {
    "red_flags": {flag.id: False for flag in RED_FLAGS},
    "startback": [False] * 8 + ["slightly"],
    "age": 44,
}


def utc_now() -> datetime:
    """A timestamp as the app stores them."""
    return datetime.now(UTC).replace(microsecond=0)


def weekdays_from(day: date, offsets: Iterable[int]) -> list[Weekday]:
    """The weekdays `offsets` days after `day`: training days that fall where a test needs them."""
    week = list(Weekday)
    return [week[(day.weekday() + offset) % 7] for offset in offsets]


# -- seeding --------------------------------------------------------------------------------------


def wipe(db_url: str) -> None:
    """An empty database for the next journey, on the server the module shares."""
    with open_store(db_url) as store:
        delete_everything(store)


def seed_program(db_url: str, *, start: date, days: list[Weekday], **changes: Any) -> None:
    """A program with no kit to load (so every set is reps or a hold), starting on `start`."""
    data: dict[str, Any] = {
        "age": 44,
        "equipment": ["mat"],
        "experience": "some",
        "days": [d.value for d in days],
        "minutes_per_session": 40,
        "sitting_hours": 9,
        "pain": 4,
        "screening": CLEAR_SCREENING,
        "odi": [2, 1, 2, 1, 1, 2, 1, None, 1, 1],
        **changes,
    }
    with open_store(db_url) as store:
        journal.start_program(
            store, profile=Profile.model_validate(data), start=start, now=utc_now()
        )


def set_for(p: Prescription, *, at_top: bool = False, rpe: int = 7, pain: int = 2) -> SetLog:
    """A set of this prescription at the bottom (or top) of its range."""
    end = 1 if at_top else 0
    return SetLog(
        reps=None if p.reps is None else p.reps[end],
        hold_s=None if p.hold_s is None else p.hold_s[end],
        rpe=rpe,
        pain=pain,
    )


def top_of_range(db_url: str, day: date) -> SessionLog:
    """A log of the day's session in which every set of every exercise meets CLINICAL.md's bar
    for progression: the top of the range, RPE 8 or less, pain 3 or less."""
    with open_store(db_url) as store:
        prescriptions = journal.to_log(store, day=day).prescriptions
    done = [
        ExerciseLog(
            exercise=p.exercise,
            variation=p.variation,
            sets=tuple(set_for(p, at_top=True, rpe=6, pain=1) for _ in range(p.sets)),
        )
        for p in prescriptions
    ]
    return SessionLog(date=day, exercises=tuple(done), pain_after=1)


def seed_history(db_url: str, *, until: date) -> list[date]:
    """Log every planned session before `until`, check in the morning after the last one, and
    correct a set of the first: a past with something in every table. Returns the logged days."""
    with open_store(db_url) as store:
        with store.transaction() as session:
            plan = journal.load_journal(session).plan
        days = [s.date for s in planned(plan.weeks) if s.date < until]
        for day in days:
            prescriptions = journal.to_log(store, day=day).prescriptions
            done = tuple(
                ExerciseLog(exercise=p.exercise, variation=p.variation, sets=(set_for(p),) * p.sets)
                for p in prescriptions
            )
            log = SessionLog(date=day, exercises=done, pain_after=2, notes=f"seeded {day}")
            journal.log_session(store, log=log, now=utc_now())
        if days:
            morning = CheckIn(date=days[-1] + timedelta(days=1), pain=2, compared="same")
            journal.check_in(store, checkin=morning)
            first = _first_exercise(store, days[0])
            corrections.change_set(
                store,
                day=days[0],
                exercise=first.exercise,
                number=1,
                logged=first.sets[0].model_copy(update={"rpe": 8}),
                now=utc_now(),
            )
    return days


def _first_exercise(store: Store, day: date) -> ExerciseLog:
    with store.transaction() as session:
        logged = journal.load_journal(session).log_on(day)
    assert logged is not None
    return logged[1].exercises[0]


def add_draft_set(db_url: str, day: date) -> SetLog:
    """One set of the day's first exercise saved in the session in progress."""
    with open_store(db_url) as store:
        first = journal.to_log(store, day=day).prescriptions[0]
        the_set = set_for(first)
        drafts.add_set(store, day=day, exercise=first.exercise, logged=the_set, now=utc_now())
    return the_set


# -- reading back ---------------------------------------------------------------------------------


def stored(db_url: str) -> Journal | None:
    """The current person's journal as stored, or None when nobody has a program."""
    with open_store(db_url) as store, store.transaction() as session:
        try:
            return journal.load_journal(session)
        except StoreError:  # nobody has started a program
            return None


def export(db_url: str) -> dict[str, Any]:
    with open_store(db_url) as store, store.transaction() as session:
        return export_data(session)


def planned(weeks: Iterable[Any]) -> list[PlannedSession]:
    """Every planned session of a plan's weeks, in date order."""
    return [s for week in weeks for s in week.sessions]


# -- onboarding, as a person fills it in ----------------------------------------------------------


def group(page: Page, name: str) -> Locator:
    """A fieldset by its legend."""
    return page.get_by_role("group", name=name, exact=True)


def fill_profile(page: Page, days: list[Weekday]) -> None:
    page.goto("/start")
    page.get_by_label("Your age in years").fill("47")
    group(page, "Equipment you have").get_by_label("Mat").check()
    group(page, "Strength training experience").get_by_label("Some").check()
    for day in days:
        group(page, "Training days").get_by_label(day.value.capitalize()).check()
    page.get_by_label("Back pain right now").select_option("5")
    page.get_by_role("button", name="Next: safety questions").click()


def check_all(page: Page, yes: Iterable[str] = ()) -> None:
    """Answer every safety question: Yes to the flags in `yes`, No to the rest."""
    chosen = set(yes)
    for flag in RED_FLAGS:
        answer = "Yes" if flag.id in chosen else "No"
        group(page, flag.question).get_by_label(answer, exact=True).check()


def low_risk_startback(page: Page) -> None:
    for number in range(1, 9):
        page.locator(f"#f-item{number}").get_by_label("Disagree").check()
    page.locator("#f-item9").get_by_label("Slightly").check()
    page.get_by_role("button", name="Next: baseline").click()
