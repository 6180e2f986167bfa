"""Each repository function gives back what was stored, on SQLite and on PostgreSQL."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import StatementError
from store_data import (
    NOW,
    SCREENING_ANSWERS,
    START,
    a_log,
    a_profile,
    decisions,
    hand_plan,
    plans,
    session_logs,
    snapshot,
    some_decisions,
)

from backchain.errors import StoreError
from backchain.outcomes import Measure, Score, score_nrs, score_odi
from backchain.programs.generator import generate_plan
from backchain.programs.models import CheckIn, Decision, DecisionKind, Plan, SessionLog
from backchain.screening import Verdict, parse_answers, screen
from backchain.store import DecisionRecord, Store, repository

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    # One database serves all examples; each example stores a new person, so they never meet.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _person(store: Store) -> int:
    with store.transaction() as session:
        return repository.add_person(session, profile=a_profile(), created_at=NOW)


def test_a_person_is_stored_with_their_profile(store: Store) -> None:
    profile = a_profile(desk_breaks=True, rmdq=[True, False] * 12)
    with store.transaction() as session:
        assert repository.latest_person_id(session) is None
        first = repository.add_person(session, profile=a_profile(), created_at=NOW)
        second = repository.add_person(session, profile=profile, created_at=NOW)
    with store.transaction() as session:
        assert repository.latest_person_id(session) == second != first
        assert repository.get_profile(session, person_id=second) == profile
        assert repository.get_profile(session, person_id=first) == a_profile()


def test_an_unknown_person_is_a_store_error(store: Store) -> None:
    with store.transaction() as session, pytest.raises(StoreError, match="No person with id 99"):
        repository.get_profile(session, person_id=99)


def test_the_latest_screening_is_returned_in_utc_to_the_second(store: Store) -> None:
    person = _person(store)
    local = timezone(timedelta(hours=2))
    earlier = datetime(2025, 3, 1, 11, 0, 0, 999_999, tzinfo=local)  # 09:00:00 UTC
    later = datetime(2025, 3, 2, 8, 15, 30, 123_456, tzinfo=UTC)
    result = screen(parse_answers(SCREENING_ANSWERS))
    with store.transaction() as session:
        assert repository.latest_screening(session, person_id=person) is None
        for taken_at in (later, earlier):  # stored out of order on purpose
            repository.add_screening(
                session,
                person_id=person,
                taken_at=taken_at,
                result=result,
                answers=SCREENING_ANSWERS,
            )
    with store.transaction() as session:
        found = repository.latest_screening(session, person_id=person)
    assert found == (datetime(2025, 3, 2, 8, 15, 30, tzinfo=UTC), Verdict.PROCEED.value)
    assert found[0].utcoffset() == timedelta(0)


def test_a_naive_timestamp_is_refused(store: Store) -> None:
    with pytest.raises(StatementError, match="timezone-aware"), store.transaction() as session:
        repository.add_person(session, profile=a_profile(), created_at=datetime(2025, 3, 1, 9, 0))


def test_questionnaires_come_back_by_date(store: Store) -> None:
    person = _person(store)
    odi = score_odi([2, 1, 1, 2, 1, 0, 1, None, 1, 2])
    unusual = Score(Measure.RMDQ, 7.25, band=None, answered=None)
    with store.transaction() as session:
        repository.add_questionnaire(
            session, person_id=person, taken_on=date(2025, 4, 1), score=odi, answers={"s": [2]}
        )
        repository.add_questionnaire(
            session, person_id=person, taken_on=date(2025, 3, 1), score=score_nrs(6), answers=None
        )
        repository.add_questionnaire(
            session, person_id=person, taken_on=date(2025, 4, 1), score=unusual, answers=[True]
        )
    with store.transaction() as session:
        found = repository.questionnaires(session, person_id=person)
    assert found == [
        (date(2025, 3, 1), score_nrs(6)),
        (date(2025, 4, 1), odi),
        (date(2025, 4, 1), unusual),
    ]


def test_a_new_plan_supersedes_the_old_one(store: Store) -> None:
    person, other = _person(store), _person(store)
    with store.transaction() as session:
        assert repository.current_plan(session, person_id=person) is None
        first = repository.save_plan(session, person_id=person, plan=hand_plan(), created_at=NOW)
        repository.save_plan(session, person_id=other, plan=hand_plan(weeks=14), created_at=NOW)
        second = repository.save_plan(
            session, person_id=person, plan=hand_plan(START + timedelta(days=7)), created_at=NOW
        )
    assert second != first
    with store.transaction() as session:
        assert repository.current_plan(session, person_id=person) == hand_plan(
            START + timedelta(days=7)
        )
        assert repository.current_plan(session, person_id=other) == hand_plan(weeks=14)
    kept = [(p["start"], p["superseded"]) for p in snapshot(store)["people"][0]["plans"]]
    assert kept == [("2025-03-03", True), ("2025-03-10", False)]


@PROPERTY
@given(plan=plans)
def test_any_plan_comes_back_equal(store: Store, plan: Plan) -> None:
    person = _person(store)
    with store.transaction() as session:
        repository.save_plan(session, person_id=person, plan=plan, created_at=NOW)
    with store.transaction() as session:
        assert repository.current_plan(session, person_id=person) == plan


def test_a_generated_plan_comes_back_equal(store: Store) -> None:
    person = _person(store)
    plans = [generate_plan(a_profile(weeks=weeks), START) for weeks in (12, 16)]
    plans.append(generate_plan(a_profile(sitting_hours=9, days=["monday", "friday"]), START))
    for plan in plans:
        assert len(plan.weeks) >= 12
        with store.transaction() as session:
            repository.save_plan(session, person_id=person, plan=plan, created_at=NOW)
        with store.transaction() as session:
            assert repository.current_plan(session, person_id=person) == plan


@PROPERTY
@given(logs=st.lists(session_logs, min_size=1, max_size=4))
def test_any_session_logs_come_back_equal_by_date(store: Store, logs: list[SessionLog]) -> None:
    person = _person(store)
    with store.transaction() as session:
        ids = [
            repository.add_session_log(session, person_id=person, log=log, logged_at=NOW)
            for log in logs
        ]
    expected = sorted(zip(ids, logs, strict=True), key=lambda pair: (pair[1].date, pair[0]))
    with store.transaction() as session:
        assert repository.session_logs(session, person_id=person) == expected


def test_session_logs_belong_to_their_person(store: Store) -> None:
    person, other = _person(store), _person(store)
    with store.transaction() as session:
        later = repository.add_session_log(
            session, person_id=person, log=a_log(START + timedelta(days=2)), logged_at=NOW
        )
        earlier = repository.add_session_log(
            session, person_id=person, log=a_log(START), logged_at=NOW
        )
        repository.add_session_log(session, person_id=other, log=a_log(START), logged_at=NOW)
    with store.transaction() as session:
        assert repository.session_logs(session, person_id=person) == [
            (earlier, a_log(START)),
            (later, a_log(START + timedelta(days=2))),
        ]


def test_a_second_checkin_replaces_the_first(store: Store) -> None:
    person = _person(store)
    first = CheckIn(date=START + timedelta(days=1), pain=3, compared="worse")
    second = CheckIn(date=START + timedelta(days=1), pain=1, compared="better", new_red_flags=True)
    with store.transaction() as session:
        log_id = repository.add_session_log(
            session, person_id=person, log=a_log(START), logged_at=NOW
        )
        other = repository.add_session_log(
            session, person_id=person, log=a_log(START), logged_at=NOW
        )
        assert repository.checkin_for(session, log_id=log_id) is None
        repository.set_checkin(session, log_id=log_id, checkin=first)
        assert repository.checkin_for(session, log_id=log_id) == first
    with store.transaction() as session:
        repository.set_checkin(session, log_id=log_id, checkin=second)
    with store.transaction() as session:
        assert repository.checkin_for(session, log_id=log_id) == second
        assert repository.checkin_for(session, log_id=other) is None


def _log_ids(store: Store, person: int, count: int) -> list[int]:
    with store.transaction() as session:
        return [
            repository.add_session_log(session, person_id=person, log=a_log(START), logged_at=NOW)
            for _ in range(count)
        ]


def test_decisions_replace_those_of_the_same_log_only(store: Store) -> None:
    person = _person(store)
    first, second = _log_ids(store, person, 2)
    pause = Decision(exercise=None, kind=DecisionKind.PAUSE, reason="see a clinician")
    day1, day2, day3 = START, START + timedelta(days=1), START + timedelta(days=2)
    with store.transaction() as session:
        repository.replace_decisions(
            session, person_id=person, log_id=first, decided_on=day1, decisions=some_decisions()
        )
        repository.add_decisions(session, person_id=person, decided_on=day1, decisions=[pause])
        repository.replace_decisions(
            session,
            person_id=person,
            log_id=second,
            decided_on=day2,
            decisions=some_decisions()[:1],
        )
    regress = some_decisions(DecisionKind.REGRESS)[:2]
    with store.transaction() as session:
        repository.replace_decisions(
            session, person_id=person, log_id=first, decided_on=day3, decisions=regress
        )
    with store.transaction() as session:
        found = repository.decisions(session, person_id=person)
    # Batches 1-3 were the first log's, the pause and the second log's; the first log's new
    # decisions come after everything stored before them.
    assert found == [
        DecisionRecord(None, day1, pause, batch=2),
        DecisionRecord(second, day2, some_decisions()[0], batch=3),
        DecisionRecord(first, day3, regress[0], batch=4),
        DecisionRecord(first, day3, regress[1], batch=4),
    ]


def test_decisions_made_again_in_their_batch_keep_their_place(store: Store) -> None:
    person = _person(store)
    first, second = _log_ids(store, person, 2)
    resume = Decision(exercise=None, kind=DecisionKind.RESUME, reason="screened clear")
    with store.transaction() as session:
        repository.replace_decisions(
            session, person_id=person, log_id=first, decided_on=START, decisions=some_decisions()
        )
        repository.add_decisions(session, person_id=person, decided_on=START, decisions=[resume])
        repository.replace_decisions(
            session, person_id=person, log_id=second, decided_on=START, decisions=some_decisions()
        )
    regress = some_decisions(DecisionKind.REGRESS)[:1]
    with store.transaction() as session:
        repository.replace_decisions(
            session, person_id=person, log_id=first, decided_on=START, decisions=regress, batch=1
        )
        found = repository.decisions(session, person_id=person)
    assert [r.decision for r in found] == [regress[0], resume, *some_decisions()]


def test_program_level_decisions_are_added_after_all_earlier_ones(store: Store) -> None:
    person, other = _person(store), _person(store)
    (log_id,) = _log_ids(store, person, 1)
    pause = Decision(exercise=None, kind=DecisionKind.PAUSE, reason="see a clinician")
    resume = Decision(exercise=None, kind=DecisionKind.RESUME, reason="screened clear")
    with store.transaction() as session:
        for someone in (person, other):
            repository.add_decisions(
                session, person_id=someone, decided_on=START, decisions=[pause]
            )
        repository.replace_decisions(
            session,
            person_id=person,
            log_id=log_id,
            decided_on=START,
            decisions=some_decisions()[:1],
        )
        repository.add_decisions(session, person_id=person, decided_on=START, decisions=[resume])
    with store.transaction() as session:
        assert [r.decision for r in repository.decisions(session, person_id=person)] == [
            pause,
            some_decisions()[0],
            resume,
        ]
        assert repository.decisions(session, person_id=other) == [
            DecisionRecord(None, START, pause, batch=1)
        ]


@PROPERTY
@given(batch=st.lists(decisions, max_size=6))
def test_any_decisions_come_back_equal(store: Store, batch: list[Decision]) -> None:
    person = _person(store)
    (log_id,) = _log_ids(store, person, 1)
    with store.transaction() as session:
        repository.replace_decisions(
            session, person_id=person, log_id=log_id, decided_on=START, decisions=batch
        )
    with store.transaction() as session:
        found = repository.decisions(session, person_id=person)
    assert found == [DecisionRecord(log_id, START, d, batch=1) for d in batch]


def test_decisions_for_an_unknown_log_are_refused(store: Store) -> None:
    person = _person(store)
    with (
        store.transaction() as session,
        pytest.raises(StoreError, match="No session log with id 404"),
    ):
        repository.replace_decisions(
            session, person_id=person, log_id=404, decided_on=START, decisions=some_decisions()
        )
