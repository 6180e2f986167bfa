"""The questionnaires in the browser: STarT Back, ODI and RMDQ forms, and the ODI or RMDQ re-take
about every four weeks (/checkin/questionnaire).

Items are asked in Backchain's own wording unless the folder named by `BACKCHAIN_WORDING_DIR`
holds `startback.json`, `odi.json` or `rmdq.json` (formats in `outcomes.wording`). A file there
that cannot be used is named on the page and Backchain's wording is shown instead. The store
keeps, with each answer, the name of the wording the page showed.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from backchain import outcomes, screening
from backchain.outcomes import Measure, Score, Wording, WordingError
from backchain.screening.startback import STARTBACK_PARAPHRASE
from backchain.store import repository
from backchain.web.deps import StoreDep
from backchain.web.plan import JournalDep
from backchain.web.setform import Form, read_form
from backchain.web.templating import templates

__all__ = [
    "DISABILITY",
    "WORDING_CHANGED",
    "WORDING_DIR_VAR",
    "WORDING_FIELD",
    "DisabilityAnswers",
    "ShownWording",
    "bothersome_choices",
    "carried_wording",
    "disability_from_form",
    "odi_from_form",
    "rmdq_from_form",
    "router",
    "shown_wording",
    "startback_from_form",
    "wording_changed",
]

WORDING_DIR_VAR = "BACKCHAIN_WORDING_DIR"
WORDING_FIELD = "wording-{}"  # a hidden field: the name of the wording the form showed
FormFields = Mapping[str, list[str]]

# The disability questionnaires a person answers at the start and again later.
DISABILITY: dict[Measure, Wording] = {
    Measure.ODI: outcomes.ODI_PARAPHRASE,
    Measure.RMDQ: outcomes.RMDQ_PARAPHRASE,
}
WORDING_CHANGED = (
    "The wording of these questions changed while you were answering. Please check your "
    "answers against it and send them again."
)


# -- the wording in use ----------------------------------------------------------------------


@dataclass(frozen=True)
class ShownWording:
    """The wording a page shows, and why a wording file could not be used, if one could not."""

    wording: Wording
    problem: str | None = None


def shown_wording(paraphrase: Wording) -> ShownWording:
    """The wording in the `BACKCHAIN_WORDING_DIR` folder, else the paraphrase; read per request,
    so a file put in place is used without a restart."""
    folder = os.environ.get(WORDING_DIR_VAR, "").strip()
    if not folder:
        return ShownWording(paraphrase)
    try:
        return ShownWording(outcomes.wording_in(Path(folder), paraphrase=paraphrase))
    except WordingError as error:
        problem = (
            f"The wording file for this questionnaire could not be used: {error} "
            "Backchain's own wording is shown instead."
        )
        return ShownWording(paraphrase, problem)


def carried_wording(state: Mapping[str, Any], questionnaire: outcomes.Questionnaire) -> str:
    """The wording name an earlier step carried in its hidden answers.

    Answers carried from before wordings were recorded name none: those pages were Backchain's own.
    """
    wordings = state.get("wordings", {})
    name = wordings.get(questionnaire.value) if isinstance(wordings, dict) else None
    if name is None:
        return outcomes.PARAPHRASE_WORDING
    if not isinstance(name, str) or not 0 < len(name) <= outcomes.MAX_NAME_CHARS:
        raise HTTPException(
            status_code=400,
            detail="The answers from the earlier steps did not arrive; please start again at /start.",
        )
    return name


def wording_changed(form: FormFields, wording: Wording) -> bool:
    """True when the form says it showed another wording than the one in use now."""
    sent = _value(form, WORDING_FIELD.format(wording.questionnaire.value))
    return bool(sent) and sent != wording.name


# -- reading the forms -----------------------------------------------------------------------


def _value(form: FormFields, name: str) -> str:
    return form.get(name, [""])[0].strip()


def bothersome_choices(wording: Wording) -> list[tuple[str, str]]:
    """STarT Back item 9's answers as (value, text) pairs, from "not at all" to "extremely"."""
    options = wording.items[-1].options or ()
    return [(b.value, text) for b, text in zip(screening.Bothersomeness, options, strict=True)]


def startback_from_form(form: FormFields) -> tuple[dict[str, str], list[object], dict[str, str]]:
    """Items 1-8 agree/disagree and item 9's choice: as typed, as answers, and what is missing."""
    count = len(STARTBACK_PARAPHRASE.items)
    typed = {f"item{n}": _value(form, f"item{n}") for n in range(1, count + 1)}
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


def odi_from_form(form: FormFields) -> tuple[dict[str, str], list[int | None], str | None]:
    """ODI sections 0-5 or unanswered: as typed, as scores, and an error when none is answered."""
    scores = {str(score) for score in range(outcomes.ODI_SECTION_MAX + 1)}
    typed = {f"odi{n}": _value(form, f"odi{n}") for n in range(1, outcomes.ODI_SECTIONS + 1)}
    sections = [int(v) if v in scores else None for v in typed.values()]
    error = None if any(s is not None for s in sections) else "Answer at least one section."
    return typed, sections, error


def rmdq_from_form(form: FormFields) -> tuple[list[str], list[bool]]:
    """RMDQ statements ticked as applying today: as typed, and as the 24 answers."""
    ticked = form.get("rmdq", [])
    return ticked, [str(n) in ticked for n in range(1, outcomes.RMDQ_ITEMS + 1)]


@dataclass(frozen=True)
class DisabilityAnswers:
    """A filled-in ODI or RMDQ: what to show again, the answers, and a message if incomplete."""

    measure: Measure
    values: dict[str, Any]
    answers: list[int | None] | list[bool]
    error: str | None = None

    def answers_file(self) -> dict[str, object]:
        """The answers in the `backchain score` file format, as the store keeps them."""
        return {"sections" if self.measure is Measure.ODI else "items": self.answers}

    def score(self) -> Score:
        """Scored exactly as `backchain score` scores the same answers."""
        return outcomes.score_answers(self.measure, self.answers_file())


def disability_from_form(measure: Measure, form: FormFields) -> DisabilityAnswers:
    if measure is Measure.ODI:
        typed, sections, error = odi_from_form(form)
        return DisabilityAnswers(measure, dict(typed), sections, error)
    ticked, items = rmdq_from_form(form)
    return DisabilityAnswers(measure, {"rmdq": ticked}, items)


# -- the re-take ------------------------------------------------------------------------------

router = APIRouter(tags=["questionnaires"])

FormDep = Annotated[Form, Depends(read_form)]


def _disability_records(session: Session, person_id: int) -> list[repository.QuestionnaireRecord]:
    records = repository.questionnaire_records(session, person_id=person_id)
    return [record for record in records if record.score.measure in DISABILITY]


@router.get("/checkin/questionnaire", response_class=HTMLResponse)
def questionnaire_form(request: Request, store: StoreDep, state: JournalDep) -> HTMLResponse:
    with store.read() as session:
        records = _disability_records(session, state.person_id)
    baseline = records[0] if records else None
    return _questionnaire_page(request, baseline, {}, {})


def _questionnaire_page(
    request: Request,
    baseline: repository.QuestionnaireRecord | None,
    values: Mapping[str, Any],
    errors: Mapping[str, str],
    result: tuple[Score, outcomes.Change, Wording] | None = None,
) -> HTMLResponse:
    measure = None if baseline is None else baseline.score.measure
    context = {
        "measure": None if measure is None else measure.value,
        "shown": None if measure is None else shown_wording(DISABILITY[measure]),
        "baseline": baseline,
        "values": values,
        "errors": errors,
        "result": result,
    }
    return templates.TemplateResponse(request, "checkin_questionnaire.html", context)


@router.post("/checkin/questionnaire", response_class=HTMLResponse)
def questionnaire_submit(
    request: Request, form: FormDep, store: StoreDep, state: JournalDep
) -> HTMLResponse:
    """Score the re-take of the baseline's questionnaire and store it with its wording."""
    with store.transaction() as session:
        records = _disability_records(session, state.person_id)
        if not records:
            return _questionnaire_page(request, None, {}, {})
        baseline = records[0]
        wording = shown_wording(DISABILITY[baseline.score.measure]).wording
        filled = disability_from_form(baseline.score.measure, form.fields)
        if wording_changed(form.fields, wording):
            errors = {WORDING_FIELD.format(wording.questionnaire.value): WORDING_CHANGED}
            return _questionnaire_page(request, baseline, filled.values, errors)
        if filled.error is not None:
            errors = {filled.measure.value: filled.error}
            return _questionnaire_page(request, baseline, filled.values, errors)
        score = filled.score()
        repository.add_questionnaire(
            session,
            person_id=state.person_id,
            taken_on=date.today(),
            score=score,
            answers=filled.answers_file(),
            wording=wording.name,
        )
    result = (score, outcomes.change(baseline.score, score), wording)
    return _questionnaire_page(request, baseline, filled.values, {}, result)
