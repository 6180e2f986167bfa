"""The PDF report for a period: what a person brings to an appointment and a clinician keeps.

`build_report` gathers everything from the store into a `ReportData`; `render_html` lays it out
with `templates/report.html`, drawing the charts with the progress page's own chart template, and
`render_pdf` prints that HTML with WeasyPrint. The words of each line come from `report_lines`;
the report says what was logged and answered, in plain words, and never names a condition.
"""

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

import jinja2
from markupsafe import Markup
from sqlalchemy.orm import Session

from backchain.errors import BackchainError, StoreError
from backchain.exercises import load_catalogue
from backchain.journal import NO_PROGRAM, find_journal
from backchain.outcomes import MCID_PERCENT, MCID_POINTS
from backchain.reports import progress_charts as arrange
from backchain.reports import report_lines as lines
from backchain.reports.progress_charts import Disability, Period, WeekCount, in_or_just_before
from backchain.store import repository
from backchain.web import charts

__all__ = [
    "DEFAULT_NAME",
    "ReportData",
    "build_report",
    "offline_fetcher",
    "render_html",
    "render_pdf",
    "report_filename",
]

DEFAULT_NAME = "Backchain user"  # when the person's name is not known
SVG_OPEN = re.compile(r"<svg\b[^>]*>")  # the opening tag of each chart the template drew
PDF_FETCHABLE = {"data"}  # the report is self-contained: nothing is ever fetched from elsewhere
STYLESHEETS = ("report.css",)
SVG_STYLESHEET = "chart.css"


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, as plain values; `render_html` only lays them out."""

    name: str
    period: Period
    made_on: date
    plan_start: date
    plan_weeks: int
    screenings: tuple[lines.ScreeningLine, ...]
    pain: charts.Chart
    pain_changes: tuple[lines.PainChange, ...]
    disability: tuple[Disability, ...]
    adherence: tuple[WeekCount, ...]
    adherence_chart: charts.Chart
    volume_chart: charts.Chart
    volume: tuple[lines.VolumeLine, ...]
    fault_chart: charts.Chart
    faults: tuple[lines.FaultLine, ...]
    decisions: tuple[lines.DecisionLine, ...]
    sessions: tuple[lines.SessionLine, ...]
    wordings: tuple[lines.WordingLine, ...]

    @property
    def done(self) -> int:
        return sum(week.done for week in self.adherence)

    @property
    def planned(self) -> int:
        return sum(week.planned for week in self.adherence)


def report_filename(period: Period) -> str:
    return f"backchain-report-{period.start.isoformat()}-{period.end.isoformat()}.pdf"


def build_report(
    session: Session,
    *,
    person_id: int | None,
    start: date,
    end: date,
    name: str | None = None,
    made_on: date,
) -> ReportData:
    """The report of this person's period, read in the caller's transaction.

    A `StoreError` when they have no program; a `BackchainError` when `end` is before `start`.
    """
    period = Period(start, end)
    state = find_journal(session, person_id=person_id)
    if state is None:
        raise StoreError(NO_PROGRAM)
    records = in_or_just_before(
        repository.questionnaire_records(session, person_id=state.person_id),
        lambda r: r.taken_on,
        period,
        key=lambda r: r.score.measure,
    )
    screenings = in_or_just_before(
        repository.screenings(session, person_id=state.person_id),
        lambda r: r.taken_at.date(),
        period,
    )
    catalogue = load_catalogue()
    weeks = arrange.plan_weeks(state, until=period.end, since=period.start)
    counts = arrange.adherence(state, weeks, period)
    logs = [log for _, log in arrange.logs_in(state, period)]
    return ReportData(
        name=name.strip() if name and name.strip() else DEFAULT_NAME,
        period=period,
        made_on=made_on,
        plan_start=state.plan.start,
        plan_weeks=len(state.plan.weeks),
        screenings=tuple(lines.screening_line(r) for r in screenings),
        pain=arrange.pain_chart(state, period),
        pain_changes=lines.pain_changes(state, period),
        disability=tuple(arrange.disability_charts([(r.taken_on, r.score) for r in records])),
        adherence=tuple(counts),
        adherence_chart=arrange.adherence_chart(counts),
        volume_chart=arrange.volume_chart(state, weeks, period),
        volume=lines.volume_lines(logs, catalogue),
        fault_chart=arrange.fault_chart(state, period),
        faults=lines.fault_lines(logs, catalogue),
        decisions=lines.decision_lines(state, period, catalogue),
        sessions=tuple(lines.session_line(log, catalogue) for log in logs),
        wordings=lines.wording_lines(screenings, records),
    )


# -- HTML and PDF ----------------------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    """The report's own templates, and the web's chart template, so both draw the same SVG."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader("backchain.reports", "templates"),
                jinja2.PackageLoader("backchain.web", "templates"),
            ]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["printable_svg"] = _printable_svg
    env.filters["day"] = lambda day: f"{day:%d %b %Y}"
    env.filters["points"] = lambda value: f"{value:g}"
    return env


def _resource(name: str) -> str:
    return files("backchain.reports").joinpath("templates", name).read_text(encoding="utf-8")


def _printable_svg(drawn: Markup) -> Markup:
    """The chart with its colours inside each SVG: WeasyPrint draws an inline SVG with the styles
    it carries itself, never the page's stylesheet."""
    style = f"<style>{_resource(SVG_STYLESHEET)}</style>"  # our own file, not user text
    return Markup(SVG_OPEN.sub(lambda found: f"{found.group(0)}{style}", str(drawn)))


def render_html(data: ReportData) -> str:
    """The report as one self-contained HTML page (styles inline, nothing to fetch)."""
    styles = "\n".join(_resource(name) for name in STYLESHEETS)
    return (
        _environment()
        .get_template("report.html")
        .render(
            r=data,
            styles=Markup(styles),
            mcid_points={measure.value: points for measure, points in MCID_POINTS.items()},
            mcid_percent=MCID_PERCENT,
        )
    )


def render_pdf(data: ReportData) -> bytes:
    """The report as PDF bytes; a `BackchainError` saying what to install when pango is missing."""
    html = _weasyprint().HTML(
        string=render_html(data), base_url=None, url_fetcher=offline_fetcher()
    )
    pdf: bytes = html.write_pdf()
    return pdf


def offline_fetcher() -> Any:
    """WeasyPrint's fetcher refusing every URL but `data:` ones: a report never reaches out, to
    the network or to a file, whatever its text holds."""
    return _weasyprint().URLFetcher(allowed_protocols=PDF_FETCHABLE)


def _weasyprint() -> Any:
    """WeasyPrint, imported when a PDF is made: it loads pango, which only PDFs need."""
    try:
        import weasyprint  # type: ignore[import-untyped]
    except OSError:
        raise BackchainError(
            "Making a PDF needs the pango library; install it (Debian: apt-get install "
            "libpango-1.0-0 libpangoft2-1.0-0) and try again."
        ) from None
    return weasyprint
