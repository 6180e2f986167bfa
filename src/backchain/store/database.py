"""Opening the database: where it is, the engine, migrations, and one transaction per action.

SQLite by default, PostgreSQL when `BACKCHAIN_DATABASE_URL` names one; the code is the same.

Two kinds of transaction, so that reading never waits for writing:
- `Store.read()` sees one consistent snapshot and cannot write: a deferred `BEGIN` with
  `query_only` on SQLite (in WAL mode it never takes or waits for the write lock), a
  `REPEATABLE READ, READ ONLY` transaction on PostgreSQL.
- `Store.transaction()` is one user action's writes: `BEGIN IMMEDIATE` on SQLite takes the write
  lock up front, waiting `BUSY_TIMEOUT_S` for another writer and trying again, so a write either
  happens whole or is refused before anything was done (`StoreBusyError`). This process's
  writers take turns on a lock first, so they queue instead of polling SQLite.

`read_snapshot` names the data a SQLite read sees, so what was made from it can be reused until
any connection, in any process, commits a change.
"""

import os
import threading
import time
from collections.abc import Hashable, Iterator, Mapping
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from alembic import command
from alembic.config import Config
from alembic.util.exc import CommandError
from platformdirs import user_data_dir
from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from backchain.errors import StoreBusyError, StoreError

__all__ = [
    "BUSY_TIMEOUT_S",
    "DATABASE_URL_VAR",
    "Store",
    "alembic_config",
    "create_store_engine",
    "database_url",
    "open_store",
    "read_snapshot",
]

DATABASE_URL_VAR = "BACKCHAIN_DATABASE_URL"
APP_NAME = "backchain"
SQLITE_FILE = "backchain.db"
MIGRATIONS = Path(__file__).parent / "migrations"
PG_CONNECT_TIMEOUT_S = 10  # a server that has not answered in 10 s is not going to
MIGRATION_LOCK = int.from_bytes(b"backcha")  # any bigint unlikely to clash with another app
URL_EXAMPLES = "sqlite:///path/to/backchain.db or postgresql+psycopg://user@host:5432/backchain"
# SQLite: how long a writer waits for another writer's lock before SQLite gives up; a Backchain
# write holds it for milliseconds, so 5 s of waiting means something unusual holds it.
BUSY_TIMEOUT_S = 5.0
WRITE_ATTEMPTS = 3  # a write that still finds the lock taken is tried twice more, then refused
RETRY_PAUSE_S = 0.1  # between attempts, times the attempt number: the holder gets time to finish
# This process's writers wait as long for each other as for another process's writer.
WRITE_QUEUE_S = BUSY_TIMEOUT_S * WRITE_ATTEMPTS
# Connections kept open for reuse; more are opened when needed (SQLite's cost little), so a
# request never waits for another request's connection.
SQLITE_POOL_SIZE = 20
READ_ONLY = "backchain_read_only"  # the execution option that makes SQLite's BEGIN a reader's
# Kept in each SQLite connection's `info`: its serial number in this process, how many
# transactions it committed, and the snapshot key of the read transaction it is in.
SERIAL, COMMITS, SNAPSHOT = "backchain_serial", "backchain_commits", "backchain_snapshot"
_serials = count(1)
SQLITE_BUSY_CODES = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED (primary result codes)
SQLITE_PRIMARY_CODE = 0xFF  # an extended result code's low byte is its primary code
# PostgreSQL: lock_not_available, deadlock_detected, serialization_failure
PG_BUSY_STATES = frozenset({"55P03", "40P01", "40001"})


def database_url(env: Mapping[str, str] = os.environ) -> str:
    """`BACKCHAIN_DATABASE_URL` when set, else `backchain.db` in the user's data folder."""
    if url := env.get(DATABASE_URL_VAR, "").strip():
        return url
    folder = Path(user_data_dir(APP_NAME, appauthor=False))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"Cannot create the data folder {folder} ({error.strerror}); check that you can "
            f"write there, or set {DATABASE_URL_VAR} to another database."
        ) from None
    return f"sqlite:///{folder / SQLITE_FILE}"


class Store:
    """An open database: `transaction()` for each user action that writes, `read()` for one that
    only reads, `close()` at the end."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writes = sessionmaker(engine, expire_on_commit=False)
        self._reads = sessionmaker(engine.execution_options(**_read_options(engine)))
        # SQLite has one writer at a time: this process's writers take turns on a lock, which
        # hands over at once, where SQLite's busy wait polls and sleeps up to 100 ms a time.
        self._write_turn = threading.Lock() if engine.dialect.name == "sqlite" else None

    @property
    def url(self) -> str:
        """The database URL with any password hidden, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose writes are committed together on success, or not at all.

        On SQLite it holds the write lock from the start: another writer waits for it.
        """
        with (
            self._failures(done="nothing was saved"),
            self._turn(),
            self._locked_session() as session,
        ):
            yield session
            session.commit()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session that sees one consistent snapshot and cannot write; it never waits for a
        writer, nor makes one wait."""
        with self._failures(done="nothing was changed"), self._reads() as session:
            yield session

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """This process's turn to write (SQLite), after the writers that asked before."""
        if self._write_turn is None:
            yield
            return
        if not self._write_turn.acquire(timeout=WRITE_QUEUE_S):
            raise StoreBusyError(
                f"The database at {self.url} is busy with other changes; nothing was saved. "
                "Try again in a moment."
            )
        try:
            yield
        finally:
            self._write_turn.release()

    def _locked_session(self) -> Session:
        """A write session that has begun: on SQLite it holds the write lock, after waiting and
        retrying while another writer has it."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            session = self._writes()
            try:
                session.connection()  # SQLite: BEGIN IMMEDIATE, waiting up to BUSY_TIMEOUT_S
            except OperationalError as error:
                session.close()
                if attempt == WRITE_ATTEMPTS or not _busy(error):
                    raise
                time.sleep(RETRY_PAUSE_S * attempt)
            else:
                return session
        raise AssertionError("unreachable: the last attempt returns or raises")

    @contextmanager
    def _failures(self, *, done: str) -> Iterator[None]:
        """The driver's failures as a message that says what happened and what to do."""
        try:
            yield
        except OperationalError as error:
            if _busy(error):
                raise StoreBusyError(
                    f"The database at {self.url} is busy with another change ({_first_line(error)}); "
                    f"{done}. Try again in a moment."
                ) from error
            raise StoreError(
                f"The database at {self.url} failed ({_first_line(error)}); {done}. "
                "Check that it is reachable and not in use by another program, then try again."
            ) from error

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_store(url: str | None = None) -> Store:
    """Open (or create) the database at `url`, default `database_url()`, migrated to the latest schema."""
    engine = create_store_engine(database_url() if url is None else url)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                # Several servers starting at once must not create the same tables twice.
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            config = alembic_config(engine.url)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except (DBAPIError, CommandError) as error:
        engine.dispose()
        raise _open_error(engine.url, error) from error
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)


def create_store_engine(text: str) -> Engine:
    """An engine for a SQLite or PostgreSQL URL; `postgresql://` means the psycopg 3 driver."""
    try:
        url = make_url(text)
    except ArgumentError:
        raise StoreError(
            f"The database URL is not valid; check {DATABASE_URL_VAR} (for example {URL_EXAMPLES})."
        ) from None
    backend = url.get_backend_name()
    if backend in {"postgres", "postgresql"}:  # "postgres" is the spelling some hosts use
        url = url.set(drivername="postgresql+psycopg")
        args = {} if "connect_timeout" in url.query else {"connect_timeout": PG_CONNECT_TIMEOUT_S}
        return create_engine(url, pool_pre_ping=True, connect_args=args)
    if backend == "sqlite":
        engine = create_engine(url, **_sqlite_options(url))
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "commit", _sqlite_commit)
        return engine
    raise StoreError(
        f"Backchain stores data in SQLite or PostgreSQL, not {backend}; "
        f"check {DATABASE_URL_VAR} (for example {URL_EXAMPLES})."
    )


def alembic_config(url: URL) -> Config:
    """Alembic's configuration without an alembic.ini: the packaged migrations and the URL."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # The option is read through configparser, where "%" starts an interpolation.
    plain = url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", plain)
    return config


def _sqlite_options(url: URL) -> dict[str, Any]:
    """The busy timeout (unless the URL sets `timeout`), and a pool for a file database."""
    options: dict[str, Any] = {}
    if "timeout" not in url.query:
        options["connect_args"] = {"timeout": BUSY_TIMEOUT_S}
    if url.database not in {None, "", ":memory:"}:
        # -1: no upper limit. LIFO: the connection used last, whose page cache is warm, first.
        options.update(pool_size=SQLITE_POOL_SIZE, max_overflow=-1, pool_use_lifo=True)
    return options


def _read_options(engine: Engine) -> dict[str, Any]:
    """Execution options that make a transaction a reader's on this engine's backend."""
    if engine.dialect.name == "postgresql":
        # One snapshot for the whole read, as SQLite gives, and no writes.
        return {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    return {READ_ONLY: True}


def read_snapshot(session: Session) -> Hashable | None:
    """A key for the data a read session sees: two sessions with the same key see the same data.

    SQLite only: the connection, its `data_version` when the transaction began (it changes when
    another connection, in any process, commits) and how many times the connection committed
    itself. None on PostgreSQL and in a session that writes.
    """
    connection = session.connection()  # begins the transaction, and so records the key
    snapshot: Hashable | None = connection.info.get(SNAPSHOT)
    return snapshot


def _sqlite_connect(dbapi_connection: Any, record: Any) -> None:
    # The sqlite3 module's own transaction handling skips BEGIN before DDL and SELECT, so
    # reads and migrations would run outside the transaction; SQLAlchemy begins instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()
    record.info[SERIAL] = next(_serials)


def _sqlite_begin(connection: Connection) -> None:
    info = connection.info
    if connection.get_execution_options().get(READ_ONLY, False):
        # Deferred: in WAL mode a reader takes no lock a writer waits for. query_only makes a
        # write by mistake fail at once instead of taking the write lock halfway through.
        connection.exec_driver_sql("PRAGMA query_only = ON")
        connection.exec_driver_sql("BEGIN")
        # Read before anything else: the snapshot, taken at the first read, is at least this new.
        version = connection.exec_driver_sql("PRAGMA data_version").scalar()
        info[SNAPSHOT] = (info[SERIAL], version, info.get(COMMITS, 0))
        return
    info.pop(SNAPSHOT, None)
    # IMMEDIATE takes the write lock up front: a second writer waits (BUSY_TIMEOUT_S) instead
    # of failing halfway through when its read turns into a write.
    connection.exec_driver_sql("PRAGMA query_only = OFF")
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_commit(connection: Connection) -> None:
    # data_version does not change for the connection's own commits: count them.
    connection.info[COMMITS] = connection.info.get(COMMITS, 0) + 1


def _busy(error: DBAPIError) -> bool:
    """The database was locked by another change: worth trying again, not a broken database."""
    source = error.orig
    code = getattr(source, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & SQLITE_PRIMARY_CODE in SQLITE_BUSY_CODES
    return getattr(source, "sqlstate", None) in PG_BUSY_STATES


def _open_error(url: URL, error: Exception) -> StoreError:
    where = url.render_as_string(hide_password=True)
    if isinstance(error, CommandError):
        return StoreError(
            f"The database at {where} was written by a newer Backchain ({_first_line(error)}); "
            "update Backchain to open it."
        )
    if url.get_backend_name() == "sqlite":
        hint = "check that its folder exists and you can write to it, and that it is a Backchain database"
    else:
        hint = "check that the server is running and that the host, port, database, user and password are right"
    return StoreError(f"Cannot open the database at {where} ({_first_line(error)}); {hint}.")


def _first_line(error: Exception) -> str:
    """The driver's own message, first line only: the rest is context for a traceback."""
    source = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    lines = [line.strip() for line in str(source).splitlines() if line.strip()]
    return lines[0].rstrip(".") if lines else type(source).__name__
