"""The guided session: one exercise at a time, set logging, skips, and finishing.

The session in progress is kept in memory on the app, keyed by day, until "Finish" hands it to
`journal.log_session`; every rule (what is planned, what changes next) stays in the journal.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from backchain import journal
from backchain.errors import BackchainError
from backchain.exercises import Exercise, load_catalogue
from backchain.programs.ladder import Rung, is_loaded, rung
from backchain.programs.models import (
    Band,
    Decision,
    ExerciseLog,
    Load,
    Prescription,
    SessionLog,
    SetLog,
    Skip,
)
from backchain.web.deps import StoreDep
from backchain.web.errors import NotFoundError
from backchain.web.templating import templates

__all__ = ["Draft", "router"]

router = APIRouter(prefix="/session", tags=["session"])

GET_READY_S = 5  # seconds to get into position before a set or a hold
NOT_REACHED = "Not reached: the session was finished before it."
RPE_CHOICES = tuple(range(1, 11))
PAIN_CHOICES = tuple(range(0, 11))


@dataclass
class Draft:
    """A session in progress: sets logged and exercises skipped so far, by exercise id."""

    day: date
    sets: dict[str, list[SetLog]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def get_day() -> date:
    """The day being trained; tests override this dependency."""
    return date.today()


DayDep = Annotated[date, Depends(get_day)]


def get_drafts(request: Request) -> dict[date, Draft]:
    """The in-progress sessions of this app, created on first use."""
    drafts: dict[date, Draft] | None = getattr(request.app.state, "session_drafts", None)
    if drafts is None:
        drafts = request.app.state.session_drafts = {}
    return drafts


DraftsDep = Annotated[dict[date, Draft], Depends(get_drafts)]


@dataclass(frozen=True)
class Step:
    """One exercise of today's session, as the guided pages show it."""

    number: int
    prescription: Prescription
    exercise: Exercise
    version: Rung
    loaded: bool
    load: Load | None


def _steps(store: StoreDep, day: DayDep) -> tuple[Decision | None, list[Step]]:
    pause, prescriptions, loads = journal.to_log(store, day=day)
    catalogue = load_catalogue()
    steps = []
    for number, p in enumerate(prescriptions, start=1):
        exercise = catalogue.get(p.exercise)
        version = rung(exercise, p.variation)
        loaded = is_loaded(version)
        steps.append(Step(number, p, exercise, version, loaded, loads.get(p.exercise)))
    return pause, steps


class Form:
    """A URL-encoded form body (what these pages' forms send), read without python-multipart."""

    def __init__(self, body: bytes) -> None:
        self.fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, [default])[0]

    def getlist(self, name: str) -> list[str]:
        return self.fields.get(name, [])


async def _read_form(request: Request) -> Form:
    return Form(await request.body())


def _draft(drafts: dict[date, Draft], day: date) -> Draft:
    return drafts.setdefault(day, Draft(day))


@router.get("", response_class=HTMLResponse)
def overview(request: Request, store: StoreDep, day: DayDep, drafts: DraftsDep) -> Response:
    """Today's session (or the week's next one) and how far it has got, or why there is none."""
    try:
        view = journal.today(store, day=day)
        pause, steps = _steps(store, day) if view.pause is None else (view.pause, [])
    except BackchainError as error:
        context: dict[str, object] = {"problem": str(error)}
        return templates.TemplateResponse(request, "session_none.html", context)
    context = {
        "view": view,
        "pause": pause,
        "steps": steps,
        "draft": drafts.get(day) or Draft(day),
        "day": day,
    }
    return templates.TemplateResponse(request, "session.html", context)


def _step(store: StoreDep, day: DayDep, n: int) -> tuple[Step, int]:
    pause, steps = _steps(store, day)
    if pause is not None or not 1 <= n <= len(steps):
        raise NotFoundError(
            title="No such exercise today",
            detail=f"Today's session has {len(steps)} exercises; start again from the session page.",
        )
    return steps[n - 1], len(steps)


def _set_values(step: Step, draft: Draft, query: Mapping[str, str]) -> dict[str, object]:
    """What the set form starts with: the query (e.g. from the video coach), else the target."""
    p = step.prescription
    earlier = draft.sets.get(p.exercise, [])
    values: dict[str, object] = {
        "reps": "" if p.reps is None else str(p.reps[0]),
        "hold_s": "" if p.hold_s is None else f"{p.hold_s[0]:g}",
        "load": _load_text(earlier[-1].load if earlier else step.load),
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


def _load_text(load: Load | None) -> str:
    if load is None:
        return ""
    return f"{load.kg:g}" if load.kg is not None else str(load.band)


def _render_step(
    request: Request,
    step: Step,
    total: int,
    draft: Draft,
    values: Mapping[str, object],
    errors: Mapping[str, str],
    *,
    rested: bool = False,
) -> HTMLResponse:
    context = {
        "step": step,
        "total": total,
        "logged": draft.sets.get(step.prescription.exercise, []),
        "skip_reason": draft.skipped.get(step.prescription.exercise),
        "values": values,
        "errors": errors,
        "rest_now": rested,
        "get_ready_s": GET_READY_S,
        "rpe_choices": RPE_CHOICES,
        "pain_choices": PAIN_CHOICES,
        "bands": [b.value for b in Band],
    }
    status = 422 if errors else 200
    return templates.TemplateResponse(request, "session_step.html", context, status_code=status)


@router.get("/finish", response_class=HTMLResponse)
def finish_form(request: Request, store: StoreDep, day: DayDep, drafts: DraftsDep) -> Response:
    """Pain after and notes; lists what will be recorded as not reached."""
    return _render_finish(request, store, day, drafts, {"pain_after": "", "notes": ""}, {})


def _render_finish(
    request: Request,
    store: StoreDep,
    day: date,
    drafts: dict[date, Draft],
    values: Mapping[str, str],
    errors: Mapping[str, str],
) -> Response:
    pause, steps = _steps(store, day)
    if pause is not None:
        return RedirectResponse("/session", status_code=303)
    draft = _draft(drafts, day)
    context = {
        "steps": steps,
        "draft": draft,
        "values": values,
        "errors": errors,
        "pain_choices": PAIN_CHOICES,
    }
    status = 422 if errors else 200
    return templates.TemplateResponse(request, "session_finish.html", context, status_code=status)


@router.post("/finish", response_class=HTMLResponse)
async def finish(request: Request, store: StoreDep, day: DayDep, drafts: DraftsDep) -> Response:
    """Store the session through the journal and show the progression engine's decisions."""
    form = await _read_form(request)
    values = {"pain_after": str(form.get("pain_after", "")), "notes": str(form.get("notes", ""))}
    errors: dict[str, str] = {}
    pain_after = _whole(values["pain_after"], 0, 10, errors, "pain_after")
    if len(values["notes"]) > 5000:
        errors["notes"] = "Please keep notes under 5000 characters."
    if errors or pain_after is None:
        return _render_finish(request, store, day, drafts, values, errors)
    _, steps = _steps(store, day)
    draft = _draft(drafts, day)
    log = _session_log(draft, steps, pain_after, values["notes"].replace("\x00", ""))
    now = datetime.now(UTC).replace(microsecond=0)
    decisions = journal.log_session(store, log=log, now=now)
    drafts.pop(day, None)
    catalogue = load_catalogue()
    rows = [
        (
            "Whole program" if d.exercise is None else catalogue.get(d.exercise).name,
            d,
            None
            if d.exercise is None or d.variation is None
            else rung(catalogue.get(d.exercise), d.variation).name,
        )
        for d in decisions
    ]
    context = {"log": log, "rows": rows, "load_text": _load_label}
    return templates.TemplateResponse(request, "session_done.html", context)


def _load_label(load: Load | None) -> str:
    if load is None:
        return ""
    return f"{load.kg:g} kg" if load.kg is not None else f"{load.band} band"


def _session_log(draft: Draft, steps: list[Step], pain_after: int, notes: str) -> SessionLog:
    done, skipped = [], []
    for step in steps:
        p = step.prescription
        sets = draft.sets.get(p.exercise)
        if sets:
            done.append(ExerciseLog(exercise=p.exercise, variation=p.variation, sets=tuple(sets)))
        else:
            reason = draft.skipped.get(p.exercise, NOT_REACHED)
            skipped.append(Skip(exercise=p.exercise, reason=reason))
    return SessionLog(
        date=draft.day,
        exercises=tuple(done),
        skipped=tuple(skipped),
        pain_after=pain_after,
        notes=notes,
    )


def _whole(text: str, low: int, high: int, errors: dict[str, str], name: str) -> int | None:
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        errors[name] = f"Choose a whole number from {low} to {high}."
        return None
    return value


def _number(text: str, high: float, errors: dict[str, str], name: str, what: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= high:
        errors[name] = f"Give the {what} as a number from 0 to {high:g}."
        return None
    return value


@router.get("/for/{exercise_id}")
def step_for_exercise(
    request: Request, exercise_id: str, store: StoreDep, day: DayDep
) -> RedirectResponse:
    """The step of today's session that holds this exercise, keeping the prefill query; the
    video check and the live coach link here, since they know the exercise, not the step."""
    _, steps = _steps(store, day)
    query = f"?{request.url.query}" if request.url.query else ""
    for step in steps:
        if step.prescription.exercise == exercise_id:
            return RedirectResponse(f"/session/{step.number}{query}", status_code=303)
    return RedirectResponse("/session", status_code=303)


@router.get("/{n}", response_class=HTMLResponse)
def step_page(
    request: Request, n: int, store: StoreDep, day: DayDep, drafts: DraftsDep
) -> HTMLResponse:
    """One exercise: how to do it, timers, and the form for the next set."""
    step, total = _step(store, day, n)
    draft = _draft(drafts, day)
    values = _set_values(step, draft, request.query_params)
    rested = request.query_params.get("rest") == "1"
    return _render_step(request, step, total, draft, values, {}, rested=rested)


@router.post("/{n}/sets", response_class=HTMLResponse)
async def log_set(
    request: Request, n: int, store: StoreDep, day: DayDep, drafts: DraftsDep
) -> Response:
    """Add a set to the session in progress; on a mistake, the form comes back as typed."""
    step, total = _step(store, day, n)
    draft = _draft(drafts, day)
    form = await _read_form(request)
    values: dict[str, object] = {
        name: str(form.get(name, "")).strip() for name in ("reps", "hold_s", "load", "rpe", "pain")
    }
    known = {f.id for f in step.exercise.faults}
    faults = [f for f in form.getlist("faults") if f in known]
    values["faults"] = faults
    errors: dict[str, str] = {}
    the_set = _parse_set(step, values, faults, errors)
    if the_set is None:
        return _render_step(request, step, total, draft, values, errors)
    draft.skipped.pop(step.prescription.exercise, None)
    draft.sets.setdefault(step.prescription.exercise, []).append(the_set)
    return RedirectResponse(f"/session/{n}?rest=1", status_code=303)


def _parse_set(
    step: Step, values: Mapping[str, object], faults: list[str], errors: dict[str, str]
) -> SetLog | None:
    p = step.prescription
    reps = hold = None
    if p.reps is not None:
        reps = _whole(str(values["reps"]), 0, 100, errors, "reps")
    if p.hold_s is not None and (p.reps is None or values["hold_s"]):
        hold = _number(str(values["hold_s"]), 600, errors, "hold_s", "seconds held")
    load = _parse_load(str(values["load"]), errors) if step.loaded else None
    rpe = _whole(str(values["rpe"]), 1, 10, errors, "rpe")
    pain = _whole(str(values["pain"]), 0, 10, errors, "pain")
    if errors or rpe is None or pain is None:
        return None
    data = {"reps": reps, "hold_s": hold, "load": load, "rpe": rpe, "pain": pain, "faults": faults}
    try:
        return SetLog.model_validate(data)
    except ValidationError:
        errors["reps"] = "Give the reps or the seconds held."
        return None


def _parse_load(text: str, errors: dict[str, str]) -> Load | None:
    if not text:
        return None
    if text.lower() in {b.value for b in Band}:
        return Load(band=Band(text.lower()))
    try:
        return Load(kg=float(text.removesuffix("kg").strip()))
    except (ValueError, ValidationError):
        errors["load"] = "Give the weight in kg (such as 8), a band colour, or leave it empty."
        return None


@router.post("/{n}/skip", response_class=HTMLResponse)
async def skip(
    request: Request, n: int, store: StoreDep, day: DayDep, drafts: DraftsDep
) -> Response:
    """Mark an exercise skipped, with the person's reason; sets logged for it are dropped."""
    step, total = _step(store, day, n)
    draft = _draft(drafts, day)
    form = await _read_form(request)
    reason = str(form.get("reason", "")).strip().replace("\x00", "")
    if not reason or len(reason) > 500:
        values = _set_values(step, draft, {})
        values["reason"] = reason
        error = {"reason": "Say in a few words why (up to 500 characters)."}
        return _render_step(request, step, total, draft, values, error)
    draft.sets.pop(step.prescription.exercise, None)
    draft.skipped[step.prescription.exercise] = reason
    target = f"/session/{n + 1}" if n < total else "/session/finish"
    return RedirectResponse(target, status_code=303)
