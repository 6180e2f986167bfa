"""Changing the program's settings at any time, and erasing everything.

New training days, kit, minutes or weeks make the rest of the plan again from where the person
is now: the sessions already past stay as they were, and an exercise whose version needs kit
that is gone moves to the nearest version that fits.
"""

from collections.abc import Mapping
from datetime import date, datetime

from backchain.errors import ProgramError
from backchain.exercises import load_catalogue
from backchain.journal.state import load_journal
from backchain.programs.generator import generate_plan
from backchain.programs.models import MAX_WEEKS, Plan, Profile, Revision, RevisionKind
from backchain.programs.profile import parse_profile
from backchain.programs.replan import kit_switches, splice
from backchain.programs.schedule import week_of
from backchain.programs.tracking import current_states
from backchain.store import Store, repository

__all__ = ["SETTINGS", "change_settings", "delete_everything"]

# The settings a person may change once the program has started, with their names in words.
SETTINGS = {
    "days": "training days",
    "equipment": "equipment",
    "minutes_per_session": "minutes per session",
    "weeks": "program length in weeks",
    "desk_breaks": "desk breaks",
}


def change_settings(
    store: Store,
    *,
    changes: Mapping[str, object],
    day: date,
    now: datetime,
    person_id: int | None = None,
) -> Plan:
    """Apply new settings from `day` on and store the plan made again; returns the plan.

    Raises ProgramError (one line, naming the field) when a value is invalid or the plan
    cannot fit the new settings; nothing is stored then.
    """
    unknown = [name for name in changes if name not in SETTINGS]
    if unknown:
        raise ProgramError(
            f"'{unknown[0]}' cannot be changed here; the settings are {', '.join(SETTINGS)}."
        )
    with store.transaction() as session:
        journal = load_journal(session, person_id=person_id)
        repository.lock_person(session, person_id=journal.person_id)
        old = journal.profile
        new = parse_profile({**old.model_dump(mode="json", exclude_none=True), **changes})
        changed = [name for name in SETTINGS if getattr(old, name) != getattr(new, name)]
        if not changed:
            return journal.plan
        _check_weeks(journal.plan, new, day)
        plan = splice(journal.plan, generate_plan(new, journal.plan.start), day, journal.done)
        repository.update_profile(session, person_id=journal.person_id, profile=new)
        repository.save_plan(session, person_id=journal.person_id, plan=plan, created_at=now)
        states = current_states(plan, journal.all_decisions)
        switches = kit_switches(states, new.equipment, load_catalogue())
        if switches:
            repository.add_decisions(
                session, person_id=journal.person_id, decided_on=day, decisions=switches
            )
        revision = _revision(old, new, changed, day)
        repository.add_revision(
            session, person_id=journal.person_id, made_at=now, revision=revision
        )
    return plan


def _check_weeks(plan: Plan, new: Profile, day: date) -> None:
    week = week_of(plan, day)
    if week is not None and new.weeks < week.week:
        raise ProgramError(
            f"You are in week {week.week} of the plan; choose {week.week} to {MAX_WEEKS} weeks, "
            "or start a new program."
        )


def _revision(old: Profile, new: Profile, changed: list[str], day: date) -> Revision:
    before = {name: _json(old, name) for name in changed}
    after = {name: _json(new, name) for name in changed}
    parts = [f"{SETTINGS[name]} {_words(before[name])} → {_words(after[name])}" for name in changed]
    return Revision(
        kind=RevisionKind.SETTINGS_CHANGED,
        day=day,
        summary=f"Changed settings from {day.isoformat()}: {'; '.join(parts)}.",
        before=before,
        after=after,
    )


def _json(profile: Profile, name: str) -> object:
    return profile.model_dump(mode="json")[name]


def _words(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v).replace("_", " ") for v in value) or "none"
    if value is None:
        return "as suggested"
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def delete_everything(store: Store, *, account_id: int | None = None) -> None:
    """Erase all the data of the account's people (personal mode: None, the people with no
    account); the database stays usable."""
    with store.transaction() as session:
        repository.delete_people(session, account_id=account_id)
