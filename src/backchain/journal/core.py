"""The journal's core: starting a program, the day's session, logging, the morning check-in
and resuming after a pause, each on the person's state loaded in one go (`state.Journal`).

Each public function is one user action and one database transaction, shared by the CLI and the
web app: `Store.read()` for what only reads, `Store.transaction()` for what writes. The rules live
in the domain packages; the journal only loads, decides and saves.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy.orm import Session

from backchain import outcomes, screening
from backchain.errors import PlanBlockedError, ProgramError
from backchain.exercises import load_catalogue
from backchain.journal.state import NO_PROGRAM, Journal, find_journal, load_journal
from backchain.outcomes.models import PARAPHRASE_WORDING
from backchain.programs.generator import generate_plan
from backchain.programs.models import (
    CheckIn,
    Decision,
    DecisionKind,
    DeskBreak,
    ExerciseState,
    Load,
    Plan,
    PlannedSession,
    PlanWeek,
    Prescription,
    Profile,
    SessionDraft,
    SessionLog,
)
from backchain.programs.profile import check_screening
from backchain.programs.progression import decide_session
from backchain.programs.schedule import Slot, done_sessions, next_session, session_for
from backchain.programs.tracking import adjusted, current_states
from backchain.store import Store, repository
from backchain.store import drafts as stored_drafts

__all__ = [
    "NO_PROGRAM",
    "Journal",
    "ToLog",
    "Today",
    "check_in",
    "decide_log",
    "find_journal",
    "going_into",
    "load_journal",
    "log_session",
    "resume",
    "slot_for",
    "start_program",
    "to_log",
    "today",
    "today_in",
]


@dataclass(frozen=True)
class Today:
    """What the Today page and `backchain today` show.

    `session` is the session to do next: today's, or on a rest day the week's next one not yet
    done (which may be done today), or else the next one planned. `done` is what was logged
    today, when a session was; a day's session is never offered twice.
    """

    day: date
    plan_start: date
    week: PlanWeek | None
    session: PlannedSession | None
    prescriptions: tuple[Prescription, ...]
    loads: Mapping[str, Load | None]  # the load each exercise is at, when it is loaded
    desk_break: DeskBreak | None
    pause: Decision | None
    checkin_due: SessionLog | None
    done: SessionLog | None = None
    can_train_today: bool = False  # the session may be logged today
    draft: SessionDraft | None = None  # the sets saved so far today, when it may be logged

    @property
    def on_its_day(self) -> bool:
        return self.session is not None and self.session.date == self.day


def start_program(
    store: Store,
    *,
    profile: Profile,
    start: date,
    now: datetime,
    new: bool = False,
    wordings: Mapping[str, str] | None = None,
    account_id: int | None = None,
) -> tuple[Plan, screening.ScreeningResult]:
    """Screen, plan and store a new person; a screening that is not `proceed` stores nothing.

    With a program already stored, `new=True` is needed: the earlier data stays, the new
    program becomes the current one. `wordings` names the wording each questionnaire was
    answered in ("startback", "odi", "rmdq"); Backchain's own paraphrase by default.
    `account_id` is the clinic account the person belongs to; None in personal mode.
    """
    result = check_screening(profile)
    if result is None:
        raise ProgramError(
            'The profile has no "screening" answers; add them (see `backchain screen --list-flags`) '
            "or run `backchain init` without --profile to answer the questions."
        )
    plan = generate_plan(profile, start)
    wording = dict(wordings or {})
    with store.transaction() as session:
        if repository.latest_person_id(session, account_id=account_id) is not None and not new:
            raise ProgramError(
                "A program is already stored; run `backchain init --new` to start another "
                "(the earlier one is kept and stays in exports)."
            )
        person_id = repository.add_person(
            session, profile=profile, created_at=now, account_id=account_id
        )
        repository.add_screening(
            session,
            person_id=person_id,
            taken_at=now,
            result=result,
            answers=profile.screening or {},
            wording=wording.get("startback", PARAPHRASE_WORDING),
        )
        for score, answers in _baseline(profile):
            repository.add_questionnaire(
                session,
                person_id=person_id,
                taken_on=now.date(),
                score=score,
                answers=answers,
                wording=wording.get(score.measure.value, PARAPHRASE_WORDING),
            )
        repository.save_plan(session, person_id=person_id, plan=plan, created_at=now)
    return plan, result


def _baseline(profile: Profile) -> list[tuple[outcomes.Score, object]]:
    scores: list[tuple[outcomes.Score, object]] = [
        (outcomes.score_nrs(profile.pain), {"pain": profile.pain})
    ]
    if profile.odi is not None:
        scores.append((outcomes.score_odi(profile.odi), {"sections": profile.odi}))
    if profile.rmdq is not None:
        scores.append((outcomes.score_rmdq(profile.rmdq), {"items": profile.rmdq}))
    return scores


def today(store: Store, *, day: date, person_id: int | None = None) -> Today:
    """The session for this day (or the next one to do), in the versions now in use."""
    with store.read() as session:
        journal = load_journal(session, person_id=person_id)
        draft = stored_drafts.draft(session, person_id=journal.person_id, day=day)
    return today_in(journal, day=day, draft=draft)


def today_in(journal: Journal, *, day: date, draft: SessionDraft | None) -> Today:
    """`today` from a journal already loaded, with the day's stored draft, if any."""
    states = journal.states
    loads = {exercise: state.load for exercise, state in states.items()}
    logged = journal.log_on(day)
    available = None if logged is not None else session_for(journal.plan, journal.done, day)
    found = available or next_session(journal.plan, day, journal.done)
    week, planned = found if found is not None else (None, None)
    prescriptions: tuple[Prescription, ...] = ()
    if week is not None and planned is not None:
        latest = journal.last_decisions()
        prescriptions = adjusted(
            planned,
            week.phase,
            states,
            load_catalogue(),
            last=latest,
            weeks=len(journal.plan.weeks),
        )
    return Today(
        day=day,
        plan_start=journal.plan.start,
        week=week,
        session=planned,
        prescriptions=prescriptions,
        loads=loads,
        desk_break=journal.plan.desk_break,
        pause=journal.pause,
        checkin_due=journal.checkin_due(day),
        done=None if logged is None else logged[1],
        can_train_today=available is not None,
        draft=(draft or SessionDraft(date=day)) if available is not None else None,
    )


def slot_for(journal: Journal, day: date, *, earlier: Sequence[SessionLog]) -> Slot:
    """The planned session a log on this day stands for, after the `earlier` logs."""
    found = session_for(journal.plan, done_sessions(journal.plan, [e.date for e in earlier]), day)
    if found is not None:
        return found
    upcoming = next_session(journal.plan, day, journal.done)
    if upcoming is None:
        raise ProgramError(
            f"No session is planned for {day.isoformat()}: your plan is complete. "
            "See `backchain plan` for the whole program."
        )
    raise ProgramError(
        f"No session is left to do on {day.isoformat()}: this week's sessions are done "
        f"(the next one is on {upcoming[1].date:%A %d %B}). See `backchain plan` for your training days."
    )


def going_into(
    journal: Journal, day: date, *, earlier: Sequence[SessionLog], before: Sequence[Decision]
) -> tuple[tuple[Prescription, ...], dict[str, ExerciseState]]:
    """The prescriptions and exercise states for a session on this day, given what came before."""
    week, planned = slot_for(journal, day, earlier=earlier)
    states = current_states(journal.plan, before)
    last = journal.last_decisions(before)
    weeks = len(journal.plan.weeks)
    return adjusted(planned, week.phase, states, load_catalogue(), last=last, weeks=weeks), states


class ToLog(NamedTuple):
    """What a log on a day is checked against, and what the person needs to log it."""

    pause: Decision | None
    prescriptions: tuple[Prescription, ...]
    loads: Mapping[str, Load | None]  # the load each exercise is at, when it is loaded
    logged: SessionLog | None  # the session already logged that day, if any
    draft: SessionDraft  # the sets and skips saved so far that day (empty when none)


def to_log(store: Store, *, day: date, person_id: int | None = None) -> ToLog:
    """The pause in force, if any, the prescriptions a log on this day is checked against, the
    loads in use, the session already logged that day and the one in progress."""
    with store.read() as session:
        journal = load_journal(session, person_id=person_id)
        draft = stored_drafts.draft(session, person_id=journal.person_id, day=day)
    logged = journal.log_on(day)
    earlier = [log for _, log in journal.logs if log.date < day]
    prescriptions, states = going_into(journal, day, earlier=earlier, before=journal.all_decisions)
    loads = {exercise: state.load for exercise, state in states.items()}
    return ToLog(
        pause=journal.pause,
        prescriptions=prescriptions,
        loads=loads,
        logged=None if logged is None else logged[1],
        draft=draft or SessionDraft(date=day),
    )


def log_session(
    store: Store,
    *,
    log: SessionLog,
    now: datetime,
    replace: bool = False,
    person_id: int | None = None,
) -> list[Decision]:
    """Store a session and decide what the next one holds for each exercise.

    One session a day: a second log for the same day is refused, unless `replace` is set, which
    records it as a correction of the first (see `corrections.replace_session`).
    """
    if replace:
        with store.read() as session:
            logged = load_journal(session, person_id=person_id).log_on(log.date)
        if logged is not None:
            from backchain.journal.corrections import replace_session  # it builds on this module

            return replace_session(store, log=log, now=now, person_id=person_id)
    with store.transaction() as session:
        journal = load_journal(session, person_id=person_id)
        repository.lock_person(session, person_id=journal.person_id)
        return add_log(session, journal, log, now)


def add_log(session: Session, journal: Journal, log: SessionLog, now: datetime) -> list[Decision]:
    """Store a new log in the caller's transaction: the checks, the row and its decisions."""
    if journal.pause is not None:
        raise ProgramError(f"Training is paused. {journal.pause.reason}")
    if journal.log_on(log.date) is not None:
        raise ProgramError(
            f"A session is already logged for {log.date.isoformat()}: one session a day. "
            "Correct it (`backchain correct`, or History in the app), or log it again with --replace."
        )
    if any(earlier.date > log.date for _, earlier in journal.logs):
        raise ProgramError("A later session is already logged; log sessions in date order.")
    earlier = [logged for _, logged in journal.logs]
    before = journal.all_decisions
    prescriptions, _ = going_into(journal, log.date, earlier=earlier, before=before)
    check_log_matches(log, prescriptions)
    log_id = repository.add_session_log(
        session, person_id=journal.person_id, log=log, logged_at=now
    )
    decisions = decide_log(journal, log, earlier=earlier, before=before, checkin=None)
    repository.replace_decisions(
        session,
        person_id=journal.person_id,
        log_id=log_id,
        decided_on=log.date,
        decisions=decisions,
    )
    return decisions


def check_log_matches(log: SessionLog, prescriptions: Sequence[Prescription]) -> None:
    planned = {p.exercise for p in prescriptions}
    named = [e.exercise for e in log.exercises] + [s.exercise for s in log.skipped]
    for exercise in named:
        if exercise not in planned:
            raise ProgramError(
                f"'{exercise}' is not in this session; it holds {', '.join(sorted(planned))}."
            )


def decide_log(
    journal: Journal,
    log: SessionLog,
    *,
    earlier: Sequence[SessionLog],
    before: Sequence[Decision],
    checkin: CheckIn | None,
) -> list[Decision]:
    """What the next session holds after this one, given the state going into it."""
    prescriptions, states = going_into(journal, log.date, earlier=earlier, before=before)
    return decide_session(
        catalogue=load_catalogue(),
        session=log,
        prescriptions=prescriptions,
        states=states,
        checkin=checkin,
        earlier=earlier,
        equipment=journal.profile.equipment,
    )


def check_in(store: Store, *, checkin: CheckIn, person_id: int | None = None) -> list[Decision]:
    """Record the next-morning check-in for the latest session and decide again with it."""
    with store.transaction() as session:
        journal = load_journal(session, person_id=person_id)
        repository.lock_person(session, person_id=journal.person_id)
        if not journal.logs or journal.logs[-1][1].date >= checkin.date:
            raise ProgramError(
                "Nothing to check in on yet: the check-in is for the morning after a logged session."
            )
        log_id, log = journal.logs[-1]
        repository.set_checkin(session, log_id=log_id, checkin=checkin)
        existing = journal.decisions_for(log_id)
        if any(d.kind is DecisionKind.PAUSE for d in existing) and not checkin.new_red_flags:
            return existing  # a pause stands until the person is screened again (`resume`)
        before = [r.decision for r in journal.decisions if r.log_id != log_id]
        earlier = [logged for _, logged in journal.logs[:-1]]
        decisions = decide_log(journal, log, earlier=earlier, before=before, checkin=checkin)
        repository.replace_decisions(
            session,
            person_id=journal.person_id,
            log_id=log_id,
            decided_on=checkin.date,
            decisions=decisions,
        )
        return decisions


def resume(
    store: Store,
    *,
    answers: Mapping[str, object],
    day: date,
    now: datetime,
    wording: str = PARAPHRASE_WORDING,
    person_id: int | None = None,
) -> screening.ScreeningResult:
    """Screen again after a pause; training resumes only when the screening says `proceed`
    (a clinician's clearance of "see a clinician" flags counts, CLINICAL.md)."""
    result = screening.screen(screening.parse_answers(answers, today=day))
    if result.verdict is not screening.Verdict.PROCEED:
        raise PlanBlockedError(result.message)
    with store.transaction() as session:
        journal = load_journal(session, person_id=person_id)
        repository.lock_person(session, person_id=journal.person_id)
        repository.add_screening(
            session,
            person_id=journal.person_id,
            taken_at=now,
            result=result,
            answers=answers,
            wording=wording,
        )
        if journal.pause is not None:
            found = (
                "the warning signs you reported have been cleared by a clinician"
                if result.cleared
                else "no warning signs"
            )
            resumed = Decision(
                exercise=None,
                kind=DecisionKind.RESUME,
                reason=f"Screened again on {day.isoformat()} with {found}: training resumes.",
            )
            repository.add_decisions(
                session, person_id=journal.person_id, decided_on=day, decisions=[resumed]
            )
    return result
