"""The dashboard reads every followed person's program at once (`store.board.trainings`): the
same values the journal gives one person at a time, in as many queries for four people as for
two. On SQLite and PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from clinic_kit import NOW, PASSWORD, PROFILE, log_first_session, start_program
from sqlalchemy import event

from backchain import journal
from backchain.care.accounts import Role
from backchain.journal import accounts
from backchain.outcomes import score_odi
from backchain.programs.models import CheckIn, Profile
from backchain.store import Store, repository
from backchain.store.board import trainings
from backchain.store.care import Account
from backchain.web.clinic import _training


def _person(store: Store, n: int) -> Account:
    return accounts.create_account(
        store, email=f"p{n}@example.org", name=f"Person {n}", role=Role.PERSON,
        password=PASSWORD, now=NOW,
    )  # fmt: skip


@contextmanager
def counted(store: Store) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def test_every_followed_person_reads_as_the_journal_reads_them_one_by_one(store: Store) -> None:
    trained = _person(store, 1)  # a session logged, its check-in, a questionnaire
    person_id = start_program(store, trained)
    log = log_first_session(store, person_id, notes="steady")
    morning = log.date + timedelta(days=1)
    checkin = CheckIn(date=morning, pain=3, compared="same", new_red_flags=False)
    journal.check_in(store, checkin=checkin, person_id=person_id)
    with store.transaction() as session:
        repository.add_questionnaire(
            session, person_id=person_id, taken_on=morning, score=score_odi([1] * 10),
            answers={"sections": [1] * 10},
        )  # fmt: skip
    started = _person(store, 2)  # a program, nothing logged
    start_program(store, started)
    waiting = _person(store, 3)  # no program yet
    restarted = _person(store, 4)  # a second program: the first is superseded
    start_program(store, restarted, start=date.today() - timedelta(days=30))
    journal.start_program(
        store, profile=Profile.model_validate(PROFILE), start=date.today(), now=NOW,
        account_id=restarted.id, new=True,
    )  # fmt: skip

    everyone = [trained, started, waiting, restarted]
    with store.read() as session:
        one_by_one = {a.id: _training(session, a.id) for a in everyone}
        with counted(store) as two:
            trainings(session, account_ids=[trained.id, started.id])
        with counted(store) as four:
            at_once = trainings(session, account_ids=[a.id for a in everyone])

    assert one_by_one[waiting.id] is None
    assert waiting.id not in at_once
    assert {k: v for k, v in one_by_one.items() if v is not None} == at_once
    busy = at_once[trained.id]  # the comparison is not vacuous
    assert (len(busy.logs), len(busy.checkins), len(busy.scores)) == (1, 1, 2)  # start + one
    assert busy.decisions
    assert at_once[restarted.id].plan.start == date.today()  # the current plan, not the first
    assert len(four) == len(two)
