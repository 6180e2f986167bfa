"""The clinician's dashboard rows, on hand-built plans and logs.

The plan trains Monday, Wednesday and Friday from Monday 3 March 2025, four weeks. Expected
counts, means and percentages are worked out by hand from the dates and pains written here,
with the important change of CLINICAL.md (pain: 2 points or 30 %; ODI: 10 points or 30 %).
"""

from collections.abc import Sequence
from datetime import date, timedelta

import pytest

from backchain.care.dashboard import (
    Adherence,
    FaultRate,
    Person,
    Reason,
    Row,
    Sort,
    Status,
    Training,
    Trend,
    dashboard,
    dashboard_row,
    filter_rows,
    parse_sort,
    parse_status,
    sort_rows,
)
from backchain.outcomes import Measure, Score
from backchain.programs.models import (
    CheckIn,
    Decision,
    DecisionKind,
    ExerciseLog,
    Phase,
    Plan,
    PlannedSession,
    PlanWeek,
    SessionLog,
    SetLog,
)

START = date(2025, 3, 3)  # a Monday
PAUSE = Decision(exercise=None, kind=DecisionKind.PAUSE, reason="A new warning sign at check-in.")
RESUME = Decision(exercise=None, kind=DecisionKind.RESUME, reason="Screened clear again.")


def d(month: int, day: int) -> date:
    return date(2025, month, day)


def make_plan(weeks: int = 4) -> Plan:
    """Monday, Wednesday and Friday of each week (the sessions' exercises do not matter here)."""
    return Plan(
        start=START,
        weeks=tuple(
            PlanWeek(
                week=n + 1,
                phase=Phase.FOUNDATION,
                sessions=tuple(
                    PlannedSession(date=START + timedelta(days=7 * n + k), exercises=())
                    for k in (0, 2, 4)
                ),
            )
            for n in range(weeks)
        ),
    )


def make_log(day: date, *pains: int, after: int = 0, faulty: int = 0) -> SessionLog:
    """A session of glute bridge sets with these pains; the first `faulty` sets had a fault."""
    sets = tuple(
        SetLog(reps=12, rpe=6, pain=pain, faults=("over_arch",) if k < faulty else ())
        for k, pain in enumerate(pains or (1,))
    )
    return SessionLog(
        date=day,
        exercises=(ExerciseLog(exercise="glute_bridge", variation="glute_bridge", sets=sets),),
        pain_after=after,
    )


def training(
    logs: Sequence[SessionLog] = (),
    *,
    checkins: dict[int, CheckIn] | None = None,
    decisions: Sequence[Decision] = (),
    scores: Sequence[tuple[date, Score]] = (),
    cleared: bool = False,
) -> Training:
    """Logs get ids 1, 2, 3... in order, as the check-ins name them."""
    return Training(
        plan=make_plan(),
        logs=tuple(enumerate(logs, start=1)),
        checkins=checkins or {},
        decisions=tuple(decisions),
        scores=tuple(scores),
        cleared=cleared,
    )


def row_of(t: Training | None, today: date, name: str = "Ana") -> Row:
    return dashboard_row(Person(account_id=7, name=name, training=t), today=today)


# -- status -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("t", "today", "status"),
    [
        pytest.param(None, d(3, 12), Status.NOT_STARTED, id="no-program"),
        pytest.param(training([make_log(d(3, 10))]), d(3, 12), Status.TRAINING, id="training"),
        pytest.param(
            training([make_log(d(3, 10))], decisions=[PAUSE]), d(3, 12), Status.PAUSED, id="paused"
        ),
        pytest.param(
            training([make_log(d(3, 10))], decisions=[PAUSE, RESUME]),
            d(3, 12),
            Status.TRAINING,
            id="resumed-after-a-pause",
        ),
        pytest.param(
            training([make_log(d(3, 10))], cleared=True), d(3, 12), Status.CLEARED, id="cleared"
        ),
        pytest.param(
            training([make_log(d(3, 10))], decisions=[PAUSE], cleared=True),
            d(3, 12),
            Status.PAUSED,
            id="a-pause-outranks-a-clearance",
        ),
        pytest.param(training([make_log(d(3, 5))]), d(3, 11), Status.TRAINING, id="6-days"),
        pytest.param(training([make_log(d(3, 5))]), d(3, 12), Status.IDLE, id="7-days"),
        pytest.param(training(), d(3, 9), Status.TRAINING, id="none-yet-6-days-in"),
        pytest.param(training(), d(3, 10), Status.IDLE, id="none-in-the-first-week"),
        pytest.param(training(), d(3, 1), Status.TRAINING, id="plan-not-begun"),
    ],
)
def test_status(t: Training | None, today: date, status: Status) -> None:
    assert row_of(t, today).status is status


def test_status_words() -> None:
    assert [s.text for s in Status] == [
        "paused by a warning sign",
        "clearance recorded",
        "no session in 7 days",
        "training",
        "no program yet",
    ]


# -- adherence and the next session --------------------------------------------------------


@pytest.mark.parametrize(
    ("logs", "today", "done", "planned", "percent"),
    [
        # Due by Wed 12 Mar: 3, 5, 7, 10, 12 March.
        pytest.param([d(3, 3), d(3, 5), d(3, 10)], d(3, 12), 3, 5, 60, id="three-of-five"),
        # Tuesday's session stands for Wednesday's: it counts once Wednesday has come.
        pytest.param([d(3, 3), d(3, 5), d(3, 10), d(3, 11)], d(3, 11), 3, 4, 75, id="early"),
        pytest.param([d(3, 3), d(3, 5), d(3, 10), d(3, 11)], d(3, 12), 4, 5, 80, id="its-day"),
        pytest.param([], d(3, 1), 0, 0, None, id="nothing-due-yet"),
        pytest.param([], d(3, 3), 0, 1, 0, id="first-day"),
    ],
)
def test_adherence(
    logs: list[date], today: date, done: int, planned: int, percent: int | None
) -> None:
    row = row_of(training([make_log(day) for day in logs]), today)
    assert row.adherence == Adherence(done=done, planned=planned)
    assert row.adherence.percent == percent


@pytest.mark.parametrize(
    ("logs", "today", "expected"),
    [
        pytest.param([d(3, 3), d(3, 5), d(3, 10)], d(3, 12), d(3, 12), id="today-not-done"),
        pytest.param([d(3, 3), d(3, 5), d(3, 10), d(3, 12)], d(3, 12), d(3, 14), id="today-done"),
        pytest.param([], d(3, 29), None, id="plan-over"),  # the last session was Fri 28 March
    ],
)
def test_next_session(logs: list[date], today: date, expected: date | None) -> None:
    row = row_of(training([make_log(day) for day in logs]), today)
    assert row.next_session == expected


# -- pain ------------------------------------------------------------------------------------

TODAY = d(3, 28)  # the last two weeks run 15-28 March, the two before 1-14 March


@pytest.mark.parametrize(
    ("earlier", "recent", "trend"),
    [
        pytest.param([2, 2, 2], [4, 4], Trend.WORSE, id="2.0-to-4.0-worse-by-2-points"),
        pytest.param([5, 5], [4, 4], Trend.SAME, id="5.0-to-4.0-1-point-20%"),
        pytest.param([6, 6], [4, 4], Trend.BETTER, id="6.0-to-4.0-better-by-2-points"),
        pytest.param([3, 3], [2, 2], Trend.BETTER, id="3.0-to-2.0-better-by-33%"),
        pytest.param([], [4, 4], None, id="nothing-before"),
    ],
)
def test_pain_trend_compares_two_weeks_with_the_two_before(
    earlier: list[int], recent: list[int], trend: Trend | None
) -> None:
    days_before = [d(3, 3), d(3, 5), d(3, 10)]
    days_recent = [d(3, 17), d(3, 19)]
    logs = [make_log(day, pain) for day, pain in zip(days_before, earlier, strict=False)]
    logs += [make_log(day, pain) for day, pain in zip(days_recent, recent, strict=False)]
    row = row_of(training(logs), TODAY)
    assert row.pain is not None
    assert row.pain.direction == trend
    assert (Reason.PAIN_WORSE in row.reasons) is (trend is Trend.WORSE)


def test_the_window_edges() -> None:
    """14 March is in the earlier window, 15 March in the recent one; 28 Feb in neither."""
    plan_logs = [make_log(d(3, 14), 2), make_log(d(3, 15), 4)]
    row = row_of(training(plan_logs), TODAY)
    assert row.pain is not None
    assert row.pain.change is not None
    assert (row.pain.change.before, row.pain.change.after) == (2.0, 4.0)


def test_latest_pain_is_the_next_morning_when_checked_in() -> None:
    logs = [make_log(d(3, 17), 3, after=4)]
    morning = CheckIn(date=d(3, 18), pain=1, compared="better")
    row = row_of(training(logs, checkins={1: morning}), d(3, 19))
    assert row.pain is not None
    assert (row.pain.latest, row.pain.latest_on) == (1, d(3, 18))


def test_latest_pain_is_the_peak_without_a_check_in() -> None:
    row = row_of(training([make_log(d(3, 17), 3, 2, after=4)]), d(3, 19))
    assert row.pain is not None
    assert (row.pain.latest, row.pain.latest_on) == (4, d(3, 17))


@pytest.mark.parametrize(("peak", "flagged"), [(6, True), (5, False)])
def test_pain_above_5_in_the_last_session(peak: int, flagged: bool) -> None:
    logs = [make_log(d(3, 17), 2), make_log(d(3, 19), 1, after=peak)]
    row = row_of(training(logs), d(3, 20))
    assert (Reason.PAINFUL_SESSION in row.reasons) is flagged
    assert row.needs_attention is flagged


def test_only_the_last_session_counts_for_pain_above_5() -> None:
    logs = [make_log(d(3, 17), 8), make_log(d(3, 19), 1)]
    assert Reason.PAINFUL_SESSION not in row_of(training(logs), d(3, 20)).reasons


# -- attention ----------------------------------------------------------------------------


def test_a_pause_needs_attention_and_explains_the_missing_sessions() -> None:
    row = row_of(training([make_log(d(3, 3))], decisions=[PAUSE]), d(3, 20))
    assert row.reasons == (Reason.PAUSED,)


def test_no_session_in_a_week_needs_attention() -> None:
    row = row_of(training([make_log(d(3, 3))]), d(3, 10))
    assert row.reasons == (Reason.IDLE,)
    assert row.last_session == d(3, 3)


def test_training_as_planned_needs_nothing() -> None:
    row = row_of(training([make_log(d(3, 3)), make_log(d(3, 5))]), d(3, 6))
    assert row.reasons == ()
    assert not row.needs_attention


def test_reason_words() -> None:
    assert [r.value for r in Reason] == [
        "training is paused",
        "no session in 7 days",
        "pain worse over the last 2 weeks",
        "pain above 5 in the last session",
    ]


# -- disability and form faults -----------------------------------------------------------


def odi(value: float) -> Score:
    return Score(Measure.ODI, value)


def test_disability_change_from_the_first_score_to_the_latest() -> None:
    scores = [(d(3, 3), Score(Measure.NRS, 5.0)), (d(3, 3), odi(30.0)), (d(3, 31), odi(18.0))]
    found = row_of(training(scores=scores), d(3, 31)).disability
    assert found is not None
    assert (found.measure, found.latest, found.since, found.taken_on) == (
        Measure.ODI,
        18.0,
        d(3, 3),
        d(3, 31),
    )
    assert found.change is not None
    assert (found.change.points, found.change.important) == (-12.0, True)


def test_a_small_disability_change_is_not_important() -> None:
    found = row_of(training(scores=[(d(3, 3), odi(40.0)), (d(3, 31), odi(34.0))]), d(3, 31))
    assert found.disability is not None
    assert found.disability.change is not None
    assert (found.disability.change.points, found.disability.change.important) == (-6.0, False)


def test_the_questionnaire_answered_last_is_reported() -> None:
    scores = [(d(3, 3), odi(30.0)), (d(3, 3), Score(Measure.RMDQ, 12.0))]
    scores += [(d(3, 31), odi(20.0)), (d(4, 2), Score(Measure.RMDQ, 6.0))]
    found = row_of(training(scores=scores), d(4, 2)).disability
    assert found is not None
    assert found.measure is Measure.RMDQ
    assert found.change is not None
    assert found.change.points == -6.0


def test_one_score_has_no_change_yet() -> None:
    found = row_of(training(scores=[(d(3, 3), odi(30.0))]), d(3, 31)).disability
    assert found is not None
    assert (found.latest, found.change) == (30.0, None)
    assert row_of(training(), d(3, 31)).disability is None


def test_fault_rate_over_the_last_four_weeks() -> None:
    # Today 31 March: the window is 4-31 March, so the three faulty sets of 3 March are out.
    logs = [
        make_log(d(3, 3), 1, 1, 1, faulty=3),
        make_log(d(3, 5), 1, 1, faulty=1),
        make_log(d(3, 28), 1, 1, faulty=0),
    ]
    row = row_of(training(logs), d(3, 31))
    assert row.faults == FaultRate(faulty=1, sets=4)
    assert row.faults.percent == 25


def test_no_sets_no_fault_rate() -> None:
    assert row_of(training(), d(3, 31)).faults is None


# -- order and choice ---------------------------------------------------------------------


def people() -> list[Person]:
    """Bea: paused and in pain (2 reasons); ana: idle (1); Cleo: fine; Dan: no program."""
    return [
        Person(1, "Cleo", training([make_log(d(3, 3)), make_log(d(3, 5))])),
        Person(2, "ana", training([make_log(d(3, 3))])),
        Person(3, "Bea", training([make_log(d(3, 5), 7)], decisions=[PAUSE])),
        Person(4, "Dan", None),
    ]


def names(rows: Sequence[Row]) -> list[str]:
    return [row.name for row in rows]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (Sort.ATTENTION, ["Bea", "ana", "Cleo", "Dan"]),
        (Sort.NAME, ["ana", "Bea", "Cleo", "Dan"]),
        (Sort.LAST, ["Dan", "ana", "Bea", "Cleo"]),  # never, then 3 March; 5 March by name
        (
            Sort.ADHERENCE,
            ["ana", "Bea", "Cleo", "Dan"],
        ),  # 1 of 4, 1 of 4 (by name), 2 of 4, none due
    ],
)
def test_sorting(sort: Sort, expected: list[str]) -> None:
    assert names(dashboard(people(), today=d(3, 10), sort=sort)) == expected


def test_attention_first_by_default() -> None:
    rows = dashboard(people(), today=d(3, 10))
    assert [(row.name, row.reasons) for row in rows[:2]] == [
        ("Bea", (Reason.PAUSED, Reason.PAINFUL_SESSION)),
        ("ana", (Reason.IDLE,)),
    ]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.PAUSED, ["Bea"]),
        (Status.IDLE, ["ana"]),
        (Status.TRAINING, ["Cleo"]),
        (Status.NOT_STARTED, ["Dan"]),
        (Status.CLEARED, []),
        (None, ["Bea", "ana", "Cleo", "Dan"]),
    ],
)
def test_filtering_by_status(status: Status | None, expected: list[str]) -> None:
    assert names(dashboard(people(), today=d(3, 10), status=status)) == expected


@pytest.mark.parametrize(
    ("text", "sort"),
    [
        ("name", Sort.NAME),
        ("last", Sort.LAST),
        ("", Sort.ATTENTION),
        (None, Sort.ATTENTION),
        ("NAME", Sort.ATTENTION),
        ("<script>", Sort.ATTENTION),
        ("adherence ", Sort.ATTENTION),
    ],
)
def test_unknown_sorts_are_the_default(text: str | None, sort: Sort) -> None:
    assert parse_sort(text) is sort


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("paused", Status.PAUSED),
        ("not-started", Status.NOT_STARTED),
        ("", None),
        (None, None),
        ("everyone", None),
        ("Paused", None),
    ],
)
def test_unknown_statuses_are_everyone(text: str | None, status: Status | None) -> None:
    assert parse_status(text) is status


def test_filter_and_sort_of_rows_directly() -> None:
    rows = [row_of(training(), d(3, 31), name=n) for n in ("b", "A")]
    assert names(sort_rows(rows, Sort.NAME)) == ["A", "b"]
    assert filter_rows(rows, Status.PAUSED) == []
