"""The PDF report of a period, read back as a person and a clinician would: its text and page 1.

The store holds a known program and two weeks of training. Every number asserted here is worked
out by hand from the data below, not by the code under test. The PDF is drawn once per module.
"""

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PIL import Image

from backchain import journal, outcomes
from backchain.errors import BackchainError, StoreError
from backchain.programs.models import (
    CheckIn,
    Decision,
    DecisionKind,
    ExerciseLog,
    Profile,
    SessionLog,
    SetLog,
    Skip,
)
from backchain.reports import pdf
from backchain.reports.progress_charts import Period, in_or_just_before
from backchain.screening import RED_FLAGS
from backchain.store import Store, open_store, repository

START = date(2026, 1, 5)  # a Monday: the plan's first day
NOW = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)  # the program starts: screening and baseline ODI
PERIOD_END = date(2026, 1, 18)  # the report covers the plan's first two weeks
MADE_ON = date(2026, 1, 26)
NAME = "Sam Okafor"
SCRIPT = "<script>alert(1)</script>"
CLEARED = {"flags": ["cancer_history"], "date": "2025-12-20", "by": "Dr Rivera"}
PROFILE = Profile.model_validate(
    {
        "age": 41,
        "equipment": ["mat"],
        "experience": "new",
        "days": ["monday", "wednesday", "friday"],
        "minutes_per_session": 30,
        "sitting_hours": 8,
        "pain": 4,
        "desk_breaks": False,
        "screening": {
            "red_flags": {flag.id: flag.id == "cancer_history" for flag in RED_FLAGS},
            "startback": [False] * 8 + ["slightly"],
            "age": 41,
            "clearance": CLEARED,
        },
        "odi": [3] * 10,  # 30 of 50: 60 %
    }
)
CHANGE_REASON = "Keep the chair squat for two more weeks while the knee settles."


def bridge(reps: int, pain: int, *faults: str) -> SetLog:
    return SetLog(reps=reps, rpe=6, pain=pain, faults=faults)


def logged(day: date, exercises: dict[str, tuple[SetLog, ...]], **fields: object) -> SessionLog:
    """A session of the plan's first versions (a new person with a mat)."""
    versions = {
        "glute_bridge": "partial_glute_bridge",
        "squat": "chair_squat",
        "downward_dog": "bent_knee_dog",
    }
    return SessionLog.model_validate(
        {
            "date": day,
            "exercises": [
                ExerciseLog(exercise=e, variation=versions[e], sets=sets)
                for e, sets in exercises.items()
            ],
            **fields,
        }
    )


def fill(store: Store) -> None:
    """Two weeks of training, then a session and a questionnaire after the period."""
    journal.start_program(store, profile=PROFILE, start=START, now=NOW)
    # Mon 5 Jan: peak 4 (pain after), a fault in one bridge set and one squat set, locust skipped.
    first = logged(
        date(2026, 1, 5),
        {
            "glute_bridge": (bridge(12, 2, "hips_low"), bridge(14, 3)),
            "squat": (bridge(12, 1, "heels_lift"), bridge(12, 1)),
        },
        skipped=[Skip(exercise="locust", reason=f"Sore neck {SCRIPT}")],
        pain_after=4,
        notes=f"Felt stiff {SCRIPT}",
    )
    journal.log_session(store, log=first, now=NOW)
    journal.check_in(store, checkin=CheckIn(date=date(2026, 1, 6), pain=5, compared="worse"))
    # Wed 7 Jan: peak 2; no morning check-in.
    journal.log_session(
        store,
        log=logged(
            date(2026, 1, 7),
            {"glute_bridge": (bridge(15, 1, "hips_low"), bridge(15, 1))},
            pain_after=2,
        ),
        now=NOW,
    )
    with store.transaction() as session:
        person = journal.load_journal(session).person_id
        change = Decision(
            exercise="squat",
            kind=DecisionKind.CHANGE,
            reason=CHANGE_REASON,
            variation="chair_squat",
            by="Dr Rivera",
            held=True,
        )
        repository.add_decisions(
            session, person_id=person, decided_on=date(2026, 1, 10), decisions=[change]
        )
    # Mon 12 Jan: peak 1; two 8-second holds; next morning 1.
    holds = (SetLog(hold_s=8, rpe=5, pain=0), SetLog(hold_s=8, rpe=5, pain=0))
    journal.log_session(
        store,
        log=logged(
            date(2026, 1, 12),
            {"glute_bridge": (bridge(15, 1), bridge(15, 1)), "downward_dog": holds},
            pain_after=1,
        ),
        now=NOW,
    )
    journal.check_in(store, checkin=CheckIn(date=date(2026, 1, 13), pain=1, compared="same"))
    with store.transaction() as session:
        repository.add_questionnaire(
            session,
            person_id=person,
            taken_on=date(2026, 1, 16),
            score=outcomes.score_odi([1] * 10),  # 10 of 50: 20 %
            answers={},
            wording=outcomes.OFFICIAL_WORDING,
        )
    # After the period: none of this may show.
    journal.log_session(
        store,
        log=logged(
            date(2026, 1, 19), {"glute_bridge": (bridge(13, 7),)}, pain_after=9, notes="LATER"
        ),
        now=NOW,
    )
    with store.transaction() as session:
        repository.add_questionnaire(
            session,
            person_id=person,
            taken_on=date(2026, 1, 21),
            score=outcomes.score_odi([0] * 10),
            answers={},
        )


@dataclass(frozen=True)
class Made:
    data: pdf.ReportData
    html: str
    text: str  # `pdftotext -layout`, lines joined by single spaces where the layout spread them
    page_1: Path  # page 1 as a PNG


def squeezed(text: str) -> str:
    """The text with runs of spaces made one: table columns line up with many."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with open_store(f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}") as store:
        fill(store)
        yield store


@pytest.fixture(scope="module")
def made(stored: Store, tmp_path_factory: pytest.TempPathFactory) -> Made:
    folder = tmp_path_factory.mktemp("report")
    with stored.read() as session:
        data = pdf.build_report(
            session, person_id=None, start=START, end=PERIOD_END, name=NAME, made_on=MADE_ON
        )
    html = pdf.render_html(data)
    target = folder / "report.pdf"
    target.write_bytes(pdf.render_pdf(data))
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(target),
         str(folder / "page")],
        check=True,
    )  # fmt: skip
    return Made(data, html, squeezed(text), folder / "page.png")


def test_says_who_when_and_what_period(made: Made) -> None:
    assert NAME in made.text
    assert "Period 05 Jan 2026 to 18 Jan 2026" in made.text
    assert "Made on 26 Jan 2026" in made.text
    assert "Page 1 of" in made.text


def test_screening_shows_the_verdict_and_the_clearance(made: Made) -> None:
    assert "05 Jan 2026: clear to train." in made.text
    assert "A clinician (Dr Rivera) assessed and cleared exercise on 20 Dec 2025" in made.text
    assert "a past history of cancer" in made.text


def test_pain_numbers_and_important_change(made: Made) -> None:
    # Peak 4 (pain after) on 5 Jan to 1 on 12 Jan: 3 points, past the 2-point MCID.
    assert (
        "Peak pain 4 on 05 Jan 2026 1 on 12 Jan 2026 -3 Clinically important change (improved)"
        in made.text
    )
    # Next morning: 5 after 5 Jan, 1 after 12 Jan (7 Jan had no check-in).
    assert "Next morning 5 on 05 Jan 2026 1 on 12 Jan 2026 -4" in made.text
    # The chart's table, one row per session: peak, after, next morning.
    assert "05 Jan 4 4 5" in made.text
    assert "07 Jan 2 2 –" in made.text
    assert "12 Jan 1 1 1" in made.text


def test_odi_before_and_after_with_the_important_change(made: Made) -> None:
    assert (
        "60 (severe) on 05 Jan 2026 20 (minimal) on 16 Jan 2026 -40 "
        "Clinically important change (improved)"
    ) in made.text


def test_adherence_counts_done_of_planned(made: Made) -> None:
    assert "3 of 6 planned sessions done in the period." in made.text
    assert "Week 1 05 Jan 2026 2 of 3" in made.text
    assert "Week 2 12 Jan 2026 1 of 3" in made.text


def test_volume_per_exercise(made: Made) -> None:
    # Sessions, sets, reps, seconds held.
    assert "Glute bridge 3 6 86 0" in made.text  # 12 + 14 + 15 + 15 + 15 + 15
    assert "Squat 1 2 24 0" in made.text
    assert "Downward-facing dog 1 2 0 16" in made.text


def test_form_faults_per_exercise(made: Made) -> None:
    assert "The hips stop short of the shoulder-knee line. (hips_low) 2 of 6 33.3 %" in made.text
    assert "(heels_lift) 1 of 2 50 %" in made.text


def test_decisions_with_reasons_and_who_changed_them(made: Made) -> None:
    line = next(line for line in made.text.splitlines() if line.startswith("10 Jan"))
    # Decision and reason wrap: "Clinician's" here, "change" on the line below.
    assert line.startswith("10 Jan 2026 Squat Clinician's Keep the chair squat for two more")
    assert line.endswith("Dr Rivera")
    assert [d.by for d in made.data.decisions if d.by] == ["Dr Rivera"]


def test_says_which_questionnaire_wording_was_used(made: Made) -> None:
    assert "STarT Back Screening Tool, 05 Jan 2026: Backchain's own plain paraphrase." in made.text
    assert (
        "Oswestry Disability Index (ODI), 05 Jan 2026: Backchain's own plain paraphrase."
        in made.text
    )
    assert (
        "Oswestry Disability Index (ODI), 16 Jan 2026: official wording loaded from a file."
        in made.text
    )


def test_nothing_after_the_period_shows(made: Made) -> None:
    for later in ("LATER", "19 Jan", "21 Jan", "Week 3"):
        assert later not in made.text
    assert all(d.day <= PERIOD_END for d in made.data.decisions)


def test_typed_text_is_shown_as_text_never_run(made: Made) -> None:
    assert f"Felt stiff {SCRIPT}" in made.text
    assert f"Skipped Locust pose lift: Sore neck {SCRIPT}" in made.text
    assert "<script" not in made.html.lower()
    assert "Felt stiff &lt;script&gt;alert(1)&lt;/script&gt;" in made.html


def test_page_one_draws_the_pain_chart_in_colour(made: Made) -> None:
    with Image.open(made.page_1) as page:
        rgb = page.convert("RGB")
        width, height = rgb.size
        pixels = [rgb.getpixel((x, y)) for x in range(width) for y in range(height)]
    # "Pain after" is drawn in the orange of the page's second series (#b34700); nothing else
    # on page 1 is orange. Without the chart's own styles WeasyPrint would draw it in black.
    orange = [p for p in pixels if p[0] > 150 and 40 < p[1] < 130 and p[2] < 60]
    assert len(orange) > 50
    assert width < height  # A4 portrait


# -- without drawing -------------------------------------------------------------------------


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(BackchainError, match="ends on 2026-01-04, before it starts on 2026-01-05"):
        Period(date(2026, 1, 5), date(2026, 1, 4))


def test_no_program_is_a_store_error(tmp_path: Path) -> None:
    with (
        open_store(f"sqlite:///{tmp_path / 'empty.db'}") as store,
        store.read() as session,
        pytest.raises(StoreError, match="No program yet"),
    ):
        pdf.build_report(session, person_id=None, start=START, end=PERIOD_END, made_on=MADE_ON)


@pytest.mark.parametrize("name", [None, "", "   "])
def test_without_a_name_the_report_says_backchain_user(stored: Store, name: str | None) -> None:
    with stored.read() as session:
        data = pdf.build_report(
            session, person_id=None, start=START, end=PERIOD_END, name=name, made_on=MADE_ON
        )
    assert data.name == "Backchain user"
    assert "<h1>Backchain user</h1>" in pdf.render_html(data)


@pytest.mark.parametrize(
    "url", ["https://example.org/style.css", "http://127.0.0.1/x.png", "file:///etc/hostname"]
)
def test_drawing_never_fetches_from_the_network_or_files(url: str) -> None:
    with pytest.raises(ValueError, match="disallowed protocol"):
        pdf.offline_fetcher()(url)


def test_drawing_may_read_inline_data() -> None:
    response = pdf.offline_fetcher()("data:text/plain,calm")
    try:
        assert response.read() == b"calm"
    finally:
        response.close()


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([3, 6, 9, 12], [3, 6, 9]),  # 3 held as the period (5..10) began
        ([1, 2, 6], [2, 6]),
        ([6, 7], [6, 7]),  # nothing before: the period's own first
        ([1, 12], [1]),
        ([12], []),
    ],
)
def test_in_or_just_before_keeps_what_held_as_the_period_began(
    days: list[int], expected: list[int]
) -> None:
    period = Period(date(2026, 1, 5), date(2026, 1, 10))
    found = in_or_just_before(days, lambda d: date(2026, 1, d), period)
    assert found == expected
