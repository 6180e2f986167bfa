"""STarT Back, ODI and RMDQ in the browser: every item answerable in the app, in the wording in use,
scored like the CLI, stored with the wording's name; in-process, then a journey in Chromium."""

import html
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from app_client import TestClient
from browser_kit import ARTIFACTS
from playwright.sync_api import Page, expect
from test_onboarding import HIGH_RISK, LOW_RISK, NO_FLAGS, PROFILE, carried, to_safety

from backchain import journal
from backchain.outcomes import (
    ODI_PARAPHRASE,
    RMDQ_PARAPHRASE,
    Measure,
    score_odi,
    score_rmdq,
)
from backchain.programs.profile import parse_profile
from backchain.screening import HIGH_RISK_ADVICE, RED_FLAGS, Bothersomeness
from backchain.screening.startback import PLAN_FOR_EVERY_GROUP, STARTBACK_PARAPHRASE
from backchain.store import open_store, repository
from backchain.web.questionnaires import (
    WORDING_CHANGED,
    WORDING_DIR_VAR,
    bothersome_choices,
    disability_from_form,
)

MEDIUM_RISK = {
    **{f"item{n}": "agree" if n <= 4 else "disagree" for n in range(1, 9)},
    "item9": "slightly",
}
OFFICIAL_STARTBACK = {"name": "Keele 2007", "items": [f"Official item {n}" for n in range(1, 10)]}
OFFICIAL_ODI = [
    {"topic": f"Official topic {n}", "statements": [f"Topic {n} level {s}" for s in range(6)]}
    for n in range(1, 11)
]
OFFICIAL_RMDQ = [f"Official statement {n}" for n in range(1, 25)]


def text_of(page: str) -> str:
    return html.unescape(page)


def stored() -> tuple[list[repository.QuestionnaireRecord], list[repository.ScreeningRecord]]:
    with open_store() as store, store.transaction() as session:
        person = repository.latest_person_id(session)
        if person is None:
            return [], []
        return (
            repository.questionnaire_records(session, person_id=person),
            repository.screenings(session, person_id=person),
        )


def wording_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **files: object) -> Path:
    """A BACKCHAIN_WORDING_DIR holding `name.json` for each keyword (a str is written as is)."""
    folder = tmp_path / "wording"
    folder.mkdir()
    for name, data in files.items():
        content = data if isinstance(data, str) else json.dumps(data)
        (folder / f"{name}.json").write_text(content, encoding="utf-8")
    monkeypatch.setenv(WORDING_DIR_VAR, str(folder))
    return folder


def to_startback(client: TestClient) -> str:
    """The STarT Back page after a profile and a clear safety step."""
    page = client.post("/start/safety", data={"state": to_safety(client), **NO_FLAGS})
    assert page.status_code == 200
    return page.text


def to_baseline(client: TestClient, startback: dict[str, str]) -> tuple[str, str]:
    """The carried answers and the page of step 4, after the given STarT Back answers."""
    state = carried(to_startback(client))
    response = client.post("/start/startback", data={"state": state, **startback})
    assert response.status_code == 200
    return carried(response.text), response.text


def start_with(measure: Measure, answers: list[int | None] | list[bool], days_ago: int) -> None:
    """A program stored `days_ago` days ago, its baseline answered in Backchain's wording."""
    data: dict[str, object] = {
        "age": 40,
        "equipment": ["mat"],
        "experience": "new",
        "days": ["monday", "wednesday", "friday"],
        "minutes_per_session": 30,
        "sitting_hours": 8,
        "pain": 3,
        "screening": {
            "red_flags": {flag.id: False for flag in RED_FLAGS},
            "startback": [False] * 8 + ["slightly"],
            "age": 40,
        },
        measure.value: answers,
    }
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(days=days_ago)
    with open_store() as store:
        journal.start_program(store, profile=parse_profile(data), start=now.date(), now=now)


# -- reading the forms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "score", "band", "answered"),
    [
        # 3 + 2 + 5 + 0 + 1 + 4 + 2 = 17 points in 7 sections: 17 / 35 x 100 = 48.6 %.
        (
            {"odi1": "3", "odi2": "2", "odi4": "5", "odi5": "0", "odi6": "1", "odi9": "4"}
            | {"odi10": "2"},
            48.6,
            "severe",
            7,
        ),
        ({f"odi{n}": "5" for n in range(1, 11)}, 100.0, "bed-bound", 10),
        ({f"odi{n}": "1" for n in range(1, 11)} | {"odi8": ""}, 20.0, "minimal", 9),
        # Values no radio sends count as unanswered: only section 3 (1 point of 5) is left.
        ({"odi1": "6", "odi2": "x", "odi3": "1", "odi4": "-1"}, 20.0, "minimal", 1),
    ],
)
def test_odi_form_scores_like_the_cli(
    form: dict[str, str], score: float, band: str, answered: int
) -> None:
    filled = disability_from_form(Measure.ODI, {name: [value] for name, value in form.items()})

    result = filled.score()

    assert (result.score, result.band, result.answered) == (score, band, answered)
    assert result == score_odi(filled.answers)  # type: ignore[arg-type]
    assert filled.answers_file() == {"sections": filled.answers}


@pytest.mark.parametrize(
    ("ticked", "score"),
    [
        ([], 0.0),
        (["1", "5", "24"], 3.0),
        ([str(n) for n in range(1, 25)], 24.0),
        (["5", "5", "0", "25", "x"], 1.0),  # repeats and unknown numbers count once or not at all
    ],
)
def test_rmdq_form_scores_like_the_cli(ticked: list[str], score: float) -> None:
    filled = disability_from_form(Measure.RMDQ, {"rmdq": ticked})

    assert filled.score().score == score
    assert filled.score() == score_rmdq([bool(a) for a in filled.answers])
    assert filled.error is None


def test_an_odi_with_nothing_answered_asks_for_a_section() -> None:
    assert disability_from_form(Measure.ODI, {}).error == "Answer at least one section."


def test_item_9_answers_keep_their_place_on_the_scale() -> None:
    pairs = bothersome_choices(STARTBACK_PARAPHRASE)

    assert pairs[0] == (Bothersomeness.NOT_AT_ALL.value, "Not at all")
    assert pairs[-1] == (Bothersomeness.EXTREMELY.value, "Extremely")


# -- onboarding --------------------------------------------------------------------------------


def test_startback_is_asked_in_backchains_own_words(client: TestClient) -> None:
    page = text_of(to_startback(client))

    assert STARTBACK_PARAPHRASE.label in page
    for item in STARTBACK_PARAPHRASE.items:
        assert f"<legend>{item.id}. {item.text}</legend>" in page
    assert '<input type="hidden" name="wording-startback" value="backchain">' in page
    for value, text in bothersome_choices(STARTBACK_PARAPHRASE):
        assert re.search(rf'name="item9" value="{value}">\s*<span>{text}</span>', page)


@pytest.mark.parametrize(
    ("answers", "words", "total", "psychosocial"),
    [(LOW_RISK, "low", 0, 0), (MEDIUM_RISK, "medium", 4, 0), (HIGH_RISK, "high", 9, 5)],
)
def test_the_startback_result_is_shown_in_plain_words(
    client: TestClient, answers: dict[str, str], words: str, total: int, psychosocial: int
) -> None:
    _, page = to_baseline(client, answers)
    shown = " ".join(re.sub(r"<[^>]+>", "", text_of(page)).split())

    assert f"Your STarT Back result: {words} risk" in shown
    assert f"You scored {total} of 9 in all, and {psychosocial} of 5 on questions 5 to 9" in shown
    assert PLAN_FOR_EVERY_GROUP in shown
    assert (HIGH_RISK_ADVICE in shown) is (words == "high")


def test_every_odi_statement_and_rmdq_statement_is_a_labelled_choice(client: TestClient) -> None:
    _, page = to_baseline(client, LOW_RISK)
    page = text_of(page)

    assert ODI_PARAPHRASE.label in page
    assert RMDQ_PARAPHRASE.label in page
    for section in ODI_PARAPHRASE.items:
        name = f"odi{section.id}"
        assert f"<legend>Section {section.id}: {section.text}</legend>" in page
        for score, statement in enumerate(section.options or ()):
            pattern = rf'type="radio" name="{name}" value="{score}">\s*<span>{re.escape(statement)}'
            assert re.search(pattern, page), statement
        assert len(re.findall(rf'type="radio" name="{name}" value="\d"', page)) == 6
    for item in RMDQ_PARAPHRASE.items:
        pattern = rf'name="rmdq" value="{item.id}">\s*<span>{item.id}\. {re.escape(item.text)}'
        assert re.search(pattern, page), item.text
    assert page.count('type="checkbox" name="rmdq"') == 24


def test_the_rmdq_answered_in_the_app_is_scored_and_stored(client: TestClient) -> None:
    state, _ = to_baseline(client, LOW_RISK)

    response = client.post(
        "/start/baseline",
        data={"state": state, "measure": "rmdq", "rmdq": ["2", "3", "17"]},
        follow_redirects=False,
    )

    assert response.status_code == 303
    records, screenings = stored()
    assert [(r.score.measure, r.score.score, r.wording) for r in records] == [
        (Measure.NRS, 3.0, "backchain"),
        (Measure.RMDQ, 3.0, "backchain"),
    ]
    assert [s.wording for s in screenings] == ["backchain"]


def test_official_wording_from_the_folder_is_shown_and_recorded(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wording_folder(tmp_path, monkeypatch, startback=OFFICIAL_STARTBACK, odi=OFFICIAL_ODI)

    startback = text_of(to_startback(client))
    assert "<legend>1. Official item 1</legend>" in startback
    assert "The STarT Back Screening Tool in the wording “Keele 2007”." in startback
    state, baseline = to_baseline(client, LOW_RISK)
    baseline = text_of(baseline)
    assert "<legend>Section 4: Official topic 4</legend>" in baseline
    assert "<span>Topic 4 level 5</span>" in baseline
    assert RMDQ_PARAPHRASE.label in baseline  # no rmdq.json: Backchain's own wording

    odi = {"odi1": "2", "odi4": "5", "wording-odi": "official", "wording-rmdq": "backchain"}
    client.post("/start/baseline", data={"state": state, "measure": "odi", **odi})

    records, screenings = stored()
    assert [(r.score.measure, r.score.score, r.wording) for r in records] == [
        (Measure.NRS, 3.0, "backchain"),
        (Measure.ODI, 70.0, "official"),  # 7 points of 10
    ]
    assert [s.wording for s in screenings] == ["Keele 2007"]


def test_a_malformed_wording_file_is_said_on_the_page_and_backchains_wording_used(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wording_folder(tmp_path, monkeypatch, odi=json.dumps(OFFICIAL_ODI[:9]), rmdq="[1, 2")
    state, _ = to_baseline(client, LOW_RISK)

    response = client.post("/start/baseline", data={"state": state, "measure": "odi"})

    assert response.status_code == 200
    page = " ".join(text_of(response.text).split())
    assert "The wording file for this questionnaire could not be used:" in page
    assert "odi.json: the ODI wording needs 10 sections, got 9." in page
    assert "rmdq.json: the file is not valid JSON (" in page
    assert page.count("Backchain's own wording is shown instead.") == 2
    assert ODI_PARAPHRASE.label in page
    client.post("/start/baseline", data={"state": state, "measure": "odi", "odi3": "1"})
    records, _ = stored()
    assert [(r.score.measure, r.wording) for r in records][-1] == (Measure.ODI, "backchain")


def test_a_missing_wording_folder_is_said_on_the_page(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WORDING_DIR_VAR, str(tmp_path / "nowhere"))

    page = text_of(to_startback(client))

    assert "The wording folder" in page
    assert "does not exist" in page
    assert STARTBACK_PARAPHRASE.items[0].text in page


def test_answers_to_a_wording_that_changed_meanwhile_are_shown_again_and_kept(
    client: TestClient,
) -> None:
    state, _ = to_baseline(client, LOW_RISK)
    odi = {"odi1": "2", "odi7": "4", "wording-odi": "official"}  # the folder was emptied since

    page = client.post("/start/baseline", data={"state": state, "measure": "odi", **odi}).text

    assert WORDING_CHANGED in text_of(page)
    assert 'href="#f-wording-odi"' in page
    assert re.search(r'name="odi1" value="2" checked>', page)
    assert re.search(r'name="odi7" value="4" checked>', page)
    assert stored() == ([], [])


def test_the_startback_step_notices_a_changed_wording_too(client: TestClient) -> None:
    state = carried(to_startback(client))
    answers = {**LOW_RISK, "wording-startback": "Keele 2007"}

    page = client.post("/start/startback", data={"state": state, **answers}).text

    assert WORDING_CHANGED in text_of(page)
    assert "Step 3 of 4" in page
    assert re.search(r'name="item1" value="disagree"\s+checked', page)


def test_a_mangled_carried_wording_asks_to_start_again(client: TestClient) -> None:
    state, _ = to_baseline(client, LOW_RISK)
    # The carried answers are signed: any change to them, the wording included, is refused.
    payload, signature = state.rsplit(".", 1)
    mangled = f"{payload.replace('a', 'b', 1)}.{signature}"

    response = client.post("/start/baseline", data={"state": mangled, "measure": "none"})

    assert response.status_code == 400
    assert "start again" in response.text


# -- the re-take --------------------------------------------------------------------------------


def test_the_odi_retake_asks_every_statement_and_compares(client: TestClient) -> None:
    start_with(Measure.ODI, [2] * 10, days_ago=30)
    form = text_of(client.get("/checkin/questionnaire").text)
    assert "<legend>Section 1: Pain intensity</legend>" in form
    assert f"<span>{(ODI_PARAPHRASE.items[9].options or ())[5]}</span>" in form

    answers = {f"odi{n}": "1" for n in range(1, 11)} | {"odi8": ""}
    page = " ".join(text_of(client.post("/checkin/questionnaire", data=answers).text).split())

    assert "ODI today: 20% (minimal)" in re.sub(r"</?strong>", "", page)
    assert "-20 points, improved — a change large enough to matter" in page
    assert f"Answered in: {ODI_PARAPHRASE.label}" in page
    records, _ = stored()
    assert [(r.score.score, r.wording) for r in records if r.score.measure is Measure.ODI] == [
        (40.0, "backchain"),
        (20.0, "backchain"),
    ]


def test_the_rmdq_retake_in_official_wording_is_recorded_as_such(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_with(Measure.RMDQ, [True] * 10 + [False] * 14, days_ago=30)
    wording_folder(tmp_path, monkeypatch, rmdq={"name": "RMDQ 1983", "items": OFFICIAL_RMDQ})
    form = text_of(client.get("/checkin/questionnaire").text)
    assert "<span>24. Official statement 24</span>" in form

    ticked = ["1", "2", "3", "4"]
    data = {"rmdq": ticked, "wording-rmdq": "RMDQ 1983"}
    page = " ".join(text_of(client.post("/checkin/questionnaire", data=data).text).split())

    assert "RMDQ today: 4 of 24" in re.sub(r"</?strong>", "", page)
    assert "-6 points, improved" in page
    assert "another wording (“backchain”)" in page
    records, _ = stored()
    assert [(r.score.score, r.wording) for r in records if r.score.measure is Measure.RMDQ] == [
        (10.0, "backchain"),
        (4.0, "RMDQ 1983"),
    ]


def test_a_retake_of_a_wording_that_changed_meanwhile_is_not_stored(client: TestClient) -> None:
    start_with(Measure.RMDQ, [False] * 24, days_ago=30)

    data = {"rmdq": ["3"], "wording-rmdq": "RMDQ 1983"}
    page = client.post("/checkin/questionnaire", data=data).text

    assert WORDING_CHANGED in text_of(page)
    assert re.search(r'name="rmdq" value="3" checked>', page)
    records, _ = stored()
    assert [r.score.measure for r in records] == [Measure.NRS, Measure.RMDQ]


def test_an_odi_retake_with_nothing_answered_is_asked_again(client: TestClient) -> None:
    start_with(Measure.ODI, [2] * 10, days_ago=30)

    page = client.post("/checkin/questionnaire", data={}).text

    assert '<p class="field-error" id="odi-error">Answer at least one section.</p>' in page


# -- in Chromium, at phone size ---------------------------------------------------------------


def _onboard(page: Page, pick: str) -> None:
    """Profile, safety and STarT Back as a person fills them in, up to the baseline step."""
    page.goto("/start?new=true")
    page.get_by_label("Your age in years").fill(PROFILE["age"])
    for day in ("Monday", "Wednesday", "Friday"):
        page.get_by_role("group", name="Training days").get_by_label(day).check()
    page.get_by_role("group", name="Strength training experience").get_by_label("Some").check()
    page.get_by_label("Back pain right now").select_option("5")
    page.get_by_role("button", name="Next: safety questions").click()
    for flag in RED_FLAGS:
        page.get_by_role("group", name=flag.question, exact=True).get_by_label("No").check()
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How your back affects you")
    for item in STARTBACK_PARAPHRASE.items[:-1]:
        group = page.get_by_role("group", name=f"{item.id}. {item.text}")
        answer = "Agree" if item.id in {"1", "2", "3", "4"} else "Disagree"
        group.get_by_label(answer, exact=True).check()
    last = STARTBACK_PARAPHRASE.items[-1]
    page.get_by_role("group", name=f"9. {last.text}").get_by_label("Slightly").check()
    page.get_by_role("button", name="Next: baseline").click()
    expect(page.get_by_role("heading", name="Your STarT Back result: medium risk")).to_be_visible()
    page.locator("summary", has_text=pick).click()


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"


def _score_shown(page: Page) -> str:
    result = page.get_by_role("status")
    expect(result).to_be_visible()
    return " ".join(result.inner_text().split())


@pytest.mark.browser
def test_a_person_answers_the_rmdq_and_the_odi_in_the_app(phone: Page) -> None:
    # First program: the RMDQ at the start, six statements ticked by their words.
    _onboard(phone, "Roland–Morris (RMDQ): 24 statements")
    rmdq = phone.get_by_role("group", name="Roland–Morris (RMDQ): 24 statements")
    for item in RMDQ_PARAPHRASE.items[:6]:
        rmdq.get_by_label(f"{item.id}. {item.text}").check()
    _no_sideways_scroll(phone)
    phone.screenshot(path=ARTIFACTS / "questionnaire-rmdq-phone.png", full_page=True)
    phone.get_by_role("button", name="Make my plan with the RMDQ").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("plan")

    phone.goto("/checkin/questionnaire")
    for item in RMDQ_PARAPHRASE.items[:2]:
        phone.get_by_label(f"{item.id}. {item.text}").check()
    phone.get_by_role("button", name="Save").click()
    assert "RMDQ today: 2 of 24. Since your first one: -4 points, improved" in _score_shown(phone)

    # Second program: the ODI at the start, every section answered by its statement.
    _onboard(phone, "Oswestry Disability Index (ODI): 10 sections")
    for section in ODI_PARAPHRASE.items:
        group = phone.get_by_role("group", name=f"Section {section.id}: {section.text}")
        group.get_by_label((section.options or ())[3], exact=True).check()
    _no_sideways_scroll(phone)
    phone.screenshot(path=ARTIFACTS / "questionnaire-odi-phone.png", full_page=True)
    phone.get_by_role("button", name="Make my plan with the ODI").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("plan")

    phone.goto("/checkin/questionnaire")
    for section in ODI_PARAPHRASE.items:
        group = phone.get_by_role("group", name=f"Section {section.id}: {section.text}")
        group.get_by_label((section.options or ())[1], exact=True).check()
    _no_sideways_scroll(phone)
    phone.get_by_role("button", name="Save").click()
    shown = _score_shown(phone)
    assert "ODI today: 20% (minimal). Since your first one: -40 points, improved" in shown
    phone.screenshot(path=ARTIFACTS / "questionnaire-retake-phone.png", full_page=True)
