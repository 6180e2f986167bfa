"""Reads never wait for a writer; writers wait for each other, then give up calmly.

`Store.read()` begins a deferred, query-only transaction on SQLite (READ ONLY on PostgreSQL);
`Store.transaction()` takes SQLite's write lock up front with BEGIN IMMEDIATE.
"""

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from store_data import NOW, a_profile

from backchain.errors import StoreBusyError, StoreError
from backchain.outcomes import score_nrs
from backchain.store import Store, open_store, repository
from backchain.store.database import BUSY_TIMEOUT_S

MS_PER_S = 1000
SHORT_WAIT = "timeout=0.05"  # a SQLite URL option: give up on a lock after 50 ms
HEAD_START_S = 0.3  # how long a second writer gets to overtake the first, if it could


def _person(store: Store) -> int:
    with store.transaction() as session:
        return repository.add_person(session, profile=a_profile(), created_at=NOW)


def _add_score(store: Store, person: int, pain: int) -> None:
    with store.transaction() as session:
        _score(session, person, pain)


def _score(session: Session, person: int, pain: int) -> None:
    repository.add_questionnaire(
        session,
        person_id=person,
        taken_on=NOW.date(),
        score=score_nrs(pain),
        answers={"pain": pain},
    )


def _scores(store: Store, person: int) -> list[float]:
    with store.read() as session:
        return [s.score for _, s in repository.questionnaires(session, person_id=person)]


def _quick(store_url: str) -> str:
    """The URL with a short busy timeout on SQLite: a read that wrongly waits fails fast."""
    return f"{store_url}?{SHORT_WAIT}" if store_url.startswith("sqlite") else store_url


@contextmanager
def _sqlite_writer(database: Path) -> Iterator[sqlite3.Connection]:
    """Another program holding SQLite's write lock, with a change not yet committed."""
    other = sqlite3.connect(database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE people SET created_at = created_at")
        yield other
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_read_goes_on_while_a_write_is_open(store_url: str) -> None:
    with open_store(_quick(store_url)) as store:
        person = _person(store)
        _add_score(store, person, 3)
        with store.transaction() as writing:
            _score(writing, person, 7)  # written, not yet committed
            assert _scores(store, person) == [3]  # at once, and without the uncommitted score
        assert _scores(store, person) == [3, 7]


def test_a_second_writer_waits_for_the_first_and_then_writes(store_url: str) -> None:
    with open_store(store_url) as first, open_store(store_url) as second:
        person = _person(first)
        done: list[str] = []
        asked = threading.Event()

        def write_second() -> None:
            asked.set()
            with second.transaction() as session:
                repository.lock_person(session, person_id=person)  # PostgreSQL: the row lock
                _score(session, person, 2)
            done.append("second")

        with first.transaction() as session:
            repository.lock_person(session, person_id=person)
            _score(session, person, 1)
            writer = threading.Thread(target=write_second)
            writer.start()
            asked.wait()
            writer.join(HEAD_START_S)
            assert writer.is_alive()  # waiting for the lock, neither done nor failed
            done.append("first")
        writer.join()
        assert done == ["first", "second"]
        assert _scores(first, person) == [1, 2]


def test_writers_of_one_process_take_turns(store_url: str) -> None:
    with open_store(store_url) as store:
        person = _person(store)
        writers = [
            threading.Thread(target=_add_score, args=(store, person, pain)) for pain in range(8)
        ]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        assert sorted(_scores(store, person)) == list(range(8))


def test_a_writer_kept_waiting_too_long_is_refused_and_saves_nothing(tmp_path: Path) -> None:
    database = tmp_path / "busy.db"
    with open_store(f"sqlite:///{database}?{SHORT_WAIT}") as store:
        person = _person(store)
        with _sqlite_writer(database), pytest.raises(StoreBusyError) as refused:
            _add_score(store, person, 5)
        assert "busy" in str(refused.value)
        assert "nothing was saved" in str(refused.value)
        assert _scores(store, person) == []
        _add_score(store, person, 5)  # the lock is free again: the same write works
        assert _scores(store, person) == [5]


def test_reads_do_not_wait_for_another_programs_write_lock(tmp_path: Path) -> None:
    database = tmp_path / "shared.db"
    with open_store(f"sqlite:///{database}?{SHORT_WAIT}") as store:
        person = _person(store)
        with _sqlite_writer(database), store.read() as session:
            assert repository.get_profile(session, person_id=person) == a_profile()


def test_reads_begin_deferred_and_writes_immediate(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'begin.db'}") as store:
        begun: list[str] = []

        @event.listens_for(store.engine, "before_cursor_execute")
        def _seen(_c: object, _cursor: object, statement: str, *_: object) -> None:
            if statement.startswith("BEGIN"):
                begun.append(statement)

        with store.read() as session:
            session.execute(text("SELECT 1"))
        with store.transaction() as session:
            session.execute(text("SELECT 1"))
        assert begun == ["BEGIN", "BEGIN IMMEDIATE"]


def _write_while_reading(store: Store, person: int) -> None:
    with store.read() as session:
        _score(session, person, 4)


def test_a_read_cannot_write(store: Store) -> None:
    person = _person(store)
    # SQLite: "attempt to write a readonly database"; PostgreSQL: "in a read-only transaction"
    with pytest.raises((StoreError, DBAPIError), match=r"read-?only"):
        _write_while_reading(store, person)
    assert _scores(store, person) == []


def test_sqlite_waits_for_a_lock_as_long_as_the_store_says(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'timeout.db'}") as store, store.read() as session:
        waits_ms = session.execute(text("PRAGMA busy_timeout")).scalar()
    assert waits_ms == BUSY_TIMEOUT_S * MS_PER_S
