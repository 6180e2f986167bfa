"""Opening the database: where it is, the engine, migrations, and one transaction per action.

SQLite by default, PostgreSQL when `BACKCHAIN_DATABASE_URL` names one; the code is the same.
"""

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
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

from backchain.errors import StoreError

__all__ = [
    "DATABASE_URL_VAR",
    "Store",
    "alembic_config",
    "create_store_engine",
    "database_url",
    "open_store",
]

DATABASE_URL_VAR = "BACKCHAIN_DATABASE_URL"
APP_NAME = "backchain"
SQLITE_FILE = "backchain.db"
MIGRATIONS = Path(__file__).parent / "migrations"
PG_CONNECT_TIMEOUT_S = 10  # a server that has not answered in 10 s is not going to
MIGRATION_LOCK = int.from_bytes(b"backcha")  # any bigint unlikely to clash with another app
URL_EXAMPLES = "sqlite:///path/to/backchain.db or postgresql+psycopg://user@host:5432/backchain"


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
    """An open database: `transaction()` for each user action, `close()` at the end."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        """The database URL with any password hidden, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose writes are committed together on success, or not at all."""
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as error:
            raise StoreError(
                f"The database at {self.url} failed ({_first_line(error)}); nothing was saved. "
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
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
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


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The sqlite3 module's own transaction handling skips BEGIN before DDL and SELECT, so
    # reads and migrations would run outside the transaction; SQLAlchemy begins instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # IMMEDIATE takes the write lock up front: a second writer waits (up to sqlite3's 5 s
    # timeout) instead of failing halfway through when its read turns into a write.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


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
