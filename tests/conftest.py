"""Shared fixtures: a private database and storage folder for every test, and real throwaway
PostgreSQL and Redis servers.

No test touches the user's own data folder: `BACKCHAIN_DATABASE_URL` always points at a
temporary SQLite file and `BACKCHAIN_STORAGE_DIR` at a temporary folder, and `store_url` gives
each storage test a fresh database on SQLite and, marked `postgres`, on a PostgreSQL server
started once for the whole run. `redis_url` gives a test an empty Redis database on a server
started once for the whole run.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher
from psycopg import sql

from backchain.care import passwords
from backchain.config import load_config
from backchain.store import DATABASE_URL_VAR, Store, open_store

PG_BINARIES = "/usr/lib/postgresql"
PG_MISSING = (
    "PostgreSQL server binaries are missing; run make test (it installs them) "
    "or apt-get install postgresql"
)
PG_USER = "backchain"
PG_SYSTEM_USER = "postgres"  # created by Debian's postgresql package
PG_START_TIMEOUT_S = 60
PG_DATABASES = ("backchain", "backchain_other")  # for `store_url` and `other_store_url`
REDIS_SERVER = "/usr/bin/redis-server"
REDIS_MISSING = "Redis is missing; run make test (it installs it) or apt-get install redis-server"
REDIS_START_TIMEOUT_S = 30


@pytest.fixture(autouse=True)
def _private_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATABASE_URL_VAR, f"sqlite:///{tmp_path / 'backchain-test.db'}")


@pytest.fixture(autouse=True)
def _private_storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Uploads and annotated videos in the test's own folder; the settings read afresh."""
    monkeypatch.setenv("BACKCHAIN_STORAGE_DIR", str(tmp_path / "storage"))
    load_config.cache_clear()
    yield
    load_config.cache_clear()  # before monkeypatch puts the variables back


@pytest.fixture(autouse=True)
def _quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its lightest in-process: a real hash, but the tests make hundreds of them.
    (`backchain` run as a process, as the CLI and browser tests do, hashes at full cost.)"""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


def _pg_bindir() -> Path:
    candidates = [p for p in Path(PG_BINARIES).glob("*/bin") if (p / "initdb").exists()]
    numbered = [p for p in candidates if p.parent.name.isdigit()]
    if not numbered:
        pytest.fail(PG_MISSING, pytrace=False)
    return max(numbered, key=lambda p: int(p.parent.name))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _PgServer:
    """initdb + pg_ctl in a temporary folder; as root, as the `postgres` user (PostgreSQL refuses root)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="backchain-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        if self.as_root:
            try:
                account = pwd.getpwnam(PG_SYSTEM_USER)
            except KeyError:
                pytest.fail(
                    f"Running as root, the tests start PostgreSQL as the '{PG_SYSTEM_USER}' "
                    "user, which does not exist; apt-get install postgresql creates it",
                    pytrace=False,
                )
            os.chown(self.root, account.pw_uid, account.pw_gid)

    def run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", PG_SYSTEM_USER, "--", *command]
        done = subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, timeout=PG_START_TIMEOUT_S
        )
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            pytest.fail(f"{tool} failed:\n{done.stdout}{done.stderr}{log}", pytrace=False)

    def start(self) -> None:
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", PG_USER,
                 "-E", "UTF8", "--no-locale", "--no-sync")  # fmt: skip
        # Durability settings off: a crash test kills the client, never this server.
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} "
            f"-c unix_socket_directories={self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.run("pg_ctl", "start", "-w", "-D", str(self.data), "-l", str(self.log), "-o", options)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self.run("pg_ctl", "stop", "-m", "fast", "-D", str(self.data))
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def admin(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=PG_USER, dbname=database, autocommit=True
        )

    def empty(self, database: str) -> None:
        """Drop every table, much faster than a new database (CREATE DATABASE copies a template)."""
        with self.admin(database) as admin:
            # A crashed client's backend may not have noticed yet; it would hold its locks.
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            admin.execute("DROP SCHEMA public CASCADE")
            admin.execute("CREATE SCHEMA public")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[_PgServer]:
    server = _PgServer(_pg_bindir())
    try:
        server.start()
        with server.admin() as admin:
            for name in PG_DATABASES:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_server(pg_server: _PgServer) -> str:
    """The URL of the `backchain` database on a real PostgreSQL server, started once per run."""
    return pg_server.url("backchain")


def _fresh_database(kind: str, folder: Path, request: pytest.FixtureRequest, *, other: bool) -> str:
    """An empty database: a new SQLite file, or one of the server's two databases, emptied."""
    if kind == "sqlite":
        return f"sqlite:///{folder / ('other.db' if other else 'store.db')}"
    server: _PgServer = request.getfixturevalue("pg_server")
    name = PG_DATABASES[other]
    server.empty(name)
    return server.url(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to an empty database of its own, on SQLite and on PostgreSQL."""
    return _fresh_database(request.param, tmp_path, request, other=False)


@pytest.fixture
def other_store_url(store_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A second empty database on the same backend as `store_url`, to import into."""
    kind = "sqlite" if store_url.startswith("sqlite") else "postgres"
    return _fresh_database(kind, tmp_path, request, other=True)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


class RedisServer:
    """A redis-server in a temporary folder on a free loopback port, persisting to an
    append-only file there, so a restart keeps what was queued."""

    def __init__(self) -> None:
        if not Path(REDIS_SERVER).exists():
            pytest.fail(REDIS_MISSING, pytrace=False)
        self.root = Path(tempfile.mkdtemp(prefix="backchain-redis-"))
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [
            REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.root),
            "--save", "", "--appendonly", "yes", "--appendfsync", "always",
            "--logfile", str(self.root / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + REDIS_START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        log = self.root / "redis.log"
        pytest.fail(f"redis-server did not start:\n{log.read_text() if log.exists() else ''}")

    def stop(self, *, kill: bool = False) -> None:
        if self.process is not None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            self.process.wait(timeout=REDIS_START_TIMEOUT_S)
            self.process = None

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """An empty Redis database on the server started once per run."""
    if redis_server.process is None:  # a test stopped it
        redis_server.start()
    with socket.create_connection(("127.0.0.1", redis_server.port), timeout=5) as connection:
        connection.sendall(b"FLUSHALL\r\n")
        assert connection.recv(16).startswith(b"+OK")
    return redis_server.url()
