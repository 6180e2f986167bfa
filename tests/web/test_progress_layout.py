"""The progress charts and the decision tables as Chromium draws them, on a phone and a desktop.

Measured where the browser put them: no two chart texts overlap or leave their SVG, phone text is
big enough to read, every axis says what it counts, equal values keep both their marks in view,
and decision tables break lines only between words.
"""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from browser_kit import ARTIFACTS, DESKTOP, PHONE, local_page, post, serve
from playwright.sync_api import Browser, Page, ViewportSize
from test_session import profile

from backchain import journal
from backchain.programs.models import CheckIn, ExerciseLog, SessionLog, SetLog
from backchain.store import Store, open_store

pytestmark = pytest.mark.browser

WEEKS_OF_HISTORY = 4  # enough sessions that date labels must be thinned on a phone
MIN_FONT_PX = 12  # px: comfortably legible secondary text on a phone; 11 is the floor
EXPECTED_CHARTS = {"pain-chart", "odi-chart", "adherence-chart", "volume-chart", "faults-chart"}
FAULTY = {"glute_bridge": "hips_low", "romanian_deadlift": "weights_drift", "squat": "heels_lift"}
UNIT = re.compile(r"\(.+\)|per week|%")  # "Pain (0–10)", "Reps per week", "% of sets …"
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

# Every <text> of every chart: its rendered box, and its font size in CSS pixels after the
# SVG's scaling (the computed size is in viewBox units).
CHART_TEXTS = """() => [...document.querySelectorAll('figure.chart > svg')].map(svg => {
  const frame = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    const px = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
    return {text: t.textContent, role: t.getAttribute('class'), px,
            left: r.left, top: r.top, right: r.right, bottom: r.bottom};
  });
  return {id: svg.closest('figure').id, texts,
          frame: {left: frame.left, top: frame.top, right: frame.right, bottom: frame.bottom}};
})"""

# For each mark of the pain chart: its <title> ("Pain after, 04 Nov: 2") and whether some pixel
# of it is the topmost element there, i.e. not hidden under another mark.
PAIN_MARKS = """() => [...document.querySelectorAll('#pain-chart > svg .point')].map(mark => {
  mark.scrollIntoView({block: 'center'});
  const r = mark.getBoundingClientRect();
  let seen = false;
  for (let i = 0; i <= 10 && !seen; i++) {
    for (let j = 0; j <= 10 && !seen; j++) {
      const x = r.left + r.width * i / 10, y = r.top + r.height * j / 10;
      seen = document.elementFromPoint(x, y) === mark;
    }
  }
  return {title: mark.querySelector('title').textContent, seen, area: r.width * r.height};
})"""

# Words (split at spaces and hyphens) whose letters the browser laid out on more than one line.
SPLIT_WORDS = """(selector) => {
  const split = [];
  for (const cell of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[^\\s\\-–]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) split.push(m[0]);
      }
    }
  }
  return split;
}"""


def _session(store: Store, day: date, number: int) -> SessionLog:
    """A session as planned, with set pain that sometimes tops the pain after, and faults."""
    prescriptions = journal.to_log(store, day=day).prescriptions
    exercises = []
    for p in prescriptions:
        sets = tuple(
            SetLog(
                reps=None if p.reps is None else p.reps[0] + number % 3,
                hold_s=None if p.hold_s is None else p.hold_s[0],
                rpe=6,
                pain=1 + (number + k) % 3,
                faults=(FAULTY[p.exercise],) if p.exercise in FAULTY and k == number % 2 else (),
            )
            for k in range(p.sets)
        )
        exercises.append(ExerciseLog(exercise=p.exercise, variation=p.variation, sets=sets))
    return SessionLog(date=day, exercises=tuple(exercises), pain_after=2 + number % 3)


def seed(url: str, today: date) -> None:
    """Weeks of sessions up to yesterday, each checked in with the same pain as straight after
    it except the last, whose check-in is left for the browser."""
    now = datetime.now(UTC).replace(microsecond=0)
    with open_store(url) as store:
        start = today - timedelta(weeks=WEEKS_OF_HISTORY)
        plan, _ = journal.start_program(store, profile=profile(), start=start, now=now)
        days = [s.date for week in plan.weeks for s in week.sessions if s.date < today]
        days[-1] = today - timedelta(days=1)  # the week's last session, done a day late
        for number, day in enumerate(days):
            log = _session(store, day, number)
            journal.log_session(store, log=log, now=now)
            if day != days[-1]:
                morning = CheckIn(
                    date=day + timedelta(days=1), pain=log.pain_after, compared="same"
                )
                journal.check_in(store, checkin=morning)


@pytest.fixture(scope="module")
def trained_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for the module, on weeks of varied sessions."""
    folder = tmp_path_factory.mktemp("progress")
    seed(f"sqlite:///{folder / 'backchain.db'}", date.today())
    with serve(folder) as url:
        yield url


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def progress(request: pytest.FixtureRequest, browser: Browser, trained_url: str) -> Iterator[Page]:
    """The progress page at one width, with a full-page screenshot saved."""
    viewport: ViewportSize = VIEWPORTS[request.param]
    for page in local_page(browser, trained_url, viewport=viewport):
        page.goto("/progress")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"progress-{request.param}.png", full_page=True)
        yield page


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    )


def _inside(box: dict[str, Any], frame: dict[str, Any]) -> bool:
    slack = 0.5  # px: sub-pixel rounding of the two boxes
    return bool(
        box["left"] >= frame["left"] - slack
        and box["right"] <= frame["right"] + slack
        and box["top"] >= frame["top"] - slack
        and box["bottom"] <= frame["bottom"] + slack
    )


def test_chart_texts_never_overlap_or_leave_their_chart(progress: Page) -> None:
    charts = progress.evaluate(CHART_TEXTS)
    assert {c["id"] for c in charts} == EXPECTED_CHARTS
    problems = []
    for chart in charts:
        texts = chart["texts"]
        for i, a in enumerate(texts):
            problems += [
                (chart["id"], a["text"], b["text"]) for b in texts[i + 1 :] if _overlap(a, b)
            ]
        problems += [
            (chart["id"], t["text"], "edge") for t in texts if not _inside(t, chart["frame"])
        ]
    assert not problems, f"texts that overlap each other or the chart's edge: {problems}"


def test_every_axis_is_titled_with_a_unit(progress: Page) -> None:
    for chart in progress.evaluate(CHART_TEXTS):
        titles = [t["text"] for t in chart["texts"] if t["role"] == "title"]
        assert len(titles) == 2, f"{chart['id']}: axis titles {titles}"
        assert any(UNIT.search(t) for t in titles), f"{chart['id']}: no unit in {titles}"


def test_chart_text_is_big_enough_to_read(progress: Page) -> None:
    small = {
        (chart["id"], t["text"]): round(t["px"], 1)
        for chart in progress.evaluate(CHART_TEXTS)
        for t in chart["texts"]
        if t["px"] < MIN_FONT_PX
    }
    assert not small, f"text under {MIN_FONT_PX} px: {small}"


def test_equal_pain_values_keep_every_mark_in_view(progress: Page) -> None:
    marks = progress.evaluate(PAIN_MARKS)
    by_title = {m["title"]: m for m in marks}
    # The seed checks in with the pain straight after, so every checked-in session has a
    # next-morning mark exactly where its pain-after mark is.
    pairs = [
        (by_title[title], by_title[title.replace("Next morning", "Pain after", 1)])
        for title in by_title
        if title.startswith("Next morning")
    ]
    assert len(pairs) >= WEEKS_OF_HISTORY
    hidden = [m["title"] for pair in pairs for m in pair if not m["seen"] or m["area"] <= 0]
    assert not hidden, f"marks hidden under another: {hidden}"
    legend = progress.locator("#pain-chart .legend").inner_text()
    assert "inside each other" in legend


def _steps(page: Page) -> list[int]:
    overview = page.request.get("/session").text()
    return sorted({int(n) for n in re.findall(r'href="/session/(\d+)"', overview)})


def test_decision_tables_break_only_between_words(browser: Browser, trained_url: str) -> None:
    """The morning check-in's list, then today's session and its table, on a phone."""
    for page in local_page(browser, trained_url):
        page.goto("/checkin")
        page.select_option("#f-pain", "2")
        page.check("input[name=compared][value=same]", force=True)
        page.check("input[name=new_red_flags][value=no]", force=True)
        page.get_by_role("button", name="Check in").click()
        _assert_words_whole(page, ".decision-list li", "checkin")

        for n in _steps(page):
            form = {"reps": "10", "hold_s": "20", "rpe": "6", "pain": "1", "faults": "hips_low"}
            assert post(page, f"/session/{n}/sets", form=form).ok
        page.goto("/session/finish")
        page.check("input[name=pain_after][value='2']", force=True)
        page.get_by_role("button", name="Save the session").click()
        assert "Dumbbell" in page.locator("table.decisions").inner_text()
        _assert_words_whole(page, "table.decisions th, table.decisions td", "session-done")


def _assert_words_whole(page: Page, selector: str, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"decisions-{name}-phone.png", full_page=True)
    assert page.locator(selector).count() > 0
    split = page.evaluate(SPLIT_WORDS, selector)
    assert not split, f"{name}: words broken across lines: {split}"
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{name}: the page scrolls sideways by {wide} px"
