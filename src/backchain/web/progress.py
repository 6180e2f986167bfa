"""The progress page: pain, disability, adherence, volume and form quality as charts, and the
PDF report of a period to download.

The charts are arranged by `reports.progress_charts`, which the PDF report draws from too.
"""

from datetime import date
from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from backchain.errors import BackchainError
from backchain.journal import NO_PROGRAM, find_journal
from backchain.reports import pdf
from backchain.reports import progress_charts as arrange
from backchain.reports.progress_charts import Period
from backchain.store import repository
from backchain.web.deps import DayDep, PersonIdDep, SessionDep, StoreDep
from backchain.web.errors import NotFoundError
from backchain.web.templating import templates

__all__ = ["router"]

router = APIRouter(prefix="/progress", tags=["progress"])

PDF_MEDIA_TYPE = "application/pdf"
# Query values as typed: parsed here, so a bad one gets a sentence rather than a generic page.
DayQuery = Annotated[str | None, Query()]
MAX_SHOWN = 20  # characters of a bad query value repeated back: enough to recognise it


@router.get("", response_class=HTMLResponse)
def progress(
    request: Request, session: SessionDep, person_id: PersonIdDep, day: DayDep
) -> HTMLResponse:
    """All charts, each with its numbers in a table for screen readers."""
    state = find_journal(session, person_id=person_id)  # one load, in the request's transaction
    if state is None:
        return templates.TemplateResponse(request, "progress.html", {"problem": NO_PROGRAM})
    scores = repository.questionnaires(session, person_id=state.person_id)
    weeks = arrange.plan_weeks(state, until=day)
    context = {
        "problem": None,
        "pain": arrange.pain_chart(state),
        "disability": arrange.disability_charts(scores),
        "adherence": arrange.adherence_chart(arrange.adherence(state, weeks)),
        "volume": arrange.volume_chart(state, weeks),
        "faults": arrange.fault_chart(state),
        "report_start": state.plan.start,
        "report_end": max(day, state.plan.start),  # as `_period` defaults
    }
    return templates.TemplateResponse(request, "progress.html", context)


@router.get("/report.pdf", response_class=Response)
def report(
    request: Request,
    store: StoreDep,
    person_id: PersonIdDep,
    day: DayDep,
    start: DayQuery = None,
    end: DayQuery = None,
) -> Response:
    """The PDF report of a period, plan start to today unless the query names the days.

    A plain `def`: FastAPI runs it in the threadpool, so drawing the PDF never holds up the
    event loop; the data is read first, and the read transaction ends before the drawing.
    """
    with store.read() as session:
        state = find_journal(session, person_id=person_id)
        if state is None:
            raise NotFoundError(
                title="No program yet",
                detail="There is nothing to report yet: start a program from the Today page.",
            )
        period = report_period(start, end, plan_start=state.plan.start, today=day)
        data = pdf.build_report(
            session,
            person_id=person_id,
            start=period.start,
            end=period.end,
            name=_account_name(request),
            made_on=day,
        )
    return report_response(data)


def report_response(data: pdf.ReportData) -> Response:
    """The report drawn as a PDF download, never kept by a cache: it is health data."""
    headers = {
        "Content-Disposition": f'attachment; filename="{pdf.report_filename(data.period)}"',
        "Cache-Control": "no-store",
    }
    return Response(pdf.render_pdf(data), media_type=PDF_MEDIA_TYPE, headers=headers)


def report_period(start: str | None, end: str | None, *, plan_start: date, today: date) -> Period:
    """The period the query asks for; by default the plan's start to today (or to the start,
    while the plan is still to begin). A bad query is a 400 page saying what to type."""
    try:
        return Period(
            _day(start, default=plan_start, what="start"),
            _day(end, default=max(today, plan_start), what="end"),
        )
    except BackchainError as error:
        raise HTTPException(HTTPStatus.BAD_REQUEST, detail=str(error)) from None


def _day(text: str | None, *, default: date, what: str) -> date:
    """A day from the query as YYYY-MM-DD; `default` when the query leaves it out."""
    if text is None:
        return default
    typed = text.strip()
    if not typed:
        raise BackchainError(f"The report's {what} date is empty; give it as YYYY-MM-DD.")
    try:
        return date.fromisoformat(typed)
    except ValueError:
        raise BackchainError(
            f"The report's {what} date must be a date as YYYY-MM-DD, got '{typed[:MAX_SHOWN]}'."
        ) from None


def _account_name(request: Request) -> str | None:
    """The signed-in person's name in clinic mode; personal mode knows no name."""
    account = getattr(request.state, "account", None)
    name = getattr(account, "name", None)
    return name if isinstance(name, str) else None
