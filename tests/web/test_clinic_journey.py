"""A clinic, end to end in Debian's Chromium, on SQLite and on PostgreSQL: the first admin from
the command line, a clinician, an invited person who onboards and trains, the clinician's hold
and change with a note, the report, and the person ending the sharing.

Each step goes through the pages as a user would; the checks read the page, the PDF and the
store. Expectations come from CLINICAL.md ("Progression": the engine never progresses past a
clinician's hold) and the brief, not from the app's code.
"""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from browser_kit import ARTIFACTS, local_page, serve
from clinic_kit import at_the_top
from journey_kit import TODAY, check_all, fill_profile, low_risk_startback, weekdays_from
from playwright.sync_api import Browser, Page, expect

from backchain import journal
from backchain.programs.models import (
    CheckIn,
    Decision,
    DecisionKind,
)
from backchain.store import care, open_store

pytestmark = pytest.mark.browser

ADMIN = ("ada@clinic.example", "the admin's own password")
CLINICIAN = ("Claire Physio", "claire@clinic.example", "claire's own password")
PERSON = ("Pat Person", "pat@example.org", "pat's own password!")
HOLD_NOTE = "Keep this level until we meet on Friday."
CHANGE_NOTE = "Two sets while your back settles."
DAYS = weekdays_from(TODAY, (0, 2, 4))  # today is a training day


@contextmanager
def opened(browser: Browser, url: str, name: str) -> Iterator[Page]:
    pages = local_page(browser, url)
    page = next(pages)
    try:
        yield page
        page.screenshot(path=ARTIFACTS / f"clinic-{name}.png", full_page=True)
    finally:
        next(pages, None)  # closes the context and checks its errors, remote loads and CSP


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def test_a_clinic_from_the_first_admin_to_the_report(
    browser: Browser, store_url: str, tmp_path: Path
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    password_file = tmp_path / "admin-password"
    password_file.write_text(ADMIN[1] + "\n")
    backchain = str(Path(sys.executable).parent / "backchain")
    env = {**os.environ, "BACKCHAIN_DATABASE_URL": store_url}
    made = subprocess.run(
        [backchain, "accounts", "create", "--role", "admin", "--email", ADMIN[0],
         "--name", "Ada Admin", "--password-file", str(password_file)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr

    with serve(tmp_path, "--clinic", db_url=store_url) as url:
        # 1. The admin adds a clinician, who gets a one-time link to set a password.
        with opened(browser, url, "admin") as admin:
            sign_in(admin, *ADMIN)
            expect(admin).to_have_url(re.compile(r"/admin$"))
            admin.get_by_label("Name").fill(CLINICIAN[0])
            admin.get_by_label("Email").fill(CLINICIAN[1])
            admin.get_by_role("button", name="Add the clinician").click()
            password_link = path_of(admin.locator("#password-link").inner_text())
            # An admin sees accounts, no health data: the person pages are not theirs.
            assert admin.goto("/progress").status == 403

        # 2. The clinician sets a password and invites a person.
        with opened(browser, url, "clinician") as clinician:
            clinician.goto(password_link)
            clinician.get_by_label("New password").fill(CLINICIAN[2])
            clinician.get_by_label("The password again").fill(CLINICIAN[2])
            clinician.get_by_role("button", name="Set the password").click()
            expect(clinician).to_have_url(re.compile(r"/clinic$"))
            clinician.get_by_role("button", name="Invite a person").click()
            invitation = path_of(clinician.locator("#invite-link").input_value())

            # 3. The person accepts, onboards and logs a session.
            with opened(browser, url, "person") as person:
                person.goto(invitation)
                expect(person.get_by_role("heading", level=1)).to_have_text("Join Backchain")
                person.get_by_label("Your name").fill(PERSON[0])
                person.get_by_label("Email").fill(PERSON[1])
                person.get_by_label("Password (at least 10 characters)").fill(PERSON[2])
                person.get_by_label("The password again").fill(PERSON[2])
                person.get_by_label(re.compile("I agree that Claire Physio may follow")).check()
                person.get_by_role("button", name="Make my account").click()
                fill_profile(person, DAYS)
                check_all(person)
                person.get_by_role("button", name="Next", exact=True).click()
                low_risk_startback(person)
                person.get_by_role("button", name="Make my plan without a questionnaire").click()
                expect(person).to_have_url(re.compile(r"/plan$"))
                person_id, first, second = _the_first_two_exercises(store_url)
                _log_a_session(person)

                # 4. The clinician sees them, opens their page, holds one exercise and changes
                # another, each with a note.
                clinician.goto("/clinic")
                row = clinician.get_by_role("row", name=re.compile(PERSON[0]))
                expect(row).to_contain_text(re.compile("training", re.IGNORECASE))
                row.get_by_role("link", name=PERSON[0]).click()
                expect(clinician.get_by_role("heading", level=1)).to_contain_text(PERSON[0])
                _change(clinician, first, held=True, note=HOLD_NOTE)
                _change(clinician, second, sets="2", note=CHANGE_NOTE)

                # 5. The person sees both changes, who made them and why; the engine's next
                # decision keeps the held exercise where it is, though every set was easy.
                person.goto("/plan")
                changes = person.locator(".clinician-changes")
                expect(changes).to_contain_text(HOLD_NOTE)
                expect(changes).to_contain_text(CHANGE_NOTE)
                expect(changes).to_contain_text(CLINICIAN[0])
                person.goto("/")
                expect(person.locator(".prescription__change").first).to_be_visible()
                decided = _next_session_at_the_top(store_url, person_id)
                assert decided[first].kind is not DecisionKind.PROGRESS
                assert "Held" in decided[first].reason
                # The same log progresses what is not held: the hold is what stopped it.
                kinds = {e: d.kind for e, d in decided.items() if e != first}
                assert DecisionKind.PROGRESS in kinds.values(), kinds
                with open_store(store_url) as store:
                    next_day = journal.today(
                        store, day=TODAY + timedelta(days=3), person_id=person_id
                    )
                sets = {p.exercise: p.sets for p in next_day.prescriptions}
                if second in sets:
                    assert sets[second] == 2

                # 6. The clinician downloads the report.
                clinician.goto(f"/clinic/people/{_account_id(store_url, PERSON[1])}")
                with clinician.expect_download() as download:
                    clinician.get_by_role("button", name="Download the report").click()
                pdf = download.value.path().read_bytes()
                assert pdf.startswith(b"%PDF")
                text = subprocess.run(
                    ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
                ).stdout.decode()
                assert PERSON[0] in text
                assert CLINICIAN[0] in text

                # 7. The person stops sharing; the clinician can no longer open their page.
                person.goto("/care")
                person.get_by_role("button", name=f"Stop sharing with {CLINICIAN[0]}").click()
                expect(person.get_by_text("Nobody follows your training")).to_be_visible()
                gone = clinician.goto(f"/clinic/people/{_account_id(store_url, PERSON[1])}")
                assert gone is not None
                assert gone.status == 404
                clinician.goto("/clinic")
                expect(clinician.get_by_role("row", name=re.compile(PERSON[0]))).to_have_count(0)


def _account_id(store_url: str, email: str) -> int:
    with open_store(store_url) as store, store.read() as session:
        found = care.account_by_email(session, email=email)
    assert found is not None
    return found[0].id


def _the_first_two_exercises(store_url: str) -> tuple[int, str, str]:
    account = _account_id(store_url, PERSON[1])
    with open_store(store_url) as store:
        with store.read() as session:
            person_id = care.person_of(session, account_id=account)
        assert person_id is not None, "the plan page showed, so a program must be stored"
        today = journal.today(store, day=TODAY, person_id=person_id)
    first, second = (p.exercise for p in today.prescriptions[:2])
    return person_id, first, second


def _log_a_session(page: Page) -> None:
    page.goto("/session")
    page.get_by_role("link", name="Start the session").click()
    reps = page.get_by_label("Reps", exact=True)
    if reps.count():
        reps.fill("10")
    else:
        page.get_by_label(re.compile("Hold")).first.fill("20")
    for legend, value in (("Effort (RPE)", 6), ("Back pain during the set", 1)):
        fieldset = page.locator("fieldset", has=page.locator("legend", has_text=legend))
        fieldset.locator("label.choice", has=page.locator(f'input[value="{value}"]')).click()
    page.get_by_role("button", name="Save set").click()
    page.get_by_role("link", name="Finish the session").click()
    fieldset = page.locator("fieldset", has=page.locator("legend", has_text="Back pain now"))
    fieldset.locator("label.choice", has=page.locator('input[value="1"]')).click()
    page.get_by_role("button", name="Save the session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Session saved")


def _change(page: Page, exercise: str, *, note: str, held: bool = False, sets: str = "") -> None:
    form = page.locator(f"#change-{exercise}")
    form.locator("summary").click()
    if sets:
        form.get_by_label(re.compile(r"^Sets")).fill(sets)
    if held:
        form.get_by_label(re.compile("Hold it where it is")).check()
    form.get_by_label(re.compile("^Why")).fill(note)
    form.get_by_role("button", name="Save the change").click()
    expect(page.locator("[role=status]").first).to_be_visible()


def _next_session_at_the_top(store_url: str, person_id: int) -> dict[str, Decision]:
    """Log the next planned session with every set at the top of its range, easy and painless,
    and a better next morning: what double progression would progress. Returns the decisions
    by exercise."""
    with open_store(store_url) as store:
        upcoming = journal.today(store, day=TODAY + timedelta(days=1), person_id=person_id)
        assert upcoming.session is not None
        day = upcoming.session.date
        log = at_the_top(store, person_id, day)
        journal.log_session(store, log=log, now=datetime.now(UTC), person_id=person_id)
        morning = CheckIn(date=day + timedelta(days=1), pain=0, compared="better")
        decisions = journal.check_in(store, checkin=morning, person_id=person_id)
    return {d.exercise: d for d in decisions if d.exercise is not None}
