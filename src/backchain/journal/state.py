"""The person's stored state in one load: `Journal`, found once per snapshot of the data.

Reading the same unchanged data again (the same `read_snapshot`: SQLite only) gives the same
journal object, so a page costs a query or two instead of a whole load, and what a journal derives
(`states`, `done`) is derived once. A write transaction always loads afresh: it must decide on
what is stored now, including its own changes.
"""

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from sqlalchemy.orm import Session

from backchain.errors import StoreError
from backchain.programs.models import CheckIn, Decision, ExerciseState, Plan, Profile, SessionLog
from backchain.programs.schedule import done_sessions
from backchain.programs.tracking import current_states, program_pause
from backchain.store import repository
from backchain.store.database import read_snapshot

__all__ = ["NO_PROGRAM", "RECENT_JOURNALS", "Journal", "find_journal", "load_journal"]

NO_PROGRAM = "No program yet: run `backchain init` to start one."
RECENT_JOURNALS = 64  # journals kept by the snapshot they were read in: a few per connection


@dataclass(frozen=True)
class Journal:
    """Everything stored about one person that decisions depend on, loaded in one go."""

    person_id: int
    profile: Profile
    plan: Plan
    logs: tuple[tuple[int, SessionLog], ...]  # by date
    checkins: Mapping[int, CheckIn]  # by log id
    decisions: tuple[repository.DecisionRecord, ...]  # in the order they apply

    # Derived once per journal: a journal read again from unchanged data is the same object
    # (see `find_journal`), so pages reuse these. Frozen values: nothing may change them.
    @cached_property
    def all_decisions(self) -> tuple[Decision, ...]:
        return tuple(record.decision for record in self.decisions)

    @cached_property
    def pause(self) -> Decision | None:
        return program_pause(self.all_decisions)

    @cached_property
    def states(self) -> dict[str, ExerciseState]:
        """Each exercise's version and load after every decision so far."""
        return current_states(self.plan, self.all_decisions)

    def decisions_for(self, log_id: int) -> list[Decision]:
        return [r.decision for r in self.decisions if r.log_id == log_id]

    def log_on(self, day: date) -> tuple[int, SessionLog] | None:
        """The session logged on this day, if any: there is at most one a day."""
        return next(((i, log) for i, log in self.logs if log.date == day), None)

    @cached_property
    def done(self) -> dict[date, date]:
        """Each planned date that is done, with the day it was logged."""
        return done_sessions(self.plan, [log.date for _, log in self.logs])

    def last_decisions(self, before: Sequence[Decision] | None = None) -> dict[str, Decision]:
        """The latest decision for each exercise, among `before` (default: all)."""
        chosen = self.all_decisions if before is None else before
        return {d.exercise: d for d in chosen if d.exercise is not None}

    def checkin_due(self, day: date) -> SessionLog | None:
        """The latest session, when it was before `day` and has no morning check-in yet."""
        if not self.logs:
            return None
        log_id, last = self.logs[-1]
        return last if log_id not in self.checkins and last.date < day else None


def load_journal(session: Session, *, person_id: int | None = None) -> Journal:
    """The person's journal; a clear error when they have not started a program yet."""
    found = find_journal(session, person_id=person_id)
    if found is None:
        raise StoreError(NO_PROGRAM)
    return found


_recent: OrderedDict[Hashable, Journal | None] = OrderedDict()
_recent_lock = threading.Lock()


def find_journal(session: Session, *, person_id: int | None = None) -> Journal | None:
    """The person's journal, or None when they have not started a program yet.

    `person_id` None means the person of personal mode: the latest one who has no account
    (`repository.latest_person_id`). Clinic mode always names the person.
    A database that fails raises (`StoreError`, `StoreBusyError`): only an absent program is None.
    In a read transaction whose data was read before (`read_snapshot`), the journal made then.
    """
    snapshot = read_snapshot(session)
    if snapshot is None:
        return _load(session, person_id)
    key = (snapshot, person_id)
    with _recent_lock:
        if key in _recent:
            _recent.move_to_end(key)
            return _recent[key]
    found = _load(session, person_id)
    with _recent_lock:
        _recent[key] = found
        while len(_recent) > RECENT_JOURNALS:
            _recent.popitem(last=False)
    return found


def _load(session: Session, person_id: int | None) -> Journal | None:
    if person_id is None:
        person_id = repository.latest_person_id(session)
    plan = None if person_id is None else repository.current_plan(session, person_id=person_id)
    if person_id is None or plan is None:
        return None
    return Journal(
        person_id=person_id,
        profile=repository.get_profile(session, person_id=person_id),
        plan=plan,
        logs=tuple(repository.session_logs(session, person_id=person_id)),
        checkins=repository.checkins(session, person_id=person_id),
        decisions=tuple(repository.decisions(session, person_id=person_id)),
    )
