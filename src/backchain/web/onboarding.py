"""Starting a program in the browser: profile, safety questions, STarT Back, baseline, plan.

Each step is a POST that either re-renders its form with messages next to the fields, or
moves on. Earlier answers travel in one hidden field, signed by this server after it checked
them (`Carried`): a changed or made-up field is refused, so the safety answers a plan is made
from are always ones this server saw answered. They are checked again at the end by
`parse_profile` and `journal.start_program`, which screens once more before storing.
"""

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, JsonValue, ValidationError, field_validator
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from backchain import journal, screening
from backchain.errors import BackchainError, PlanBlockedError, ProgramError
from backchain.exercises import Equipment
from backchain.outcomes import Measure, Questionnaire
from backchain.programs.models import DEFAULT_WEEKS, Profile, Weekday
from backchain.programs.profile import field_bounds, parse_profile
from backchain.screening.startback import (
    PLAN_FOR_EVERY_GROUP,
    PSYCHOSOCIAL_FIRST_ITEM,
    STARTBACK_PARAPHRASE,
)
from backchain.store import repository
from backchain.web import forms
from backchain.web.clearance import ClearanceForm, clearance_form, read_clearance
from backchain.web.deps import OwnerDep, SessionDep, StoreDep
from backchain.web.formatting import label
from backchain.web.questionnaires import (
    DISABILITY,
    WORDING_CHANGED,
    WORDING_FIELD,
    DisabilityAnswers,
    bothersome_choices,
    carried_wording,
    disability_from_form,
    shown_wording,
    startback_from_form,
    wording_changed,
)
from backchain.web.templating import templates

__all__ = [
    "FormData",
    "FormDep",
    "field",
    "has_program",
    "read_form",
    "red_flags_from_form",
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
    return (await forms.read_form(request)).fields


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

NOT_CARRIED = (
    "The answers from the earlier steps did not arrive intact; please start again at /start."
)


class Carried(BaseModel):
    """What the earlier steps answered, as this server checked it; travels signed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: Profile
    new: bool = False
    red_flags: dict[str, bool] | None = None
    clearance: dict[str, JsonValue] | None = None
    wordings: dict[str, str] = {}

    @field_validator("red_flags")
    @classmethod
    def _every_flag(cls, flags: dict[str, bool] | None) -> dict[str, bool] | None:
        if flags is not None and set(flags) != {flag.id for flag in screening.RED_FLAGS}:
            raise ValueError("an answer for each red flag")
        return flags


def _carried(request: Request, form: FormData) -> Carried:
    """The answers from earlier steps; a changed or mangled field means starting again, said plainly."""
    try:
        return Carried.model_validate(forms.carried(request, field(form, "state")))
    except ValidationError:
        raise HTTPException(status_code=400, detail=NOT_CARRIED) from None


def _signed(request: Request, state: Carried | None) -> str:
    if state is None:
        return ""
    return forms.signed(
        request, state.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    )


def _page(request: Request, template: str, context: Mapping[str, Any]) -> HTMLResponse:
    return templates.TemplateResponse(request, template, {"steps": STEPS, **context})


def _step(request: Request, template: str, state: Carried, **context: Any) -> HTMLResponse:
    return _page(request, template, {"state": _signed(request, state), "new": state.new, **context})


# -- step 1: profile -----------------------------------------------------------------------


def has_program(session: Session, owner: int | None) -> bool:
    """True once a program is stored for the account's person (personal mode: None)."""
    person = repository.latest_person_id(session, account_id=owner)
    return person is not None and repository.has_plan(session, person_id=person)


@router.get("", response_class=HTMLResponse)
def start(
    request: Request, session: SessionDep, owner: OwnerDep, new: bool = False
) -> HTMLResponse:
    """The profile form, or a note that a program exists with the offer to start another."""
    if has_program(session, owner) and not new:
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
    return _safety_page(request, Carried(profile=profile, new=new), {}, {})


# -- step 2: red flags ---------------------------------------------------------------------


def _safety_page(
    request: Request,
    state: Carried,
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
    state = _carried(request, form)
    typed, answers, errors = red_flags_from_form(form)
    if errors:
        return _safety_page(request, state, typed, errors)
    state = state.model_copy(update={"red_flags": answers})
    raised = screening.raised_flags(answers, age=state.profile.age)
    verdict = screening.verdict_for(raised)
    if verdict is not screening.Verdict.PROCEED:
        offer = clearance_form(raised, today_and_now()[0])
        return stop_page(request, verdict, [flag.reason for flag in raised], state, offer)
    return _startback_page(request, state, {}, {})


def stop_page(
    request: Request,
    verdict: screening.Verdict,
    reasons: list[str],
    state: Carried | None = None,
    clearance: ClearanceForm | None = None,
) -> HTMLResponse:
    """The calm page for a red flag: what to do, and what the person told us. Nothing is stored.

    With only "see a clinician" flags, it offers to record a clinician's clearance and go on.
    """
    context = {
        "urgent": verdict is screening.Verdict.URGENT,
        "message": screening.MESSAGES[verdict],
        "reasons": reasons,
        "clearance": clearance,
        "state": _signed(request, state),
        "new": bool(state and state.new),
    }
    return _page(request, "onboarding_stop.html", context)


@router.post("/clearance", response_class=HTMLResponse)
def clearance_step(request: Request, form: FormDep) -> HTMLResponse:
    """Record that a clinician cleared the "see a clinician" flags, then go on to STarT Back."""
    state = _carried(request, form)
    flags = state.red_flags
    if flags is None:
        raise HTTPException(status_code=400, detail=NOT_CARRIED)
    today = today_and_now()[0]
    raised = screening.raised_flags(flags, age=state.profile.age)
    if not raised:  # nothing to clear
        return _startback_page(request, state, {}, {})
    if clearance_form(raised, today) is None:  # an urgent flag: never cleared here
        verdict = screening.verdict_for(raised)
        return stop_page(request, verdict, [flag.reason for flag in raised])
    clearance, shown = read_clearance(form, raised, today)
    if clearance is None:
        verdict = screening.verdict_for(raised)
        return stop_page(request, verdict, [flag.reason for flag in raised], state, shown)
    return _startback_page(request, state.model_copy(update={"clearance": clearance}), {}, {})


# -- step 3: STarT Back --------------------------------------------------------------------


def _startback_page(
    request: Request,
    state: Carried,
    answers: Mapping[str, str],
    errors: Mapping[str, str],
) -> HTMLResponse:
    shown = shown_wording(STARTBACK_PARAPHRASE)
    return _step(
        request,
        "onboarding_startback.html",
        state,
        shown=shown,
        bothersome=bothersome_choices(shown.wording),
        answers=answers,
        errors=errors,
    )


@router.post("/startback", response_class=HTMLResponse)
def startback_step(request: Request, form: FormDep) -> HTMLResponse:
    state = _carried(request, form)
    if state.red_flags is None:  # the safety questions come first, always
        raise HTTPException(status_code=400, detail=NOT_CARRIED)
    typed, items, errors = startback_from_form(form)
    wording = shown_wording(STARTBACK_PARAPHRASE).wording
    if wording_changed(form, wording):
        errors[WORDING_FIELD.format(wording.questionnaire.value)] = WORDING_CHANGED
    if errors:
        return _startback_page(request, state, typed, errors)
    answers: dict[str, Any] = {
        "red_flags": state.red_flags,
        "startback": items,
        "age": state.profile.age,
    }
    if state.clearance is not None:
        answers["clearance"] = state.clearance
    try:
        result = screening.screen(screening.parse_answers(answers, today=today_and_now()[0]))
    except BackchainError as error:
        raise HTTPException(status_code=400, detail=str(error)) from error
    if result.verdict is not screening.Verdict.PROCEED:
        return stop_page(request, result.verdict, list(result.reasons))
    carried = Carried(
        profile=state.profile.model_copy(update={"screening": answers}),
        new=state.new,
        wordings={wording.questionnaire.value: wording.name},
    )
    return _baseline_page(request, carried)


# -- step 4: baseline questionnaire and the plan -------------------------------------------


def _baseline_page(
    request: Request,
    state: Carried,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The STarT Back result in words, then the ODI and the RMDQ to choose from."""
    try:
        answers = screening.parse_answers(state.profile.screening)
    except BackchainError as error:
        raise HTTPException(status_code=400, detail=str(error)) from error
    return _step(
        request,
        "onboarding_baseline.html",
        state,
        startback=screening.score_startback(answers.startback),
        psychosocial_first=PSYCHOSOCIAL_FIRST_ITEM,
        plan_note=PLAN_FOR_EVERY_GROUP,
        advice=screening.HIGH_RISK_ADVICE,
        measures=MEASURES,
        odi=shown_wording(DISABILITY[Measure.ODI]),
        rmdq=shown_wording(DISABILITY[Measure.RMDQ]),
        values=values or {},
        errors=errors or {},
    )


def _baseline_answers(
    form: FormData, measure: Measure
) -> tuple[DisabilityAnswers, str, dict[str, str]]:
    """The chosen questionnaire as filled in, the wording it is in, and messages for the form."""
    filled = disability_from_form(measure, form)
    wording = shown_wording(DISABILITY[measure]).wording
    errors = {} if filled.error is None else {measure.value: filled.error}
    if wording_changed(form, wording):
        errors[WORDING_FIELD.format(measure.value)] = WORDING_CHANGED
    return filled, wording.name, errors


@router.post("/baseline", response_class=HTMLResponse)
def baseline_step(request: Request, form: FormDep, store: StoreDep, owner: OwnerDep) -> Response:
    state = _carried(request, form)
    if state.profile.screening is None:  # STarT Back, and the safety answers, come first
        raise HTTPException(status_code=400, detail=NOT_CARRIED)
    chosen = field(form, "measure")
    profile = state.profile.model_dump(mode="json", exclude_none=True)
    wordings = {"startback": carried_wording(state.model_dump(), Questionnaire.STARTBACK)}
    if chosen in {Measure.ODI, Measure.RMDQ}:
        filled, wordings[chosen], errors = _baseline_answers(form, Measure(chosen))
        if errors:
            return _baseline_page(request, state, {"measure": chosen, **filled.values}, errors)
        profile[chosen] = filled.answers
    elif chosen != "none":
        errors = {"measure": "Choose a questionnaire, or not now."}
        return _baseline_page(request, state, {"measure": chosen}, errors)
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
            new=state.new,
            wordings=wordings,
            account_id=owner,
        )
    except PlanBlockedError:
        result = screening.screen(screening.parse_answers(profile.get("screening")))
        return stop_page(request, result.verdict, list(result.reasons))
    except ProgramError:
        return _page(request, "onboarding_exists.html", {})
    return RedirectResponse("/plan", status_code=303)
