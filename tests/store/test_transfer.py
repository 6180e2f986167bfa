"""Export and import: a round trip gives the same document, and a refused import changes nothing."""

import copy
import json
import zlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_data import NOW, START, a_profile, decisions, fill, plans, session_logs, snapshot

from backchain.errors import ImportRefusedError
from backchain.exercises import load_catalogue
from backchain.programs.ladder import ladder
from backchain.programs.models import Decision, DecisionKind, Load, Plan, SessionLog
from backchain.store import Store, export_data, import_data, open_store, repository
from backchain.store.transfer import parse_export

Edit = Callable[[dict[str, Any]], object]
_Value = TypeVar("_Value", Plan, SessionLog, Decision)
# Every (exercise, version) pair in the catalogue: an import refuses any other.
KNOWN = [(exercise.id, version.id) for exercise in load_catalogue() for version in ladder(exercise)]


def _import(store: Store, data: object, *, replace: bool = False) -> None:
    with store.transaction() as session:
        import_data(session, data, replace=replace)


def test_export_import_export_gives_the_same_document(store: Store, other_store_url: str) -> None:
    fill(store)
    exported = snapshot(store)
    text = json.dumps(exported)  # JSON-ready as it is: no dates or enums left to convert
    with open_store(other_store_url) as target:
        _import(target, parse_export(text))
        assert snapshot(target) == exported
        assert json.dumps(snapshot(target)) == text  # same order too, not only equal


def test_the_export_nests_everything_without_database_ids(store: Store) -> None:
    fill(store)
    person = snapshot(store)["people"][0]
    assert [
        len(person[key]) for key in ("screenings", "questionnaires", "plans", "session_logs")
    ] == [
        1,
        2,
        2,
        4,
    ]
    assert [plan["superseded"] for plan in person["plans"]] == [True, False]
    current = person["plans"][1]
    assert len(current["weeks"]) == 12
    assert current["weeks"][0]["sessions"][0]["exercises"][0]["reps"] == [8, 12]
    assert person["session_logs"][0]["checkin"]["compared"] == "same"
    assert person["session_logs"][3]["checkin"] is None
    assert person["decisions"][0]["session_log"] == {"index": 0, "date": "2025-03-03"}
    assert [q["wording"] for q in person["questionnaires"]] == ["backchain", "ODI 2.1a, licensed"]
    assert person["revisions"][0]["summary"] == "Corrected set 1 of Squat: reps 10 → 12."
    (draft,) = person["drafts"]
    assert draft["exercises"][0]["sets"][0]["faults"] == ["heels_lift"]
    assert draft["skipped"] == [{"exercise": "locust", "reason": "no mat"}]
    assert person["decisions"][-1] == {
        "exercise": None,
        "kind": "pause",
        "reason": "new numbness reported",
        "variation": None,
        "load": None,
        "by": None,
        "sets": None,
        "reps": None,
        "hold_s": None,
        "held": False,
        "session_log": None,
        "decided_on": "2025-03-11",
    }
    assert "id" not in json.dumps(person).replace('"index"', "").split('"')


def _set(path: str, value: object) -> Edit:
    def edit(document: dict[str, Any]) -> object:
        *parents, last = path.split(".")
        target: Any = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
        return document

    return edit


def _duplicate_day(document: dict[str, Any]) -> object:
    document["people"][0]["profile"]["days"] = ["monday", "monday", "friday"]
    return document


def _second_current_plan(document: dict[str, Any]) -> object:
    document["people"][0]["plans"][0]["superseded"] = False
    return document


REFUSED: list[tuple[str, Edit, str]] = [
    ("not an object", lambda d: [d], "not a Backchain export (expected a JSON object"),
    ("people not a list", _set("people", {"a": 1}), "people: Input should be a valid list"),
    ("wrong format", _set("format", "backchain-backup"), '"format" is "backchain-backup"'),
    ("no format", lambda d: {k: v for k, v in d.items() if k != "format"}, '"format" is null'),
    (
        "newer version",
        _set("version", 5),
        "was written by a newer Backchain (format version 5); update Backchain to import it.",
    ),
    ("version zero", _set("version", 0), "version: Input should be 1, 2, 3 or 4"),
    (
        "pain of 11",
        _set("people.0.session_logs.1.pain_after", 11),
        "people[0].session_logs[1].pain_after: Input should be less than or equal to 10",
    ),
    (
        "unknown field",
        _set("people.0.session_logs.0.pain_afterwards", 3),
        "people[0].session_logs[0].pain_afterwards: Extra inputs are not permitted",
    ),
    ("duplicate training day", _duplicate_day, "each training day may appear only once"),
    ("two current plans", _second_current_plan, "only one plan may be current"),
    (
        "decision for a missing log",
        _set("people.0.decisions.0.session_log", {"index": 9, "date": "2025-03-03"}),
        "refers to session log 9, but there are 4",
    ),
    (
        "naive timestamp",
        _set("people.0.created_at", "2025-03-01T09:30:15"),
        "people[0].created_at: Input should have timezone info",
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected"), [pytest.param(e, m, id=name) for name, e, m in REFUSED]
)
def test_a_bad_document_is_refused_in_one_line_and_changes_nothing(
    store: Store, edit: Edit, expected: str
) -> None:
    fill(store)
    before = snapshot(store)
    for replace in (False, True):
        with pytest.raises(ImportRefusedError) as raised:
            _import(store, edit(copy.deepcopy(before)), replace=replace)
        message = str(raised.value)
        assert expected in message
        assert "\n" not in message
        assert snapshot(store) == before


def test_a_refused_import_into_an_empty_database_leaves_it_empty(store: Store) -> None:
    with pytest.raises(ImportRefusedError, match="less than or equal to 10"):
        _import(store, _document_with_pain(11))
    assert snapshot(store)["people"] == []


def _document_with_pain(pain: int) -> dict[str, Any]:
    return {
        "format": "backchain-export",
        "version": 1,
        "people": [
            {"created_at": "2025-03-01T09:30:15Z", "profile": a_profile().model_dump(mode="json")},
            {
                "created_at": "2025-03-01T09:30:15Z",
                "profile": a_profile().model_dump(mode="json"),
                "session_logs": [
                    {"date": "2025-03-03", "pain_after": pain, "logged_at": "2025-03-03T18:00:00Z"}
                ],
            },
        ],
    }


def test_a_database_with_people_is_not_overwritten_without_replace(store: Store) -> None:
    fill(store)
    before = snapshot(store)
    with pytest.raises(
        ImportRefusedError, match="already holds 1 person; import again with --replace"
    ):
        _import(store, _document_with_pain(3))
    assert snapshot(store) == before


def test_replace_swaps_the_database_for_the_file(store: Store) -> None:
    fill(store)
    document = _document_with_pain(3)
    _import(store, document, replace=True)
    after = snapshot(store)
    assert [p["profile"] for p in after["people"]] == [a_profile().model_dump(mode="json")] * 2
    assert after["people"][1]["session_logs"][0]["pain_after"] == 3
    assert all(not p["plans"] and not p["decisions"] for p in after["people"])
    with store.transaction() as session:  # the ids of the new rows work as before
        person = repository.latest_person_id(session)
        assert person is not None
        assert len(repository.session_logs(session, person_id=person)) == 1
        repository.add_person(session, profile=a_profile(), created_at=NOW)


def test_replace_then_export_is_the_file_itself(store: Store, other_store_url: str) -> None:
    fill(store)
    exported = snapshot(store)
    with open_store(other_store_url) as other:
        fill(other)
        fill(other)  # two people: different data from the file
        _import(other, exported, replace=True)
        assert snapshot(other) == exported


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"format": "backchain-export", "format": "x"}', 'the field "format" appears twice'),
        ('{"format": "backchain-export", "version": NaN}', "holds NaN"),
        ('{"format": "backchain-export",', "not valid JSON (Expecting property name"),
    ],
)
def test_a_file_that_is_not_clean_json_is_refused(text: str, expected: str) -> None:
    with pytest.raises(ImportRefusedError, match="Cannot import") as raised:
        parse_export(text)
    assert expected in str(raised.value)


def test_export_of_an_empty_database(store: Store) -> None:
    with store.transaction() as session:
        assert export_data(session) == {"format": "backchain-export", "version": 4, "people": []}


def test_a_clinicians_change_survives_export_and_import(store: Store, other_store_url: str) -> None:
    person = fill(store)
    change = Decision(
        exercise="romanian_deadlift",
        kind=DecisionKind.CHANGE,
        reason="Changed by Dr Ana Silva to 2 sets, 8–10 reps, 12 kg and held there: go steady.",
        variation="romanian_deadlift",
        load=Load(kg=12),
        by="Dr Ana Silva",
        sets=2,
        reps=(8, 10),
        held=True,
    )
    with store.transaction() as session:
        repository.add_decisions(
            session, person_id=person, decided_on=START + timedelta(days=9), decisions=[change]
        )
    exported = snapshot(store)
    entry = exported["people"][0]["decisions"][-1]
    assert {key: entry[key] for key in ("kind", "by", "sets", "reps", "hold_s", "held")} == {
        "kind": "change",
        "by": "Dr Ana Silva",
        "sets": 2,
        "reps": [8, 10],
        "hold_s": None,
        "held": True,
    }
    with open_store(other_store_url) as target:
        _import(target, parse_export(json.dumps(exported)))
        assert snapshot(target) == exported
        with target.transaction() as session:
            imported = repository.latest_person_id(session)
            assert imported is not None
            stored = repository.decisions(session, person_id=imported)
    assert stored[-1].decision == change


def _known(value: _Value) -> _Value:
    """The value with each generated exercise id (and its version) swapped for a real pair,
    chosen by the generated id so that hypothesis still shrinks it."""

    def swap(data: object) -> object:
        if isinstance(data, list):
            return [swap(item) for item in data]
        if not isinstance(data, dict):
            return data
        swapped = {key: swap(item) for key, item in data.items()}
        if isinstance(data.get("exercise"), str):
            exercise, version = KNOWN[zlib.crc32(data["exercise"].encode()) % len(KNOWN)]
            swapped["exercise"] = exercise
            if data.get("variation") is not None:
                swapped["variation"] = version
        return swapped

    return type(value).model_validate(swap(value.model_dump(mode="json")))


EMPTY = {"format": "backchain-export", "version": 1, "people": []}


@settings(
    max_examples=20,
    deadline=None,
    # The two databases serve every example; each example starts by emptying them.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    plan=plans.map(_known),
    logs=st.lists(session_logs.map(_known), max_size=3),
    batches=st.lists(st.lists(decisions.map(_known), max_size=3), min_size=4, max_size=4),
)
def test_any_data_survives_export_import_export(
    store: Store,
    other_store_url: str,
    plan: Plan,
    logs: list[SessionLog],
    batches: list[list[Decision]],
) -> None:
    _import(store, EMPTY, replace=True)
    with store.transaction() as session:
        person = repository.add_person(session, profile=a_profile(), created_at=NOW)
        repository.save_plan(session, person_id=person, plan=plan, created_at=NOW)
        for log, batch in zip(logs, batches, strict=False):
            log_id = repository.add_session_log(session, person_id=person, log=log, logged_at=NOW)
            repository.replace_decisions(
                session, person_id=person, log_id=log_id, decided_on=log.date, decisions=batch
            )
        repository.add_decisions(
            session, person_id=person, decided_on=plan.start, decisions=batches[-1]
        )
    exported = snapshot(store)
    with open_store(other_store_url) as target:
        _import(target, parse_export(json.dumps(exported)), replace=True)
        assert json.dumps(snapshot(target)) == json.dumps(exported)


def test_a_version_1_file_still_imports_with_no_faults(store: Store, other_store_url: str) -> None:
    fill(store)
    exported = snapshot(store)
    old = copy.deepcopy(exported)
    old["version"] = 1
    for person in old["people"]:
        for log in person["session_logs"]:
            for exercise in log["exercises"]:
                for one in exercise["sets"]:
                    del one["faults"]
    with open_store(other_store_url) as target:
        _import(target, old)
        assert snapshot(target) == exported
