"""Starting a program in the browser: profile, safety questions, STarT Back, baseline, plan.

Each step is a POST that either re-renders its form with messages next to the fields, or
moves on. Earlier answers travel in one hidden JSON field; they are checked again at the end
by `parse_profile` and `journal.start_program`, which screens once more before storing.
"""

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from backchain import journal, outcomes, screening
from backchain.errors import BackchainError, PlanBlockedError, ProgramError
from backchain.exercises import Equipment
from backchain.programs.models import DEFAULT_WEEKS, Profile, Weekday
from backchain.programs.profile import field_bounds, parse_profile
from backchain.store import repository
from backchain.web.deps import SessionDep, StoreDep
from backchain.web.formatting import label
from backchain.web.templating import templates

__all__ = [
    "FormData",
    "FormDep",
    "field",
    "has_program",
    "odi_from_form",
    "read_form",
    "red_flags_from_form",
    "rmdq_from_form",
    "router",
    "startback_from_form",
    "stop_page",
    "today_and_now",
]

router = APIRouter(prefix="/start", tags=["onboarding"])

FormData = dict[str, list[str]]
STEPS = 4  # profile, safety, STarT Back, baseline

MEASURES = {"odi": "Oswestry Disability Index (ODI)", "rmdq": "Roland–Morris (RMDQ)"}
EQUIPMENT = [e for e in Equipment if e is not Equipment.NONE]


async def read_form(request: Request) -> FormData:
    """The posted form, every field as a list (checkboxes repeat their name)."""
    body = (await request.body()).decode("utf-8", errors="replace")
    return parse_qs(body, keep_blank_values=True)


FormDep = Annotated[FormData, Depends(read_form)]


def field(form: FormData, name: str) -> str:
    """A single form value, trimmed; empty when it was not sent."""
    return form.get(name, [""])[0].strip()


def today_and_now() -> tuple[date, datetime]:
    """The local day and a timezone-aware time for the store."""
    return date.today(), datetime.now(UTC).replace(microsecond=0)


def _profile_messages() -> dict[str, str]:
    age, days = field_bounds("age"), field_bounds("days")
    minutes, sitting = field_bounds("minutes_per_session"), field_bounds("sitting_hours")
    weeks, pain = field_bounds("weeks"), (0, 10)
    return {
        "age": f"Give your age in whole years, from {age[0]} to {age[1]}.",
        "equipment": "Choose only from the equipment listed.",
        "experience": "Choose how much strength training you have done.",
        "days": f"Choose {days[0]} to {days[1]} training days.",
        "minutes_per_session": f"Give the minutes you have, a whole number from {minutes[0]} to "
        f"{minutes[1]}.",
        "sitting_hours": f"Give the hours you sit on a usual day, from {sitting[0]} to {sitting[1]}.",
        "pain": f"Choose your back pain right now, from {pain[0]} to {pain[1]}.",
        "weeks": f"Choose a program length from {weeks[0]} to {weeks[1]} weeks.",
    }


PROFILE_MESSAGES = _profile_messages()


# -- carried answers -----------------------------------------------------------------------


def _carried(form: FormData) -> dict[str, Any]:
    """The answers from earlier steps; a mangled field means starting again, said plainly."""
    try:
        state = json.loads(field(form, "state"))
    except json.JSONDecodeError:
        state = None
    if not isinstance(state, dict) or not isinstance(state.get("profile"), dict):
        raise HTTPException(
            status_code=400,
            detail="The answers from the earlier steps did not arrive; please start again at /start.",
        )
    return state


def _page(request: Request, template: str, context: Mapping[str, Any]) -> HTMLResponse:
    return templates.TemplateResponse(request, template, {"steps": STEPS, **context})


def _step(
    request: Request, template: str, state: Mapping[str, Any], **context: Any
) -> HTMLResponse:
    return _page(
        request, template, {"state": json.dumps(state), "new": state.get("new", False), **context}
    )


# -- step 1: profile -----------------------------------------------------------------------


def has_program(session: Session) -> bool:
    """True once a program is stored for the current person."""
    person = repository.latest_person_id(session)
    return person is not None and repository.current_plan(session, person_id=person) is not None


@router.get("", response_class=HTMLResponse)
def start(request: Request, session: SessionDep, new: bool = False) -> HTMLResponse:
    """The profile form, or a note that a program exists with the offer to start another."""
    if has_program(session) and not new:
        return _page(request, "onboarding_exists.html", {})
    values = {"weeks": str(DEFAULT_WEEKS), "minutes_per_session": "30", "sitting_hours": "8"}
    return _profile_page(request, values, {}, new=new)


def _profile_page(
    request: Request, values: Mapping[str, Any], errors: Mapping[str, str], *, new: bool
) -> HTMLResponse:
    context = {
        "values": values,
        "errors": errors,
        "new": new,
        "equipment": [(e.value, label(e)) for e in EQUIPMENT],
        "weekdays": [(d.value, d.value.capitalize()) for d in Weekday],
        "weeks": range(field_bounds("weeks")[0], field_bounds("weeks")[1] + 1),
    }
    return _page(request, "onboarding_profile.html", context)


@router.post("/profile", response_class=HTMLResponse)
def profile_step(request: Request, form: FormDep) -> HTMLResponse:
    values: dict[str, Any] = {
        name: field(form, name)
        for name in ("age", "experience", "minutes_per_session", "sitting_hours", "pain", "weeks")
    }
    values["equipment"] = form.get("equipment", [])
    values["days"] = form.get("days", [])
    new = field(form, "new") == "1"
    try:
        profile = Profile.model_validate({k: v for k, v in values.items() if v != ""})
    except ValidationError as error:
        errors = {str(e["loc"][0]): PROFILE_MESSAGES[str(e["loc"][0])] for e in error.errors()}
        return _profile_page(request, values, errors, new=new)
    state = {"profile": profile.model_dump(mode="json", exclude_none=True), "new": new}
    return _safety_page(request, state, {}, {})


# -- step 2: red flags ---------------------------------------------------------------------


def _safety_page(
    request: Request,
    state: Mapping[str, Any],
    answers: Mapping[str, str],
    errors: Mapping[str, str],
) -> HTMLResponse:
    return _step(
        request,
        "onboarding_safety.html",
        state,
        flags=screening.RED_FLAGS,
        answers=answers,
        errors=errors,
    )


def red_flags_from_form(form: FormData) -> tuple[dict[str, str], dict[str, bool], dict[str, str]]:
    """The yes/no answers as typed, as booleans, and a message for each one left out."""
    typed = {flag.id: field(form, flag.id) for flag in screening.RED_FLAGS}
    errors = {
        flag_id: "Please answer yes or no."
        for flag_id, v in typed.items()
        if v not in {"yes", "no"}
    }
    return typed, {flag_id: v == "yes" for flag_id, v in typed.items()}, errors


@router.post("/safety", response_class=HTMLResponse)
def safety_step(request: Request, form: FormDep) -> HTMLResponse:
    state = _carried(form)
    typed, answers, errors = red_flags_from_form(form)
    if errors:
        return _safety_page(request, state, typed, errors)
    raised = screening.raised_flags(answers, age=int(state["profile"]["age"]))
    verdict = screening.verdict_for(raised)
    if verdict is not screening.Verdict.PROCEED:
        return stop_page(request, verdict, [flag.reason for flag in raised])
    return _startback_page(request, {**state, "red_flags": answers}, {}, {})


def stop_page(request: Request, verdict: screening.Verdict, reasons: list[str]) -> HTMLResponse:
    """The calm page for a red flag: what to do, and what the person told us. Nothing is stored."""
    context = {
        "urgent": verdict is screening.Verdict.URGENT,
        "message": screening.MESSAGES[verdict],
        "reasons": reasons,
    }
    return _page(request, "onboarding_stop.html", context)


# -- step 3: STarT Back --------------------------------------------------------------------


def _startback_page(
    request: Request,
    state: Mapping[str, Any],
    answers: Mapping[str, str],
    errors: Mapping[str, str],
) -> HTMLResponse:
    return _step(
        request,
        "onboarding_startback.html",
        state,
        prompts=screening.ITEM_PROMPTS,
        bothersome=[(b.value, label(b)) for b in screening.Bothersomeness],
        answers=answers,
        errors=errors,
    )


def startback_from_form(form: FormData) -> tuple[dict[str, str], list[object], dict[str, str]]:
    """Items 1-8 agree/disagree and item 9's choice: as typed, as answers, and what is missing."""
    count = len(screening.ITEM_PROMPTS)
    typed = {f"item{n}": field(form, f"item{n}") for n in range(1, count + 1)}
    choices = {b.value for b in screening.Bothersomeness}
    errors = {
        f"item{n}": "Please choose agree or disagree."
        for n in range(1, count)
        if typed[f"item{n}"] not in {"agree", "disagree"}
    }
    if typed[f"item{count}"] not in choices:
        errors[f"item{count}"] = "Please choose one answer."
    answers: list[object] = [typed[f"item{n}"] == "agree" for n in range(1, count)]
    return typed, [*answers, typed[f"item{count}"]], errors


@router.post("/startback", response_class=HTMLResponse)
def startback_step(request: Request, form: FormDep) -> HTMLResponse:
    state = _carried(form)
    typed, items, errors = startback_from_form(form)
    if errors:
        return _startback_page(request, state, typed, errors)
    answers = {
        "red_flags": state.get("red_flags"),
        "startback": items,
        "age": state["profile"]["age"],
    }
    try:
        result = screening.screen(screening.parse_answers(answers))
    except BackchainError as error:
        raise HTTPException(status_code=400, detail=str(error)) from error
    profile = {**state["profile"], "screening": answers}
    high_risk = result.startback.risk is screening.Risk.HIGH
    return _baseline_page(request, {"profile": profile, "new": state.get("new", False)}, high_risk)


# -- step 4: baseline questionnaire and the plan -------------------------------------------


def _baseline_page(
    request: Request,
    state: Mapping[str, Any],
    high_risk: bool,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
) -> HTMLResponse:
    return _step(
        request,
        "onboarding_baseline.html",
        state,
        high_risk=high_risk,
        advice=screening.HIGH_RISK_ADVICE,
        measures=MEASURES,
        odi_topics=outcomes.ODI_SECTION_TOPICS,
        rmdq_items=range(1, outcomes.RMDQ_ITEMS + 1),
        values=values or {"measure": "odi"},
        errors=errors or {},
    )


def odi_from_form(form: FormData) -> tuple[dict[str, str], list[int | None], str | None]:
    """ODI sections 0-5 or unanswered: as typed, as scores, and an error when none is answered."""
    typed = {
        f"odi{n}": field(form, f"odi{n}") for n in range(1, len(outcomes.ODI_SECTION_TOPICS) + 1)
    }
    sections = [int(v) if v in {"0", "1", "2", "3", "4", "5"} else None for v in typed.values()]
    error = None if any(s is not None for s in sections) else "Answer at least one section."
    return typed, sections, error


def rmdq_from_form(form: FormData) -> tuple[list[str], list[bool]]:
    """RMDQ statements ticked as applying today: as typed, and as the 24 answers."""
    ticked = form.get("rmdq", [])
    items = [str(n) in ticked for n in range(1, outcomes.RMDQ_ITEMS + 1)]
    return ticked, items


@router.post("/baseline", response_class=HTMLResponse)
def baseline_step(request: Request, form: FormDep, store: StoreDep) -> Response:
    state = _carried(form)
    measure = field(form, "measure")
    high_risk = field(form, "high_risk") == "1"
    profile = dict(state["profile"])
    values: dict[str, Any] = {"measure": measure}
    if measure == "odi":
        typed, sections, error = odi_from_form(form)
        values.update(typed)
        if error is not None:
            return _baseline_page(request, state, high_risk, values, {"odi": error})
        profile["odi"] = sections
    elif measure == "rmdq":
        values["rmdq"], items = rmdq_from_form(form)
        profile["rmdq"] = items
    elif measure != "none":
        errors = {"measure": "Choose a questionnaire, or not now."}
        return _baseline_page(request, state, high_risk, values, errors)
    try:
        checked = parse_profile(profile)
    except BackchainError as error:
        raise HTTPException(status_code=400, detail=str(error)) from error
    today, now = today_and_now()
    try:
        journal.start_program(
            store,
            profile=checked,
            start=today,
            now=now,
            new=bool(state.get("new")),
        )
    except PlanBlockedError:
        result = screening.screen(screening.parse_answers(profile.get("screening")))
        return stop_page(request, result.verdict, list(result.reasons))
    except ProgramError:
        return _page(request, "onboarding_exists.html", {})
    return RedirectResponse("/plan", status_code=303)
