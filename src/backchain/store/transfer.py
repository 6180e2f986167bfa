"""Export everything to one JSON-ready document, and import such a document back.

`export -> import into an empty database -> export` gives the same document: entries carry no
database ids, and everything is written and read in a fixed order. An import checks the whole
document before it writes anything — its JSON read strictly, its values against the export
schema, its exercise ids against the catalogue — so a refused import changes nothing.
"""

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backchain.datafile import strict_json
from backchain.errors import ImportRefusedError
from backchain.programs.models import Decision, Plan, Profile, SessionDraft, SessionLog
from backchain.store import drafts as stored_drafts
from backchain.store import repository
from backchain.store.known_ids import check_exercises
from backchain.store.mapping import (
    checkin_from_row,
    checkin_row,
    decision_from_row,
    decision_row,
    log_from_row,
    log_row,
    plan_from_row,
    plan_row,
)
from backchain.store.models import (
    CheckInRow,
    DecisionRow,
    PersonRow,
    PlanRow,
    QuestionnaireRow,
    ScreeningRow,
    SessionLogRow,
)
from backchain.store.repository import LOG_TREE, PLAN_TREE
from backchain.store.schema import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    DecisionEntry,
    DraftEntry,
    ExportFile,
    LogReference,
    PersonEntry,
    PlanEntry,
    QuestionnaireEntry,
    RevisionEntry,
    ScreeningEntry,
    SessionLogEntry,
)

__all__ = ["EXPORT_FORMAT", "EXPORT_VERSION", "export_data", "import_data", "parse_export"]

_Domain = TypeVar("_Domain", bound=BaseModel)


def export_data(session: Session, *, account_id: int | None = None) -> dict[str, Any]:
    """Every person of the account (personal mode: None) with all their data, as plain JSON
    values (dates as ISO strings)."""
    people = session.scalars(
        select(PersonRow).where(repository.owned_by(account_id)).order_by(PersonRow.id)
    )
    document = ExportFile(
        format=EXPORT_FORMAT,
        version=EXPORT_VERSION,
        people=[_person_entry(session, person) for person in people],
    )
    return document.model_dump(mode="json")


def _person_entry(session: Session, person: PersonRow) -> PersonEntry:
    logs = list(
        session.scalars(
            select(SessionLogRow)
            .where(SessionLogRow.person_id == person.id)
            .order_by(SessionLogRow.date, SessionLogRow.id)
            .options(*LOG_TREE)
        )
    )
    return PersonEntry(
        created_at=person.created_at,
        profile=Profile.model_validate(person.profile),
        screenings=[
            ScreeningEntry(
                taken_at=row.taken_at, verdict=row.verdict, answers=row.answers, wording=row.wording
            )
            for row in session.scalars(
                select(ScreeningRow)
                .where(ScreeningRow.person_id == person.id)
                .order_by(ScreeningRow.taken_at, ScreeningRow.id)
            )
        ],
        questionnaires=[
            _questionnaire_entry(row)
            for row in session.scalars(
                select(QuestionnaireRow)
                .where(QuestionnaireRow.person_id == person.id)
                .order_by(QuestionnaireRow.taken_on, QuestionnaireRow.id)
            )
        ],
        plans=_plan_entries(session, person.id),
        session_logs=_log_entries(session, person.id, logs),
        decisions=_decision_entries(session, person.id, logs),
        drafts=[
            _extend(DraftEntry, draft, started_at=started_at)
            for started_at, draft in stored_drafts.drafts(session, person_id=person.id)
        ],
        revisions=[
            _extend(RevisionEntry, record.revision, made_at=record.made_at)
            for record in repository.revisions(session, person_id=person.id)
        ],
    )


def _plan_entries(session: Session, person_id: int) -> list[PlanEntry]:
    rows = session.scalars(
        select(PlanRow)
        .where(PlanRow.person_id == person_id)
        .order_by(PlanRow.id)
        .options(PLAN_TREE)
    )
    return [
        _extend(PlanEntry, plan_from_row(row), created_at=row.created_at, superseded=row.superseded)
        for row in rows
    ]


def _log_entries(
    session: Session, person_id: int, logs: list[SessionLogRow]
) -> list[SessionLogEntry]:
    checkins = session.scalars(
        select(CheckInRow).join(SessionLogRow).where(SessionLogRow.person_id == person_id)
    )
    by_log = {row.session_log_id: checkin_from_row(row) for row in checkins}
    return [
        _extend(
            SessionLogEntry, log_from_row(row), logged_at=row.logged_at, checkin=by_log.get(row.id)
        )
        for row in logs
    ]


def _decision_entries(
    session: Session, person_id: int, logs: list[SessionLogRow]
) -> list[DecisionEntry]:
    """Decisions point at their session log by its place in `logs`, not by database id."""
    references = {log.id: LogReference(index=i, date=log.date) for i, log in enumerate(logs)}
    rows = session.scalars(
        select(DecisionRow)
        .where(DecisionRow.person_id == person_id)
        .order_by(DecisionRow.batch, DecisionRow.position, DecisionRow.id)
    )
    return [
        _extend(
            DecisionEntry,
            decision_from_row(row),
            session_log=None if row.session_log_id is None else references[row.session_log_id],
            decided_on=row.decided_on,
        )
        for row in rows
    ]


def _questionnaire_entry(row: QuestionnaireRow) -> QuestionnaireEntry:
    return QuestionnaireEntry(
        taken_on=row.taken_on,
        measure=row.measure,
        score=row.score,
        band=row.band,
        answered=row.answered,
        answers=row.answers,
        wording=row.wording,
    )


def _extend(entry: type[_Domain], value: BaseModel, **extra: object) -> _Domain:
    """An export entry: the domain value's fields plus the stored extras."""
    return entry.model_validate({**dict(value), **extra})


def _domain(model: type[_Domain], entry: BaseModel) -> _Domain:
    """The domain value inside an export entry, without the entry's extra fields."""
    return model.model_validate({name: getattr(entry, name) for name in model.model_fields})


def parse_export(data: str | bytes) -> object:
    """The JSON in an export file, read strictly (`datafile.strict_json`): a key given twice, a
    NaN, a number too long or nesting too deep is refused with where it is, not guessed at."""
    return strict_json(data, refuse=_refused)


def _refused(problem: str) -> ImportRefusedError:
    return ImportRefusedError(f"Cannot import: {problem}; nothing was changed.")


def import_data(
    session: Session, data: object, *, replace: bool = False, account_id: int | None = None
) -> None:
    """Store an exported document as the account's people (personal mode: None); refused
    (changing nothing) when it is invalid or the account already has people, unless `replace`
    is set, which deletes them first. Nobody else's data is touched."""
    document = _validated(data)
    check_exercises(document)
    owner = repository.owned_by(account_id)
    people = session.scalar(select(func.count()).select_from(PersonRow).where(owner)) or 0
    if people and not replace:
        raise ImportRefusedError(
            f"Cannot import: the database already holds {people} "
            f"{'person' if people == 1 else 'people'}; import again with --replace to overwrite "
            "them (export them first to keep a copy). Nothing was changed."
        )
    if people:
        repository.delete_people(session, account_id=account_id)
    for person in document.people:
        _import_person(session, person, account_id)
    session.flush()


def _validated(data: object) -> ExportFile:
    if not isinstance(data, dict):
        raise ImportRefusedError(
            "Cannot import: this is not a Backchain export (expected a JSON object with "
            f'"format": "{EXPORT_FORMAT}"); nothing was changed.'
        )
    if data.get("format") != EXPORT_FORMAT:
        found = json.dumps(data.get("format"))[:60]
        raise ImportRefusedError(
            f'Cannot import: this is not a Backchain export ("format" is {found}, expected '
            f'"{EXPORT_FORMAT}"); nothing was changed.'
        )
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > EXPORT_VERSION:
        raise ImportRefusedError(
            f"Cannot import: this file was written by a newer Backchain (format version {version}); "
            "update Backchain to import it."
        )
    try:
        return ExportFile.model_validate(data)
    except ValidationError as error:
        raise ImportRefusedError(_one_line(error)) from None


def _one_line(error: ValidationError) -> str:
    first = error.errors(include_url=False, include_input=False)[0]
    more = error.error_count() - 1
    extra = f" (and {more} more {'problem' if more == 1 else 'problems'})" if more else ""
    message = f"Cannot import: {_where(first)}{first['msg']}{extra}; nothing was changed."
    return " ".join(message.split())  # a field name from the file may hold a line break


def _where(detail: ErrorDetails) -> str:
    path = ""
    for part in detail["loc"]:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return f"{path}: " if path else ""


def _import_person(session: Session, entry: PersonEntry, account_id: int | None) -> None:
    person = PersonRow(
        created_at=entry.created_at,
        profile=entry.profile.model_dump(mode="json"),
        account_id=account_id,
    )
    session.add(person)
    session.flush()
    session.add_all(
        ScreeningRow(
            person_id=person.id,
            taken_at=screening.taken_at,
            verdict=screening.verdict.value,
            answers=screening.answers,
            wording=screening.wording,
        )
        for screening in entry.screenings
    )
    session.add_all(
        QuestionnaireRow(
            person_id=person.id,
            taken_on=questionnaire.taken_on,
            measure=questionnaire.measure.value,
            score=questionnaire.score,
            band=questionnaire.band,
            answered=questionnaire.answered,
            answers=questionnaire.answers,
            wording=questionnaire.wording,
        )
        for questionnaire in entry.questionnaires
    )
    for plan in entry.plans:
        row = plan_row(_domain(Plan, plan), person_id=person.id, created_at=plan.created_at)
        row.superseded = plan.superseded
        session.add(row)
    log_ids = [_import_log(session, person.id, log) for log in entry.session_logs]
    _import_decisions(session, person.id, entry.decisions, log_ids)
    for draft in entry.drafts:
        _import_draft(session, person.id, draft)
    for revision in entry.revisions:
        repository.add_revision(
            session, person_id=person.id, made_at=revision.made_at, revision=revision
        )
    session.flush()


def _import_draft(session: Session, person_id: int, entry: DraftEntry) -> None:
    draft = _domain(SessionDraft, entry)
    for exercise in draft.exercises:
        for logged in exercise.sets:
            stored_drafts.add_draft_set(
                session,
                person_id=person_id,
                day=draft.date,
                exercise=exercise.exercise,
                variation=exercise.variation,
                logged=logged,
                now=entry.started_at,
            )
    for skip in draft.skipped:
        stored_drafts.set_draft_skip(
            session,
            person_id=person_id,
            day=draft.date,
            exercise=skip.exercise,
            reason=skip.reason,
            now=entry.started_at,
        )


def _import_log(session: Session, person_id: int, entry: SessionLogEntry) -> int:
    row = log_row(_domain(SessionLog, entry), person_id=person_id, logged_at=entry.logged_at)
    session.add(row)
    session.flush()
    if entry.checkin is not None:
        session.add(checkin_row(entry.checkin, log_id=row.id))
    return row.id


def _import_decisions(
    session: Session, person_id: int, entries: list[DecisionEntry], log_ids: list[int]
) -> None:
    # Entries come in the order they apply; the decisions made together (one log's, or one
    # program-level change's) are consecutive and share a batch, as the repository stores them.
    batch, position, last = 0, 0, None
    for entry in entries:
        log_id = None if entry.session_log is None else log_ids[entry.session_log.index]
        if (log_id, entry.decided_on) != last:
            batch, position, last = batch + 1, 0, (log_id, entry.decided_on)
        session.add(
            decision_row(
                _domain(Decision, entry),
                person_id=person_id,
                log_id=log_id,
                decided_on=entry.decided_on,
                batch=batch,
                position=position,
            )
        )
        position += 1
