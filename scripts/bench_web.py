"""Benchmark the web app: page latency, and pages under load (the live coach: bench_live.py).

    .venv/bin/python scripts/bench_web.py
    .venv/bin/python scripts/bench_web.py --load [--old fb2e1c8] [--seconds 20] [--clients 20]

Without --load: p50/p95 of page renders with 20 concurrent clients against a started
`backchain serve`.

With --load, on a populated database (a person nine weeks into a program: sessions, check-ins
and questionnaires, made with the journal functions), for this working tree and for an older
commit side by side: `backchain serve` on a free loopback port, then CLIENTS concurrent clients
for SECONDS per case on `/`, on `/progress`, and on a mix of pages and form posts (check-ins and
questionnaires). Prints requests/s, p50/p95/p99 and errors per route, and how many posts were
saved. The older commit runs from a `git worktree` with this venv (PYTHONPATH=<tree>/src), each
server on its own copy of the database.
"""

import argparse
import asyncio
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 20
REQUESTS_PER_CLIENT = 25
PAGES = ["/analyze", "/coach?exercise=squat", "/exercises"]

HOST = "127.0.0.1"  # loopback only
SERVER_START_S = 60.0  # a server that has not answered its health check by then has failed
REQUEST_TIMEOUT_S = 30.0
LOAD_SECONDS = 20.0
WARM_UP_REQUESTS = 10  # per client and case, before the clock starts: caches and pools fill
OLD_COMMIT = "fb2e1c8"  # the commit before reads stopped taking the write lock
OLD_TREE = Path(tempfile.gettempdir()) / "bench-old"  # where that commit is checked out
WEEKS_DONE = 9  # the benchmark person is this far into the program
TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
POST_EVERY = 5  # in the mixed case, every fifth request of a client is a form post


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return statistics.median(samples), cuts[94]


# -- a server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def tree_env(database: Path, tree: Path | None) -> dict[str, str]:
    """The environment for a process of this working tree, or of `tree` (an older checkout)."""
    env = {**os.environ, "BACKCHAIN_DATABASE_URL": f"sqlite:///{database}"}
    env.pop("PYTHONPATH", None)
    if tree is not None:
        env["PYTHONPATH"] = str(tree / "src")  # ahead of this venv's editable install
    return env


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (Linux; 0 where /proc is missing)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
        return (utime + stime) / os.sysconf("SC_CLK_TCK")


@contextmanager
def serve(database: Path, tree: Path | None = None) -> Iterator[Server]:
    """`backchain serve` on a free loopback port, stopped at the end."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "backchain"), "serve", "--port", str(port)]
    server = subprocess.Popen(
        command,
        env=tree_env(database, tree),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://{HOST}:{port}"
    try:
        _wait_for(url, server)
        yield Server(url, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server for {url} exited with code {server.returncode}.")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"The server for {url} did not start within {SERVER_START_S:.0f} s.")


# -- pages on an empty database ---------------------------------------------------------------


async def _client(http: httpx.AsyncClient, latencies: list[float]) -> None:
    for i in range(REQUESTS_PER_CLIENT):
        start = time.perf_counter()
        response = await http.get(PAGES[i % len(PAGES)])
        response.raise_for_status()
        latencies.append((time.perf_counter() - start) * 1000)


async def _load(url: str) -> list[float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as http:
        await asyncio.gather(*(_client(http, latencies) for _ in range(CLIENTS)))
    return latencies


def bench_pages() -> None:
    with tempfile.TemporaryDirectory() as folder, serve(Path(folder) / "bench.db") as server:
        latencies = asyncio.run(_load(server.url))
    p50, p95 = percentiles(latencies)
    print(f"Pages {', '.join(PAGES)}: {len(latencies)} requests from {CLIENTS} concurrent clients")
    print(f"  render  p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")


# -- a populated database ---------------------------------------------------------------------


def populate(url: str) -> None:
    """A person WEEKS_DONE weeks into a program: every planned session logged with the journal
    functions, a check-in the morning after each, and an ODI every four weeks.

    Runs with whichever `backchain` is first on the path, so an older checkout can make it.
    """
    from backchain import journal, outcomes
    from backchain.exercises import Equipment, load_catalogue
    from backchain.programs.ladder import is_loaded, rung
    from backchain.programs.models import (
        CheckIn,
        ExerciseLog,
        Experience,
        Load,
        Profile,
        SessionLog,
        SetLog,
        Weekday,
    )
    from backchain.screening import RED_FLAGS
    from backchain.store import open_store, repository

    today = date.today()
    start = today - timedelta(weeks=WEEKS_DONE, days=today.weekday())

    def at(day: date, hour: int) -> datetime:
        return datetime.combine(day, clock(hour), tzinfo=UTC)

    profile = Profile(
        age=41,
        equipment=[Equipment.MAT, Equipment.RESISTANCE_BAND, Equipment.DUMBBELLS],
        experience=Experience.SOME,
        days=[Weekday.MONDAY, Weekday.WEDNESDAY, Weekday.FRIDAY],
        minutes_per_session=45,
        sitting_hours=9,
        pain=4,
        screening={
            "red_flags": {flag.id: False for flag in RED_FLAGS},
            "startback": [False] * 8 + ["slightly"],
            "age": 41,
        },
        odi=[2, 1, 1, 2, 1, 0, 1, None, 1, 2],
    )
    catalogue = load_catalogue()
    with open_store(url) as store:
        plan, _ = journal.start_program(store, profile=profile, start=start, now=at(start, 7))
        days = [s.date for week in plan.weeks for s in week.sessions if s.date < today]
        for number, day in enumerate(days):
            found = journal.to_log(store, day=day)
            exercises = []
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
            journal.log_session(store, log=log, now=at(day, 18))
            morning = day + timedelta(days=1)
            if morning < today:
                checkin = CheckIn(date=morning, pain=2, compared="same", new_red_flags=False)
                journal.check_in(store, checkin=checkin)
        for weeks in range(4, WEEKS_DONE + 1, 4):
            score = outcomes.score_odi([1, 1, 1, 1, 1, 0, 1, None, 1, 1])
            with store.transaction() as session:
                person = repository.latest_person_id(session)
                assert person is not None
                repository.add_questionnaire(
                    session,
                    person_id=person,
                    taken_on=start + timedelta(weeks=weeks),
                    score=score,
                    answers={"sections": [1, 1, 1, 1, 1, 0, 1, None, 1, 1]},
                )


def make_database(folder: Path, tree: Path | None) -> Path:
    """The populated database, made by `tree`'s code (this working tree's when None)."""
    database = folder / "populated.db"
    command = [sys.executable, str(Path(__file__).resolve()), "--populate", str(database)]
    subprocess.run(command, env=tree_env(database, tree), check=True)
    return database


def table_counts(database: Path) -> dict[str, int]:
    tables = ("session_logs", "set_logs", "checkins", "decisions", "questionnaires")
    with sqlite3.connect(database) as connection:
        return {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def schema_of(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        return str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def code_head(tree: Path) -> str:
    """The migration head of a checkout: the schema its server migrates a database to."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(tree / "src/backchain/store/migrations")).get_current_head()
    return str(head)


# -- load ------------------------------------------------------------------------------------


@dataclass
class Tally:
    """What one case saw, per route: latencies in ms, and failed requests by reason."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    answered: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # 200s, per route
    seconds: float = 0.0
    server_cpu: float = 0.0  # seconds of the server's CPU time while the clock ran

    def record(self, route: str, started: float, outcome: str | None) -> None:
        self.latencies[route].append((time.perf_counter() - started) * 1000)
        if outcome is not None:
            self.errors[route][outcome] += 1


@dataclass(frozen=True)
class Step:
    method: str
    path: str
    data: dict[str, str] | None = None

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"


CHECKIN = Step("POST", "/checkin", {"pain": "2", "compared": "same", "new_red_flags": "no"})
QUESTIONNAIRE = Step("POST", "/checkin/questionnaire", {f"odi{n}": "1" for n in range(1, 11)})
HOME, PROGRESS = Step("GET", "/"), Step("GET", "/progress")


def _mixed(post: Step) -> list[Step]:
    return [HOME, PROGRESS] * ((POST_EVERY - 1) // 2) + [post]


# A case: the cycles of requests its clients repeat (client n takes cycle n modulo their count).
CASES: dict[str, list[list[Step]]] = {
    "/": [[HOME]],
    "/progress": [[PROGRESS]],
    "mixed": [_mixed(CHECKIN), _mixed(QUESTIONNAIRE)],
}


async def _token(http: httpx.AsyncClient) -> dict[str, str]:
    """The form token the app hands a browser (none from an app without one)."""
    try:
        page = await http.get("/checkin/questionnaire")
    except httpx.TransportError:
        return {}
    found = TOKEN.search(page.text)
    return {} if found is None else {"X-CSRF-Token": found.group(1)}


async def _send(http: httpx.AsyncClient, step: Step, headers: dict[str, str]) -> str | None:
    """The request; None when it worked, else why not (the status, or the transport error)."""
    try:
        if step.method == "GET":
            response = await http.get(step.path)
        else:
            response = await http.post(step.path, data=step.data, headers=headers)
    except httpx.TransportError as error:
        return type(error).__name__
    if response.status_code != 200:
        return str(response.status_code)
    if "No program yet" in response.text:  # the old app's answer when the database was locked
        return "200 No program yet"
    return None


@dataclass
class Start:
    """Every client warms up, then all start together when `go` is set, until `deadline`."""

    warmed: asyncio.Barrier
    go: asyncio.Event = field(default_factory=asyncio.Event)
    deadline: float = 0.0


async def _run_client(url: str, cycle: list[Step], first: int, tally: Tally, start: Start) -> None:
    """Send the cycle's requests in turn from step `first` (so that clients post at different
    moments) until the deadline; the warm-up only reads, so every post is counted."""
    async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT_S) as http:
        headers = await _token(http)
        reads = [step for step in cycle if step.method == "GET"]
        for n in range(WARM_UP_REQUESTS):
            await _send(http, reads[n % len(reads)], headers)
        await start.warmed.wait()
        await start.go.wait()
        n = first
        while time.perf_counter() < start.deadline:
            step = cycle[n % len(cycle)]
            started = time.perf_counter()
            outcome = await _send(http, step, headers)
            tally.record(step.route, started, outcome)
            if outcome is None and step.method == "POST":
                tally.answered[step.route] += 1
            n += 1


async def _run_case(
    server: Server, cycles: list[list[Step]], clients: int, seconds: float
) -> Tally:
    tally, start = Tally(), Start(asyncio.Barrier(clients + 1))
    tasks = [
        asyncio.create_task(_run_client(server.url, cycles[c % len(cycles)], c, tally, start))
        for c in range(clients)
    ]
    await start.warmed.wait()
    began, cpu = time.perf_counter(), server.cpu_seconds()
    start.deadline = began + seconds
    start.go.set()
    await asyncio.gather(*tasks)
    tally.seconds = time.perf_counter() - began
    tally.server_cpu = server.cpu_seconds() - cpu
    return tally


@dataclass(frozen=True)
class Row:
    case: str
    route: str
    server: str
    rate: float
    p50: float
    p95: float
    p99: float
    cpu: float  # the server's CPU ms per request in this case, all routes together
    errors: str


def summarise(case: str, server: str, tally: Tally) -> list[Row]:
    rows = []
    total = sum(len(latencies) for latencies in tally.latencies.values())
    cpu = tally.server_cpu * 1000 / max(total, 1)
    for route, latencies in tally.latencies.items():
        cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
        failed = tally.errors.get(route, {})
        shown = ", ".join(f"{n}× {why}" for why, n in sorted(failed.items())) or "0"
        rate = len(latencies) / tally.seconds
        rows.append(Row(case, route, server, rate, cuts[49], cuts[94], cuts[98], cpu, shown))
    return rows


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'case':<10} {'route':<28} {'server':<6} {'req/s':>7} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'cpu ms':>7}  errors"
    )
    print(header)
    print("-" * len(header))
    by_key: dict[tuple[str, str], dict[str, Row]] = defaultdict(dict)
    for row in rows:
        by_key[(row.case, row.route)][row.server] = row
    for (case, route), servers in by_key.items():
        for row in servers.values():
            print(
                f"{case:<10} {route:<28} {row.server:<6} {row.rate:7.1f} {row.p50:8.0f} "
                f"{row.p95:8.0f} {row.p99:8.0f} {row.cpu:7.1f}  {row.errors}"
            )
        if {"old", "new"} <= servers.keys():
            old, new = servers["old"], servers["new"]
            print(
                f"{'':<10} {'':<28} {'new/old':<6} {new.rate / old.rate:6.1f}× "
                f"{'':>8} {new.p95 / old.p95:7.2f}× {'':>8} {new.cpu / old.cpu:6.2f}×"
            )


def saved_posts(database: Path, before: dict[str, int]) -> dict[str, int]:
    after = table_counts(database)
    return {"questionnaires": after["questionnaires"] - before["questionnaires"]}


def bench_load(old: str | None, clients: int, seconds: float) -> None:
    if old is None:
        _bench_load(None, clients, seconds)
        return
    with old_tree(old) as tree:
        _bench_load(tree, clients, seconds)


@contextmanager
def old_tree(commit: str) -> Iterator[Path]:
    """A checkout of `commit` at OLD_TREE: the one there if it holds that commit, else a new
    `git worktree`, removed again at the end."""

    def git(*args: str, at: Path = ROOT) -> str:
        done = subprocess.run(["git", "-C", str(at), *args], check=True, capture_output=True)
        return done.stdout.decode().strip()

    wanted = git("rev-parse", f"{commit}^{{commit}}")
    if OLD_TREE.exists():
        if git("rev-parse", "HEAD", at=OLD_TREE) != wanted:
            raise SystemExit(f"{OLD_TREE} holds another commit than {commit}; remove it first.")
        yield OLD_TREE
        return
    git("worktree", "add", "--detach", str(OLD_TREE), wanted)
    try:
        yield OLD_TREE
    finally:
        git("worktree", "remove", "--force", str(OLD_TREE))


def _bench_load(worktree: Path | None, clients: int, seconds: float) -> None:
    servers: dict[str, Path | None] = {"new": None}
    if worktree is not None:
        servers = {"old": worktree, **servers}
    with tempfile.TemporaryDirectory(prefix="backchain-bench-") as name:
        folder = Path(name)
        # Made by the oldest code compared: its schema is one every server can open (a newer
        # server migrates its own copy when it starts).
        populated = make_database(folder, worktree)
        counts = table_counts(populated)
        print(
            f"Database: one person {WEEKS_DONE} weeks into a program: "
            + ", ".join(f"{n} {t.replace('_', ' ')}" for t, n in counts.items())
        )
        print(f"Schema as made: {schema_of(populated)}; ", end="")
        print(", ".join(f"{s} server head {code_head(t or ROOT)}" for s, t in servers.items()))
        rows: list[Row] = []
        posts: dict[str, str] = {}
        for server, tree in servers.items():
            database = folder / f"{server}.db"
            shutil.copy(populated, database)
            with serve(database, tree) as running:
                for case, cycles in CASES.items():
                    before = table_counts(database)
                    tally = asyncio.run(_run_case(running, cycles, clients, seconds))
                    rows += summarise(case, server, tally)
                    if case == "mixed":
                        saved = saved_posts(database, before)["questionnaires"]
                        answered = tally.answered[QUESTIONNAIRE.route]
                        posts[server] = f"{answered} answered as saved, {saved} stored"
        print(f"\n{clients} concurrent clients, {seconds:.0f} s per case, one uvicorn process:\n")
        print_table(rows)
        for server, text in posts.items():
            print(f"Questionnaire posts in the mixed case ({server}): {text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--load", action="store_true", help="pages under load on a populated database"
    )
    parser.add_argument(
        "--old", default=OLD_COMMIT, help="the commit to compare with ('' for none)"
    )
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--seconds", type=float, default=LOAD_SECONDS)
    parser.add_argument("--populate", type=Path, help=argparse.SUPPRESS)  # used by --load
    args = parser.parse_args()
    if args.populate is not None:
        populate(f"sqlite:///{args.populate}")
    elif args.load:
        bench_load(args.old or None, args.clients, args.seconds)
    else:
        bench_pages()


if __name__ == "__main__":
    main()
