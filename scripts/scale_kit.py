"""The pieces `bench_scale.py` stands on: throwaway PostgreSQL and Redis servers, Backchain's
own processes (web, worker), and a clinic seeded with people and their history.

Every process is started in a process group of its own and registered with a `Processes`,
which ends them all (and removes their folders) on the way out, whatever happened; nothing
else is ever signalled.
"""

import contextlib
import multiprocessing
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import httpx2 as httpx

__all__ = [
    "HOST",
    "PASSWORD",
    "Backchain",
    "PgServer",
    "Processes",
    "RedisServer",
    "Seeded",
    "SeededClinic",
    "Step",
    "copy_database",
    "free_port",
    "has_command",
    "seed_clinic",
    "serve_has_workers",
    "socket_owner",
]

HOST = "127.0.0.1"  # loopback only
BIN = Path(sys.executable).parent
PG_BINARIES = Path("/usr/lib/postgresql")
PG_USER = "backchain"
PG_SYSTEM_USER = "postgres"  # PostgreSQL refuses to run as root; Debian's package makes this user
REDIS_SERVER = Path("/usr/bin/redis-server")
START_TIMEOUT_S = 90.0  # a web process imports MediaPipe and migrates: slow on a busy machine
STOP_TIMEOUT_S = 15.0
POLL_S = 0.1
PASSWORD = "a long enough password for the benchmark"
CLINICIANS = 5
TRAINING_OFFSETS = (0, 2, 4)  # training days: today and two and four days on, so today trains
PLAN_WEEKS = 16  # the longest program: room for 12 weeks of history and today's session
RETAKE_WEEKS = 4  # an ODI re-take every four weeks, as the app offers one
SEED_PROCESSES = 2  # one per core
COPY_BATCH = 2000  # rows per insert when copying a database


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def has_command(name: str) -> bool:
    """Whether `backchain NAME` exists in this tree (`worker` is new)."""
    done = subprocess.run(
        [str(BIN / "backchain"), name, "--help"], capture_output=True, timeout=60, check=False
    )
    return done.returncode == 0


def serve_has_workers() -> bool:
    done = subprocess.run(
        [str(BIN / "backchain"), "serve", "--help"], capture_output=True, text=True, timeout=60
    )
    return "--workers" in done.stdout


# -- processes ---------------------------------------------------------------------------------


@dataclass
class Processes:
    """Every process and folder the benchmark made, ended and removed by `close`."""

    running: list[subprocess.Popen[bytes]] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)
    closers: list[Callable[[], None]] = field(default_factory=list)

    def folder(self, prefix: str) -> Path:
        made = Path(tempfile.mkdtemp(prefix=f"backchain-scale-{prefix}-"))
        self.folders.append(made)
        return made

    def start(
        self, command: list[str], *, env: dict[str, str], log: Path
    ) -> subprocess.Popen[bytes]:
        with log.open("ab") as out:
            process = subprocess.Popen(
                command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.running.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes], *, kill: bool = False) -> None:
        """End a process and everything in its group (uvicorn's workers with their supervisor)."""
        if process.poll() is None:
            _signal_group(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                _signal_group(process.pid, signal.SIGKILL)
                process.wait()
        _signal_group(process.pid, signal.SIGKILL)  # children left behind by a killed parent
        if process in self.running:
            self.running.remove(process)

    def close(self) -> None:
        for process in reversed(self.running[:]):
            self.stop(process)
        for closer in reversed(self.closers):
            try:
                closer()
            except Exception as error:
                print(f"cleanup: {error}", file=sys.stderr)
        for folder in self.folders:
            shutil.rmtree(folder, ignore_errors=True)


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def children_of(pid: int) -> list[int]:
    """The direct children of a process (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def socket_owner(candidates: Iterable[int], server_port: int, client_port: int) -> int | None:
    """Which of `candidates` holds the server end of the loopback TCP connection from
    `client_port` to `server_port` (Linux /proc/net/tcp, then each process's descriptors)."""
    wanted_local, wanted_remote = f"{server_port:04X}", f"{client_port:04X}"
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        local, remote = parts[1].split(":")[1], parts[2].split(":")[1]
        if local == wanted_local and remote == wanted_remote:
            inode = parts[9]
    if inode is None:
        return None
    for pid in candidates:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                if str(fd.readlink()) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


# -- PostgreSQL and Redis ----------------------------------------------------------------------


class PgServer:
    """initdb + pg_ctl in a temporary folder, as tests/conftest.py does; as root, as the
    `postgres` user. Durability settings are PostgreSQL's defaults (fsync on)."""

    def __init__(self, processes: Processes) -> None:
        candidates = [p for p in PG_BINARIES.glob("*/bin") if (p / "initdb").exists()]
        if not candidates:
            raise SystemExit("PostgreSQL is missing: apt-get install postgresql")
        self.bindir = max(candidates, key=lambda p: int(p.parent.name))
        self.root = processes.folder("pg")
        self.data, self.log = self.root / "data", self.root / "server.log"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            account = pwd.getpwnam(PG_SYSTEM_USER)
            os.chown(self.root, account.pw_uid, account.pw_gid)
        processes.closers.append(self.stop)

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", PG_SYSTEM_USER, "--", *command]
        done = subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, timeout=START_TIMEOUT_S
        )
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise SystemExit(f"{tool} failed:\n{done.stdout}{done.stderr}{log}")

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", PG_USER,
                  "-E", "UTF8", "--no-locale", "--no-sync")  # fmt: skip
        options = (
            f"-c listen_addresses={HOST} -p {self.port} -c unix_socket_directories={self.root} "
            "-c max_connections=200"
        )
        self._run("pg_ctl", "start", "-w", "-D", str(self.data), "-l", str(self.log), "-o", options)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-m", "fast", "-D", str(self.data))

    def create(self, database: str) -> str:
        import psycopg
        from psycopg import sql

        with psycopg.connect(
            host=HOST, port=self.port, user=PG_USER, dbname="postgres", autocommit=True
        ) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        return f"postgresql+psycopg://{PG_USER}@{HOST}:{self.port}/{database}"


class RedisServer:
    """redis-server on a free loopback port, persisting every write to an append-only file in
    its folder, so a restart keeps what was queued."""

    def __init__(self, processes: Processes) -> None:
        if not REDIS_SERVER.exists():
            raise SystemExit("Redis is missing: apt-get install redis-server")
        self.processes = processes
        self.root = processes.folder("redis")
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        command = [
            str(REDIS_SERVER), "--bind", HOST, "--port", str(self.port), "--dir", str(self.root),
            "--save", "", "--appendonly", "yes", "--appendfsync", "always",
        ]  # fmt: skip
        self.process = self.processes.start(command, env=dict(os.environ), log=self.root / "log")
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=1) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(POLL_S)
        raise SystemExit("redis-server did not start")

    def stop(self) -> None:
        """A clean stop (SIGTERM): Redis flushes its append-only file and exits."""
        if self.process is not None:
            self.processes.stop(self.process)
            self.process = None


# -- Backchain's processes ---------------------------------------------------------------------


@dataclass
class Backchain:
    """`backchain serve` (and `backchain worker`s) with one environment."""

    processes: Processes
    env: dict[str, str]
    logs: Path
    port: int = field(default_factory=free_port)
    web: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def serve(self, *, web_workers: int) -> None:
        command = [str(BIN / "backchain"), "serve", "--clinic", "--port", str(self.port)]
        if web_workers > 1:
            command += ["--workers", str(web_workers)]
        self.web = self.processes.start(command, env=self.env, log=self.logs / "web.log")
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.web.poll() is not None:
                raise SystemExit(f"backchain serve exited: see {self.logs / 'web.log'}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(POLL_S * 2)
        else:
            raise SystemExit("backchain serve did not answer its health check")
        if web_workers > 1:  # every worker up, not only the first to answer
            while len(self.web_processes()) < web_workers and time.monotonic() < deadline:
                time.sleep(POLL_S)

    def start_worker(self) -> subprocess.Popen[bytes]:
        command = [str(BIN / "backchain"), "worker"]
        worker = self.processes.start(command, env=self.env, log=self.logs / "worker.log")
        self.workers.append(worker)
        return worker

    def web_processes(self) -> list[int]:
        """The processes that answer requests: uvicorn's worker processes under `--workers`,
        else the one server process."""
        assert self.web is not None
        spawned = [
            pid
            for pid in children_of(self.web.pid)
            if "multiprocessing" in command_line(pid)
            and "resource_tracker" not in command_line(pid)
        ]
        return spawned or [self.web.pid]


# -- a seeded clinic ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One exercise of a person's session today, as its set form is filled in."""

    number: int  # /session/{number}
    exercise: str
    sets: int
    reps: int | None
    hold_s: float | None
    load: str  # as typed in the form; "" for none


@dataclass(frozen=True)
class Seeded:
    email: str
    account_id: int
    person_id: int
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class SeededClinic:
    people: list[Seeded]
    clinicians: list[tuple[str, list[int]]]  # each clinician's email and followed account ids
    counts: dict[str, int]


@cache
def _full_cost_hash(password: str) -> str:
    from backchain.care.passwords import hash_password

    return hash_password(password)


def _profile(today: date) -> Any:
    from backchain.programs.models import Profile, Weekday
    from backchain.screening import RED_FLAGS

    week = list(Weekday)
    return Profile.model_validate(
        {
            "age": 44,
            "equipment": ["mat", "dumbbells"],
            "experience": "some",
            "days": [week[(today.weekday() + d) % 7].value for d in TRAINING_OFFSETS],
            "minutes_per_session": 40,
            "sitting_hours": 9,
            "pain": 4,
            "weeks": PLAN_WEEKS,
            "screening": {
                "red_flags": {flag.id: False for flag in RED_FLAGS},
                "startback": [False] * 8 + ["slightly"],
                "age": 44,
            },
            "odi": [2, 1, 2, 1, 1, 2, 1, None, 1, 1],
        }
    )


def seed_clinic(url: str, *, people: int, weeks: int, clinicians: int = CLINICIANS) -> SeededClinic:
    """`clinicians` clinicians, each inviting an equal share of `people` people (who consent to
    be followed), each person `weeks` weeks into a program: every planned session logged, a
    check-in the morning after each but the last (so today's is due), an ODI every four weeks.

    Accounts get one real Argon2id hash at full cost, made once: signing in costs what it
    costs in a clinic, seeding does not pay it 200 times. The people's histories are written
    by two processes at once (the journal functions, each person in their own transactions).
    """
    from backchain.care.accounts import Role
    from backchain.journal import accounts
    from backchain.store import open_store

    accounts.hash_password = _full_cost_hash  # type: ignore[attr-defined]
    now = datetime.now(UTC).replace(microsecond=0)
    made: list[tuple[int, int, str]] = []
    following = []
    with open_store(url) as store:
        for c in range(clinicians):
            clinician = accounts.create_account(
                store, email=f"clinician{c}@bench.example", name=f"Clinician {c}",
                role=Role.CLINICIAN, password=PASSWORD, now=now,
            )  # fmt: skip
            followed = []
            for p in range(c, people, clinicians):
                token = accounts.invite_person(store, clinician=clinician, now=now)
                person = accounts.accept_invitation(
                    store, token=token, email=f"person{p}@bench.example",
                    name=f"Person {p}", password=PASSWORD, now=now,
                )  # fmt: skip
                followed.append(person.id)
                made.append((p, person.id, person.email))
            following.append((clinician.email, followed))
    made.sort()
    chunks = [[(a, e) for _, a, e in made[i::SEED_PROCESSES]] for i in range(SEED_PROCESSES)]
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited engine
    with ProcessPoolExecutor(SEED_PROCESSES, mp_context=context) as pool:
        done = pool.map(_seed_chunk, [url] * len(chunks), chunks, [weeks] * len(chunks))
        by_account = {s.account_id: s for chunk in done for s in chunk}
    with open_store(url) as store:
        counts = _counts(store)
    return SeededClinic([by_account[a] for _, a, _ in made], following, counts)


def _seed_chunk(url: str, people: list[tuple[int, str]], weeks: int) -> list[Seeded]:
    from backchain.store import open_store

    with open_store(url) as store:
        return [_seed_person(store, account_id, email, weeks) for account_id, email in people]


def _seed_person(store: Any, account_id: int, email: str, weeks: int) -> Seeded:
    from backchain import journal

    today = date.today()
    start = today - timedelta(weeks=weeks)
    now = datetime.now(UTC).replace(microsecond=0)
    plan, _ = journal.start_program(
        store, profile=_profile(today), start=start, now=now, account_id=account_id
    )
    days = [s.date for week in plan.weeks for s in week.sessions if s.date < today]
    person_id = _person_id(store, account_id)
    for number, day in enumerate(days):
        _log_day(store, person_id, day, number)
        if number < len(days) - 1:
            _check_in(store, person_id, day + timedelta(days=1))
    for retake in range(RETAKE_WEEKS, weeks + 1, RETAKE_WEEKS):
        if start + timedelta(weeks=retake) < today:  # today's re-takes are the benchmark's
            _retake(store, person_id, start + timedelta(weeks=retake))
    return Seeded(email, account_id, person_id, _today_steps(store, person_id, today))


def _person_id(store: Any, account_id: int) -> int:
    from backchain.store import care

    with store.read() as session:
        found = care.person_of(session, account_id=account_id)
    assert found is not None
    return int(found)


def _log_day(store: Any, person_id: int, day: date, number: int) -> None:
    from backchain import journal
    from backchain.exercises import load_catalogue
    from backchain.programs.ladder import is_loaded, rung
    from backchain.programs.models import ExerciseLog, Load, SessionLog, SetLog

    found = journal.to_log(store, day=day, person_id=person_id)
    catalogue, exercises = load_catalogue(), []
    for p in found.prescriptions:
        version = rung(catalogue.get(p.exercise), p.variation)
        load = (found.loads.get(p.exercise) or Load(kg=8.0)) if is_loaded(version) else None
        sets = tuple(
            SetLog(
                reps=None if p.reps is None else p.reps[1],
                hold_s=None if p.hold_s is None else p.hold_s[1],
                load=load,
                rpe=7,
                pain=1 + (number + n) % 3,
                faults=("hips_low",) if (number + n) % 4 == 0 else (),
            )
            for n in range(p.sets)
        )
        exercises.append(ExerciseLog(exercise=p.exercise, variation=p.variation, sets=sets))
    log = SessionLog(date=day, exercises=tuple(exercises), pain_after=2, notes="")
    at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=18)
    journal.log_session(store, log=log, now=at, person_id=person_id)


def _check_in(store: Any, person_id: int, morning: date) -> None:
    from backchain import journal
    from backchain.programs.models import CheckIn

    checkin = CheckIn(date=morning, pain=2, compared="same", new_red_flags=False)
    journal.check_in(store, checkin=checkin, person_id=person_id)


def _retake(store: Any, person_id: int, day: date) -> None:
    from backchain import outcomes
    from backchain.store import repository

    sections = [1, 1, 1, 1, 1, 0, 1, None, 1, 1]
    with store.transaction() as session:
        repository.add_questionnaire(
            session,
            person_id=person_id,
            taken_on=day,
            score=outcomes.score_odi(sections),
            answers={"sections": sections},
        )


def _today_steps(store: Any, person_id: int, today: date) -> tuple[Step, ...]:
    from backchain import journal
    from backchain.exercises import load_catalogue
    from backchain.programs.ladder import rung
    from backchain.web.setform import SetFields, load_text

    found = journal.to_log(store, day=today, person_id=person_id)
    catalogue, steps = load_catalogue(), []
    for number, p in enumerate(found.prescriptions, start=1):
        exercise = catalogue.get(p.exercise)
        fields = SetFields.of(exercise, rung(exercise, p.variation))
        steps.append(
            Step(
                number=number,
                exercise=p.exercise,
                sets=p.sets,
                reps=None if not fields.reps or p.reps is None else p.reps[1],
                hold_s=None if not fields.hold or p.hold_s is None else p.hold_s[1],
                load=load_text(found.loads.get(p.exercise)) if fields.loaded else "",
            )
        )
    return tuple(steps)


def _counts(store: Any) -> dict[str, int]:
    from sqlalchemy import text

    tables = ("accounts", "session_logs", "set_logs", "checkins", "questionnaires", "decisions")
    with store.read() as session:
        return {
            t: int(session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in tables
        }


def copy_database(source: str, target: str) -> dict[str, int]:
    """Every row of every table from one database to another, made empty at Backchain's
    schema first (`open_store` migrates it): the same data on another backend."""
    from sqlalchemy import insert, inspect, select

    from backchain.store import open_store
    from backchain.store.models import Base

    copied = {}
    with open_store(source) as src, open_store(target) as dst:
        present = set(inspect(src.engine).get_table_names()) & set(
            inspect(dst.engine).get_table_names()
        )
        with src.engine.connect() as reading, dst.engine.begin() as writing:
            for table in Base.metadata.sorted_tables:
                if table.name not in present:
                    continue
                rows = [dict(r) for r in reading.execute(select(table)).mappings()]
                for start in range(0, len(rows), COPY_BATCH):
                    writing.execute(insert(table), rows[start : start + COPY_BATCH])
                copied[table.name] = len(rows)
    return copied
