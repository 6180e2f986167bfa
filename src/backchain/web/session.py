"""The guided session: one exercise at a time, set logging, corrections, skips, and finishing.

Every set is saved in the database as it is logged (`journal.drafts`), so a closed tab or a
restarted server loses nothing; "Finish" turns the stored draft into the day's log. A day whose
session is saved shows what was logged and is never offered again. Every rule (what is planned,
what changes next) stays in the journal.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from backchain import journal
from backchain.errors import BackchainError, ProgramError, StoreError
from backchain.exercises import Exercise, load_catalogue
from backchain.journal import drafts
from backchain.programs.ladder import Rung, rung
from backchain.programs.models import Decision, Load, Prescription, SessionDraft, SetLog
from backchain.store import Store
from backchain.web.deps import DayDep, PersonIdDep, StoreDep
from backchain.web.errors import NotFoundError
from backchain.web.plan import load_text as load_label
from backchain.web.setform import (
    BANDS,
    PAIN_CHOICES,
    RPE_CHOICES,
    Form,
    SetFields,
    load_text,
    parse_set,
    read_form,
    set_values,
    whole,
)
from backchain.web.templating import templates

__all__ = ["decision_rows", "router"]

router = APIRouter(prefix="/session", tags=["session"])

GET_READY_S = 5  # seconds to get into position before a set or a hold
MAX_NOTES = 5000  # characters, as SessionLog allows
MAX_SKIP_REASON = 500  # characters, as Skip allows
NO_SESSION = "No session open today"
NO_PROGRAM = "There is no plan yet: start a program from the Today page."


FormDep = Annotated[Form, Depends(read_form)]


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Step:
    """One exercise of the day's session, as the guided pages show it."""

    number: int
    prescription: Prescription
    exercise: Exercise
    version: Rung
    fields: SetFields
    load: Load | None

    @property
    def loaded(self) -> bool:
        return self.fields.loaded


@dataclass(frozen=True)
class DraftView:
    """The stored draft as the templates read it: sets and skip reasons by exercise id."""

    sets: Mapping[str, tuple[SetLog, ...]]
    skipped: Mapping[str, str]

    @classmethod
    def of(cls, draft: SessionDraft) -> "DraftView":
        return cls(
            sets={e.exercise: e.sets for e in draft.exercises},
            skipped={s.exercise: s.reason for s in draft.skipped},
        )


def _steps(store: Store, day: date, person: int | None) -> tuple[journal.ToLog, list[Step]]:
    with _open_day(store, person):
        found = journal.to_log(store, day=day, person_id=person)
    return found, _steps_of(found.prescriptions, found.loads)


@contextmanager
def _open_day(store: Store, person: int | None) -> Iterator[None]:
    """A day with no session to open — no program, a rest day, a plan done, a session saved
    meanwhile — is "not found", with the journal's reason; a database that fails says so itself."""
    try:
        yield
    except ProgramError as error:
        raise NotFoundError(title=NO_SESSION, detail=str(error)) from None
    except StoreError:
        with store.read() as session:
            if journal.find_journal(session, person_id=person) is not None:
                raise
        raise NotFoundError(title=NO_SESSION, detail=NO_PROGRAM) from None


def _steps_of(
    prescriptions: tuple[Prescription, ...], loads: Mapping[str, Load | None]
) -> list[Step]:
    catalogue = load_catalogue()
    steps = []
    for number, p in enumerate(prescriptions, start=1):
        exercise = catalogue.get(p.exercise)
        version = rung(exercise, p.variation)
        fields = SetFields.of(exercise, version)
        steps.append(Step(number, p, exercise, version, fields, loads.get(p.exercise)))
    return steps


@router.get("", response_class=HTMLResponse)
def overview(request: Request, store: StoreDep, day: DayDep, person: PersonIdDep) -> Response:
    """The day's session and how far it has got; what was saved, once it is; or why there is none."""
    try:
        view = journal.today(store, day=day, person_id=person)
        steps: list[Step] = []
        draft = DraftView({}, {})
        if view.pause is None and view.draft is not None:  # the day's session is open
            steps = _steps_of(view.prescriptions, view.loads)
            draft = DraftView.of(view.draft)
    except BackchainError as error:
        context: dict[str, object] = {"problem": str(error)}
        return templates.TemplateResponse(request, "session_none.html", context)
    context = {
        "view": view,
        "steps": steps,
        "draft": draft,
        "day": day,
        "load_text": load_label,
    }
    return templates.TemplateResponse(request, "session.html", context)


def _step(store: Store, day: date, n: int, person: int | None) -> tuple[Step, int, DraftView]:
    """Exercise `n` of the day's session, how many there are, and the sets saved so far."""
    found, steps = _steps(store, day, person)
    if found.pause is not None or found.logged is not None or not 1 <= n <= len(steps):
        raise NotFoundError(
            title="No such exercise today",
            detail="This exercise is not open today; start again from the session page.",
        )
    return steps[n - 1], len(steps), DraftView.of(found.draft)


def _render_step(
    request: Request,
    step: Step,
    total: int,
    draft: DraftView,
    values: Mapping[str, object],
    errors: Mapping[str, str],
    *,
    rested: bool = False,
    problem: str | None = None,
) -> HTMLResponse:
    context = {
        "step": step,
        "total": total,
        "logged": draft.sets.get(step.prescription.exercise, ()),
        "skip_reason": draft.skipped.get(step.prescription.exercise),
        "values": values,
        "errors": errors,
        "problem": problem,
        "rest_now": rested,
        "get_ready_s": GET_READY_S,
        **_choices(),
    }
    status = 422 if errors or problem else 200
    return templates.TemplateResponse(request, "session_step.html", context, status_code=status)


def _choices() -> dict[str, object]:
    return {"rpe_choices": RPE_CHOICES, "pain_choices": PAIN_CHOICES, "bands": BANDS}


def _start_values(step: Step, draft: DraftView, query: Mapping[str, str]) -> dict[str, object]:
    """What the set form starts with: the query (e.g. from the video coach), else the target."""
    p = step.prescription
    earlier = draft.sets.get(p.exercise, ())
    values: dict[str, object] = {
        "reps": "" if p.reps is None else str(p.reps[0]),
        "hold_s": "" if p.hold_s is None else f"{p.hold_s[0]:g}",
        "load": load_text(earlier[-1].load if earlier else step.load),
        "rpe": "",
        "pain": "",
        "faults": [],
    }
    for name, given in (
        ("reps", "reps"),
        ("hold_s", "hold_s"),
        ("hold_s", "hold"),
        ("load", "load"),
    ):
        if query.get(given):
            values[name] = query[given]
    if query.get("faults"):
        known = {f.id for f in step.exercise.faults}
        values["faults"] = [f for f in query["faults"].split(",") if f in known]
    return values


# -- finishing --------------------------------------------------------------------------------


@router.get("/finish", response_class=HTMLResponse)
def finish_form(request: Request, store: StoreDep, day: DayDep, person: PersonIdDep) -> Response:
    """Pain after and notes; lists what will be recorded as not reached."""
    return _render_finish(request, store, day, person, {"pain_after": "", "notes": ""}, {})


def _render_finish(
    request: Request,
    store: Store,
    day: date,
    person: int | None,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    problem: str | None = None,
) -> Response:
    found, steps = _steps(store, day, person)
    if found.pause is not None or found.logged is not None:
        return RedirectResponse("/session", status_code=303)
    context = {
        "steps": steps,
        "draft": DraftView.of(found.draft),
        "values": values,
        "errors": errors,
        "problem": problem,
        "pain_choices": PAIN_CHOICES,
    }
    status = 422 if errors or problem else 200
    return templates.TemplateResponse(request, "session_finish.html", context, status_code=status)


@router.post("/finish", response_class=HTMLResponse)
def finish(
    request: Request, form: FormDep, store: StoreDep, day: DayDep, person: PersonIdDep
) -> Response:
    """Save the session through the journal and show the progression engine's decisions."""
    values = {"pain_after": form.get("pain_after"), "notes": form.get("notes")}
    errors: dict[str, str] = {}
    pain_after = whole(values["pain_after"], 0, 10, errors, "pain_after")
    if len(values["notes"]) > MAX_NOTES:
        errors["notes"] = f"Please keep notes under {MAX_NOTES} characters."
    if errors or pain_after is None:
        return _render_finish(request, store, day, person, values, errors)
    notes = values["notes"].replace("\x00", "")
    try:
        log, decisions = drafts.finish(
            store, day=day, pain_after=pain_after, notes=notes, now=_now(), person_id=person
        )
    except BackchainError as error:
        return _render_finish(request, store, day, person, values, {}, problem=str(error))
    context = {"log": log, "rows": decision_rows(decisions), "load_text": load_label}
    return templates.TemplateResponse(request, "session_done.html", context)


def decision_rows(decisions: list[Decision]) -> list[tuple[str, Decision, str | None]]:
    """(exercise name, decision, version next time) for the decisions table."""
    catalogue = load_catalogue()
    return [
        (
            "Whole program" if d.exercise is None else catalogue.get(d.exercise).name,
            d,
            None
            if d.exercise is None or d.variation is None
            else rung(catalogue.get(d.exercise), d.variation).name,
        )
        for d in decisions
    ]


# -- one exercise ---------------------------------------------------------------------------


@router.get("/for/{exercise_id}")
def step_for_exercise(
    request: Request, exercise_id: str, store: StoreDep, day: DayDep, person: PersonIdDep
) -> RedirectResponse:
    """The step of the day's session that holds this exercise, keeping the prefill query; the
    video check and the live coach link here, since they know the exercise, not the step."""
    try:
        _, steps = _steps(store, day, person)
    except BackchainError:
        steps = []
    query = f"?{request.url.query}" if request.url.query else ""
    for step in steps:
        if step.prescription.exercise == exercise_id:
            return RedirectResponse(f"/session/{step.number}{query}", status_code=303)
    return RedirectResponse("/session", status_code=303)


@router.get("/{n}", response_class=HTMLResponse)
def step_page(
    request: Request, n: int, store: StoreDep, day: DayDep, person: PersonIdDep
) -> Response:
    """One exercise: how to do it, timers, the sets so far and the form for the next one."""
    step, total, draft = _step(store, day, n, person)
    values = _start_values(step, draft, request.query_params)
    rested = request.query_params.get("rest") == "1"
    return _render_step(request, step, total, draft, values, {}, rested=rested)


@router.post("/{n}/sets", response_class=HTMLResponse)
def log_set(
    request: Request, n: int, form: FormDep, store: StoreDep, day: DayDep, person: PersonIdDep
) -> Response:
    """Save a set to the session in progress; on a mistake, the form comes back as typed."""
    step, total, draft = _step(store, day, n, person)
    values, the_set, errors = parse_set(step.fields, form)
    if the_set is None:
        return _render_step(request, step, total, draft, values, errors)
    try:
        exercise = step.prescription.exercise
        drafts.add_set(
            store, day=day, exercise=exercise, logged=the_set, now=_now(), person_id=person
        )
    except BackchainError as error:
        return _render_step(request, step, total, draft, values, {}, problem=str(error))
    return RedirectResponse(f"/session/{n}?rest=1", status_code=303)


def _logged_set(draft: DraftView, step: Step, k: int) -> SetLog:
    sets = draft.sets.get(step.prescription.exercise, ())
    if not 1 <= k <= len(sets):
        raise NotFoundError(
            title="No such set",
            detail=f"{step.version.name} has {len(sets)} sets logged so far today.",
        )
    return sets[k - 1]


@router.get("/{n}/sets/{k}", response_class=HTMLResponse)
def edit_set_form(
    request: Request, n: int, k: int, store: StoreDep, day: DayDep, person: PersonIdDep
) -> Response:
    """Correct a set already logged in the session in progress."""
    step, _, draft = _step(store, day, n, person)
    the_set = _logged_set(draft, step, k)
    return _render_edit(request, step, k, set_values(the_set), {})


def _render_edit(
    request: Request,
    step: Step,
    k: int,
    values: Mapping[str, object],
    errors: Mapping[str, str],
) -> HTMLResponse:
    context = {
        "title": f"Set {k} of {step.version.name}",
        "back": f"/session/{step.number}",
        "back_text": f"← {step.version.name}",
        "action": f"/session/{step.number}/sets/{k}",
        "delete_action": f"/session/{step.number}/sets/{k}/delete",
        "fields": step.fields,
        "values": values,
        "errors": errors,
        "note": None,
        **_choices(),
    }
    status = 422 if errors else 200
    return templates.TemplateResponse(request, "set_edit.html", context, status_code=status)


@router.post("/{n}/sets/{k}", response_class=HTMLResponse)
def edit_set(
    request: Request,
    n: int,
    k: int,
    form: FormDep,
    store: StoreDep,
    day: DayDep,
    person: PersonIdDep,
) -> Response:
    step, _, draft = _step(store, day, n, person)
    _logged_set(draft, step, k)
    values, the_set, errors = parse_set(step.fields, form)
    if the_set is None:
        return _render_edit(request, step, k, values, errors)
    exercise = step.prescription.exercise
    with _open_day(store, person):
        drafts.change_set(
            store, day=day, exercise=exercise, number=k, logged=the_set, person_id=person
        )
    return RedirectResponse(f"/session/{n}", status_code=303)


@router.post("/{n}/sets/{k}/delete")
def delete_set(
    n: int, k: int, store: StoreDep, day: DayDep, person: PersonIdDep
) -> RedirectResponse:
    step, _, draft = _step(store, day, n, person)
    _logged_set(draft, step, k)
    with _open_day(store, person):
        drafts.remove_set(
            store, day=day, exercise=step.prescription.exercise, number=k, person_id=person
        )
    return RedirectResponse(f"/session/{n}", status_code=303)


@router.post("/{n}/skip", response_class=HTMLResponse)
def skip(
    request: Request, n: int, form: FormDep, store: StoreDep, day: DayDep, person: PersonIdDep
) -> Response:
    """Mark an exercise skipped, with the person's reason; sets logged for it are dropped."""
    step, total, draft = _step(store, day, n, person)
    reason = form.get("reason").strip().replace("\x00", "")
    if not reason or len(reason) > MAX_SKIP_REASON:
        values = _start_values(step, draft, {})
        values["reason"] = reason
        error = {"reason": f"Say in a few words why (up to {MAX_SKIP_REASON} characters)."}
        return _render_step(request, step, total, draft, values, error)
    with _open_day(store, person):
        exercise = step.prescription.exercise
        drafts.skip(store, day=day, exercise=exercise, reason=reason, now=_now(), person_id=person)
    target = f"/session/{n + 1}" if n < total else "/session/finish"
    return RedirectResponse(target, status_code=303)
