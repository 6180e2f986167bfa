"""The clinician's pages (clinic mode): a dashboard of the people they follow, each person's
page (plan, log, answers, charts, notes, audit trail), a change or hold of a prescription, and
the PDF report.

Only clinicians reach `/clinic` (`auth`), and only the people who chose to be followed by them
(`deps.FollowedDep`); every look at a person's data, and every change to it, is audited. The
rules live in `care` (the dashboard, a change), the writes in `journal`.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from backchain.care import dashboard as board
from backchain.care.accounts import LINK_LIFETIME
from backchain.care.changes import MAX_NOTE as MAX_CHANGE_NOTE
from backchain.errors import ProgramError
from backchain.exercises import load_catalogue
from backchain.journal import Journal, accounts, find_journal
from backchain.journal.care import change_prescription
from backchain.journal.history import history_in
from backchain.programs.ladder import is_loaded, ladder, rung
from backchain.programs.models import (
    MAX_REPS,
    MAX_SETS,
    Band,
    ExerciseState,
    Prescription,
)
from backchain.programs.tracking import adjusted
from backchain.reports import pdf, report_lines
from backchain.reports import progress_charts as arrange
from backchain.reports.progress_charts import Period
from backchain.store import Store, repository
from backchain.store import board as board_rows
from backchain.store import care as stored
from backchain.store.care import Account
from backchain.store.repository import NOBODY
from backchain.web.auth import AccountDep
from backchain.web.changeform import CHECKED, parse_change
from backchain.web.deps import DayDep, Followed, FollowedDep, StoreDep, audit
from backchain.web.errors import NotFoundError
from backchain.web.forms import Form, read_form
from backchain.web.plan import load_text
from backchain.web.progress import report_period, report_response
from backchain.web.templating import templates

__all__ = ["router"]

router = APIRouter(prefix="/clinic", tags=["clinic"])

FormDep = Annotated[Form, Depends(read_form)]
EVERYTHING = Period(date.min, date.max)  # the person's page shows all that is stored
NO_PROGRAM = "has not started a program yet"
MAX_SHOWN = 20  # characters of a bad query value repeated back: enough to recognise it
RECENT_SESSIONS = 6  # sessions shown open on a person's page: two weeks at three a week
# A change form sent back with its problems: (exercise id, values as typed, a line per field).
Posted = tuple[str, Mapping[str, object], Mapping[str, str]]


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


def _journal(session: Session, followed: Followed) -> Journal | None:
    # Never `find_journal(person_id=None)`: that is personal mode's person.
    if followed.person_id == NOBODY:
        return None
    return find_journal(session, person_id=followed.person_id)


def get_program(followed: FollowedDep, store: StoreDep) -> Journal:
    """The followed person's journal; "No program yet" (404) before they start one."""
    with store.read() as session:
        found = _journal(session, followed)
    if found is None:
        detail = f"{followed.account.name} {NO_PROGRAM}: there is nothing to change or report."
        raise NotFoundError(title="No program yet", detail=detail)
    return found


ProgramDep = Annotated[Journal, Depends(get_program)]


# -- the dashboard ----------------------------------------------------------------------------


def _training(session: Session, account_id: int) -> board.Training | None:
    """The dashboard's view of a person's program; None before they start one."""
    person_id = stored.person_of(session, account_id=account_id)
    state = None if person_id is None else find_journal(session, person_id=person_id)
    if state is None:
        return None
    screenings = repository.screenings(session, person_id=state.person_id)
    return board.Training(
        plan=state.plan,
        logs=state.logs,
        checkins=state.checkins,
        decisions=state.all_decisions,
        scores=repository.questionnaires(session, person_id=state.person_id),
        cleared=board.has_clearance([screening.answers for screening in screenings]),
    )


def _dashboard(
    request: Request,
    store: Store,
    clinician: Account,
    day: date,
    *,
    sort: str | None = None,
    status: str | None = None,
    invite_link: str | None = None,
) -> HTMLResponse:
    with store.read() as session:
        followed = [account for account, _ in stored.following(session, clinician_id=clinician.id)]
        found = board_rows.trainings(session, account_ids=[account.id for account in followed])
    people = [board.Person(account.id, account.name, found.get(account.id)) for account in followed]
    chosen_sort, chosen_status = board.parse_sort(sort), board.parse_status(status)
    context = {
        "active_page": "clinic",
        "rows": board.dashboard(people, today=day, sort=chosen_sort, status=chosen_status),
        "followed": len(people),
        "sort": chosen_sort,
        "sorts": list(board.Sort),
        "status": chosen_status,
        "statuses": list(board.Status),
        "reasons": list(board.Reason),
        "invite_link": invite_link,
        "link_days": LINK_LIFETIME.days,
    }
    return _page(request, "clinic_dashboard.html", context)


@router.get("", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    clinician: AccountDep,
    store: StoreDep,
    day: DayDep,
    sort: str | None = None,
    status: str | None = None,
) -> HTMLResponse:
    """One row per person followed; a `sort` or `status` outside the choices is the default."""
    return _dashboard(request, store, clinician, day, sort=sort, status=status)


@router.post("/invite", response_class=HTMLResponse)
def invite(request: Request, clinician: AccountDep, store: StoreDep, day: DayDep) -> HTMLResponse:
    """A one-time invitation, shown once: there is no mail server, the clinician hands it on."""
    token = accounts.invite_person(store, clinician=clinician, now=_now())
    link = f"{str(request.base_url).rstrip('/')}/welcome/{token}"
    return _dashboard(request, store, clinician, day, invite_link=link)


# -- a person's page --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExerciseView:
    """One exercise of the plan as the clinician sees it, with its change form."""

    exercise: str
    name: str
    version: str
    next_dose: Prescription | None  # in the next session that holds it; None once the plan is over
    load: str
    state: ExerciseState
    versions: list[tuple[str, str]]  # (id, name), easiest first
    loaded: bool  # some version takes a load
    values: Mapping[str, object]
    errors: Mapping[str, str] = field(default_factory=dict)


def _next_doses(state: Journal, day: date) -> dict[str, Prescription]:
    """Each exercise's prescription in the next session that holds it, as the person sees it."""
    catalogue, last, weeks = load_catalogue(), state.last_decisions(), len(state.plan.weeks)
    found: dict[str, Prescription] = {}
    for week in state.plan.weeks:
        for planned in week.sessions:
            if planned.date < day or planned.date in state.done:
                continue
            for p in adjusted(planned, week.phase, state.states, catalogue, last=last, weeks=weeks):
                found.setdefault(p.exercise, p)
            if len(found) == len(state.states):
                return found
    return found


def _span_text(span: tuple[float, float] | None) -> tuple[str, str]:
    return ("", "") if span is None else (f"{span[0]:g}", f"{span[1]:g}")


def _values(state: ExerciseState) -> dict[str, object]:
    """What a change form starts with: the version in use and the clinician's dose and hold in
    force (a change replaces them all); empty fields keep the app's own dose and the load."""
    reps, hold = _span_text(state.reps), _span_text(state.hold_s)
    return {
        "variation": state.variation,
        "sets": "" if state.sets is None else str(state.sets),
        "reps_low": reps[0],
        "reps_high": reps[1],
        "hold_low": hold[0],
        "hold_high": hold[1],
        "load": "",
        "held": state.held,
        "note": "",
    }


def _exercises(state: Journal, day: date, posted: Posted | None) -> list[ExerciseView]:
    catalogue, doses = load_catalogue(), _next_doses(state, day)
    views = []
    for exercise_id, current in state.states.items():
        exercise = catalogue.get(exercise_id)
        sent = posted if posted is not None and posted[0] == exercise_id else None
        views.append(
            ExerciseView(
                exercise=exercise_id,
                name=exercise.name,
                version=rung(exercise, current.variation).name,
                next_dose=doses.get(exercise_id),
                load=load_text(current.load),
                state=current,
                versions=[(r.id, r.name) for r in ladder(exercise)],
                loaded=any(is_loaded(r) for r in ladder(exercise)),
                values=_values(current) if sent is None else sent[1],
                errors={} if sent is None else sent[2],
            )
        )
    return views


def _person_context(
    session: Session, followed: Followed, day: date, posted: Posted | None
) -> dict[str, Any]:
    person = followed.account
    context: dict[str, Any] = {
        "active_page": "clinic",
        "person": person,
        "notes": stored.notes(session, person_id=person.id),
        "entries": stored.audit_entries(session, person_id=person.id),
        "state": None,
        "no_program": NO_PROGRAM,
    }
    state = _journal(session, followed)
    found = None if state is None else history_in(session, person_id=state.person_id)
    if state is None or found is None:
        return context
    catalogue = load_catalogue()
    weeks = arrange.plan_weeks(state, until=day)
    training = _training(session, person.id)
    return context | {
        "state": state,
        "row": board.dashboard_row(board.Person(person.id, person.name, training), today=day),
        "exercises": _exercises(state, day, posted),
        "sessions": [
            (s, report_lines.fault_lines([s.log], catalogue)) for s in reversed(found.sessions)
        ],
        "recent_sessions": RECENT_SESSIONS,
        "names": {e.id: e.name for e in catalogue},
        "screenings": [report_lines.screening_line(r) for r in reversed(found.screenings)],
        "questionnaires": list(reversed(found.questionnaires)),
        "disability": arrange.disability_charts(
            [(r.taken_on, r.score) for r in found.questionnaires]
        ),
        "pain": arrange.pain_chart(state),
        "adherence": arrange.adherence_chart(arrange.adherence(state, weeks)),
        "volume": arrange.volume_chart(state, weeks),
        "fault_chart": arrange.fault_chart(state),
        "faults": report_lines.fault_lines([log for _, log in state.logs], catalogue),
        "decisions": list(reversed(report_lines.decision_lines(state, EVERYTHING, catalogue))),
        "bands": [band.value for band in Band],
        "limits": {"sets": MAX_SETS, "reps": MAX_REPS},
        "report_start": state.plan.start,
        "report_end": max(day, state.plan.start),
    }


def _person_page(
    request: Request,
    store: Store,
    followed: Followed,
    day: date,
    *,
    posted: Posted | None = None,
    note_problem: str | None = None,
    note_values: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The page; with a change or a note sent back with its problems, a 422."""
    with store.read() as session:
        context = _person_context(session, followed, day, posted)
    changed = request.query_params.get("changed")
    context |= {
        "changed": next(
            (e.name for e in context.get("exercises", ()) if e.exercise == changed), None
        ),
        "noted": request.query_params.get("noted") == "1",
        "note_problem": note_problem,
        "note_values": note_values or {"text": "", "day": ""},
        "checked": CHECKED,
        "max_change_note": MAX_CHANGE_NOTE,
    }
    problem = posted is not None or note_problem is not None
    return _page(request, "clinic_person.html", context, 422 if problem else 200)


@router.get("/people/{account_id}", response_class=HTMLResponse)
def person_page(
    request: Request, followed: FollowedDep, clinician: AccountDep, store: StoreDep, day: DayDep
) -> HTMLResponse:
    page = _person_page(request, store, followed, day)
    audit(store, actor=clinician, person=followed.account, action="viewed", detail="their page")
    return page


# -- a change of prescription -----------------------------------------------------------------


@router.post("/people/{account_id}/changes", response_class=HTMLResponse)
def change(
    request: Request,
    followed: FollowedDep,
    state: ProgramDep,
    clinician: AccountDep,
    store: StoreDep,
    form: FormDep,
    day: DayDep,
) -> Response:
    """Change or hold one exercise's prescription; a form with a problem saves nothing (422)."""
    exercise_id = form.get("exercise")
    if exercise_id not in state.states:
        raise HTTPException(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            detail="That exercise is not in their plan, so nothing was changed; open their page again.",
        )
    values, found, errors = parse_change(form, load_catalogue().get(exercise_id))
    decision = None
    if found is not None:
        try:
            decision = change_prescription(
                store,
                person_id=followed.person_id,
                change=found,
                by=clinician.name,
                now=_now(),
                audited=(clinician.id, followed.account.id),
            )
        except ProgramError as error:  # e.g. a load for a version done without one
            errors["form"] = str(error)
    if decision is None:
        posted = (exercise_id, values, errors)
        return _person_page(request, store, followed, day, posted=posted)
    url = f"/clinic/people/{followed.account.id}?changed={exercise_id}#plan"
    return RedirectResponse(url, status_code=HTTPStatus.SEE_OTHER)


# -- notes and the report ---------------------------------------------------------------------


@router.post("/people/{account_id}/notes", response_class=HTMLResponse)
def write_note(
    request: Request,
    followed: FollowedDep,
    clinician: AccountDep,
    store: StoreDep,
    form: FormDep,
    day: DayDep,
) -> Response:
    """A note to the person about one logged session or the whole program (`add_note` audits it)."""
    text, day_text = form.get("text"), form.get("day").strip()
    with store.read() as session:
        state = _journal(session, followed)
    logged = {} if state is None else {log.date.isoformat(): log.date for _, log in state.logs}
    problem = None
    if day_text and day_text not in logged:
        problem = "Choose one of their sessions in the list, or the whole program."
    else:
        try:
            accounts.add_note(
                store,
                author=clinician,
                person=followed.account,
                text=text,
                day=logged.get(day_text),
                now=_now(),
            )
        except accounts.AccountError as error:
            problem = str(error)
    if problem is not None:
        values = {"text": text, "day": day_text}
        return _person_page(request, store, followed, day, note_problem=problem, note_values=values)
    url = f"/clinic/people/{followed.account.id}?noted=1#notes"
    return RedirectResponse(url, status_code=HTTPStatus.SEE_OTHER)


@router.get("/people/{account_id}/report.pdf", response_class=Response)
def report(
    followed: FollowedDep,
    state: ProgramDep,
    clinician: AccountDep,
    store: StoreDep,
    day: DayDep,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    """The person's PDF report: plan start to today unless the query names the days. A plain
    `def`: FastAPI runs it in the threadpool, so drawing the PDF never holds up the event loop."""
    period = report_period(start, end, plan_start=state.plan.start, today=day)
    with store.read() as session:
        data = pdf.build_report(
            session,
            person_id=followed.person_id,
            start=period.start,
            end=period.end,
            name=followed.account.name,
            made_on=day,
        )
    response = report_response(data)
    detail = f"The report of {period.start:%d %b %Y} to {period.end:%d %b %Y}"
    audit(
        store,
        actor=clinician,
        person=followed.account,
        action="downloaded the report",
        detail=detail,
    )
    return response
