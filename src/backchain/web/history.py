"""The history: every session and check-in with a page each, and corrections to a logged session.

A correction goes through `journal.corrections`: it is recorded, and the decisions that depended
on the session are made again.
"""

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from backchain import screening
from backchain.errors import BackchainError, ScreeningError
from backchain.exercises import load_catalogue
from backchain.journal import corrections
from backchain.journal.history import History, LoggedSession, history_in
from backchain.outcomes.models import PARAPHRASE_WORDING
from backchain.programs.ladder import rung
from backchain.programs.models import ExerciseLog, SetLog
from backchain.store import repository
from backchain.web.deps import PersonIdDep, StoreDep
from backchain.web.errors import NotFoundError
from backchain.web.plan import load_text as load_label
from backchain.web.session import decision_rows
from backchain.web.setform import (
    BANDS,
    PAIN_CHOICES,
    RPE_CHOICES,
    Form,
    SetFields,
    parse_set,
    read_form,
    set_values,
)
from backchain.web.templating import templates

__all__ = ["router"]

router = APIRouter(prefix="/history", tags=["history"])

FormDep = Annotated[Form, Depends(read_form)]
CONFIRM_REMOVE = "yes"  # the checkbox value that confirms removing a whole session


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def get_history(store: StoreDep, person: PersonIdDep) -> History:
    """Everything stored, read once for the request in a transaction of its own (ended before a
    correction writes); only an absent program is "No program yet"."""
    with store.read() as session:
        found = history_in(session, person_id=person)
    if found is None:
        raise NotFoundError(
            title="No program yet",
            detail="There is no history yet: start a program from the Today page.",
        )
    return found


HistoryDep = Annotated[History, Depends(get_history)]


@router.get("", response_class=HTMLResponse)
def history_page(request: Request, found: HistoryDep) -> HTMLResponse:
    """Every session, check-in, screening, questionnaire and correction, newest first."""
    context = {
        "found": found,
        "paraphrase": PARAPHRASE_WORDING,
        "sessions": list(reversed(found.sessions)),
        "screenings": [(record, _screening_text(record)) for record in reversed(found.screenings)],
        "today": date.today(),
    }
    return templates.TemplateResponse(request, "history.html", context)


# A stored screening's verdict in the person's words; only "proceed" starts or resumes training.
VERDICT_WORDS = {
    screening.Verdict.PROCEED: "clear to train",
    screening.Verdict.SEE_CLINICIAN: "see a clinician first",
    screening.Verdict.URGENT: "get medical help the same day",
}


def _screening_text(record: repository.ScreeningRecord) -> str:
    """What a screening found, and the clearance kept with it, if any."""
    try:
        verdict = VERDICT_WORDS[screening.Verdict(record.verdict)]
    except ValueError:
        verdict = record.verdict
    cleared = _clearance_text(record.answers)
    return verdict if cleared is None else f"{verdict}; {cleared}"


def _clearance_text(answers: Mapping[str, object]) -> str | None:
    """The clearance kept with a screening, in words: who, when, and which signs."""
    raw = answers.get("clearance")
    if raw is None:
        return None
    try:
        cleared = screening.parse_clearance(raw)
    except ScreeningError:  # stored before the rules changed: show it, never fail the page
        return "a clinician's clearance was recorded"
    who = f"a clinician ({cleared.by})" if cleared.by else "a clinician"
    signs = "; ".join(_flag_reason(flag_id).lower() for flag_id in cleared.flags)
    return f"{who} cleared you to exercise on {cleared.date:%d %b %Y} ({signs})"


def _flag_reason(flag_id: str) -> str:
    flag = screening.red_flag(flag_id)
    return flag_id if flag is None else flag.reason


def _session(found: History, day: date) -> LoggedSession:
    for logged in found.sessions:
        if logged.log.date == day:
            return logged
    raise NotFoundError(
        title="No session that day",
        detail=f"Nothing is logged for {day:%A %d %B %Y}; the history lists every session.",
    )


@router.get("/{day}", response_class=HTMLResponse)
def session_page(request: Request, day: date, found: HistoryDep) -> HTMLResponse:
    """One logged session: its sets (each can be corrected), check-in, decisions, corrections."""
    return _render_session(request, found, day)


def _render_session(
    request: Request, found: History, day: date, remove_error: str | None = None
) -> HTMLResponse:
    logged = _session(found, day)
    catalogue = load_catalogue()
    context = {
        "logged": logged,
        "names": {e.exercise: catalogue.get(e.exercise).name for e in logged.log.exercises},
        "skipped_names": {s.exercise: catalogue.get(s.exercise).name for s in logged.log.skipped},
        "rows": decision_rows(list(logged.decisions)),
        "revisions": [r for r in found.revisions if r.revision.day == day],
        "confirm": CONFIRM_REMOVE,
        "remove_error": remove_error,
        "load_text": load_label,
    }
    status = 422 if remove_error else 200
    return templates.TemplateResponse(request, "history_session.html", context, status_code=status)


def _logged_set(found: History, day: date, exercise: str, k: int) -> tuple[ExerciseLog, SetLog]:
    logged = _session(found, day)
    entry = next((e for e in logged.log.exercises if e.exercise == exercise), None)
    if entry is None or not 1 <= k <= len(entry.sets):
        raise NotFoundError(
            title="No such set",
            detail=f"The session of {day:%d %B %Y} has no set {k} of that exercise.",
        )
    return entry, entry.sets[k - 1]


def _fields(entry: ExerciseLog) -> SetFields:
    exercise = load_catalogue().get(entry.exercise)
    return SetFields.of(exercise, rung(exercise, entry.variation))


def _render_edit(
    request: Request,
    day: date,
    entry: ExerciseLog,
    k: int,
    values: Mapping[str, object],
    errors: Mapping[str, str],
) -> HTMLResponse:
    name = rung(load_catalogue().get(entry.exercise), entry.variation).name
    base = f"/history/{day.isoformat()}/{entry.exercise}/{k}"
    context = {
        "title": f"Set {k} of {name}, {day:%d %B}",
        "back": f"/history/{day.isoformat()}",
        "back_text": f"← The session of {day:%A %d %B}",
        "action": base,
        "delete_action": f"{base}/delete",
        "fields": _fields(entry),
        "values": values,
        "errors": errors,
        "note": "The correction is recorded in your history, and the decisions that followed "
        "this session are made again.",
        "rpe_choices": RPE_CHOICES,
        "pain_choices": PAIN_CHOICES,
        "bands": BANDS,
    }
    status = 422 if errors else 200
    return templates.TemplateResponse(request, "set_edit.html", context, status_code=status)


@router.get("/{day}/{exercise}/{k}", response_class=HTMLResponse)
def edit_form(
    request: Request, day: date, exercise: str, k: int, found: HistoryDep
) -> HTMLResponse:
    entry, the_set = _logged_set(found, day, exercise, k)
    return _render_edit(request, day, entry, k, set_values(the_set), {})


@router.post("/{day}/{exercise}/{k}", response_class=HTMLResponse)
def edit(
    request: Request,
    day: date,
    exercise: str,
    k: int,
    form: FormDep,
    store: StoreDep,
    found: HistoryDep,
    person: PersonIdDep,
) -> Response:
    """Correct a logged set; the decisions from this session on are made again."""
    entry, _ = _logged_set(found, day, exercise, k)
    values, the_set, errors = parse_set(_fields(entry), form)
    if the_set is None:
        return _render_edit(request, day, entry, k, values, errors)
    try:
        corrections.change_set(
            store,
            day=day,
            exercise=exercise,
            number=k,
            logged=the_set,
            now=_now(),
            person_id=person,
        )
    except BackchainError as error:
        return _render_edit(request, day, entry, k, values, {"reps": str(error)})
    return RedirectResponse(f"/history/{day.isoformat()}#decisions", status_code=303)


@router.post("/{day}/{exercise}/{k}/delete")
def delete_set(
    day: date, exercise: str, k: int, store: StoreDep, found: HistoryDep, person: PersonIdDep
) -> RedirectResponse:
    _logged_set(found, day, exercise, k)
    corrections.remove_set(
        store, day=day, exercise=exercise, number=k, now=_now(), person_id=person
    )
    return RedirectResponse(f"/history/{day.isoformat()}#decisions", status_code=303)


@router.post("/{day}/delete", response_class=HTMLResponse)
def delete_session(
    request: Request,
    day: date,
    form: FormDep,
    store: StoreDep,
    found: HistoryDep,
    person: PersonIdDep,
) -> Response:
    """Remove a whole session, once the person has ticked the confirmation."""
    _session(found, day)
    if form.get("confirm") != CONFIRM_REMOVE:
        error = "Tick the box to confirm that this whole session should be removed."
        return _render_session(request, found, day, remove_error=error)
    corrections.remove_session(store, day=day, now=_now(), person_id=person)
    return RedirectResponse("/history", status_code=303)
