"""The PDF report from the progress page: a download for the chosen days, or a page saying why not."""

import html
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from app_client import TestClient
from test_session import log_set, start_program

from backchain.web.app import create_app


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'backchain.db'}"


def one_line_problem(page: str) -> str:
    """The error page's message: one paragraph of one line, and no traceback."""
    assert "Traceback" not in page
    found = re.search(r'<div class="notice">\s*<h1>Bad Request</h1>\s*<p>([^<]*)</p>', page)
    assert found, page
    assert "\n" not in found.group(1)
    return html.unescape(found.group(1))


def test_progress_page_offers_the_report_for_plan_start_to_today(db_url: str) -> None:
    start_program(db_url)
    with TestClient(create_app(db_url)) as client:
        page = client.get("/progress").text
    today = date.today().isoformat()
    assert '<form class="report-form" method="get" action="/progress/report.pdf">' in page
    assert f'name="start" type="date" value="{today}"' in page  # the plan starts today
    assert f'name="end" type="date" value="{today}"' in page
    assert ">Download report (PDF)</button>" in page


def test_downloads_the_report_of_the_days_asked_for(db_url: str, tmp_path: Path) -> None:
    start_program(db_url)  # the plan starts today; glute bridge is the session's first exercise
    today = date.today().isoformat()
    with TestClient(create_app(db_url)) as client:
        log_set(client, 1, reps="13", pain="3")
        client.post("/session/finish", data={"pain_after": "2", "notes": "Easy day"})
        response = client.get(f"/progress/report.pdf?start={today}&end={today}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="backchain-report-{today}-{today}.pdf"'
    )
    (tmp_path / "report.pdf").write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    squeezed = " ".join(text.split())
    day = date.today().strftime("%d %b %Y")
    assert "Backchain user" in squeezed
    assert f"Period {day} to {day}" in squeezed
    assert "Glute bridge 1 1 13 0" in squeezed  # one session, one set of 13 reps, no hold
    assert "Notes: Easy day" in squeezed


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        (
            "start=2026-13-01&end=2026-02-01",
            "The report's start date must be a date as YYYY-MM-DD, got '2026-13-01'.",
        ),
        ("start=2026-01-01&end=soon", "The report's end date must be a date as YYYY-MM-DD"),
        ("start=&end=2026-02-01", "The report's start date is empty; give it as YYYY-MM-DD."),
        (
            "start=2026-02-01&end=2026-01-01",
            "The period ends on 2026-01-01, before it starts on 2026-02-01",
        ),
    ],
)
def test_bad_days_give_a_page_saying_what_to_type(db_url: str, query: str, problem: str) -> None:
    start_program(db_url)
    with TestClient(create_app(db_url)) as client:
        response = client.get(f"/progress/report.pdf?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert problem in one_line_problem(response.text)


def test_without_a_program_there_is_nothing_to_report(db_url: str) -> None:
    with TestClient(create_app(db_url)) as client:
        response = client.get("/progress/report.pdf")
    assert response.status_code == 404
    assert "There is nothing to report yet" in response.text
