"""The person's training journal: starting a program, logging, checking in, resuming.

Each function is one user action and one database transaction, shared by the CLI and the web
app. The rules live in the domain packages; this module only loads, decides and saves.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy.orm import Session

from backchain import outcomes, screening
from backchain.errors import PlanBlockedError, ProgramError, StoreError
from backchain.exercises import load_catalogue
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
    SessionLog,
)
from backchain.programs.profile import check_screening
from backchain.programs.progression import decide_session
from backchain.programs.tracking import adjusted, current_states, next_session, program_pause
from backchain.store import Store, repository

ONE_WEEK = timedelta(days=7)

__all__ = [
    "Journal",
    "ToLog",
    "Today",
    "check_in",
    "load_journal",
    "log_session",
    "planned_for",
    "resume",
    "start_program",
    "to_log",
    "today",
]


@dataclass(frozen=True)
class Journal:
    """Everything stored about the current person, loaded in one go."""

    person_id: int
    profile: Profile
    plan: Plan
    logs: tuple[tuple[int, SessionLog], ...]
    checkins: Mapping[int, CheckIn]
    decisions: tuple[repository.DecisionRecord, ...]

    @property
    def all_decisions(self) -> list[Decision]:
        return [record.decision for record in self.decisions]

    @property
    def pause(self) -> Decision | None:
        return program_pause(self.all_decisions)

    def decisions_for(self, log_id: int) -> list[Decision]:
        return [r.decision for r in self.decisions if r.log_id == log_id]


@dataclass(frozen=True)
class Today:
    """What `backchain today` shows: the next session, adjusted, or why there is none."""

    day: date
    week: PlanWeek | None
    session: PlannedSession | None
    prescriptions: tuple[Prescription, ...]
    loads: Mapping[str, Load | None]  # the load each exercise is at, when it is loaded
    desk_break: DeskBreak | None
    pause: Decision | None
    checkin_due: SessionLog | None


def start_program(
    store: Store, *, profile: Profile, start: date, now: datetime, new: bool = False
) -> tuple[Plan, screening.ScreeningResult]:
    """Screen, plan and store a new person; a screening that is not `proceed` stores nothing.

    With a program already stored, `new=True` is needed: the earlier data stays, the new
    program becomes the current one.
    """
    result = check_screening(profile)
    if result is None:
        raise ProgramError(
            'The profile has no "screening" answers; add them (see `backchain screen --list-flags`) '
            "or run `backchain init` without --profile to answer the questions."
        )
    plan = generate_plan(profile, start)
    with store.transaction() as session:
        if repository.latest_person_id(session) is not None and not new:
            raise ProgramError(
                "A program is already stored; run `backchain init --new` to start another "
                "(the earlier one is kept and stays in exports)."
            )
        person_id = repository.add_person(session, profile=profile, created_at=now)
        repository.add_screening(
            session,
            person_id=person_id,
            taken_at=now,
            result=result,
            answers=profile.screening or {},
        )
        for score, answers in _baseline(profile):
            repository.add_questionnaire(
                session, person_id=person_id, taken_on=now.date(), score=score, answers=answers
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


def load_journal(session: Session) -> Journal:
    """The current person's journal; a clear error when nobody has started a program yet."""
    person_id = repository.latest_person_id(session)
    plan = None if person_id is None else repository.current_plan(session, person_id=person_id)
    if person_id is None or plan is None:
        raise StoreError("No program yet: run `backchain init` to start one.")
    logs = tuple(repository.session_logs(session, person_id=person_id))
    checkins = {
        log_id: checkin
        for log_id, _ in logs
        if (checkin := repository.checkin_for(session, log_id=log_id)) is not None
    }
    return Journal(
        person_id=person_id,
        profile=repository.get_profile(session, person_id=person_id),
        plan=plan,
        logs=logs,
        checkins=checkins,
        decisions=tuple(repository.decisions(session, person_id=person_id)),
    )


def today(store: Store, *, day: date) -> Today:
    """The session for this day (or the next one planned), in the versions now in use."""
    with store.transaction() as session:
        journal = load_journal(session)
    last = journal.logs[-1] if journal.logs else None
    due = last[1] if last and last[0] not in journal.checkins and last[1].date < day else None
    states = current_states(journal.plan, journal.all_decisions)
    loads = {exercise: state.load for exercise, state in states.items()}
    found = next_session(journal.plan, day)
    if found is None:
        return Today(day, None, None, (), loads, journal.plan.desk_break, journal.pause, due)
    week, planned = found
    prescriptions = adjusted(planned, week.phase, states, load_catalogue())
    return Today(
        day, week, planned, prescriptions, loads, journal.plan.desk_break, journal.pause, due
    )


def planned_for(
    plan: Plan, earlier: Sequence[SessionLog], day: date
) -> tuple[PlanWeek, PlannedSession]:
    """The planned session a log on this day stands for: that day's own, or the week's next one."""
    index = (day - plan.start).days // ONE_WEEK.days
    if 0 <= index < len(plan.weeks):
        week = plan.weeks[index]
        week_start = plan.start + index * ONE_WEEK
        done = sum(week_start <= log.date < week_start + ONE_WEEK for log in earlier)
        exact = [s for s in week.sessions if s.date == day]
        if exact:
            return week, exact[0]
        if done < len(week.sessions):
            return week, week.sessions[done]
    raise ProgramError(
        f"No session is planned for {day.isoformat()}; see `backchain plan` for your training days."
    )


def _going_into(
    journal: Journal, day: date, *, earlier: Sequence[SessionLog], before: Sequence[Decision]
) -> tuple[tuple[Prescription, ...], dict[str, ExerciseState]]:
    """The prescriptions and exercise states for a session on this day, given what came before."""
    week, planned = planned_for(journal.plan, earlier, day)
    states = current_states(journal.plan, before)
    return adjusted(planned, week.phase, states, load_catalogue()), states


class ToLog(NamedTuple):
    """What a log on a day is checked against, and what the person needs to log it."""

    pause: Decision | None
    prescriptions: tuple[Prescription, ...]
    loads: Mapping[str, Load | None]  # the load each exercise is at, when it is loaded


def to_log(store: Store, *, day: date) -> ToLog:
    """The pause in force, if any, the prescriptions a log on this day is checked against, and
    the loads in use."""
    with store.transaction() as session:
        journal = load_journal(session)
    earlier = [log for _, log in journal.logs]
    prescriptions, states = _going_into(journal, day, earlier=earlier, before=journal.all_decisions)
    loads = {exercise: state.load for exercise, state in states.items()}
    return ToLog(journal.pause, prescriptions, loads)


def log_session(store: Store, *, log: SessionLog, now: datetime) -> list[Decision]:
    """Store a session and decide what the next one holds for each exercise."""
    with store.transaction() as session:
        journal = load_journal(session)
        if journal.pause is not None:
            raise ProgramError(f"Training is paused. {journal.pause.reason}")
        if any(earlier.date > log.date for _, earlier in journal.logs):
            raise ProgramError("A later session is already logged; log sessions in date order.")
        earlier = [logged for _, logged in journal.logs]
        before = journal.all_decisions
        prescriptions, _ = _going_into(journal, log.date, earlier=earlier, before=before)
        _check_log_matches(log, prescriptions)
        log_id = repository.add_session_log(
            session, person_id=journal.person_id, log=log, logged_at=now
        )
        return _decide(session, journal, log_id, log, earlier=earlier, before=before, checkin=None)


def _check_log_matches(log: SessionLog, prescriptions: Sequence[Prescription]) -> None:
    planned = {p.exercise for p in prescriptions}
    named = [e.exercise for e in log.exercises] + [s.exercise for s in log.skipped]
    for exercise in named:
        if exercise not in planned:
            raise ProgramError(
                f"'{exercise}' is not in this session; it holds {', '.join(sorted(planned))}."
            )


def _decide(
    session: Session,
    journal: Journal,
    log_id: int,
    log: SessionLog,
    *,
    earlier: Sequence[SessionLog],
    before: Sequence[Decision],
    checkin: CheckIn | None,
) -> list[Decision]:
    """Decide the next session from this one, given the state going into it, and store it."""
    prescriptions, states = _going_into(journal, log.date, earlier=earlier, before=before)
    decisions = decide_session(
        catalogue=load_catalogue(),
        session=log,
        prescriptions=prescriptions,
        states=states,
        checkin=checkin,
        earlier=earlier,
        equipment=journal.profile.equipment,
    )
    repository.replace_decisions(
        session,
        person_id=journal.person_id,
        log_id=log_id,
        decided_on=log.date if checkin is None else checkin.date,
        decisions=decisions,
    )
    return decisions


def check_in(store: Store, *, checkin: CheckIn) -> list[Decision]:
    """Record the next-morning check-in for the latest session and decide again with it."""
    with store.transaction() as session:
        journal = load_journal(session)
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
        return _decide(
            session, journal, log_id, log, earlier=earlier, before=before, checkin=checkin
        )


def resume(
    store: Store, *, answers: Mapping[str, object], day: date, now: datetime
) -> screening.ScreeningResult:
    """Screen again after a pause; training resumes only when the screening says `proceed`."""
    result = screening.screen(screening.parse_answers(answers))
    if result.verdict is not screening.Verdict.PROCEED:
        raise PlanBlockedError(result.message)
    with store.transaction() as session:
        journal = load_journal(session)
        repository.add_screening(
            session, person_id=journal.person_id, taken_at=now, result=result, answers=answers
        )
        if journal.pause is not None:
            resumed = Decision(
                exercise=None,
                kind=DecisionKind.RESUME,
                reason=f"Screened again on {day.isoformat()} with no warning signs: training resumes.",
            )
            program_level = [r.decision for r in journal.decisions if r.log_id is None]
            repository.replace_decisions(
                session,
                person_id=journal.person_id,
                log_id=None,
                decided_on=day,
                decisions=[*program_level, resumed],
            )
    return result
