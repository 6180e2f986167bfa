"""The server killed with SIGKILL at random moments while a person trains: every write it
acknowledged is in the database afterwards, none is stored twice, and none is stored in part.

The real server (uvicorn on a free loopback port, a SQLite file) runs in a child process. The
day the session pages train on is read from a file the test writes, through `get_day`, the
app's own seam for it: so the client can finish one session after another on the plan's past
days, and answer the morning check-in (which is for today) after each. A thread sends the
requests; the main thread kills and restarts the server. Importing the app takes seconds, so a
parent process imports it once and forks a fresh server for each start (`_zygote`).
"""

import os
import random
import re
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

import httpx2 as httpx  # what this project installs as its HTTP client (starlette's too)
import pytest
from journey_kit import TODAY, export, planned, seed_program, stored, weekdays_from

from backchain.store import DATABASE_URL_VAR

SEED = 20261202
KILLS = 5
KILL_AFTER_S = (0.3, 1.5)  # how long each server lives: long enough for a few writes
DOWN_S = (0.0, 0.3)  # how long the server stays dead before it is started again
LAST_SERVER_S = 20.0  # at most this long for a session to be finished on the last server
START_TIMEOUT_S = 60.0  # the first start imports the app: slow on a busy machine
REQUEST_TIMEOUT_S = 10.0
POLL_S = 0.05
SETS_PER_DAY = (5, 12)  # each set's reps (and hold) is its number that day: SetLog allows 100
TOKEN_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
STEP_LINK = re.compile(r'href="/session/(\d+)"')
CHECKIN_SAVED = "Thank you. What changes next time"
COMPARED = ("better", "same")  # "worse" mornings could pause training, which would end the run


# -- the server ------------------------------------------------------------------------------


def _zygote(url: str, port: int, clock: Path) -> None:
    """Import the app and the server once, then fork a server for each line read from stdin;
    print its pid."""
    import uvicorn

    from backchain.web.app import create_app
    from backchain.web.deps import get_day

    def config() -> uvicorn.Config:
        app = create_app(url)
        app.dependency_overrides[get_day] = lambda: date.fromisoformat(clock.read_text())
        return uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")

    config().load()  # imports the protocol and event-loop modules here, not in every server
    server: int | None = None
    for _ in sys.stdin:
        if server is not None:
            os.waitpid(server, 0)  # the test killed it before asking for the next one
        server = os.fork()
        if server == 0:
            os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stdout is the pid channel
            uvicorn.Server(config()).run()
            os._exit(0)
        print(server, flush=True)
    if server is not None:  # stdin closed: the test is done; wait for the last server to stop
        os.waitpid(server, 0)


class Servers:
    """Starts, kills and restarts the server; one at a time, on the same port."""

    def __init__(self, url: str, folder: Path, clock: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / "server.log"
        env = {**os.environ, DATABASE_URL_VAR: url}
        self._log: IO[str] = self.log.open("w")
        self.parent = subprocess.Popen(
            [sys.executable, __file__, url, str(self.port), str(clock)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            env=env,
        )
        self.pid: int | None = None
        self.starts = 0

    def start(self, timeout_s: float) -> None:
        assert self.parent.stdin is not None
        assert self.parent.stdout is not None
        self.parent.stdin.write("start\n")
        self.parent.stdin.flush()
        ready, _, _ = select.select([self.parent.stdout], [], [], timeout_s)
        assert ready, f"no server within {timeout_s} s:\n{self.log.read_text()}"
        self.pid = int(self.parent.stdout.readline())
        self.starts += 1
        deadline = time.monotonic() + timeout_s
        while not _healthy(self.base):
            assert time.monotonic() < deadline, f"server not up:\n{self.log.read_text()}"
            time.sleep(POLL_S)

    def kill(self) -> None:
        assert self.pid is not None
        os.kill(self.pid, signal.SIGKILL)
        self.pid = None

    def close(self) -> None:
        """Stop the last server as it normally stops, then the parent; twice is harmless."""
        if self.pid is not None:
            os.kill(self.pid, signal.SIGTERM)
            self.pid = None
        assert self.parent.stdin is not None
        assert self.parent.stdout is not None
        self.parent.stdin.close()  # the parent waits for the last server, then ends
        try:
            self.parent.wait(timeout=REQUEST_TIMEOUT_S)
        finally:
            if self.parent.poll() is None:
                self.parent.kill()
                self.parent.wait()
            self.parent.stdout.close()
            self._log.close()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200
    except httpx.TransportError:
        return False


# -- the person training ----------------------------------------------------------------------

ACKED, REFUSED, UNSENT, UNCERTAIN = "acked", "refused", "unsent", "uncertain"


@dataclass
class Write:
    """One request that changes data, and what became of it. `value` tells it apart in the
    store: a set's number that day, a finish's notes, a check-in's (pain, compared)."""

    kind: str  # "set", "finish" or "checkin"
    day: date  # the training day (for a check-in: of the session it follows)
    value: Any
    outcome: str = UNSENT


@dataclass
class Trainee:
    """Logs sets, finishes each day's session and checks in the morning after, over HTTP."""

    base: str
    clock: Path
    days: list[date]
    rng: random.Random
    stop: threading.Event = field(default_factory=threading.Event)
    writes: list[Write] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # answers no request should get

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.base, timeout=REQUEST_TIMEOUT_S)
        self.token = ""
        self.checkins = 0

    def run(self) -> None:
        try:
            for day in self.days:
                if self.stop.is_set():
                    return
                self._train(day)
        except Exception as error:  # reported by the test, not lost in the thread
            self.unexpected.append(f"the client failed: {error!r}")
        finally:
            self.http.close()

    def finished(self, since: int = 0) -> int:
        """Sessions finished (and acknowledged) from the `since`-th write on."""
        return sum(w.kind == "finish" and w.outcome == ACKED for w in self.writes[since:])

    def _train(self, day: date) -> None:
        tmp = self.clock.with_suffix(".tmp")
        tmp.write_text(day.isoformat())
        tmp.replace(self.clock)  # the server never reads half a date
        wanted, number, steps = self.rng.randint(*SETS_PER_DAY), 0, 0
        while not self.stop.is_set():
            if not steps:  # the day's first look, and again after any failure or the finish
                if not self._still_open(day):
                    break
                steps = self._steps()
                if not steps:  # the run is stopping (or the session had no exercises)
                    break
            if number < wanted:
                number += 1
                if not self._log_set(day, self.rng.randint(1, steps), number):
                    steps = 0
            else:
                self._finish(day)
                steps = 0  # saved or not, look again: a saved day is closed
        for _ in range(self.rng.randint(1, 2)):
            if not self.stop.is_set():
                self._check_in(day)

    def _still_open(self, day: date) -> bool:
        """Whether the day's session can still be logged (else it is saved); asked again after
        every failure, since a finish the server did not answer may have been saved."""
        while not self.stop.is_set():
            response = self._get("/session/finish")
            if response is not None and response.status_code in {200, 303}:
                return response.status_code == 200
            if response is not None:
                self.unexpected.append(f"{day}: no session to log ({response.status_code})")
                self.stop.set()
        return False

    def _steps(self) -> int:
        """How many exercises the open session has; the page also gives the form token."""
        while not self.stop.is_set():
            response = self._get("/session")
            if response is None:
                continue
            found = TOKEN_META.search(response.text)
            self.token = found.group(1) if found else self.token
            steps = len(set(STEP_LINK.findall(response.text)))
            if not steps:
                self.unexpected.append(f"an open session with no exercises: {response.text}")
                self.stop.set()
            return steps
        return 0

    def _log_set(self, day: date, step: int, number: int) -> bool:
        fields = {"reps": number, "hold_s": number, "rpe": 6, "pain": 1}
        write = Write("set", day, number)
        response = self._post(f"/session/{step}/sets", fields, write)
        if response is not None:
            write.outcome = ACKED if response.status_code == 303 else REFUSED
        return write.outcome == ACKED

    def _finish(self, day: date) -> None:
        attempt = sum(w.kind == "finish" and w.day == day for w in self.writes)
        fields = {"pain_after": self.rng.randint(0, 2), "notes": f"{day} finish {attempt}"}
        write = Write("finish", day, fields["notes"])
        response = self._post("/session/finish", fields, write)
        if response is not None:
            write.outcome = ACKED if response.status_code == 200 else REFUSED

    def _check_in(self, day: date) -> None:
        # Told apart by pain and comparison: no two check-ins in a row are the same.
        self.checkins += 1
        pain, compared = self.checkins % 3, COMPARED[self.checkins // 3 % len(COMPARED)]
        fields = {"pain": pain, "compared": compared, "new_red_flags": "no"}
        write = Write("checkin", day, (pain, compared))
        response = self._post("/checkin", fields, write)
        if response is not None:
            saved = response.status_code == 200 and CHECKIN_SAVED in response.text
            write.outcome = ACKED if saved else REFUSED

    def _get(self, path: str) -> httpx.Response | None:
        try:
            response = self.http.get(path)
        except httpx.TransportError:
            self._wait_for_server()
            return None
        self._expect(response, f"GET {path}")
        return response

    def _post(self, path: str, fields: dict[str, Any], write: Write) -> httpx.Response | None:
        self.writes.append(write)
        try:
            response = self.http.post(path, data=fields, headers={"X-CSRF-Token": self.token})
        except httpx.ConnectError:  # nothing reached a server
            write.outcome = UNSENT
            self._wait_for_server()
            return None
        except httpx.TransportError:  # sent, and no answer: saved or not
            write.outcome = UNCERTAIN
            self._wait_for_server()
            return None
        self._expect(response, f"POST {path} {fields}")
        return response

    def _expect(self, response: httpx.Response, sent: str) -> None:
        if response.status_code >= 500 or response.status_code == 403:
            self.unexpected.append(f"{response.status_code} for {sent}: {response.text[:500]}")

    def _wait_for_server(self) -> None:
        while not self.stop.is_set() and not _healthy(self.base):
            time.sleep(POLL_S)


# -- the test ---------------------------------------------------------------------------------


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[Servers, str, list[date]]]:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    # Five days a week for eleven weeks before today: more past sessions than a run finishes.
    start = TODAY - timedelta(weeks=11)
    seed_program(url, start=start, days=weekdays_from(start, range(5)))
    state = stored(url)
    assert state is not None
    days = [s.date for s in planned(state.plan.weeks) if s.date < TODAY]
    running = Servers(url, tmp_path, tmp_path / "today.txt")
    try:
        yield running, url, days
    finally:
        running.close()


def test_acknowledged_writes_survive_kill_9(
    servers: tuple[Servers, str, list[date]], tmp_path: Path
) -> None:
    running, url, days = servers
    rng = random.Random(SEED)
    trainee = Trainee(running.base, tmp_path / "today.txt", days, random.Random(rng.random()))
    (tmp_path / "today.txt").write_text(days[0].isoformat())
    running.start(START_TIMEOUT_S)
    client = threading.Thread(target=trainee.run, name="trainee", daemon=True)
    client.start()
    since = 0
    try:
        for _ in range(KILLS):
            time.sleep(rng.uniform(*KILL_AFTER_S))
            running.kill()
            time.sleep(rng.uniform(*DOWN_S))
            running.start(START_TIMEOUT_S)
        # The last server must serve too: wait for a session finished on it.
        since, deadline = len(trainee.writes), time.monotonic() + LAST_SERVER_S
        while not trainee.finished(since) and time.monotonic() < deadline:
            time.sleep(POLL_S)
    finally:
        trainee.stop.set()
        client.join(timeout=3 * REQUEST_TIMEOUT_S)
    assert not client.is_alive(), "the client did not stop"
    running.close()

    assert trainee.unexpected == [], f"server log:\n{running.log.read_text()}"
    outcomes = Counter((w.kind, w.outcome) for w in trainee.writes)
    assert trainee.finished(since) >= 1, f"nothing finished after the last restart: {outcomes}"
    assert _integrity(tmp_path / "crash.db") == "ok"
    _check_store(export(url), trainee.writes)


def _integrity(path: Path) -> str:
    with sqlite3.connect(path) as db:
        result: str = db.execute("PRAGMA integrity_check").fetchone()[0]
    return result


def _check_store(document: dict[str, Any], writes: list[Write]) -> None:
    """What the store holds against what the client sent and was told."""
    [person] = document["people"]
    logs = [log["date"] for log in person["session_logs"]]
    assert len(logs) == len(set(logs)), f"a day logged twice: {logs}"
    drafts = [draft["date"] for draft in person["drafts"]]
    assert len(drafts) == len(set(drafts)), f"a day with two drafts: {drafts}"
    assert not set(logs) & set(drafts), "a session both finished and still open"
    decided = {d["session_log"]["date"] for d in person["decisions"] if d.get("session_log")}
    assert set(logs) <= decided, f"a session saved without its decisions: {set(logs) - decided}"
    by_day = {log["date"]: log for log in person["session_logs"]}
    open_days = {draft["date"]: draft for draft in person["drafts"]}
    for day in sorted({w.day for w in writes}):
        ours = [w for w in writes if w.day == day]
        log = by_day.get(day.isoformat())
        _check_sets(day, log or open_days.get(day.isoformat()), ours)
        _check_finish(day, log, ours)
        _check_checkin(day, log, ours)


def _set_numbers(entry: dict[str, Any] | None) -> dict[str, list[int]]:
    """Each exercise's sets by their number that day (their reps, or their hold)."""
    if entry is None:
        return {}
    return {
        e["exercise"]: [int(s["reps"] if s["reps"] is not None else s["hold_s"]) for s in e["sets"]]
        for e in entry["exercises"]
    }


def _check_sets(day: date, entry: dict[str, Any] | None, writes: list[Write]) -> None:
    numbers = _set_numbers(entry)
    stored_sets = Counter(n for sets in numbers.values() for n in sets)
    sets = [w for w in writes if w.kind == "set"]
    twice = [n for n, count in stored_sets.items() if count > 1]
    assert not twice, f"{day}: sets stored twice: {twice}"
    missing = [w.value for w in sets if w.outcome == ACKED and w.value not in stored_sets]
    assert not missing, f"{day}: acknowledged sets lost: {missing}"
    might_be = {w.value for w in sets if w.outcome in {ACKED, UNCERTAIN}}
    made_up = sorted(set(stored_sets) - might_be)
    assert not made_up, f"{day}: sets stored that were refused or never sent: {made_up}"
    for exercise, order in numbers.items():
        assert order == sorted(order), f"{day}: {exercise}'s sets out of order: {order}"


def _check_finish(day: date, log: dict[str, Any] | None, writes: list[Write]) -> None:
    finishes = [w for w in writes if w.kind == "finish"]
    acked = [w.value for w in finishes if w.outcome == ACKED]
    assert len(acked) <= 1, f"{day}: finished more than once: {acked}"
    if log is None:
        assert not acked, f"{day}: an acknowledged finish was lost"
        return
    sent = {w.value for w in finishes if w.outcome in {ACKED, UNCERTAIN}}
    assert log["notes"] in sent, f"{day}: the log is from no finish sent: {log['notes']!r}"
    if acked:
        assert log["notes"] == acked[0], f"{day}: not the acknowledged finish"


def _check_checkin(day: date, log: dict[str, Any] | None, writes: list[Write]) -> None:
    """The check-in kept is the last one acknowledged, or one sent after it whose answer was
    lost; with none acknowledged, it may also be none at all."""
    checkins = [w for w in writes if w.kind == "checkin" and w.outcome in {ACKED, UNCERTAIN}]
    last_acked = max((i for i, w in enumerate(checkins) if w.outcome == ACKED), default=None)
    allowed = {w.value for w in checkins[last_acked or 0 :]}
    kept = None if log is None or log["checkin"] is None else log["checkin"]
    if kept is None:
        assert last_acked is None, f"{day}: an acknowledged check-in was lost"
        return
    assert (kept["pain"], kept["compared"]) in allowed, f"{day}: check-in {kept} not expected"


if __name__ == "__main__":
    _zygote(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))
