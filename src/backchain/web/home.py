"""Today: the next session, the morning check-in and screening again (the questionnaire re-take
is in `questionnaires`).

Every decision comes from `journal` and the domain packages; these routes read forms and show results.
"""

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from backchain import journal, screening
from backchain.errors import BackchainError, PlanBlockedError, ProgramError
from backchain.exercises import load_catalogue
from backchain.outcomes import Measure, Score
from backchain.programs.models import CheckIn, Decision
from backchain.screening.startback import STARTBACK_PARAPHRASE
from backchain.store import drafts as stored_drafts
from backchain.store import repository
from backchain.web import forms
from backchain.web.clearance import ClearanceForm, clearance_form, read_clearance
from backchain.web.deps import JournalDep, PersonIdDep, SessionDep, StoreDep
from backchain.web.formatting import label
from backchain.web.learn import lesson_card
from backchain.web.onboarding import (
    FormDep,
    field,
    red_flags_from_form,
    startback_from_form,
    today_and_now,
)
from backchain.web.plan import clinician_changes, load_text, rows, version_name
from backchain.web.questionnaires import (
    WORDING_CHANGED,
    WORDING_FIELD,
    bothersome_choices,
    shown_wording,
    wording_changed,
)
from backchain.web.templating import templates

__all__ = ["router"]

router = APIRouter(tags=["today"])

# Asked for in the product brief: offer the disability questionnaire again about monthly.
RETAKE_AFTER_DAYS = 28
DISABILITY = (Measure.ODI, Measure.RMDQ)
COMPARED = [
    ("better", "Better than usual"),
    ("same", "About the same"),
    ("worse", "Worse than usual"),
]


@dataclass(frozen=True)
class DecisionRow:
    """A decision as shown: which exercise, what kind, the version next time, and why."""

    exercise: str
    kind: str
    next_time: str
    reason: str


def _decision_rows(decisions: list[Decision]) -> list[DecisionRow]:
    shown = []
    for d in decisions:
        name = "Whole program" if d.exercise is None else load_catalogue().get(d.exercise).name
        after = ""
        if d.exercise is not None and d.variation is not None:
            after = version_name(d.exercise, d.variation)
            after += f" · {load_text(d.load)}" if d.load else ""
        shown.append(DecisionRow(name, label(d.kind), after, d.reason))
    return shown


def _disability_scores(session: Session, person_id: int) -> list[tuple[date, Score]]:
    scores = repository.questionnaires(session, person_id=person_id)
    return [(day, score) for day, score in scores if score.measure in DISABILITY]


# -- home ----------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, person_id: PersonIdDep) -> HTMLResponse:
    """A welcome with a Start link, or today's session with whatever needs doing first."""
    day, _ = today_and_now()
    state = journal.find_journal(
        session, person_id=person_id
    )  # one load, in the request's one read transaction
    if state is None:
        return templates.TemplateResponse(request, "home_welcome.html", {})
    scores = _disability_scores(session, state.person_id)
    draft = stored_drafts.draft(session, person_id=state.person_id, day=day)
    view = journal.today_in(state, day=day, draft=draft)
    retake_due = bool(scores) and (day - scores[-1][0]).days >= RETAKE_AFTER_DAYS
    context = {
        "view": view,
        "rows": rows(view.prescriptions, view.loads, clinician_changes(state)),
        "desk_break": None if view.desk_break is None else rows(view.desk_break.exercises),
        "retake_due": retake_due,
        "last_taken": scores[-1][0] if scores else None,
        "lesson_card": lesson_card(view.plan_start, day),
    }
    return templates.TemplateResponse(request, "home.html", context)


# -- the next-morning check-in ---------------------------------------------------------------


@router.get("/checkin", response_class=HTMLResponse)
def checkin_form(request: Request, state: JournalDep) -> HTMLResponse:
    due = state.checkin_due(today_and_now()[0]) is not None
    return _checkin_page(request, {}, {}, due=due)


def _checkin_page(
    request: Request,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    due: bool = True,
    problem: str | None = None,
    decisions: list[DecisionRow] | None = None,
) -> HTMLResponse:
    context = {
        "values": values,
        "errors": errors,
        "due": due,
        "problem": problem,
        "decisions": decisions,
        "compared": COMPARED,
    }
    return templates.TemplateResponse(request, "checkin.html", context)


@router.post("/checkin", response_class=HTMLResponse)
def checkin_submit(
    request: Request, form: FormDep, store: StoreDep, state: JournalDep
) -> HTMLResponse:
    """Record how the back feels this morning; the journal decides what the next session holds."""
    values = {name: field(form, name) for name in ("pain", "compared", "new_red_flags")}
    errors = {}
    if values["pain"] not in {str(n) for n in range(11)}:
        errors["pain"] = "Choose your pain this morning, from 0 to 10."
    if values["compared"] not in {value for value, _ in COMPARED}:
        errors["compared"] = "Choose better, about the same or worse."
    if values["new_red_flags"] not in {"yes", "no"}:
        errors["new_red_flags"] = "Please answer yes or no."
    if errors:
        return _checkin_page(request, values, errors)
    try:
        checkin = CheckIn.model_validate(
            {
                "date": today_and_now()[0],
                "pain": int(values["pain"]),
                "compared": values["compared"],
                "new_red_flags": values["new_red_flags"] == "yes",
            }
        )
        decisions = journal.check_in(store, checkin=checkin, person_id=state.person_id)
    except (ProgramError, ValidationError) as error:
        return _checkin_page(request, values, {}, problem=_calm(error))
    return _checkin_page(request, values, {}, decisions=_decision_rows(decisions))


def _calm(error: Exception) -> str:
    if isinstance(error, ProgramError):
        return str(error)
    return "Backchain could not read that check-in; please try again."


# -- screening again after a pause -----------------------------------------------------------


@router.get("/checkin/screen", response_class=HTMLResponse)
def screen_form(request: Request, state: JournalDep) -> HTMLResponse:
    return _screen_page(request, {}, {})


def _screen_page(request: Request, answers: dict[str, str], errors: dict[str, str]) -> HTMLResponse:
    shown = shown_wording(STARTBACK_PARAPHRASE)
    context = {
        "flags": screening.RED_FLAGS,
        "shown": shown,
        "bothersome": bothersome_choices(shown.wording),
        "answers": answers,
        "errors": errors,
    }
    return templates.TemplateResponse(request, "checkin_screen.html", context)


@router.post("/checkin/screen", response_class=HTMLResponse)
def screen_submit(request: Request, form: FormDep, store: StoreDep, state: JournalDep) -> Response:
    """Answer the safety questions again; training resumes only when they are clear, or when a
    clinician has cleared the "see a clinician" signs (asked again at every re-screen)."""
    typed, flags, flag_errors = red_flags_from_form(form)
    typed_items, items, item_errors = startback_from_form(form)
    errors = {**flag_errors, **item_errors}
    wording = shown_wording(STARTBACK_PARAPHRASE).wording
    if wording_changed(form, wording):
        errors[WORDING_FIELD.format(wording.questionnaire.value)] = WORDING_CHANGED
    if errors:
        return _screen_page(request, {**typed, **typed_items}, errors)
    answers = {"red_flags": flags, "startback": items, "age": state.profile.age}
    return _resume(request, store, state, answers, wording.name, clearance=None)


@router.post("/checkin/screen/clearance", response_class=HTMLResponse)
def screen_clearance(
    request: Request, form: FormDep, store: StoreDep, state: JournalDep
) -> Response:
    """The clearance form on the paused page: the answers come back signed, as this server sent
    them, and are checked again; anything else asks the safety questions afresh."""
    answers = forms.carried(request, field(form, "answers"))
    try:
        parsed = screening.parse_answers(answers)
    except BackchainError:
        return _screen_page(request, {}, {})
    assert isinstance(answers, dict)  # parse_answers accepts nothing else
    answers = {k: v for k, v in answers.items() if k != "clearance"}
    # The wording in force now, not a name sent back by the browser.
    wording = shown_wording(STARTBACK_PARAPHRASE).wording.name
    day = today_and_now()[0]
    raised = screening.raised_flags(parsed.red_flags, age=parsed.age)
    if not raised:  # nothing to clear
        return _resume(request, store, state, answers, wording, clearance=None)
    if clearance_form(raised, day) is None:  # an urgent sign is never cleared here
        return _paused(request, answers, None)
    clearance, shown = read_clearance(form, raised, day)
    if clearance is None:
        return _paused(request, answers, shown)
    return _resume(request, store, state, answers, wording, clearance=clearance)


def _resume(
    request: Request,
    store: StoreDep,
    state: journal.Journal,
    answers: dict[str, object],
    wording: str,
    *,
    clearance: dict[str, object] | None,
) -> Response:
    """Screen again with these answers; resumed, or the paused page with what to do."""
    day, now = today_and_now()
    full = answers if clearance is None else {**answers, "clearance": clearance}
    try:
        result = journal.resume(
            store, answers=full, day=day, now=now, wording=wording, person_id=state.person_id
        )
    except PlanBlockedError:
        parsed = screening.parse_answers(answers)
        raised = screening.raised_flags(parsed.red_flags, age=parsed.age)
        return _paused(request, answers, clearance_form(raised, day))
    context = {"message": result.message}
    return templates.TemplateResponse(request, "checkin_resumed.html", context)


def _paused(
    request: Request, answers: dict[str, object], clearance: ClearanceForm | None
) -> HTMLResponse:
    blocked = screening.screen(screening.parse_answers(answers))
    context = {
        "urgent": blocked.verdict is screening.Verdict.URGENT,
        "message": blocked.message,
        "reasons": list(blocked.reasons[: len(blocked.flags)]),  # the flags' own, not STarT Back's
        "clearance": clearance,
        "answers": forms.signed(request, answers),
    }
    return templates.TemplateResponse(request, "checkin_paused.html", context)
