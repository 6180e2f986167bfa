"""Finding and opening the database: the URL, migrations, transactions and clear errors."""

import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from store_data import NOW, START, a_log, a_profile, fill, snapshot

from backchain.errors import StoreError
from backchain.store import DATABASE_URL_VAR, Store, database_url, open_store, repository
from backchain.store.database import alembic_config, create_store_engine
from backchain.store.models import Base


def test_the_environment_variable_wins(tmp_path: Path) -> None:
    url = "postgresql+psycopg://someone@db.example:5432/backchain"
    assert database_url({DATABASE_URL_VAR: url, "XDG_DATA_HOME": str(tmp_path)}) == url


def test_the_default_is_a_sqlite_file_in_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, data_home = tmp_path / "home", tmp_path / "data"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    monkeypatch.delenv(DATABASE_URL_VAR)
    expected = data_home / "backchain" / "backchain.db"
    assert database_url({"HOME": str(home)}) == f"sqlite:///{expected}"
    assert database_url({DATABASE_URL_VAR: "  "}) == f"sqlite:///{expected}"
    assert expected.parent.is_dir()  # created, so SQLite can create the file in it


def test_open_store_uses_the_environment_by_default(tmp_path: Path) -> None:
    with open_store() as store, store.transaction() as session:
        repository.add_person(session, profile=a_profile(), created_at=NOW)
    assert (tmp_path / "backchain-test.db").exists()  # the autouse fixture's file


def _differences(store: Store) -> list[object]:
    with store.engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def test_the_migrations_create_exactly_the_models(store: Store) -> None:
    assert _differences(store) == []
    tables = set(inspect(store.engine).get_table_names())
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def test_opening_twice_keeps_the_data_and_the_schema(store_url: str) -> None:
    with open_store(store_url) as first:
        fill(first)
        before = snapshot(first)
    with open_store(store_url) as second:
        assert snapshot(second) == before
        assert _differences(second) == []
        with second.engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    assert versions == [("0007",)]


def test_sqlite_enforces_foreign_keys(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'fk.db'}") as store:
        with pytest.raises(IntegrityError, match="FOREIGN KEY"), store.transaction() as session:
            repository.add_session_log(session, person_id=12, log=a_log(START), logged_at=NOW)
        with store.engine.connect() as connection:
            mode = connection.execute(text("PRAGMA journal_mode")).scalar()
    assert mode == "wal"


def _add_person_then_fail(store: Store) -> None:
    with store.transaction() as session:
        repository.add_person(session, profile=a_profile(age=70), created_at=NOW)
        raise RuntimeError("boom")


def test_a_transaction_commits_on_success_and_rolls_back_on_error(store: Store) -> None:
    with store.transaction() as session:
        kept = repository.add_person(session, profile=a_profile(), created_at=NOW)
    with pytest.raises(RuntimeError, match="boom"):
        _add_person_then_fail(store)
    with store.transaction() as session:
        assert repository.latest_person_id(session) == kept


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url", "database URL is not valid; check BACKCHAIN_DATABASE_URL"),
        ("mysql://someone@localhost/backchain", "SQLite or PostgreSQL, not mysql"),
        ("sqlite:////nonexistent-folder/backchain.db", "check that its folder exists"),
        ("postgresql://someone@127.0.0.1:1/backchain", "check that the server is running"),
        ("postgres://someone:secret@127.0.0.1:1/backchain", "check that the server is running"),
    ],
)
def test_a_database_that_cannot_be_opened_is_a_one_line_store_error(
    url: str, expected: str
) -> None:
    with pytest.raises(StoreError) as raised:
        open_store(url)
    message = str(raised.value)
    assert expected in message
    assert "\n" not in message
    assert "secret" not in message


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my training notes, not a database\n" * 200)
    with pytest.raises(StoreError, match="file is not a database"):
        open_store(f"sqlite:///{path}")


def test_a_folder_that_cannot_be_written_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")  # even root cannot write here
    with pytest.raises(StoreError, match="you can write to it"):
        open_store(f"sqlite:///{blocker / 'backchain.db'}")


def test_a_database_from_a_newer_backchain_is_refused(store_url: str) -> None:
    with open_store(store_url) as store, store.transaction() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match=r"written by a newer Backchain .*; update Backchain"):
        open_store(store_url)


def test_a_locked_database_is_a_store_error_and_nothing_is_saved(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    with open_store(f"sqlite:///{path}?timeout=0.1") as store:
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # another program is writing
            with pytest.raises(StoreError, match=r"database is locked.*nothing was saved"):
                _add_person(store)
        finally:
            other.close()
        with store.transaction() as session:
            assert repository.latest_person_id(session) is None


def _add_person(store: Store) -> None:
    with store.transaction() as session:
        repository.add_person(session, profile=a_profile(), created_at=NOW)


def test_sets_logged_before_faults_were_recorded_come_back_with_none(tmp_path: Path) -> None:
    """0001 -> 0002 on a database holding a set: the set gains an empty fault list."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_store_engine(url)
    with engine.begin() as connection:
        config = alembic_config(engine.url)
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO people (id, created_at, profile) VALUES (1, '2025-01-01 08:00:00', '{}')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO session_logs (id, person_id, date, pain_after, notes, logged_at) "
                "VALUES (1, 1, '2025-01-06', 2, '', '2025-01-06 18:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO set_logs (session_log_id, exercise_position, exercise, variation, "
                "set_number, reps, rpe, pain) VALUES (1, 0, 'squat', 'squat', 1, 12, 7, 1)"
            )
        )
    engine.dispose()
    with open_store(url) as store, store.engine.connect() as connection:
        faults = connection.execute(text("SELECT faults FROM set_logs")).scalar_one()
    assert json.loads(faults) == []


def test_decisions_stored_before_batches_keep_their_order_and_answers_their_wording(
    tmp_path: Path,
) -> None:
    """0002 -> 0003: a resume stored between two sessions' decisions still applies between them,
    and what was answered before is marked as answered in Backchain's own wording."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_store_engine(url)
    with engine.begin() as connection:
        config = alembic_config(engine.url)
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.execute(
            text(
                "INSERT INTO people (id, created_at, profile) VALUES (1, '2025-01-01 08:00:00', '{}')"
            )
        )
        for log_id, day in ((1, "2025-01-06"), (2, "2025-01-08")):
            connection.execute(
                text(
                    "INSERT INTO session_logs (id, person_id, date, pain_after, notes, logged_at) "
                    f"VALUES ({log_id}, 1, '{day}', 2, '', '{day} 18:00:00')"
                )
            )
        # Ids out of date order on purpose: the order that counts is the order they were stored.
        for row_id, log_id, kind in ((7, 2, "repeat"), (3, 1, "pause"), (5, None, "resume")):
            exercise = "NULL" if kind != "repeat" else "'squat'"
            log = "NULL" if log_id is None else log_id
            variation = "'squat'" if kind == "repeat" else "NULL"
            connection.execute(
                text(
                    "INSERT INTO decisions (id, person_id, session_log_id, decided_on, position, "
                    f"exercise, kind, reason, variation) VALUES ({row_id}, 1, {log}, "
                    f"'2025-01-08', 0, {exercise}, '{kind}', 'why', {variation})"
                )
            )
        connection.execute(
            text(
                "INSERT INTO questionnaires (person_id, taken_on, measure, score, answers) "
                "VALUES (1, '2025-01-06', 'rmdq', 4, '{}')"
            )
        )
    engine.dispose()
    with open_store(url) as store, store.transaction() as session:
        kinds = [r.decision.kind.value for r in repository.decisions(session, person_id=1)]
        (record,) = repository.questionnaire_records(session, person_id=1)
    assert kinds == ["pause", "resume", "repeat"]
    assert record.wording == "backchain"
