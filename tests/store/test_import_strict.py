"""A strict import: each file in a corpus of malformed, hostile and unknown-id exports is refused
in one line, through the store functions the web app's import calls and through
`backchain import`, and the database is left as it was."""

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from store_data import fill, snapshot
from typer.testing import CliRunner

from backchain.cli import app
from backchain.errors import ImportRefusedError
from backchain.store import DATABASE_URL_VAR, Store, import_data, open_store
from backchain.store.transfer import parse_export

BACKCHAIN = Path(sys.executable).parent / "backchain"
# The start of a document, up to where a value is given at line 1, column 43.
HEAD = '{"format": "backchain-export", "version": '
DEEP = 100_000

Case = Callable[[dict[str, Any]], bytes]


def _text(text: str) -> Case:
    return lambda exported: text.encode()


def _edited(path: str, value: object) -> Case:
    """The exported document with the value at `path` (dots, and numbers for list items) changed."""

    def case(exported: dict[str, Any]) -> bytes:
        document = copy.deepcopy(exported)
        *parents, last = path.split(".")
        target: Any = document["people"][0]
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
        return json.dumps(document, indent=2).encode()

    return case


def _truncated(exported: dict[str, Any]) -> bytes:
    text = json.dumps(exported, indent=2)
    return text[: len(text) // 2].encode()


NESTED_DUPLICATE = """{"format": "backchain-export",
 "version": 3,
 "people": [{"created_at": "2025-03-01T09:30:15Z",
             "profile": {"age": 42, "age": 43}}]}"""

# (name, the file, what the one line says after "Cannot import: ")
CORPUS: list[tuple[str, Case, str]] = [
    (
        "duplicate key at the top",
        _text(HEAD + '3, "version": 3, "people": []}'),
        'the field "version" appears twice in one object at line 1, column 46',
    ),
    (
        "duplicate key nested",
        _text(NESTED_DUPLICATE),
        'the field "age" appears twice in one object at line 4, column 37',
    ),
    (
        "NaN",
        _text(HEAD + 'NaN, "people": []}'),
        "the file holds NaN at line 1, column 43: JSON numbers are never NaN or infinite",
    ),
    (
        "Infinity",
        _text(HEAD + 'Infinity, "people": []}'),
        "the file holds Infinity at line 1, column 43",
    ),
    (
        "-Infinity",
        _text(HEAD + '-Infinity, "people": []}'),
        "the file holds -Infinity at line 1, column 43",
    ),
    (
        "5000-digit number",
        _text(HEAD + '3, "people": [' + "9" * 5000 + "]}"),
        "the file holds a number of more than 30 digits at line 1, column 57",
    ),
    (
        "1e999",
        _text(HEAD + '1e999, "people": []}'),
        "the file holds a number too large to store (1e999) at line 1, column 43",
    ),
    (
        "a count too large for the database",
        _edited("questionnaires.0.answered", 10**12),
        "the file holds a number too large to store (1000000000000) at line ",
    ),
    (
        "lists nested 100k deep",
        _text("[" * DEEP + "]" * DEEP),
        "the file nests lists and objects more than 64 deep at line 1, column 65",
    ),
    (
        "objects nested 100k deep",
        _text('{"a":' * DEEP + "1" + "}" * DEEP),
        "the file nests lists and objects more than 64 deep at line 1, column 321",
    ),
    (
        "not UTF-8",
        lambda exported: b'{"format": "backchain-export",\n "notes": "caf\xe9"}',
        "the file is not UTF-8 text (a byte at line 2, column 15 is not)",
    ),
    ("truncated", _truncated, "the file is not valid JSON ("),
    (
        "a string that never ends, full of escaped quotes",  # each quote read once, not N times
        _text('"' + '\\"' * 1_000_000),
        "the file is not valid JSON (Unterminated string starting at line 1, column 1)",
    ),
    (
        "NUL in a reason",
        _edited("decisions.0.reason", "ok\x00"),
        "the text at people[0].decisions[0].reason holds a NUL character, which cannot be stored",
    ),
    (
        "half a surrogate pair in a reason",  # which SQLite and PostgreSQL fail to encode
        _edited("decisions.1.reason", "\ud800"),
        "the text at people[0].decisions[1].reason holds half of a surrogate pair, which is not text",
    ),
    (
        "unknown exercise in a log",
        _edited("session_logs.1.exercises.0.exercise", "moon_walk"),
        "the session log of 2025-03-05 (people[0].session_logs[1].exercises[0]) names an "
        'exercise Backchain does not know ("moon_walk")',
    ),
    (
        "unknown variation in a log",
        _edited("session_logs.0.exercises.0.variation", "moon_bridge"),
        "the session log of 2025-03-03 (people[0].session_logs[0].exercises[0]) names a "
        'version of glute_bridge Backchain does not know ("moon_bridge")',
    ),
    (
        "another exercise's variation",
        _edited("session_logs.0.exercises.0.variation", "chair_squat"),
        'names a version of glute_bridge Backchain does not know ("chair_squat")',
    ),
    (
        "unknown exercise skipped",
        _edited("session_logs.0.skipped.0.exercise", "moon_walk"),
        "(people[0].session_logs[0].skipped[0]) names an exercise Backchain does not know",
    ),
    (
        "unknown exercise in a plan",
        _edited("plans.1.weeks.0.sessions.0.exercises.0.exercise", "moon_walk"),
        "the planned session of 2025-03-03 (people[0].plans[1].weeks[0].sessions[0].exercises[0])"
        ' names an exercise Backchain does not know ("moon_walk")',
    ),
    (
        "unknown variation in a desk break",
        _edited("plans.0.desk_break.exercises.0.variation", "moon_bridge"),
        "the plan's desk break (people[0].plans[0].desk_break.exercises[0]) names a version of "
        'glute_bridge Backchain does not know ("moon_bridge")',
    ),
    (
        "unknown exercise in a session in progress",
        _edited("drafts.0.exercises.0.exercise", "moon_walk"),
        "the session in progress on 2025-03-12 (people[0].drafts[0].exercises[0]) names an "
        "exercise Backchain does not know",
    ),
    (
        "unknown exercise skipped in a session in progress",
        _edited("drafts.0.skipped.0.exercise", "moon_walk"),
        "(people[0].drafts[0].skipped[0]) names an exercise Backchain does not know",
    ),
    (
        "unknown exercise in a decision",
        _edited("decisions.0.exercise", "moon_walk"),
        "the decision of 2025-03-03 (people[0].decisions[0]) names an exercise Backchain does "
        'not know ("moon_walk")',
    ),
    (
        "unknown variation in a decision",
        _edited("decisions.1.variation", "moon_deadlift"),
        "(people[0].decisions[1]) names a version of romanian_deadlift Backchain does not know",
    ),
]


@pytest.fixture
def filled(store: Store, store_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A database with a person in it, shared by the store functions and `backchain`; its export."""
    monkeypatch.setenv(DATABASE_URL_VAR, store_url)
    fill(store)
    return snapshot(store)


def _store_refusal(store: Store, data: bytes) -> str:
    """Import as the web app does: parse the upload, then import it inside one transaction."""
    with pytest.raises(ImportRefusedError) as raised, store.transaction() as session:
        import_data(session, parse_export(data), replace=True)
    return str(raised.value)


@pytest.mark.parametrize(("case", "expected"), [pytest.param(c, e, id=n) for n, c, e in CORPUS])
def test_a_bad_file_is_refused_in_one_line_and_changes_nothing(
    store: Store, filled: dict[str, Any], tmp_path: Path, case: Case, expected: str
) -> None:
    data = case(filled)

    message = _store_refusal(store, data)
    assert message.startswith("Cannot import: ")
    assert expected in message
    assert message.endswith("; nothing was changed.")
    assert "\n" not in message
    assert snapshot(store) == filled

    (tmp_path / "in.json").write_bytes(data)
    result = CliRunner().invoke(app, ["import", str(tmp_path / "in.json"), "--replace"])
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"Error: {message}"]
    assert snapshot(store) == filled


def test_a_valid_export_still_imports(
    filled: dict[str, Any], tmp_path: Path, other_store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(filled, indent=2, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv(DATABASE_URL_VAR, other_store_url)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["import", "backup.json"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Imported backup.json.\n"
    with open_store(other_store_url) as other:
        assert snapshot(other) == filled
        with other.transaction() as session:  # the store function takes bytes as the web sends
            import_data(session, parse_export(path.read_bytes()), replace=True)
        assert snapshot(other) == filled


def _run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`backchain ARGS...` in its own process, as a user runs it, on this test's database."""
    return subprocess.run(
        [str(BACKCHAIN), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env},
    )


def test_in_a_real_process_deep_nesting_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text("[" * DEEP + "]" * DEEP)
    url = os.environ[DATABASE_URL_VAR]
    result = _run(tmp_path, "import", "deep.json", BACKCHAIN_DATABASE_URL=url)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: Cannot import: the file nests lists and objects more than 64 deep at line 1, "
        "column 65; nothing was changed.\n"
    )
    with open_store(url) as store:
        assert snapshot(store)["people"] == []


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    url = os.environ[DATABASE_URL_VAR]
    with (tmp_path / "huge.json").open("wb") as huge:
        huge.truncate(8 * 1024**3)  # 8 GB, sparse: reading it all would take long
    (tmp_path / "big.json").write_text(" " * (1024 * 1024) + "{}")  # 1 MB and two bytes

    result = _run(tmp_path, "import", "huge.json", BACKCHAIN_DATABASE_URL=url)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: huge.json is over 20 MB, the most Backchain reads (set BACKCHAIN_MAX_IMPORT_MB "
        "to change it); nothing was changed.\n"
    )
    env = {"BACKCHAIN_DATABASE_URL": url, "BACKCHAIN_MAX_IMPORT_MB": "1"}
    result = _run(tmp_path, "import", "big.json", **env)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: big.json is over 1 MB, the most Backchain reads")
    with open_store(url) as store:
        assert snapshot(store)["people"] == []
