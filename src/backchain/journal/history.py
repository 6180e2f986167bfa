"""Everything the person has done and answered, for the history page and `backchain history`."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from backchain.errors import StoreError
from backchain.journal.state import NO_PROGRAM, find_journal
from backchain.programs.models import CheckIn, Decision, SessionDraft, SessionLog
from backchain.store import Store, repository
from backchain.store import drafts as stored_drafts

__all__ = ["History", "LoggedSession", "history", "history_in", "logged_session"]


@dataclass(frozen=True)
class LoggedSession:
    """A session as logged, with its next-morning check-in and the decisions that followed it."""

    log: SessionLog
    checkin: CheckIn | None
    decisions: tuple[Decision, ...]
    corrected: bool  # a correction was recorded for this day


@dataclass(frozen=True)
class History:
    sessions: tuple[LoggedSession, ...]  # by date
    screenings: tuple[repository.ScreeningRecord, ...]
    questionnaires: tuple[repository.QuestionnaireRecord, ...]
    revisions: tuple[repository.RevisionRecord, ...]
    drafts: tuple[SessionDraft, ...]  # sessions started and not finished
    program_decisions: tuple[repository.DecisionRecord, ...]  # resumes and kit changes


def history(store: Store, *, person_id: int | None = None) -> History:
    """Everything stored for the current person; a `StoreError` when no program is stored."""
    with store.read() as session:
        found = history_in(session, person_id=person_id)
    if found is None:
        raise StoreError(NO_PROGRAM)
    return found


def history_in(session: Session, *, person_id: int | None = None) -> History | None:
    """`history` in the caller's transaction; None when no program is stored."""
    journal = find_journal(session, person_id=person_id)
    if journal is None:
        return None
    person = journal.person_id
    revisions = tuple(repository.revisions(session, person_id=person))
    screenings = tuple(repository.screenings(session, person_id=person))
    questionnaires = tuple(repository.questionnaire_records(session, person_id=person))
    drafts = tuple(draft for _, draft in stored_drafts.drafts(session, person_id=person))
    corrected = {r.revision.day for r in revisions if r.revision.kind.value != "settings_changed"}
    sessions = tuple(
        LoggedSession(
            log=log,
            checkin=journal.checkins.get(log_id),
            decisions=tuple(journal.decisions_for(log_id)),
            corrected=log.date in corrected,
        )
        for log_id, log in journal.logs
    )
    program = tuple(r for r in journal.decisions if r.log_id is None)
    return History(sessions, screenings, questionnaires, revisions, drafts, program)


def logged_session(store: Store, *, day: date) -> LoggedSession | None:
    """The session logged on this day, with its check-in and decisions; None if there is none."""
    found = [s for s in history(store).sessions if s.log.date == day]
    return found[0] if found else None
