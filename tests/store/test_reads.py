"""Reading a person's journal: a fixed number of queries however long the history, and the same
journal again only while the data is unchanged, whoever changes it."""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event
from store_data import a_profile

from backchain import journal
from backchain.journal import Journal
from backchain.programs.models import CheckIn, ExerciseLog, SessionLog, SetLog
from backchain.store import Store, open_store

START = date(2026, 1, 5)  # a Monday


def _at(day: date) -> datetime:
    return datetime.combine(day, time(18), tzinfo=UTC)


def _started(store: Store) -> None:
    journal.start_program(store, profile=a_profile(), start=START, now=_at(START))


def _log_sessions(store: Store, first: int, count: int) -> None:
    """The planned sessions number `first` on, as planned, each checked in the next morning."""
    with store.read() as session:
        plan = journal.load_journal(session).plan
    days = [planned.date for week in plan.weeks for planned in week.sessions]
    for day in days[first : first + count]:
        exercises = tuple(
            ExerciseLog(
                exercise=p.exercise,
                variation=p.variation,
                sets=(_a_set(p.reps, p.hold_s),) * p.sets,
            )
            for p in journal.to_log(store, day=day).prescriptions
        )
        log = SessionLog(date=day, exercises=exercises, pain_after=1)
        journal.log_session(store, log=log, now=_at(day))
        morning = CheckIn(date=day + timedelta(days=1), pain=1, compared="same")
        journal.check_in(store, checkin=morning)


def _a_set(reps: tuple[int, int] | None, hold: tuple[float, float] | None) -> SetLog:
    return SetLog(
        reps=None if reps is None else reps[0],
        hold_s=None if hold is None else hold[0],
        rpe=6,
        pain=1,
    )


@contextmanager
def _selects(store: Store) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_c: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def _queries_to_load(store: Store) -> int:
    # In a write transaction: a writer always loads from the database, never a journal read before.
    with _selects(store) as seen, store.transaction() as session:
        assert journal.find_journal(session) is not None
    return len(seen)


def test_a_journal_loads_in_the_same_queries_however_long_the_history(store: Store) -> None:
    _started(store)
    _log_sessions(store, 0, 1)
    after_one = _queries_to_load(store)
    _log_sessions(store, 1, 4)
    assert _queries_to_load(store) == after_one


def _read(store: Store) -> Journal:
    with store.read() as session:
        found = journal.find_journal(session)
    assert found is not None
    return found


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    return tmp_path / "journal.db"


@pytest.fixture
def trained(sqlite_file: Path) -> Iterator[Store]:
    with open_store(f"sqlite:///{sqlite_file}") as store:
        _started(store)
        _log_sessions(store, 0, 2)
        yield store


def test_unchanged_data_read_again_gives_the_same_journal(trained: Store) -> None:
    assert _read(trained) is _read(trained)


def _by_this_store(store: Store, _file: Path) -> None:
    _log_sessions(store, 2, 1)


def _by_another_store(_store: Store, file: Path) -> None:
    with open_store(f"sqlite:///{file}") as other:
        _log_sessions(other, 2, 1)


def _by_another_program(_store: Store, file: Path) -> None:
    with sqlite3.connect(file) as other:
        other.execute("UPDATE session_logs SET pain_after = 9")
    other.close()


@pytest.mark.parametrize("change", [_by_this_store, _by_another_store, _by_another_program])
def test_a_journal_read_after_a_change_shows_it(
    trained: Store, sqlite_file: Path, change: Callable[[Store, Path], None]
) -> None:
    before = _read(trained)
    change(trained, sqlite_file)
    after = _read(trained)
    assert after != before
    with open_store(f"sqlite:///{sqlite_file}") as fresh:
        assert after == _read(fresh)  # what a process that never read before sees
