"""Nothing half-written: an error or a killed process mid-transaction leaves the database as it was."""

import json
import subprocess
import sys
from datetime import timedelta

import pytest
from store_data import NOW, START, a_log, a_profile, fill, hand_plan, snapshot

from backchain.programs.models import CheckIn, Decision, DecisionKind
from backchain.store import Store, open_store, repository

# Runs in a separate Python: writes new rows, changes and deletes existing ones, flushes them
# to the database, then dies without committing or cleaning up.
CRASHING_WRITER = """
import json, os, sys
from datetime import UTC, datetime
from backchain.programs.models import Decision, DecisionKind, Plan, Profile, SessionLog
from backchain.store import open_store, repository

payload = json.load(sys.stdin)
store = open_store(sys.argv[1])
now = datetime.now(UTC)
with store.transaction() as session:
    existing = repository.latest_person_id(session)
    plan = Plan.model_validate(payload["plan"])
    repository.save_plan(session, person_id=existing, plan=plan, created_at=now)
    resumed = Decision(exercise=None, kind=DecisionKind.RESUME, reason="screened again")
    repository.add_decisions(session, person_id=existing, decided_on=now.date(), decisions=[resumed])
    person = repository.add_person(session, profile=Profile.model_validate(payload["profile"]), created_at=now)
    repository.save_plan(session, person_id=person, plan=plan, created_at=now)
    repository.add_session_log(session, person_id=person, log=SessionLog.model_validate(payload["log"]), logged_at=now)
    session.flush()
    print("flushed", flush=True)
    os._exit(1)
"""


def _write_everything_then_fail(store: Store, person: int) -> None:
    with store.transaction() as session:
        repository.save_plan(session, person_id=person, plan=hand_plan(weeks=16), created_at=NOW)
        (log_id, _), *_ = repository.session_logs(session, person_id=person)
        checkin = CheckIn(date=START, pain=9, compared="worse")
        repository.set_checkin(session, log_id=log_id, checkin=checkin)
        resumed = Decision(exercise=None, kind=DecisionKind.RESUME, reason="screened again")
        repository.add_decisions(session, person_id=person, decided_on=START, decisions=[resumed])
        newcomer = repository.add_person(session, profile=a_profile(age=30), created_at=NOW)
        repository.save_plan(session, person_id=newcomer, plan=hand_plan(), created_at=NOW)
        for day in range(3):
            log = a_log(START + timedelta(days=day))
            repository.add_session_log(session, person_id=newcomer, log=log, logged_at=NOW)
        session.flush()  # the rows are in the database, uncommitted
        raise RuntimeError("the program broke after writing")


def test_an_error_inside_a_transaction_leaves_the_database_as_it_was(store: Store) -> None:
    person = fill(store)
    before = snapshot(store)
    with pytest.raises(RuntimeError, match="broke after writing"):
        _write_everything_then_fail(store, person)
    assert snapshot(store) == before


def test_a_process_killed_before_commit_leaves_the_database_as_it_was(
    store: Store, store_url: str
) -> None:
    fill(store)
    before = snapshot(store)
    payload = {
        "profile": a_profile(age=61).model_dump(mode="json"),
        "plan": hand_plan(weeks=16).model_dump(mode="json"),
        "log": a_log(START).model_dump(mode="json"),
    }
    crashed = subprocess.run(
        [sys.executable, "-c", CRASHING_WRITER, store_url],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (crashed.returncode, crashed.stdout) == (1, "flushed\n"), crashed.stderr
    assert snapshot(store) == before
    with open_store(store_url) as reopened:  # a fresh connection, after any recovery
        assert snapshot(reopened) == before
        with reopened.transaction() as session:  # and the database still takes writes
            repository.add_person(session, profile=a_profile(), created_at=NOW)
        assert len(snapshot(reopened)["people"]) == 2
