"""Whole journeys in Debian's Chromium at phone size: onboarding with and without a clearance, a
day's session saved once and kept across a restart, corrections in the history, settings that
re-plan the future, and the person's data out and back in.

The module shares one `backchain serve`; each test starts from an empty database. The restart
journey runs servers of its own. Seeding goes through the store; the checks read the store or
the page, and the expectations come from CLINICAL.md and the brief, not from the app's code.
"""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from browser_kit import ARTIFACTS, local_page, post, serve
from icalendar import Calendar
from journey_kit import (
    TODAY,
    add_draft_set,
    check_all,
    export,
    fill_profile,
    group,
    low_risk_startback,
    planned,
    seed_history,
    seed_program,
    stored,
    top_of_range,
    utc_now,
    weekdays_from,
    wipe,
)
from playwright.sync_api import Browser, Locator, Page, expect

from backchain import journal
from backchain.exercises import load_catalogue
from backchain.journal.settings import change_settings
from backchain.programs.models import CheckIn, DecisionKind, SessionLog, SetLog
from backchain.screening import RED_FLAGS, red_flag
from backchain.store import drafts as stored_drafts
from backchain.store import open_store, repository

pytestmark = pytest.mark.browser

# Training days around today: OLD holds today and the days two and four later; NEW none of them.
OLD = weekdays_from(TODAY, (0, 2, 4))
NEW = weekdays_from(TODAY, (1, 3, 5))
TWO_WEEKS_AGO = TODAY - timedelta(days=14)


@dataclass(frozen=True)
class Site:
    url: str
    db_url: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("journeys")
    with serve(folder) as url:
        yield Site(url, f"sqlite:///{folder / 'backchain.db'}")


@pytest.fixture
def page(browser: Browser, site: Site) -> Iterator[Page]:
    """A phone-sized page on the shared server, whose database is empty."""
    wipe(site.db_url)
    ARTIFACTS.mkdir(exist_ok=True)
    yield from local_page(browser, site.url)


TAP_PX = 44  # style.css `--tap`: the smallest control a thumb can hit


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def shot(page: Page, name: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px"
    page.screenshot(path=ARTIFACTS / f"journey-{name}-phone.png", full_page=True)


def tappable(control: Locator) -> None:
    box = control.bounding_box()
    assert box is not None, "the control is not shown"
    assert box["height"] >= TAP_PX, f"a control {box['height']:.0f} px high is hard to tap"


def choose(page: Page, legend: str, value: int) -> None:
    """Tap a 0-10 choice (effort, pain) in the fieldset whose legend starts with `legend`."""
    fieldset = page.locator("fieldset", has=page.locator("legend", has_text=legend))
    fieldset.locator("label.choice", has=page.locator(f'input[value="{value}"]')).click()


def make_plan_without_questionnaire(page: Page) -> None:
    expect(heading(page)).to_have_text("Your starting point")
    page.get_by_role("button", name="Make my plan without a questionnaire").click()
    expect(page).to_have_url(re.compile(r"/plan$"))


# -- 1-3: safety screening at the start ------------------------------------------------------------


def test_chronic_pain_that_a_clinician_has_checked_gets_a_plan(page: Page, site: Site) -> None:
    fill_profile(page, OLD)
    expect(heading(page)).to_have_text("Safety questions")
    # Long-standing pain is asked about only as "not checked yet" (CLINICAL.md, chronic pain).
    not_improving = red_flag("not_improving")
    assert not_improving is not None
    asked = group(page, not_improving.question).locator("legend")
    expect(asked).to_contain_text("a month or more without getting better")
    expect(asked).to_contain_text("has no doctor or physiotherapist checked it yet?")
    check_all(page)
    shot(page, "chronic-safety")
    page.get_by_role("button", name="Next", exact=True).click()

    expect(heading(page)).to_have_text("How your back affects you")
    low_risk_startback(page)
    make_plan_without_questionnaire(page)
    expect(heading(page)).to_have_text(re.compile(r"Your \d+-week plan"))
    shot(page, "chronic-plan")

    person = stored(site.db_url)
    assert person is not None, "the plan page showed, so a program must be stored"
    screening = person.profile.screening
    assert screening is not None
    assert screening["red_flags"] == {flag.id: False for flag in RED_FLAGS}
    assert "clearance" not in screening
    assert person.profile.pain == 5  # what the profile form said


def test_past_cancer_is_stopped_then_a_clearance_lets_training_start(
    page: Page, site: Site
) -> None:
    cancer = red_flag("cancer_history")
    assert cancer is not None
    fill_profile(page, OLD)
    check_all(page, yes=[cancer.id])
    page.get_by_role("button", name="Next", exact=True).click()
    expect(heading(page)).to_have_text("Please see a clinician before you train")
    expect(page.locator(".stop__reasons li")).to_have_text([cancer.reason])
    assert stored(site.db_url) is None

    clearance = page.locator("section.clearance")
    clearance.get_by_label(cancer.reason).check()
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    clearance.get_by_label("The day you were cleared").fill(tomorrow)
    clearance.get_by_label("Who cleared you (optional)").fill("Dr Okafor, GP")
    page.get_by_role("button", name="Record the clearance and carry on").click()

    # A future day is refused next to its field, and nothing typed is lost.
    expect(heading(page)).to_have_text("Please see a clinician before you train")
    day = page.locator("#f-cleared_on")
    expect(page.locator("#cleared_on-error")).to_contain_text("in the future")
    expect(day).to_have_attribute("aria-invalid", "true")
    expect(day).to_have_attribute("aria-describedby", re.compile(r"\bcleared_on-error\b"))
    expect(day).to_have_value(tomorrow)
    expect(clearance.get_by_label(cancer.reason)).to_be_checked()
    expect(clearance.get_by_label("Who cleared you (optional)")).to_have_value("Dr Okafor, GP")
    tappable(day)
    shot(page, "clearance-future-date")
    assert stored(site.db_url) is None

    seen_on = TODAY - timedelta(days=9)
    day.fill(seen_on.isoformat())
    page.get_by_role("button", name="Record the clearance and carry on").click()
    expect(heading(page)).to_have_text("How your back affects you")
    low_risk_startback(page)
    make_plan_without_questionnaire(page)

    person = stored(site.db_url)
    assert person is not None
    assert person.profile.screening is not None
    assert person.profile.screening["clearance"] == {
        "flags": [cancer.id],
        "date": seen_on.isoformat(),
        "by": "Dr Okafor, GP",
    }
    page.goto("/history")
    record = page.locator("section", has=page.locator("#screenings-title")).locator("li")
    expect(record).to_have_count(1)
    expect(record).to_contain_text("Dr Okafor, GP")
    expect(record).to_contain_text(seen_on.strftime("%d %b %Y"))  # as the history writes days
    expect(record).to_contain_text(cancer.reason.lower())
    shot(page, "clearance-history")


def test_an_urgent_sign_cannot_be_cleared_even_by_a_forged_form(page: Page, site: Site) -> None:
    bladder = red_flag("bladder")
    assert bladder is not None
    assert not bladder.clearable
    fill_profile(page, OLD)
    carried = page.locator('input[name="state"]').input_value()
    check_all(page, yes=[bladder.id])
    page.get_by_role("button", name="Next", exact=True).click()
    expect(heading(page)).to_have_text("Please get medical help today")
    expect(page.locator("section.clearance")).to_have_count(0)
    expect(page.locator('form[action="/start/clearance"]')).to_have_count(0)
    shot(page, "urgent-stop")

    # The answers carried between steps are signed by the server: a page that forges them,
    # to clear an urgent sign or to skip the safety questions, is sent back to the start.
    payload, signature = carried.rsplit(".", 1)
    forged_states = [carried, f"{payload}x.{signature}", json.dumps({"profile": {"age": 47}})]
    startback = {f"item{n}": "disagree" for n in range(1, 9)} | {"item9": "slightly"}
    for state in forged_states:
        body = [("state", state), ("new", ""), ("cleared", bladder.id)]
        body += [("cleared_on", TODAY.isoformat()), ("cleared_by", "Dr Forged")]
        response = post(
            page,
            "/start/clearance",
            data=urlencode(body),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status == 400
        assert "start again" in response.text()
        for step in ("/start/startback", "/start/baseline"):
            response = post(page, step, form={"state": state, **startback, "measure": "none"})
            assert response.status == 400
            assert "Your starting point" not in response.text()
    assert stored(site.db_url) is None
    page.goto("/")
    expect(heading(page)).to_have_text("Welcome to Backchain")


# -- 4-5: one session a day, kept as it is logged ---------------------------------------------------


def _log_a_set(page: Page, reps: str, rpe: int, pain: int) -> None:
    page.get_by_label("Reps", exact=True).fill(reps)
    choose(page, "Effort (RPE)", rpe)
    choose(page, "Back pain during the set", pain)
    page.get_by_role("button", name="Save set").click()


def _logs_on(db_url: str, day: date) -> list[SessionLog]:
    person = stored(db_url)
    assert person is not None
    return [log for _, log in person.logs if log.date == day]


def _drafts(db_url: str) -> list[date]:
    with open_store(db_url) as store, store.transaction() as session:
        person = repository.latest_person_id(session)
        assert person is not None
        return [d.date for _, d in stored_drafts.drafts(session, person_id=person)]


def test_a_finished_session_is_done_for_the_day_and_never_logged_twice(
    page: Page, site: Site
) -> None:
    seed_program(site.db_url, start=TODAY, days=OLD)
    page.goto("/")
    page.get_by_role("link", name="Start session").click()
    page.get_by_role("link", name="Start the session").click()
    expect(page).to_have_url(re.compile(r"/session/1$"))
    _log_a_set(page, "12", rpe=6, pain=1)
    expect(page.locator(".logged-sets > li")).to_have_count(1)
    page.get_by_role("link", name="Finish the session").click()
    choose(page, "Back pain now", 2)
    page.get_by_role("button", name="Save the session").click()
    expect(heading(page)).to_have_text("Session saved")

    page.goto("/")
    done = page.locator("section", has=page.get_by_role("heading", name="Today's session is done"))
    expect(done).to_contain_text("1 exercise logged,")
    expect(page.get_by_role("link", name="Start session")).to_have_count(0)
    expect(page.get_by_role("link", name="Train today")).to_have_count(0)
    expect(page.locator('a[href="/session"].button')).to_have_count(0)
    shot(page, "today-done")
    page.goto("/session")
    expect(heading(page)).to_have_text("Today's session is done")
    expect(page.get_by_role("link", name=re.compile("Start the session|Carry on"))).to_have_count(0)

    # A second log for the day is refused at every door, and nothing of it is kept.
    another = post(page, "/session/1/sets", form={"reps": "15", "rpe": "5", "pain": "0"})
    assert not another.ok
    again = post(page, "/session/finish", form={"pain_after": "0", "notes": "again"})
    assert "Session saved" not in again.text()
    page.goto("/session/1")
    expect(page.get_by_role("button", name="Save set")).to_have_count(0)

    logs = _logs_on(site.db_url, TODAY)
    assert len(logs) == 1
    assert [s.reps for e in logs[0].exercises for s in e.sets] == [12]
    assert (logs[0].pain_after, logs[0].notes) == (2, "")
    assert _drafts(site.db_url) == [], "the refused set must not start a new draft"


def test_a_logged_set_survives_a_server_restart(browser: Browser, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'backchain.db'}"
    seed_program(db_url, start=TODAY, days=OLD)
    with serve(tmp_path) as url, contextmanager(local_page)(browser, url) as page:
        page.goto("/session/1")
        name = heading(page).inner_text()
        page.get_by_text("Form faults noticed (optional)").click()
        fault = page.locator('input[name="faults"]').first
        fault_id = fault.get_attribute("value")
        fault.check()
        _log_a_set(page, "14", rpe=7, pain=2)
        expect(page.locator(".logged-sets > li")).to_have_count(1)

    with serve(tmp_path) as url, contextmanager(local_page)(browser, url) as page:
        page.goto("/session")
        expect(page.locator(".session-list > li").first).to_contain_text("1 of")
        page.get_by_role("link", name="Finish", exact=True).click()
        expect(heading(page)).to_have_text("Finish the session")
        listed = page.locator(".session-list > li").first
        expect(listed).to_contain_text(name)
        expect(listed).to_contain_text("1 set logged")
        expect(listed).to_contain_text("14 reps")
        shot(page, "finish-after-restart")
        choose(page, "Back pain now", 3)
        page.get_by_role("button", name="Save the session").click()
        expect(heading(page)).to_have_text("Session saved")

    logs = _logs_on(db_url, TODAY)
    assert len(logs) == 1
    first = logs[0].exercises[0]
    assert first.sets == (SetLog(reps=14, rpe=7, pain=2, faults=(fault_id,)),)
    assert logs[0].pain_after == 3


# -- 6: a correction in the history is decided again ------------------------------------------------


def test_a_corrected_set_changes_the_decision(page: Page, site: Site) -> None:
    # Yesterday's session, every set at the top of its range, and a good check-in this morning.
    yesterday = TODAY - timedelta(days=1)
    seed_program(site.db_url, start=yesterday, days=weekdays_from(TODAY, (-1, 1, 3)))
    log = top_of_range(site.db_url, yesterday)
    with open_store(site.db_url) as store:
        journal.log_session(store, log=log, now=utc_now())
        journal.check_in(store, checkin=CheckIn(date=TODAY, pain=1, compared="same"))
    first = log.exercises[0]
    name = load_catalogue().get(first.exercise).name
    page.goto(f"/history/{yesterday.isoformat()}")
    row = page.locator("tr.decision", has=page.get_by_role("rowheader", name=name, exact=True))
    # CLINICAL.md: every set at the top of the range, RPE <= 8 and pain <= 3, and the next
    # morning no worse -> progress.
    expect(row).to_have_class(re.compile(r"\bdecision--progress\b"))

    page.get_by_role("link", name=f"Correct set 1 of {name}").click()
    expect(heading(page)).to_contain_text("Correct set 1")
    choose(page, "Back pain during the set", 7)
    shot(page, "correct-set")
    page.get_by_role("button", name="Save the correction").click()

    # Pain above 5 is too much: that exercise is regressed or reduced, never progressed.
    expect(page).to_have_url(re.compile(rf"/history/{yesterday.isoformat()}#decisions$"))
    expect(row).to_have_class(re.compile(r"\bdecision--(regress|reduce)\b"))
    corrections = page.locator("section", has=page.locator("#corrections-title"))
    expect(corrections.locator("li")).to_have_count(1)
    expect(corrections.locator("li")).to_contain_text(f"Corrected set 1 of {name}")
    expect(page.locator(".logged-sets li").first).to_contain_text("pain 7")
    shot(page, "corrected-session")
    page.goto("/history")
    expect(page.locator(".record .badge")).to_have_text(["corrected"])

    person = stored(site.db_url)
    assert person is not None
    assert person.logs[0][1].exercises[0].sets[0].pain == 7
    kinds = {d.kind for d in person.all_decisions if d.exercise == first.exercise}
    assert kinds, "the corrected exercise has a decision"
    assert kinds <= {DecisionKind.REGRESS, DecisionKind.REDUCE}


# -- 7-9: settings, data and the calendar ----------------------------------------------------------


def test_new_days_re_plan_the_future_and_keep_the_past(page: Page, site: Site) -> None:
    seed_program(site.db_url, start=TWO_WEEKS_AGO, days=OLD)
    logged = seed_history(site.db_url, until=TODAY)
    assert logged, "the seeded past has sessions"
    before = stored(site.db_url)
    assert before is not None

    page.goto("/settings")
    tappable(page.get_by_label(re.compile("Minutes per session")))
    days = group(page, "Training days (2 to 5)")
    for day in OLD:
        days.get_by_label(day.value.capitalize()).uncheck()
    for day in NEW:
        days.get_by_label(day.value.capitalize()).check()
    page.get_by_role("button", name="Save and update the plan").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    shot(page, "settings-saved")
    page.get_by_role("link", name="See the plan").click()
    expect(heading(page)).to_have_text(re.compile(r"Your \d+-week plan"))
    shown = page.locator("table.calendar a").evaluate_all("links => links.map(a => a.pathname)")
    shot(page, "plan-after-new-days")

    after = stored(site.db_url)
    assert after is not None
    assert set(after.profile.days) == set(NEW)
    past = [s for s in planned(after.plan.weeks) if s.date < TODAY]
    assert past == [s for s in planned(before.plan.weeks) if s.date < TODAY]
    future = [s for s in planned(after.plan.weeks) if s.date >= TODAY]
    assert {s.date.weekday() for s in future} == {day.number for day in NEW}
    assert after.logs == before.logs
    assert sorted(shown) == [f"/plan/{s.date.isoformat()}" for s in planned(after.plan.weeks)]


def _download(page: Page, link: str) -> Path:
    with page.expect_download() as download:
        page.get_by_role("link", name=link).click()
    path = download.value.path()
    return Path(path)


def test_export_delete_and_import_give_the_same_data_back(page: Page, site: Site) -> None:
    cleared = {
        "red_flags": {flag.id: flag.id == "pregnancy" for flag in RED_FLAGS},
        "startback": [True, False] * 4 + ["moderately"],
        "age": 44,
        "clearance": {"flags": ["pregnancy"], "date": TWO_WEEKS_AGO.isoformat(), "by": "Midwife"},
    }
    seed_program(site.db_url, start=TWO_WEEKS_AGO, days=OLD, screening=cleared)
    seed_history(site.db_url, until=TODAY)
    add_draft_set(site.db_url, TODAY)
    stored_before = export(site.db_url)
    person = stored_before["people"][0]
    for part in ("screenings", "session_logs", "decisions", "drafts", "revisions"):
        assert person[part], f"the seeded data has {part}"

    page.goto("/settings")
    first = _download(page, "Download all my data")
    exported = json.loads(first.read_text())
    assert exported == stored_before

    confirm = page.get_by_label(re.compile("To confirm, type"))
    tappable(confirm)
    confirm.fill("delete")
    page.get_by_role("button", name="Delete everything").click()
    expect(page.locator("#confirm-error")).to_be_visible()
    assert export(site.db_url) == stored_before, "a wrong confirmation deletes nothing"
    page.get_by_label(re.compile("To confirm, type")).fill("delete my data")
    page.get_by_role("button", name="Delete everything").click()
    expect(heading(page)).to_have_text("Your data is deleted")
    assert stored(site.db_url) is None
    assert export(site.db_url)["people"] == []

    page.get_by_role("link", name="import a file").click()
    tappable(page.get_by_label("Import an export file"))
    page.get_by_label("Import an export file").set_input_files(first)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Imported")
    shot(page, "imported")
    second = _download(page, "Download all my data")
    assert json.loads(second.read_text()) == exported
    assert second.read_bytes() == first.read_bytes()


def test_the_calendar_holds_every_planned_session_on_its_day(page: Page, site: Site) -> None:
    seed_program(site.db_url, start=TWO_WEEKS_AGO, days=OLD)
    seed_history(site.db_url, until=TODAY)
    with open_store(site.db_url) as store:  # past sessions on OLD days, later ones on NEW
        change_settings(store, changes={"days": [d.value for d in NEW]}, day=TODAY, now=utc_now())
    person = stored(site.db_url)
    assert person is not None

    page.goto("/settings")
    shot(page, "settings")
    ics = _download(page, "Download the calendar (.ics)")
    calendar = Calendar.from_ical(ics.read_bytes())
    days = [
        event.decoded("dtstart")
        for event in calendar.walk("VEVENT")
        if not isinstance(event.decoded("dtstart"), datetime)  # all-day: a session
    ]
    assert sorted(days) == [s.date for s in planned(person.plan.weeks)]
