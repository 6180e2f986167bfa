"""Benchmark Backchain serving a clinic: many people at once, faults while they train, and how
the cost of a request grows with a person's history. Prints a markdown report.

    .venv/bin/python scripts/bench_scale.py [--people 200] [--seconds 60] [--skip-baseline]
        [--skip-faults] [--skip-growth] [--out FILE]
    .venv/bin/python scripts/bench_scale.py --people 20 --seconds 10      # a quick try

What it measures, everything on loopback:

1. Load. PEOPLE people (seeded in-process with the journal functions: four weeks of sessions
   with sets, check-ins and questionnaires; five clinicians following an equal share each, by
   the people's consent) train for SECONDS seconds, each an httpx client with its own sign-in
   and think time (THINK_S): Today, the check-in, the session page, the sets of one or two
   exercises logged one by one, finishing, Progress, questionnaire re-takes (a person's day
   goes on into the faults phase); the clinicians refresh their dashboards and open a
   person's page; one video is uploaded for analysis every 10 s and its job polled until it
   shows a result. Everyone signs in (Argon2id at full cost) before the clock starts.
   Setup A, "clinic": throwaway PostgreSQL and Redis, `backchain serve --clinic --workers 2`
   and one `backchain worker` (when this tree has them: otherwise one web process that runs
   the analyses itself, and the report says so).
   Setup B, "baseline": the same people, load and data (a table-by-table copy of the seeded
   PostgreSQL database) on ONE `backchain serve --clinic` process on SQLite, no Redis, the
   analyses in-process. Clinic mode, not personal mode: personal mode has one person and no
   sign-in, so 200 people could only be simulated as 200 browsers of one person, all writing
   one draft; the honest comparison keeps the work per request the same and changes only
   the database, the queue and the number of processes.
   Reported: requests/s, p50/p95/p99 per route, every error by kind, the analysis jobs'
   upload-to-result latency, and whether every acknowledged write is stored exactly once.
2. Faults (setup A, a second phase with the same load): `kill -9` of the worker in the middle
   of a job, then a new worker (the job must be retried and finish); `kill -9` of the web
   process serving a live-coach WebSocket (the set must resume with `set=<id>` on the other
   one and keep its count); a Redis stop and start (jobs queued before it must finish). After
   each: every acknowledged form post stored exactly once (read back with the journal), none
   duplicated. Posts that failed with a connection error are not acknowledged and never
   retried; they are counted apart. GETs are retried once.
3. Growth: with 1, 4 and 12 weeks of history per person, in-process (`create_app` and
   Starlette's TestClient on PostgreSQL), p50 latency and the SQL statements each request
   runs (an SQLAlchemy `before_cursor_execute` listener) for Today, Progress, the session page,
   a set log post and the clinician dashboard (for a clinician following half the people and
   one following all of them). The counts should not grow with history.

Figures are noisy on a small machine; the script reports them and asserts nothing about them.
Every process and temporary folder it starts is removed at the end, on Ctrl-C or on error.
"""

import argparse
import asyncio
import contextlib
import os
import random
import re
import signal
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx2 as httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_kit import (
    PASSWORD,
    Backchain,
    PgServer,
    Processes,
    RedisServer,
    Seeded,
    SeededClinic,
    Step,
    copy_database,
    has_command,
    seed_clinic,
    serve_has_workers,
    socket_owner,
)

SAMPLES = Path("/work/shared/samples")
VIDEO = SAMPLES / "squat_02.mp4"  # 10.7 s, 270x480: a short clip, read from where it lies
VIDEO_EXERCISE = "squat"
CLINIC_MAX_ANALYSES = 4  # setup A: jobs that may wait or run at once (the default, 1, queues none)
KEEPALIVE_S = 4.0  # a client drops an idle connection before uvicorn's 5 s keep-alive ends it
PEOPLE = 200
SECONDS = 60.0
WEB_WORKERS = 2
# A person's pause between actions: far quicker than people train (a set takes a minute), so
# the server is busy; slower than 1-5 s, which saturated 2 cores with the analyses running.
THINK_S = (3.0, 15.0)
CLINICIAN_THINK_S = (3.0, 6.0)
UPLOAD_EVERY_S = 10.0
POLL_S = 1.0  # how often a job's page is polled, as the page's HTMX does
JOB_TIMEOUT_S = 240.0  # a job not finished by then is reported as not finished
DRAIN_S = 120.0  # after the clock: how long to wait for jobs still running
REQUEST_TIMEOUT_S = 60.0
SIGN_IN_CONCURRENCY = 8  # sign-ins at once, before the clock: each is a full Argon2id hash
PROGRESS_WAIT_S = 120.0  # how long to wait for a job to show progress before killing its worker
RESTART_AFTER_S = 1.0  # a killed worker is started again after this, as Restart=always does
REDIS_DOWN_S = 3.0
WS_RECONNECT_S = 15.0
LIVE_FPS = 15  # frames a second sent to the live coach
GROWTH_WEEKS = (1, 4, 12)
GROWTH_PEOPLE = 20  # people in each growth database (fewer when --people is smaller)
GROWTH_REPEATS = 15
TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
JOB_LINK = re.compile(r"/analyze/jobs/([A-Za-z0-9_-]+)")
CHECKIN_SAVED = "Thank you. What changes next time"
QUESTIONNAIRE_SAVED = 'id="result-title">Saved<'
FIXED_SECTIONS = [2, 2, 2, 2, 2, 2, 2, 2]  # ODI sections 3-10 of every benchmark re-take

# What a write is, and what became of it.
PENDING, ACKED, REFUSED, UNCERTAIN = "pending", "acked", "refused", "uncertain"


class Stopped(Exception):
    """The run is over: a client stops where it is."""


# -- timing and the record of writes ----------------------------------------------------------


@dataclass
class Tally:
    """One phase's requests: latency per route, errors per route and kind, with their times."""

    name: str
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[tuple[float, str, str]] = field(default_factory=list)  # (when, route, kind)
    # GETs whose connection broke (a web process killed under them), answered on the reload.
    reloaded: list[tuple[float, str, str]] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0

    def error_kinds(self, since: float = 0.0, until: float = float("inf")) -> Counter[str]:
        return Counter(f"{route}: {kind}" for t, route, kind in self.errors if since <= t < until)

    def reload_kinds(self) -> Counter[str]:
        return Counter(f"{route}: {kind}" for _, route, kind in self.reloaded)


@dataclass
class Write:
    person: int
    kind: str  # "set", "finish", "checkin", "questionnaire"
    value: tuple[Any, ...]
    outcome: str = PENDING


@dataclass
class Job:
    phase: str
    uploaded: float
    id: str | None = None
    outcome: str = "running"  # "result", "failed: …", "upload …", "not finished"
    seconds: float | None = None
    progress_seen: bool = False


@dataclass
class Run:
    """What every client shares: the phase's tally, the clock, the writes and the jobs."""

    tally: Tally
    writes: list[Write] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    deadline: float = 0.0
    final: bool = False
    next_phase: asyncio.Event = field(default_factory=asyncio.Event)
    rng: random.Random = field(default_factory=lambda: random.Random(20261202))

    async def gate(self) -> None:
        """Return while the clock runs; between phases wait; after the last, stop."""
        while time.perf_counter() >= self.deadline:
            if self.final:
                raise Stopped
            await self.next_phase.wait()

    def start_phase(self, tally: Tally, seconds: float) -> None:
        self.tally = tally
        tally.started = time.perf_counter()
        self.deadline = tally.started + seconds
        woken, self.next_phase = self.next_phase, asyncio.Event()
        woken.set()

    def stop(self) -> None:
        self.final = True
        self.deadline = 0.0
        self.next_phase.set()

    async def think(self, span: tuple[float, float] = THINK_S) -> None:
        await asyncio.sleep(self.rng.uniform(*span))
        await self.gate()


# -- a browser ----------------------------------------------------------------------------------


class Browser:
    """One signed-in browser: its cookies, its form token, every request timed and recorded."""

    def __init__(self, base: str, run: Run) -> None:
        self.base, self.run = base, run
        limits = httpx.Limits(keepalive_expiry=KEEPALIVE_S)
        self.http = httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S, limits=limits)
        self.token = ""

    async def sign_in(self, email: str) -> None:
        page = await self.http.get("/login")
        found = TOKEN.search(page.text)
        self.token = found.group(1) if found else ""
        answer = await self.http.post(
            "/login", data={"email": email, "password": PASSWORD}, headers=self._headers()
        )
        if answer.status_code != 303:
            raise SystemExit(f"Signing in {email} failed: {answer.status_code}")

    def _headers(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.token}

    def _record(
        self, tally: Tally, route: str, started: float, kind: str | None, *, reload: bool = False
    ) -> None:
        tally.latencies[route].append((time.perf_counter() - started) * 1000)
        if kind is not None:
            (tally.reloaded if reload else tally.errors).append((time.perf_counter(), route, kind))

    async def get(self, route: str, path: str, expect: int = 200) -> httpx.Response | None:
        """A GET, retried once after a connection error (a browser's reload)."""
        for attempt in range(2):
            tally, started = self.run.tally, time.perf_counter()
            try:
                answer = await self.http.get(path)
            except httpx.TransportError as error:
                self._record(tally, route, started, type(error).__name__, reload=attempt == 0)
                if attempt == 0:
                    continue
                return None
            self._record(tally, route, started, _unexpected(answer, expect))
            return answer
        return None

    async def post(
        self, route: str, path: str, *, data: dict[str, str] | None = None, expect: int = 200,
        content: bytes | None = None, kind: str | None = None,
    ) -> httpx.Response | None:  # fmt: skip
        """A POST, never retried: None when the connection failed, so the outcome is unknown."""
        headers = self._headers() | ({"Content-Type": kind} if kind else {})
        tally, started = self.run.tally, time.perf_counter()
        try:
            answer = await self.http.post(path, data=data, content=content, headers=headers)
        except httpx.TransportError as error:
            self._record(tally, route, started, type(error).__name__)
            return None
        self._record(tally, route, started, _unexpected(answer, expect))
        return answer

    async def close(self) -> None:
        await self.http.aclose()


def _unexpected(answer: httpx.Response, expect: int) -> str | None:
    """None for the expected status; else the status and what the answer said, briefly."""
    if answer.status_code == expect:
        return None
    if answer.headers.get("content-type", "").startswith("text/plain"):
        said = answer.text
    else:
        found = re.search(r"<h1[^>]*>(.*?)</h1>", answer.text, re.DOTALL)
        said = found.group(1) if found else ""
    said = " ".join(re.sub(r"<[^>]+>", "", said).split())[:80]
    return f"{answer.status_code} {said}".strip()


def _write(run: Run, person: int, kind: str, value: tuple[Any, ...]) -> Write:
    write = Write(person, kind, value)
    run.writes.append(write)
    return write


def _settle(
    write: Write, answer: httpx.Response | None, saved: Callable[[httpx.Response], bool]
) -> None:
    if answer is None:
        write.outcome = UNCERTAIN
    else:
        write.outcome = ACKED if saved(answer) else REFUSED


# -- the people ----------------------------------------------------------------------------------


def set_value(step: Step, k: int) -> tuple[Any, ...]:
    """The k-th set of a step, told apart from every other set of the day by its effort."""
    return (step.exercise, step.reps, step.hold_s, step.load, 4 + k, k % 3)


def set_form(value: tuple[Any, ...]) -> dict[str, str]:
    _, reps, hold_s, load, rpe, pain = value
    form = {"rpe": str(rpe), "pain": str(pain), "load": load}
    if reps is not None:
        form["reps"] = str(reps)
    if hold_s is not None:
        form["hold_s"] = f"{hold_s:g}"
    return form


def odi_sections(tag: int) -> list[int]:
    """A re-take whose first two sections carry `tag` (up to 35), the rest fixed."""
    return [tag // 6, tag % 6, *FIXED_SECTIONS]


async def person(run: Run, browser: Browser, index: int, seeded: Seeded) -> None:
    """A person's day: Today (half of them look at Progress first), the check-in, one or two
    exercises of the session set by set, finish (the rest is recorded as not reached), then
    Progress, Today and the questionnaire again until the run stops."""
    try:
        await run.think()  # people arrive spread over a think time, not all at the first tick
        await browser.get("GET /", "/")
        if index % 2:
            await run.think()
            await browser.get("GET /progress", "/progress")
        await run.think()
        await _check_in(run, browser, index)
        await run.think()
        await browser.get("GET /session", "/session")
        for step in seeded.steps[: 1 + index % 2]:
            await _train(run, browser, index, step)
        await run.think()
        await _finish(run, browser, index, seeded)
        for tag in range(36):
            await run.think()
            await browser.get("GET /progress", "/progress")
            await run.think()
            await browser.get("GET /", "/")
            await run.think()
            await _questionnaire(run, browser, index, tag)
    except Stopped:
        pass


async def _check_in(run: Run, browser: Browser, index: int) -> None:
    await browser.get("GET /checkin", "/checkin")
    await run.think()
    value = (index % 4, "same" if index % 2 else "better")
    write = _write(run, index, "checkin", value)
    data = {"pain": str(value[0]), "compared": value[1], "new_red_flags": "no"}
    answer = await browser.post("POST /checkin", "/checkin", data=data)
    _settle(write, answer, lambda a: a.status_code == 200 and CHECKIN_SAVED in a.text)


async def _train(run: Run, browser: Browser, index: int, step: Step) -> None:
    await run.think()
    await browser.get("GET /session/{n}", f"/session/{step.number}")
    for k in range(1, step.sets + 1):
        await run.think()
        value = set_value(step, k)
        write = _write(run, index, "set", value)
        route, path = "POST /session/{n}/sets", f"/session/{step.number}/sets"
        answer = await browser.post(route, path, data=set_form(value), expect=303)
        _settle(write, answer, lambda a: a.status_code == 303)
        if answer is not None and answer.status_code == 303:  # the browser follows it
            await browser.get("GET /session/{n}", answer.headers["location"])


async def _finish(run: Run, browser: Browser, index: int, seeded: Seeded) -> None:
    await browser.get("GET /session/finish", "/session/finish")
    await run.think()
    notes = f"bench {seeded.email}"
    write = _write(run, index, "finish", (notes,))
    data = {"pain_after": "2", "notes": notes}
    answer = await browser.post("POST /session/finish", "/session/finish", data=data)
    _settle(write, answer, lambda a: a.status_code == 200)


async def _questionnaire(run: Run, browser: Browser, index: int, tag: int) -> None:
    await browser.get("GET /checkin/questionnaire", "/checkin/questionnaire")
    await run.think()
    sections = odi_sections(tag)
    write = _write(run, index, "questionnaire", (tag,))
    data = {f"odi{n}": str(s) for n, s in enumerate(sections, start=1)}
    answer = await browser.post("POST /checkin/questionnaire", "/checkin/questionnaire", data=data)
    _settle(write, answer, lambda a: a.status_code == 200 and QUESTIONNAIRE_SAVED in a.text)


async def clinician(run: Run, browser: Browser, followed: list[int]) -> None:
    try:
        await run.think(CLINICIAN_THINK_S)
        for n in range(10**6):
            await browser.get("GET /clinic", "/clinic")
            await run.think(CLINICIAN_THINK_S)
            if n % 3 == 2:
                account = run.rng.choice(followed)
                await browser.get("GET /clinic/people/{id}", f"/clinic/people/{account}")
                await run.think(CLINICIAN_THINK_S)
    except Stopped:
        pass


# -- video analyses -----------------------------------------------------------------------------


async def upload(
    run: Run, browser: Browser, phase: str, video: bytes, exercise: str = VIDEO_EXERCISE
) -> Job:
    """Upload the clip; a task polls its job until it shows a result or an error."""
    job = Job(phase, time.perf_counter())
    run.jobs.append(job)
    path = f"/analyze?exercise={exercise}"
    answer = await browser.post("POST /analyze", path, content=video, kind="video/mp4", expect=202)
    if answer is None or answer.status_code != 202:
        job.outcome = "upload: " + (
            "connection error" if answer is None else str(answer.status_code)
        )
        return job
    found = JOB_LINK.search(answer.text)
    if found is None:
        job.outcome = "upload: no job link in the answer"
        return job
    job.id = found.group(1)
    asyncio.get_running_loop().create_task(_poll(browser, job))
    return job


async def _poll(browser: Browser, job: Job) -> None:
    while time.perf_counter() - job.uploaded < JOB_TIMEOUT_S:
        await asyncio.sleep(POLL_S)
        answer = await browser.get("GET /analyze/jobs/{id}", f"/analyze/jobs/{job.id}")
        if answer is None or answer.status_code != 200:
            continue
        if "analysis-done" in answer.text:
            job.outcome, job.seconds = "result", time.perf_counter() - job.uploaded
            return
        if "analysis-failed" in answer.text:
            problem = re.search(r'class="coach-error">([^<]*)<', answer.text)
            job.outcome = f"failed: {problem.group(1) if problem else '?'}"
            job.seconds = time.perf_counter() - job.uploaded
            return
        done = re.search(r":\s*([0-9.]+) of [0-9.]+ s of video", answer.text)
        if done and float(done.group(1)) > 0:
            job.progress_seen = True
    job.outcome = "not finished"


async def uploader(run: Run, browser: Browser, phase: Callable[[], str], video: bytes) -> None:
    try:
        await run.gate()
        while True:
            began = time.perf_counter()
            if phase() == "load":  # the faults upload their own
                await upload(run, browser, phase(), video)
            await asyncio.sleep(max(0.0, UPLOAD_EVERY_S - (time.perf_counter() - began)))
            await run.gate()
    except Stopped:
        pass


async def drain_jobs(run: Run, limit_s: float = DRAIN_S) -> None:
    deadline = time.perf_counter() + limit_s
    while any(j.outcome == "running" for j in run.jobs) and time.perf_counter() < deadline:
        await asyncio.sleep(POLL_S)
    for job in run.jobs:
        if job.outcome == "running":
            job.outcome = "not finished"


# -- what the database holds ---------------------------------------------------------------------


@dataclass
class Stored:
    """One person's writes of today as stored: set values, finished sessions' notes, the
    check-in of their last session before today, questionnaire tags."""

    sets: Counter[tuple[Any, ...]]
    notes: list[str]
    checkin: tuple[Any, ...] | None
    tags: Counter[int]


@dataclass
class Check:
    """Acknowledged writes against the database."""

    acked: Counter[str] = field(default_factory=Counter)  # by kind
    uncertain: int = 0  # posts whose connection failed: not acknowledged, never retried
    uncertain_stored: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)  # stored, never sent

    def line(self) -> str:
        acked = ", ".join(f"{n} {kind}s" for kind, n in sorted(self.acked.items()))
        acked = f" ({acked})" if acked else ""
        return (
            f"acknowledged {sum(self.acked.values())}{acked}; lost {len(self.lost)}, "
            f"duplicated {len(self.duplicated)}, stored but never sent {len(self.unexplained)}; "
            f"{self.uncertain} posts failed with a connection error (not acknowledged), "
            f"{self.uncertain_stored} of them stored"
        )


def read_stored(url: str, people: list[Seeded], today: date) -> dict[int, Stored]:
    """Read back with the app's own journal, as the pages read it."""
    from sqlalchemy import select

    from backchain.journal import load_journal
    from backchain.store import drafts as stored_drafts
    from backchain.store import open_store
    from backchain.store.models import QuestionnaireRow
    from backchain.web.setform import load_text

    found = {}
    with open_store(url) as store, store.read() as session:
        for index, seeded in enumerate(people):
            journal = load_journal(session, person_id=seeded.person_id)
            todays = [log for _, log in journal.logs if log.date == today]
            draft = stored_drafts.draft(session, person_id=seeded.person_id, day=today)
            exercises = todays[0].exercises if todays else (draft.exercises if draft else ())
            sets = Counter(
                (e.exercise, s.reps, s.hold_s, load_text(s.load), s.rpe, s.pain)
                for e in exercises
                for s in e.sets
            )
            earlier = [log_id for log_id, log in journal.logs if log.date < today]
            checkin = journal.checkins.get(earlier[-1]) if earlier else None
            answers = session.scalars(
                select(QuestionnaireRow.answers).where(
                    QuestionnaireRow.person_id == seeded.person_id,
                    QuestionnaireRow.taken_on == today,
                )
            )
            tags = Counter(_tag(a) for a in answers if _tag(a) is not None)
            shown = None if checkin is None else (checkin.pain, str(checkin.compared))
            found[index] = Stored(sets, [log.notes for log in todays], shown, tags)
    return found


def _tag(answers: object) -> int | None:
    """A benchmark re-take's tag; None for any other questionnaire."""
    sections = answers.get("sections") if isinstance(answers, dict) else None
    if not isinstance(sections, list) or sections[2:] != FIXED_SECTIONS:
        return None
    return int(sections[0]) * 6 + int(sections[1])


def check_writes(url: str, people: list[Seeded], writes: list[Write]) -> Check:
    """Every write acknowledged before the database is read must be there exactly once."""
    acked = [w for w in list(writes) if w.outcome == ACKED]
    stored = read_stored(url, people, date.today())
    sent = list(writes)  # read after: writes in flight while reading are known too
    check = Check(acked=Counter(w.kind for w in acked))
    for w in acked:
        count = _count(stored[w.person], w)
        what = f"person{w.person} {w.kind} {w.value}"
        if count == 0:
            check.lost.append(what)
        elif count > 1:
            check.duplicated.append(f"{what} ×{count}")
    for w in sent:
        if w.outcome == UNCERTAIN:
            check.uncertain += 1
            check.uncertain_stored += _count(stored[w.person], w) > 0
    known = defaultdict(set)
    for w in sent:
        known[w.person].add((w.kind, w.value))
    for index, s in stored.items():
        for value, n in s.sets.items():
            if ("set", value) not in known[index]:
                check.unexplained.append(f"person{index} set {value}")
            elif n > 1 and not any(f"person{index} set {value}" in d for d in check.duplicated):
                check.duplicated.append(f"person{index} set {value} ×{n} (not acknowledged)")
        if len(s.notes) > 1:
            check.duplicated.append(f"person{index}: {len(s.notes)} sessions logged today")
    return check


def _count(stored: Stored, write: Write) -> int:
    if write.kind == "set":
        return stored.sets[write.value]
    if write.kind == "questionnaire":
        return stored.tags[write.value[0]]
    if write.kind == "finish":
        return stored.notes.count(write.value[0])
    return int(stored.checkin == write.value)  # a check-in replaces the one before


def job_attempts(url: str, job_ids: list[str]) -> dict[str, tuple[str, int]]:
    """State and attempts of jobs in the job table, where this tree has one."""
    from sqlalchemy import inspect, text

    from backchain.store import open_store

    with open_store(url) as store:
        if "analysis_jobs" not in inspect(store.engine).get_table_names():
            return {}
        with store.read() as session:
            rows = session.execute(text("SELECT id, state, attempts FROM analysis_jobs"))
            return {r[0]: (r[1], int(r[2])) for r in rows if r[0] in job_ids}


# -- faults ------------------------------------------------------------------------------------


@dataclass
class Fault:
    name: str
    happened: list[str] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    check: Check | None = None
    jobs: list[str] = field(default_factory=list)
    passed: bool | None = None  # None: not run


@dataclass
class Clinic:
    """Setup A while it runs: its processes, its database and the seeded people."""

    backchain: Backchain
    processes: Processes
    url: str
    redis: RedisServer | None
    seeded: SeededClinic
    video: bytes
    reference_reps: int | None = None  # the live set's count, uninterrupted


async def _after(fault: Fault, clinic: Clinic, run: Run, since: float, jobs: list[Job]) -> None:
    """Errors since the fault, the jobs' outcomes, and the writes checked."""
    await drain_some(jobs)
    fault.errors = run.tally.error_kinds(since)
    attempts = await asyncio.to_thread(
        job_attempts, clinic.url, [j.id for j in jobs if j.id is not None]
    )
    for job in jobs:
        state = attempts.get(job.id or "")
        tried = f", {state[1]} attempt(s), state {state[0]} in the job table" if state else ""
        took = f" after {job.seconds:.1f} s" if job.seconds is not None else ""
        fault.jobs.append(f"job {job.id}: {job.outcome}{took}{tried}")
    fault.check = await asyncio.to_thread(
        check_writes, clinic.url, clinic.seeded.people, run.writes
    )


async def drain_some(jobs: list[Job]) -> None:
    deadline = time.perf_counter() + JOB_TIMEOUT_S
    while any(j.outcome == "running" for j in jobs) and time.perf_counter() < deadline:
        await asyncio.sleep(POLL_S)


async def kill_worker(clinic: Clinic, run: Run, browser: Browser) -> Fault:
    """kill -9 the worker once a job shows progress; a new worker must retry and finish it."""
    fault = Fault("kill -9 the worker during a job")
    if not clinic.backchain.workers:
        fault.happened.append(
            "Not run: this tree has no `backchain worker`; analyses run in the web process."
        )
        return fault
    since = time.perf_counter()
    job = await upload(run, browser, "fault: worker", clinic.video)
    state = ("", 0.0, 0)
    with open_store(clinic.url) as store:
        while job.id is not None and job.outcome == "running":
            state = await asyncio.to_thread(job_row, store, job.id)
            if state[0] == "running" and state[1] > 0:
                job.progress_seen = True
                break
            if time.perf_counter() - since > PROGRESS_WAIT_S:
                break
            await asyncio.sleep(0.2)
    if not job.progress_seen:
        fault.happened.append(
            f"Job {job.id} never showed progress ({job.outcome}); worker not killed."
        )
        await _after(fault, clinic, run, since, [job])
        fault.passed = False
        return fault
    old = clinic.backchain.workers.pop()
    waited = time.perf_counter() - job.uploaded
    os_kill(old.pid)
    clinic.processes.stop(old, kill=True)  # and anything the worker started, as systemd does
    fault.happened.append(
        f"Job {job.id} ({VIDEO.name}, {state[1]:.1f} s of video done, attempt {state[2]}) "
        f"was running {waited:.1f} s after its upload; worker {old.pid} "
        f"killed with SIGKILL; a new worker started {RESTART_AFTER_S:.0f} s later."
    )
    await asyncio.sleep(RESTART_AFTER_S)
    new = clinic.backchain.start_worker()
    fault.happened.append(f"New worker: pid {new.pid}.")
    await _after(fault, clinic, run, since, [job])
    fault.passed = job.outcome == "result" and _clean(fault)
    return fault


def open_store(url: str) -> Any:
    from backchain.store import open_store as opened

    return opened(url)


def job_row(store: Any, job_id: str) -> tuple[str, float, int]:
    """A job's state, progress (s of video) and attempts, from the job table."""
    from sqlalchemy import text

    with store.read() as session:
        row = session.execute(
            text("SELECT state, done_s, attempts FROM analysis_jobs WHERE id = :id"), {"id": job_id}
        ).first()
    return ("", 0.0, 0) if row is None else (str(row[0]), float(row[1]), int(row[2]))


def os_kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _clean(fault: Fault) -> bool:
    check = fault.check
    return check is not None and not (check.lost or check.duplicated or check.unexplained)


async def restart_redis(clinic: Clinic, run: Run, browser: Browser) -> Fault:
    """Stop Redis (clean: its append-only file is flushed) with jobs queued, start it again."""
    fault = Fault("restart Redis with jobs queued")
    if clinic.redis is None:
        fault.happened.append("Not run: no Redis in this setup.")
        return fault
    since = time.perf_counter()
    jobs = [await upload(run, browser, "fault: redis", clinic.video) for _ in range(3)]
    ids = ", ".join(str(j.id) for j in jobs)
    await asyncio.sleep(0.5)
    await asyncio.to_thread(clinic.redis.stop)
    fault.happened.append(f"Uploaded 3 videos (jobs {ids}); Redis stopped (SIGTERM).")
    await asyncio.sleep(REDIS_DOWN_S)
    await asyncio.to_thread(clinic.redis.start)
    fault.happened.append(
        f"Redis started again {REDIS_DOWN_S:.0f} s later on the same port and folder."
    )
    await _after(fault, clinic, run, since, jobs)
    fault.passed = all(j.outcome == "result" for j in jobs) and _clean(fault)
    return fault


def live_frames(video: Path, fps: int = LIVE_FPS) -> list[bytes]:
    """The clip as the live coach receives it: JPEGs at `fps`, each after its 8-byte time."""
    import struct

    import cv2

    capture = cv2.VideoCapture(str(video))
    source_fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
    frames, n = [], 0
    while True:
        ok, image = capture.read()
        if not ok:
            break
        if n % max(1, round(source_fps / fps)) == 0:
            encoded, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
            if encoded:
                frames.append(struct.pack("<d", len(frames) / fps) + jpeg.tobytes())
        n += 1
    capture.release()
    return frames


class LiveSet:
    """A live-coach WebSocket of a signed-in person."""

    def __init__(self, base: str, browser: Browser) -> None:
        self.ws_base = base.replace("http://", "ws://")
        self.origin = base
        self.cookies = "; ".join(f"{k}={v}" for k, v in browser.http.cookies.items())
        self.socket: Any = None
        self.set_id: str | None = None
        self.reps = 0

    async def connect(self) -> dict[str, Any]:
        import json

        from websockets.asyncio.client import connect

        query = f"?exercise={VIDEO_EXERCISE}" + (f"&set={self.set_id}" if self.set_id else "")
        self.socket = await connect(
            f"{self.ws_base}/coach/ws{query}",
            origin=self.origin,  # type: ignore[arg-type]
            additional_headers={"Cookie": self.cookies},
            max_size=None,
            open_timeout=10,
        )
        first: dict[str, Any] = json.loads(await self.socket.recv())
        if first.get("type") == "set":
            self.set_id = first["set_id"]
        return first

    async def send(self, frames: list[bytes]) -> None:
        import json

        for frame in frames:
            await self.socket.send(frame)
            answer = json.loads(await self.socket.recv())
            if answer.get("type") == "frame":
                self.reps = int(answer["reps"])

    async def finish(self) -> int:
        import json

        await self.socket.send(json.dumps({"type": "finish"}))
        while True:
            answer = json.loads(await self.socket.recv())
            if answer.get("type") == "finished":
                await self.socket.close()
                return int(answer["reps"])

    def client_port(self) -> int:
        return int(self.socket.local_address[1])


async def kill_web(clinic: Clinic, run: Run, browser: Browser) -> Fault:
    """A live set under way; kill -9 the web process serving its socket; the set must resume
    with `set=<id>` on a process still up and keep its count; the load moves on."""
    fault = Fault("kill -9 a web process during a live-coach set")
    frames = await asyncio.to_thread(live_frames, VIDEO)
    cut, whole = len(frames) * 55 // 100, clinic.reference_reps
    fault.happened.append(f"Reference: the {len(frames)} frames uninterrupted count {whole} reps.")
    live = LiveSet(clinic.backchain.url, browser)
    await live.connect()
    await live.send(frames[:cut])
    before, processes = live.reps, clinic.backchain.web_processes()
    owner = socket_owner(processes, clinic.backchain.port, live.client_port())
    if owner is None or len(processes) < 2:
        fault.happened.append(
            f"Web processes {processes}; the socket's owner {owner}: with one web process "
            "there is nothing to move to; killing it anyway stops the service."
        )
        fault.passed = False
        await live.finish()
        return fault
    since = time.perf_counter()
    os_kill(owner)
    fault.happened.append(
        f"Set {live.set_id}: {before} reps after {cut} frames; web process {owner} (of "
        f"{processes}) killed with SIGKILL."
    )
    first = await _reconnect(live)
    fault.happened.append(f"Reconnected with set={live.set_id}: first message {first}.")
    resumed = first.get("type") == "set" and first.get("reps") == before
    final = None
    if first.get("type") == "set":
        await live.send(frames[cut:])
        final = await live.finish()
    fault.happened.append(
        f"Resumed: {'yes' if resumed else 'NO'} (count {first.get('reps')} on reconnect, "
        f"{before} before the kill); {final} reps at the end against {whole} uninterrupted."
    )
    await asyncio.sleep(3)
    fault.happened.append(f"Web processes afterwards: {clinic.backchain.web_processes()}.")
    await _after(fault, clinic, run, since, [])
    fault.passed = resumed and final == whole and _clean(fault)
    return fault


async def live_reference(base: str, browser: Browser) -> int:
    """The live set's count with nothing killed."""
    frames = await asyncio.to_thread(live_frames, VIDEO)
    reference = LiveSet(base, browser)
    await reference.connect()
    await reference.send(frames)
    return await reference.finish()


async def _reconnect(live: LiveSet) -> dict[str, Any]:
    deadline = time.perf_counter() + WS_RECONNECT_S
    problem: Exception | None = None
    while time.perf_counter() < deadline:
        try:
            return await live.connect()
        except (OSError, TimeoutError, Exception) as error:
            problem = error
            await asyncio.sleep(0.5)
    return {"type": "no connection", "error": repr(problem)}


# -- a setup under load --------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one setup saw."""

    name: str
    described: str
    signed_in_s: float = 0.0
    load: Tally = field(default_factory=lambda: Tally("load"))
    jobs: list[Job] = field(default_factory=list)
    check: Check | None = None
    faults: list[Fault] = field(default_factory=list)
    fault_tally: Tally | None = None
    after: Tally | None = None  # requests outside the clock (job polls while draining)


async def _sign_in_all(run: Run, base: str, who: list[str]) -> list[Browser]:
    gate = asyncio.Semaphore(SIGN_IN_CONCURRENCY)

    async def one(email: str) -> Browser:
        async with gate:
            browser = Browser(base, run)
            await browser.sign_in(email)
            return browser

    return list(await asyncio.gather(*(one(email) for email in who)))


async def run_setup(outcome: Outcome, clinic: Clinic, seconds: float, *, faults: bool) -> Outcome:
    seeded, base = clinic.seeded, clinic.backchain.url
    run = Run(Tally("sign-in"))
    began = time.perf_counter()
    emails = [p.email for p in seeded.people] + [email for email, _ in seeded.clinicians]
    browsers = await _sign_in_all(run, base, [*emails, seeded.people[0].email])
    outcome.signed_in_s = time.perf_counter() - began
    log(
        f"{outcome.name}: {len(browsers)} sign-ins in {outcome.signed_in_s:.1f} s; load for {seconds:.0f} s"
    )
    people, carers, video = (
        browsers[: len(seeded.people)],
        browsers[len(seeded.people) : -1],
        browsers[-1],
    )
    phase = ["load"]
    tasks = [
        asyncio.create_task(person(run, b, i, s))
        for i, (b, s) in enumerate(zip(people, seeded.people, strict=True))
    ]
    tasks += [
        asyncio.create_task(clinician(run, b, followed))
        for b, (_, followed) in zip(carers, seeded.clinicians, strict=True)
    ]
    tasks.append(asyncio.create_task(uploader(run, video, lambda: phase[0], clinic.video)))
    try:
        run.start_phase(outcome.load, seconds)
        await asyncio.sleep(seconds)
        outcome.load.ended = time.perf_counter()
        outcome.after = run.tally = Tally("outside the clock")
        log(f"{outcome.name}: load done; waiting for its analysis jobs")
        await drain_jobs(run)
        if faults:  # the live set's reference count while the people wait
            clinic.reference_reps = await live_reference(base, video)
            phase[0] = "faults"
            outcome.fault_tally = Tally("faults")
            run.start_phase(outcome.fault_tally, 10**6)
            for fault in (kill_worker, kill_web, restart_redis):
                log(f"{outcome.name}: fault {fault.__name__}")
                outcome.faults.append(await fault(clinic, run, video))
                log(f"{outcome.name}: {outcome.faults[-1].happened}")
            outcome.fault_tally.ended = time.perf_counter()
        run.tally = outcome.after
        run.stop()
        await asyncio.gather(*tasks)
        await drain_jobs(run)
        outcome.jobs = run.jobs
        outcome.check = await asyncio.to_thread(check_writes, clinic.url, seeded.people, run.writes)
    finally:
        run.stop()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(*(b.close() for b in browsers))
    return outcome


# -- growth --------------------------------------------------------------------------------------


@dataclass
class Cost:
    route: str
    weeks: int
    p50_ms: float
    statements: list[int]


def growth(pg: PgServer, processes: Processes, people: int) -> list[Cost]:
    """Per weeks of history: `people` people, two clinicians (one follows half of them, the
    other all, to see the dashboard's cost per person followed), the app in-process."""
    costs: list[Cost] = []
    for weeks in GROWTH_WEEKS:
        url = pg.create(f"growth_{weeks}")
        seeded = seed_clinic(url, people=people, weeks=weeks, clinicians=2)
        _follow_all(url, seeded)
        log(f"growth: {people} people with {weeks} weeks seeded: {seeded.counts}")
        costs += _measure(url, seeded, weeks, processes.folder("growth"))
    return costs


def _follow_all(url: str, seeded: SeededClinic) -> None:
    """The second clinician follows the first one's people too, each by their own link."""
    from datetime import UTC, datetime

    from backchain.journal import accounts
    from backchain.store import care

    now = datetime.now(UTC)
    with open_store(url) as store:
        with store.read() as session:
            found = care.account_by_email(session, email=seeded.clinicians[1][0])
            assert found is not None
            people = [care.account(session, account_id=a) for a in seeded.clinicians[0][1]]
        for person in people:
            assert person is not None
            token = accounts.follow_link(store, person=person, now=now)
            accounts.accept_follow(store, token=token, clinician=found[0], now=now)


def _measure(url: str, seeded: SeededClinic, weeks: int, storage: Path) -> list[Cost]:
    from sqlalchemy import event
    from starlette.testclient import TestClient

    from backchain.config import Config
    from backchain.web.app import create_app

    app = create_app(url, Config(clinic=True, storage_dir=storage))
    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    first = seeded.people[0]
    step = first.steps[0]
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as client:
        event.listen(app.state.store.engine, "before_cursor_execute", count)
        person_cookies, person_token = _sign_in(client, first.email)
        half_cookies, _ = _sign_in(client, seeded.clinicians[0][0])
        all_cookies, _ = _sign_in(client, seeded.clinicians[1][0])
        half, everyone = len(seeded.clinicians[0][1]), len(seeded.people)
        routes: list[tuple[str, Callable[[int], Any], Any]] = [
            ("GET /", lambda _: client.get("/"), person_cookies),
            ("GET /progress", lambda _: client.get("/progress"), person_cookies),
            ("GET /session/{n}", lambda _: client.get("/session/1"), person_cookies),
            (
                "POST /session/{n}/sets",
                lambda k: client.post(
                    "/session/1/sets",
                    data=set_form(set_value(step, 1 + k % 5)),
                    headers={"X-CSRF-Token": person_token},
                ),
                person_cookies,
            ),
            (f"GET /clinic ({half} followed)", lambda _: client.get("/clinic"), half_cookies),
            (f"GET /clinic ({everyone} followed)", lambda _: client.get("/clinic"), all_cookies),
        ]
        costs = []
        for route, send, cookies in routes:
            client.cookies = cookies
            times, counts = [], []
            for k in range(GROWTH_REPEATS + 1):
                statements[0] = 0
                started = time.perf_counter()
                answer = send(k)
                if answer.status_code not in (200, 303):
                    raise SystemExit(f"growth: {route} answered {answer.status_code}")
                if k > 0:  # the first warms the caches
                    times.append((time.perf_counter() - started) * 1000)
                    counts.append(statements[0])
            costs.append(Cost(route, weeks, statistics.median(times), counts))
    return costs


def _sign_in(client: Any, email: str) -> tuple[Any, str]:
    client.cookies.clear()
    page = client.get("/login")
    found = TOKEN.search(page.text)
    token = found.group(1) if found else ""
    data = {"email": email, "password": PASSWORD}
    answer = client.post("/login", data=data, headers={"X-CSRF-Token": token})
    if answer.status_code != 303:
        raise SystemExit(f"growth: signing in {email} failed: {answer.status_code}")
    return type(client.cookies)(client.cookies), token


# -- the report ------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _cuts(samples: list[float]) -> tuple[float, float, float]:
    if not samples:
        return float("nan"), float("nan"), float("nan")
    if len(samples) < 2:
        value = samples[0] if samples else float("nan")
        return value, value, value
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[94], cuts[98]


def route_table(tally: Tally, seconds: float) -> list[str]:
    lines = [
        "| route | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for _, route, kind in tally.errors:
        kinds[route][kind] += 1
    for route in sorted(tally.latencies, key=lambda r: (r.split()[1], r)):
        samples = tally.latencies[route]
        p50, p95, p99 = _cuts(samples)
        shown = ", ".join(f"{n}× {k}" for k, n in kinds[route].most_common()) or "0"
        lines.append(
            f"| `{route}` | {len(samples)} | {len(samples) / seconds:.1f} | {p50:.0f} | "
            f"{p95:.0f} | {p99:.0f} | {shown} |"
        )
    total = sum(len(s) for s in tally.latencies.values())
    lines.append(f"| **all** | {total} | **{total / seconds:.1f}** | | | | {len(tally.errors)} |")
    return lines


def job_lines(jobs: list[Job], phase: str) -> list[str]:
    mine = [j for j in jobs if j.phase == phase]
    done = [j.seconds for j in mine if j.outcome == "result" and j.seconds is not None]
    outcomes = Counter(j.outcome for j in mine)
    shown = ", ".join(f"{n}× {o}" for o, n in outcomes.most_common()) or "none"
    line = f"Analysis jobs ({phase}): {len(mine)} uploaded; outcomes: {shown}."
    if done:
        line += (
            f" Upload to result: p50 {statistics.median(done):.1f} s, max {max(done):.1f} s "
            f"({len(done)} results)."
        )
    return [line]


def _reload_line(kinds: Counter[str]) -> str:
    said = ", ".join(f"{n}× {k}" for k, n in kinds.most_common())
    return f"GETs cut off by a broken connection and answered when reloaded (not errors): {said}."


def setup_section(outcome: Outcome, seconds: float) -> list[str]:
    lines = [f"### {outcome.name}", "", outcome.described, ""]
    lines.append(f"Sign-in before the clock: {outcome.signed_in_s:.1f} s for every account.")
    lines += ["", *route_table(outcome.load, seconds), ""]
    kinds = outcome.load.error_kinds()
    lines.append(
        "Errors: " + (", ".join(f"{n}× {k}" for k, n in kinds.most_common()) or "none") + "."
    )
    if reloaded := outcome.load.reload_kinds():
        lines.append(_reload_line(reloaded))
    lines += job_lines(outcome.jobs, "load")
    if outcome.after is not None and outcome.after.errors:
        after = outcome.after.error_kinds()
        lines.append(
            "Errors outside the clock (job polls while jobs drain): "
            + ", ".join(f"{n}× {k}" for k, n in after.most_common())
        )
    if outcome.check is not None:
        lines.append(f"Writes, read back at the end: {outcome.check.line()}.")
        lines += _problems(outcome.check)
    return [*lines, ""]


def _problems(check: Check) -> list[str]:
    shown = []
    for title, items in (
        ("Lost", check.lost),
        ("Duplicated", check.duplicated),
        ("Stored, never sent", check.unexplained),
    ):
        if items:
            shown.append(f"- {title} ({len(items)}): " + "; ".join(items[:10]))
    return shown


def side_by_side(a: Outcome, b: Outcome, seconds: float) -> list[str]:
    lines = [
        "### Side by side",
        "",
        f"| route | {a.name} p50 / p95 ms | {b.name} p50 / p95 ms |",
        "|---|---:|---:|",
    ]
    for route in sorted(set(a.load.latencies) | set(b.load.latencies)):
        cells = []
        for o in (a, b):
            p50, p95, _ = _cuts(o.load.latencies.get(route, []))
            cells.append("–" if p50 != p50 else f"{p50:.0f} / {p95:.0f}")  # NaN: none sent
        lines.append(f"| `{route}` | {cells[0]} | {cells[1]} |")
    rates = [sum(map(len, o.load.latencies.values())) / seconds for o in (a, b)]
    lines.append(f"| **req/s** | {rates[0]:.1f} | {rates[1]:.1f} |")
    return [*lines, ""]


def fault_section(outcome: Outcome) -> list[str]:
    lines = ["## 2. Faults (setup A, a second phase with the same load)", ""]
    tally = outcome.fault_tally
    if tally is not None:
        seconds = max(tally.ended - tally.started, 1e-9)
        lines += [f"The fault phase lasted {seconds:.0f} s.", "", *route_table(tally, seconds), ""]
        if reloaded := tally.reload_kinds():
            lines += [_reload_line(reloaded), ""]
    for fault in outcome.faults:
        verdict = {None: "not run", True: "passed", False: "FAILED"}[fault.passed]
        lines += [f"### {fault.name}: {verdict}", ""]
        lines += [f"- {line}" for line in fault.happened]
        errors = ", ".join(f"{n}× {k}" for k, n in fault.errors.most_common()) or "none"
        lines.append(f"- Errors from the fault to the check: {errors}.")
        lines += [f"- {line}" for line in fault.jobs]
        if fault.check is not None:
            lines.append(f"- Writes after it: {fault.check.line()}.")
            lines += _problems(fault.check)
        lines.append("")
    return lines


def _per_person(by_route: dict[str, dict[int, Cost]]) -> list[str]:
    """The dashboard's statements per person followed, from its two clinicians."""
    boards = sorted(
        (int(re.findall(r"\((\d+) followed", route)[0]), weeks)
        for route, weeks in by_route.items()
        if "followed)" in route
    )
    if len(boards) < 2 or boards[0][0] == boards[-1][0]:
        return []
    (few, low), (many, high) = boards[0], boards[-1]
    weeks = GROWTH_WEEKS[-1]
    extra = statistics.median(high[weeks].statements) - statistics.median(low[weeks].statements)
    if extra == 0:
        return [
            f"- `GET /clinic` runs the same {statistics.median(low[weeks].statements):.0f} "
            f"statements for {few} and for {many} people followed."
        ]
    return [
        f"- `GET /clinic` runs {extra / (many - few):.1f} more statements per person followed "
        f"({few} → {many} people: {statistics.median(low[weeks].statements):.0f} → "
        f"{statistics.median(high[weeks].statements):.0f}): one query batch per person, not "
        "per log; at 40 people followed that is about "
        f"{statistics.median(low[weeks].statements) + extra / (many - few) * (40 - few):.0f}."
    ]


def growth_section(costs: list[Cost], people: int) -> list[str]:
    lines = [
        "## 3. Growth: cost per request against history",
        "",
        f"In-process (`create_app` + TestClient on PostgreSQL), {people} people; one clinician "
        f"follows half of them, another all. {GROWTH_REPEATS} requests per route after one "
        "warm-up (each set post adds a set to today's session). Each cell: p50 ms · SQL "
        "statements per request (a range when the requests differed).",
        "",
        "| route | " + " | ".join(f"{w} week{'s' if w > 1 else ''}" for w in GROWTH_WEEKS) + " |",
        "|---|" + "---:|" * len(GROWTH_WEEKS),
    ]
    by_route: dict[str, dict[int, Cost]] = defaultdict(dict)
    for cost in costs:
        by_route[cost.route][cost.weeks] = cost
    notes = []
    for route, weeks in by_route.items():
        cells = []
        for w in GROWTH_WEEKS:
            c = weeks[w]
            low, high = min(c.statements), max(c.statements)
            counted = f"{low}" if low == high else f"{low}–{high}"
            cells.append(f"{c.p50_ms:.1f} ms · {counted}")
        lines.append(f"| `{route}` | " + " | ".join(cells) + " |")
        first, last = weeks[GROWTH_WEEKS[0]], weeks[GROWTH_WEEKS[-1]]
        grown = statistics.median(last.statements) - statistics.median(first.statements)
        if grown:
            notes.append(
                f"- `{route}` runs {grown:+.0f} statements at {GROWTH_WEEKS[-1]} weeks against "
                f"{GROWTH_WEEKS[0]} week (median {statistics.median(first.statements):.0f} → "
                f"{statistics.median(last.statements):.0f}): it grows with history."
            )
        if len(set(last.statements)) > 1:
            notes.append(
                f"- `{route}`: the count varies between repeats ({min(last.statements)}–"
                f"{max(last.statements)}) at {GROWTH_WEEKS[-1]} weeks."
            )
    lines += ["", *(notes or ["Statement counts are flat across 1, 4 and 12 weeks."])]
    lines += [*_per_person(by_route), ""]
    return lines


# -- running it ------------------------------------------------------------------------------------


def child_env(database: str, redis: str | None, storage: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCHAIN_")}
    env.pop("PYTHONPATH", None)
    env |= {
        "BACKCHAIN_DATABASE_URL": database,
        "BACKCHAIN_STORAGE_DIR": str(storage),
        "BACKCHAIN_ALLOWED_HOSTS": "127.0.0.1",
    }
    if redis is not None:
        env["BACKCHAIN_REDIS_URL"] = redis
    return env


def log_problems(folder: Path) -> list[str]:
    """Web processes uvicorn restarted, and tracebacks and errors the servers logged (the
    first, a few lines), for the report."""
    found = []
    for path in sorted(folder.glob("*.log")):
        lines = path.read_text(errors="replace").splitlines()
        died = [line.strip() for line in lines if "Child process" in line and "died" in line]
        if died:
            found.append(
                f"`{path.name}`: uvicorn restarted a web process {len(died)} time(s) (a process "
                "killed by the benchmark, or one that missed uvicorn's 5 s health-check ping "
                "and was killed by uvicorn itself): " + "; ".join(died)
            )
        bad = [n for n, line in enumerate(lines) if "Traceback" in line or " ERROR" in line]
        if bad:
            first = bad[0]
            excerpt = "\n".join(lines[first : first + 25])
            found.append(
                f"`{path.name}`: {len(bad)} error lines; the first:\n\n```\n{excerpt}\n```"
            )
    return found


def clinic_setup(
    args: argparse.Namespace, processes: Processes, pg_url: str, seeded: SeededClinic
) -> Outcome:
    web_workers = WEB_WORKERS if serve_has_workers() else 1
    redis = RedisServer(processes)
    redis.start()
    env = child_env(pg_url, redis.url, processes.folder("storage-a"))
    env["BACKCHAIN_MAX_ANALYSES"] = str(CLINIC_MAX_ANALYSES)
    backchain = Backchain(processes, env, processes.folder("logs-a"))
    backchain.serve(web_workers=web_workers)
    if has_command("worker"):
        backchain.start_worker()
    described = (
        "PostgreSQL (durability at its defaults) and Redis (append-only, fsync always), "
        "`backchain serve --clinic"
        + (
            f" --workers {web_workers}`"
            if web_workers > 1
            else "`: ONE process (this tree's `serve` has no `--workers` yet)"
        )
        + (
            f", {len(backchain.workers)} `backchain worker`; BACKCHAIN_MAX_ANALYSES="
            f"{CLINIC_MAX_ANALYSES} (jobs waiting or running at once; the default 1 queues none)."
            if backchain.workers
            else "; no `backchain worker` in this tree yet: analyses run in the web process."
        )
    )
    log(f"setup A: {described}")
    clinic = Clinic(backchain, processes, pg_url, redis, seeded, VIDEO.read_bytes())
    outcome = Outcome("A: clinic", described)
    try:
        asyncio.run(run_setup(outcome, clinic, args.seconds, faults=not args.skip_faults))
    finally:
        for worker in backchain.workers:
            processes.stop(worker)
        if backchain.web is not None:
            processes.stop(backchain.web)
        redis.stop()
    outcome.described += "".join(f"\n\n{p}" for p in log_problems(backchain.logs))
    return outcome


def baseline_setup(
    args: argparse.Namespace, processes: Processes, url: str, seeded: SeededClinic
) -> Outcome:
    backchain = Backchain(
        processes, child_env(url, None, processes.folder("storage-b")), processes.folder("logs-b")
    )
    backchain.serve(web_workers=1)
    described = (
        "ONE `backchain serve --clinic` process on SQLite (a table-by-table copy of the seeded "
        "PostgreSQL database), no Redis, analyses in the web process (BACKCHAIN_MAX_ANALYSES at "
        "its default, 1: in-process, more would analyse several at once). Clinic mode rather than "
        "personal mode: personal mode has one person and no sign-in, so its 'same load' would "
        "be 200 browsers writing one person's one draft; this keeps the work per request equal "
        "and changes only the database, the queue and the number of processes."
    )
    log("setup B: one process on SQLite")
    clinic = Clinic(backchain, processes, url, None, seeded, VIDEO.read_bytes())
    outcome = Outcome("B: baseline", described)
    try:
        asyncio.run(run_setup(outcome, clinic, args.seconds, faults=False))
    finally:
        if backchain.web is not None:
            processes.stop(backchain.web)
    outcome.described += "".join(f"\n\n{p}" for p in log_problems(backchain.logs))
    return outcome


def bench(args: argparse.Namespace, processes: Processes) -> list[str]:
    import subprocess

    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    lines = [
        f"# Backchain at scale: {args.people} people, {args.seconds:.0f} s",
        "",
        f"{date.today()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, commit "
        f"{head.stdout.strip()} plus the working tree. Think time {THINK_S[0]:g}–{THINK_S[1]:g} s "
        f"per person, {CLINICIAN_THINK_S[0]:g}–{CLINICIAN_THINK_S[1]:g} s per clinician; one "
        f"upload of `{VIDEO.name}` every {UPLOAD_EVERY_S:.0f} s. Loopback only; figures are noisy.",
        "",
    ]
    pg = PgServer(processes)
    pg.start()
    url = pg.create("backchain")
    began = time.perf_counter()
    seeded = seed_clinic(url, people=args.people, weeks=4)
    took = time.perf_counter() - began
    log(f"seeded {args.people} people in {took:.0f} s: {seeded.counts}")
    lines += [
        "## Data",
        "",
        f"{args.people} people, 4 weeks into a 16-week program each, {len(seeded.clinicians)} "
        f"clinicians following {args.people // len(seeded.clinicians)} each (seeded in "
        f"{took:.0f} s): " + ", ".join(f"{n} {t}" for t, n in seeded.counts.items()) + ".",
        "",
        "## 1. Load",
        "",
    ]
    baseline_url = None
    if not args.skip_baseline:
        baseline_url = f"sqlite:///{processes.folder('baseline') / 'backchain.db'}"
        copy_database(url, baseline_url)
    a = clinic_setup(args, processes, url, seeded)
    lines += setup_section(a, args.seconds)
    if baseline_url is not None:
        b = baseline_setup(args, processes, baseline_url, seeded)
        lines += setup_section(b, args.seconds)
        lines += side_by_side(a, b, args.seconds)
    if not args.skip_faults:
        lines += fault_section(a)
    if not args.skip_growth:
        people = min(args.people, GROWTH_PEOPLE)
        lines += growth_section(growth(pg, processes, people), people)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-faults", action="store_true")
    parser.add_argument("--skip-growth", action="store_true")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    if args.people < 5:
        parser.error("--people must be at least 5: one per clinician")

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    processes = Processes()
    try:
        report = "\n".join(bench(args, processes))
    finally:
        processes.close()
    print(report)
    if args.out is not None:
        args.out.write_text(report + "\n")


if __name__ == "__main__":
    main()
