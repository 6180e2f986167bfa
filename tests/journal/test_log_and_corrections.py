"""One session a day, sets saved as they are logged, corrections that decide again, and new
settings that make the rest of the plan again: through the real journal and storage."""

from datetime import date, timedelta

import pytest
from test_simulation import NOW, PROFILE, START

from backchain import journal
from backchain.errors import ProgramError
from backchain.exercises import Equipment
from backchain.journal import corrections, drafts, settings
from backchain.journal.history import history
from backchain.programs.models import (
    CheckIn,
    DecisionKind,
    ExerciseLog,
    RevisionKind,
    SessionLog,
    SetLog,
)
from backchain.store import Store, open_store, repository

MONDAY, TUESDAY, WEDNESDAY, FRIDAY = (START + timedelta(days=n) for n in (0, 1, 2, 4))


@pytest.fixture
def started(store: Store) -> Store:
    journal.start_program(store, profile=PROFILE, start=START, now=NOW)
    return store


def easy_set(reps: int = 12, pain: int = 1) -> SetLog:
    return SetLog(reps=reps, rpe=6, pain=pain)


def a_log(store: Store, day: date, *, pain: int = 1, pain_after: int = 1) -> SessionLog:
    """A log of the day's whole session: every planned set, at the top of its range."""
    prescriptions = journal.to_log(store, day=day).prescriptions
    exercises = tuple(
        ExerciseLog(
            exercise=p.exercise,
            variation=p.variation,
            sets=tuple(
                SetLog(
                    reps=None if p.reps is None else p.reps[1],
                    hold_s=None if p.hold_s is None else p.hold_s[1],
                    rpe=6,
                    pain=pain,
                )
                for _ in range(p.sets)
            ),
        )
        for p in prescriptions
    )
    return SessionLog(date=day, exercises=exercises, pain_after=pain_after)


# -- one session a day -----------------------------------------------------------------------


def test_a_finished_day_is_done_and_never_offered_again(started: Store) -> None:
    before = journal.today(started, day=MONDAY)
    assert (before.on_its_day, before.can_train_today, before.done) == (True, True, None)
    journal.log_session(started, log=a_log(started, MONDAY), now=NOW)
    after = journal.today(started, day=MONDAY)
    assert after.done is not None
    assert after.can_train_today is False
    assert after.session is not None
    assert after.session.date == WEDNESDAY
    with pytest.raises(ProgramError, match="already logged for 2026-01-05: one session a day"):
        journal.log_session(started, log=a_log(started, MONDAY), now=NOW)


def test_a_rest_day_log_stands_for_the_weeks_next_session(started: Store) -> None:
    journal.log_session(started, log=a_log(started, MONDAY), now=NOW)
    tuesday = journal.today(started, day=TUESDAY)
    assert tuesday.session is not None
    assert tuesday.session.date == WEDNESDAY
    assert (tuesday.on_its_day, tuesday.can_train_today) == (False, True)
    journal.log_session(started, log=a_log(started, TUESDAY), now=NOW)
    # Wednesday's session was done on Tuesday: on Wednesday, Friday's is the one left.
    wednesday = journal.today(started, day=WEDNESDAY)
    assert wednesday.session is not None
    assert wednesday.session.date == FRIDAY
    journal.log_session(started, log=a_log(started, WEDNESDAY), now=NOW)
    thursday = journal.today(started, day=WEDNESDAY + timedelta(days=1))
    assert thursday.can_train_today is False  # the week's three sessions are done
    with pytest.raises(ProgramError, match="this week's sessions are done"):
        journal.to_log(started, day=FRIDAY)


# -- sets saved as they are logged -----------------------------------------------------------


def test_sets_survive_a_restart_and_finish_completes_the_draft(
    started: Store, store_url: str
) -> None:
    drafts.add_set(started, day=MONDAY, exercise="glute_bridge", logged=easy_set(12), now=NOW)
    drafts.add_set(started, day=MONDAY, exercise="glute_bridge", logged=easy_set(14), now=NOW)
    drafts.skip(started, day=MONDAY, exercise="squat", reason="knee sore", now=NOW)
    started.close()
    with open_store(store_url) as reopened:  # a new process would open it the same way
        draft = drafts.draft(reopened, day=MONDAY)
        assert [s.reps for s in draft.sets_for("glute_bridge")] == [12, 14]
        assert draft.skip_reason("squat") == "knee sore"
        drafts.change_set(
            reopened, day=MONDAY, exercise="glute_bridge", number=2, logged=easy_set(15)
        )
        log, decisions = drafts.finish(reopened, day=MONDAY, pain_after=2, notes="", now=NOW)
        assert [s.reps for s in log.exercises[0].sets] == [12, 15]
        assert {s.exercise: s.reason for s in log.skipped}["squat"] == "knee sore"
        assert decisions
        assert drafts.draft(reopened, day=MONDAY).exercises == ()
        with pytest.raises(ProgramError, match="already saved"):
            drafts.add_set(
                reopened, day=MONDAY, exercise="glute_bridge", logged=easy_set(), now=NOW
            )


def test_a_draft_set_for_an_exercise_not_in_the_session_is_refused(started: Store) -> None:
    with pytest.raises(ProgramError, match="'plank' is not in this session"):
        drafts.add_set(started, day=MONDAY, exercise="plank", logged=easy_set(), now=NOW)


# -- corrections ----------------------------------------------------------------------------


def _kind(store: Store, day: date, exercise: str) -> DecisionKind:
    found = next(s for s in history(store).sessions if s.log.date == day)
    return next(d.kind for d in found.decisions if d.exercise == exercise)


def test_a_corrected_set_decides_again_and_is_recorded(started: Store) -> None:
    journal.log_session(started, log=a_log(started, MONDAY), now=NOW)
    assert _kind(started, MONDAY, "glute_bridge") is DecisionKind.REPEAT  # no check-in yet
    corrections.change_set(
        started, day=MONDAY, exercise="glute_bridge", number=1, logged=easy_set(pain=7), now=NOW
    )
    assert _kind(started, MONDAY, "glute_bridge") is DecisionKind.REGRESS
    found = history(started)
    (revision,) = found.revisions
    assert revision.revision.kind is RevisionKind.SET_CHANGED
    assert found.sessions[0].corrected


def test_a_correction_decides_the_later_sessions_again(started: Store) -> None:
    journal.log_session(started, log=a_log(started, MONDAY, pain=7), now=NOW)
    journal.log_session(started, log=a_log(started, WEDNESDAY, pain=7), now=NOW)
    assert journal.today(started, day=FRIDAY).pause is not None  # two painful sessions running
    corrections.change_set(
        started, day=MONDAY, exercise="glute_bridge", number=1, logged=easy_set(), now=NOW
    )
    # Monday still had pain 7 in other exercises: the pause stands.
    assert journal.today(started, day=FRIDAY).pause is not None
    monday = a_log(started, MONDAY)  # the same session with pain 1 everywhere
    journal.log_session(started, log=monday, now=NOW, replace=True)
    assert journal.today(started, day=FRIDAY).pause is None


def test_a_resume_keeps_its_place_when_an_earlier_session_is_corrected(started: Store) -> None:
    journal.log_session(started, log=a_log(started, MONDAY, pain=7), now=NOW)
    journal.log_session(started, log=a_log(started, WEDNESDAY, pain=7), now=NOW)
    answers = {**PROFILE.screening} if PROFILE.screening else {}
    journal.resume(started, answers=answers, day=WEDNESDAY, now=NOW)
    assert journal.today(started, day=FRIDAY).pause is None
    corrections.change_set(
        started, day=MONDAY, exercise="squat", number=1, logged=easy_set(pain=8), now=NOW
    )
    # Decided again in their places, the pause still comes before the resume.
    assert journal.today(started, day=FRIDAY).pause is None
    with started.transaction() as session:
        kinds = [r.decision.kind for r in repository.decisions(session, person_id=1)]
    assert kinds.index(DecisionKind.PAUSE) < kinds.index(DecisionKind.RESUME)


def test_removing_the_only_set_of_an_exercise_makes_it_a_skip(started: Store) -> None:
    log = a_log(started, MONDAY)
    single = log.model_copy(
        update={"exercises": (log.exercises[0].model_copy(update={"sets": (easy_set(),)}),)}
    )
    journal.log_session(started, log=single, now=NOW)
    corrections.remove_set(
        started, day=MONDAY, exercise=single.exercises[0].exercise, number=1, now=NOW
    )
    (found,) = history(started).sessions
    assert found.log.exercises == ()
    assert found.log.skipped[0].reason == corrections.ALL_SETS_REMOVED


def test_removing_a_session_keeps_its_check_in_out_and_frees_the_day(started: Store) -> None:
    journal.log_session(started, log=a_log(started, MONDAY), now=NOW)
    journal.check_in(started, checkin=CheckIn(date=TUESDAY, pain=1, compared="same"))
    corrections.remove_session(started, day=MONDAY, now=NOW)
    found = history(started)
    assert found.sessions == ()
    assert [r.revision.kind for r in found.revisions] == [RevisionKind.SESSION_REMOVED]
    assert found.revisions[0].revision.before is not None
    assert journal.today(started, day=MONDAY).can_train_today


def test_a_correction_of_a_day_with_nothing_logged_is_refused(started: Store) -> None:
    with pytest.raises(ProgramError, match="No session is logged for 2026-01-05"):
        corrections.remove_session(started, day=MONDAY, now=NOW)


# -- settings -------------------------------------------------------------------------------


def test_new_days_make_the_future_again_and_keep_the_past(started: Store) -> None:
    journal.log_session(started, log=a_log(started, MONDAY), now=NOW)
    old = journal.today(started, day=MONDAY)
    plan = settings.change_settings(
        started, changes={"days": ["tuesday", "thursday"]}, day=TUESDAY, now=NOW
    )
    dates = [s.date for week in plan.weeks for s in week.sessions]
    assert dates[0] == MONDAY  # past: as it was
    # This week keeps Monday and gets one of the new days: two sessions, as now asked for.
    assert [s.date for s in plan.weeks[0].sessions] == [MONDAY, TUESDAY]
    assert {d.strftime("%A") for d in dates[1:]} == {"Tuesday", "Thursday"}
    assert old.week is not None
    assert len(plan.weeks) == PROFILE.weeks
    with started.transaction() as session:
        profile = repository.get_profile(session, person_id=1)
    assert [d.value for d in profile.days] == ["tuesday", "thursday"]
    (revision,) = history(started).revisions
    assert revision.revision.kind is RevisionKind.SETTINGS_CHANGED
    assert revision.revision.before == {"days": ["monday", "wednesday", "friday"]}


def test_losing_kit_switches_each_exercise_that_needed_it(started: Store) -> None:
    journal.log_session(started, log=a_log(started, MONDAY), now=NOW)
    before = journal.today(started, day=TUESDAY)
    assert "romanian_deadlift" in {p.variation for p in before.prescriptions}
    settings.change_settings(started, changes={"equipment": ["mat"]}, day=TUESDAY, now=NOW)
    after = journal.today(started, day=TUESDAY)
    with started.transaction() as session:
        records = repository.decisions(session, person_id=1)
    switches = [r.decision for r in records if r.log_id is None]
    assert switches
    assert {d.kind for d in switches} == {DecisionKind.SWITCH}
    needs_weights = {"romanian_deadlift", "bent_over_row", "kettlebell_swing"}
    assert needs_weights <= {d.exercise for d in switches}
    assert not needs_weights & {p.variation for p in after.prescriptions}


def test_settings_that_cannot_fit_change_nothing(started: Store) -> None:
    with pytest.raises(ProgramError, match="minutes"):
        settings.change_settings(
            started,
            changes={"minutes_per_session": 10, "days": ["monday", "friday"]},
            day=MONDAY,
            now=NOW,
        )
    with pytest.raises(ProgramError, match="'colour' cannot be changed here"):
        settings.change_settings(started, changes={"colour": "red"}, day=MONDAY, now=NOW)
    assert history(started).revisions == ()


def test_weeks_cannot_end_before_the_current_week(started: Store) -> None:
    week_13 = START + timedelta(weeks=12)
    plan = settings.change_settings(started, changes={"weeks": 16}, day=week_13, now=NOW)
    assert len(plan.weeks) == 16
    with pytest.raises(ProgramError, match="You are in week 13 of the plan; choose 13 to 16"):
        settings.change_settings(started, changes={"weeks": 12}, day=week_13, now=NOW)


def test_delete_everything_leaves_an_empty_usable_database(started: Store) -> None:
    journal.log_session(started, log=a_log(started, MONDAY), now=NOW)
    settings.delete_everything(started)
    with started.transaction() as session:
        assert repository.latest_person_id(session) is None
    journal.start_program(
        started,
        profile=PROFILE.model_copy(update={"equipment": [Equipment.MAT]}),
        start=START,
        now=NOW,
    )
    assert journal.today(started, day=MONDAY).can_train_today
