"""Broken catalogue data: each corruption of the real file gives one clear, one-line CatalogueError."""

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from backchain.errors import CatalogueError
from backchain.exercises import load_catalogue, parse_catalogue

Corruption = Callable[[str], str]


def _packaged_text() -> str:
    data = resources.files("backchain.exercises").joinpath("data", "exercises.yaml")
    return data.read_text(encoding="utf-8")


def _exercise(document: dict[str, Any], exercise_id: str) -> dict[str, Any]:
    matches = [e for e in document["exercises"] if e["id"] == exercise_id]
    assert len(matches) == 1, exercise_id
    entry: dict[str, Any] = matches[0]
    return entry


def _edit(change: Callable[[dict[str, Any]], None]) -> Corruption:
    """A corruption made on the parsed document, written back as YAML."""

    def corrupt(text: str) -> str:
        document = yaml.safe_load(text)
        change(document)
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)

    return corrupt


def _set(exercise_id: str, path: tuple[str | int, ...], value: Any) -> Corruption:
    def change(document: dict[str, Any]) -> None:
        node: Any = _exercise(document, exercise_id)
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return _edit(change)


def _drop(exercise_id: str, path: tuple[str | int, ...]) -> Corruption:
    def change(document: dict[str, Any]) -> None:
        node: Any = _exercise(document, exercise_id)
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return _edit(change)


def _drop_one_regression(exercise_id: str) -> Corruption:
    def change(document: dict[str, Any]) -> None:
        entry = _exercise(document, exercise_id)
        first = next(v for v in entry["variations"] if v["kind"] == "regression")
        entry["variations"].remove(first)

    return _edit(change)


def _duplicate(exercise_id: str) -> Corruption:
    def change(document: dict[str, Any]) -> None:
        document["exercises"].append(_exercise(document, exercise_id))

    return _edit(change)


def _remove(exercise_id: str) -> Corruption:
    def change(document: dict[str, Any]) -> None:
        document["exercises"].remove(_exercise(document, exercise_id))

    return _edit(change)


def _replace_once(old: str, new: str) -> Corruption:
    def corrupt(text: str) -> str:
        assert text.count(old) == 1, f"corruption target {old!r} must occur exactly once"
        return text.replace(old, new)

    return corrupt


# (corruption, fragments the message must contain)
CORRUPTIONS = [
    pytest.param(
        _set("squat", ("dosage", "reps"), [15, 12]),
        ["exercise 'squat'", "field 'dosage.reps'", "[15, 12]"],
        id="reps-reversed",
    ),
    pytest.param(
        _set("locust", ("dosage", "sets"), [2, 9]),
        ["exercise 'locust'", "field 'dosage.sets.1'"],
        id="sets-too-many",
    ),
    pytest.param(
        _set("romanian_deadlift", ("variations", 0, "equipment"), ["barbell"]),
        ["exercise 'romanian_deadlift'", "field 'variations.0.equipment.0'"],
        id="unknown-variation-equipment",
    ),
    pytest.param(
        _set("bent_over_row", ("equipment",), ["rowing_machine"]),
        ["exercise 'bent_over_row'", "field 'equipment.0'"],
        id="unknown-equipment",
    ),
    pytest.param(
        _set("locust", ("faults", 0, "breaks"), "lift_high"),
        ["exercise 'locust'", "field 'faults'", "unknown cue 'lift_high'"],
        id="fault-breaks-unknown-cue",
    ),
    pytest.param(
        _set("squat", ("faults", 0, "camera_checkable"), "maybe"),
        ["exercise 'squat'", "field 'faults.0.camera_checkable'"],
        id="camera-checkable-not-a-bool",
    ),
    pytest.param(
        _drop_one_regression("downward_dog"),
        ["exercise 'downward_dog'", "field 'variations'", "two regressions"],
        id="only-one-regression",
    ),
    pytest.param(
        _set("kettlebell_swing", ("variations", 0, "level"), 1),
        ["exercise 'kettlebell_swing'", "field 'variations.0'", "negative for a regression"],
        id="regression-with-positive-level",
    ),
    pytest.param(
        _set("glute_bridge", ("variations", 0, "cues"), []),
        ["exercise 'glute_bridge'", "field 'variations.0.cues'"],
        id="variation-without-cues",
    ),
    pytest.param(
        _drop("bent_over_row", ("dosage",)),
        ["exercise 'bent_over_row'", "field 'dosage'", "required"],
        id="missing-dosage",
    ),
    pytest.param(
        _drop("downward_dog", ("dosage", "hold_s")),
        ["exercise 'downward_dog'", "field 'dosage'", "reps, hold_s or both"],
        id="dosage-without-reps-or-hold",
    ),
    pytest.param(
        _drop("kettlebell_swing", ("name",)),
        ["exercise 'kettlebell_swing'", "field 'name'", "required"],
        id="missing-required-field",
    ),
    pytest.param(
        _set("glute_bridge", ("difficulty",), 2),
        ["exercise 'glute_bridge'", "field 'difficulty'"],
        id="extra-unknown-field",
    ),
    pytest.param(
        _duplicate("squat"),
        ["exercise 'squat'", "more than once"],
        id="duplicate-exercise-id",
    ),
    pytest.param(
        _remove("locust"),
        ["exercise 'locust'", "missing"],
        id="core-exercise-removed",
    ),
    pytest.param(
        _replace_once("{sets: [2, 3], reps: [8, 25], rest_s: 60}", "{sets: [2, 3, reps: 8}"),
        ["not valid YAML", "at line"],
        id="invalid-yaml-syntax",
    ),
    pytest.param(
        _replace_once("\nexercises:\n", "\n"),
        ["top-level 'exercises:' list"],
        id="top-level-not-a-mapping",
    ),
]


def test_unchanged_round_trip_still_parses() -> None:
    # Guards the table below: the corruptions, not the YAML round trip, cause the errors.
    unchanged = _edit(lambda document: None)(_packaged_text())
    assert len(parse_catalogue(unchanged, source="exercises.yaml")) == 7


@pytest.mark.parametrize(("corrupt", "fragments"), CORRUPTIONS)
def test_corrupted_data_names_exercise_and_field(corrupt: Corruption, fragments: list[str]) -> None:
    text = corrupt(_packaged_text())
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(text, source="exercises.yaml")
    message = str(info.value)
    assert message.startswith("exercises.yaml: "), message
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message


def test_load_catalogue_from_a_path_uses_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "my_exercises.yaml"
    path.write_text(_set("squat", ("dosage", "reps"), [15, 12])(_packaged_text()), "utf-8")
    with pytest.raises(CatalogueError, match=r"^my_exercises\.yaml: exercise 'squat'"):
        load_catalogue(path)


def test_load_catalogue_from_a_good_path(tmp_path: Path) -> None:
    path = tmp_path / "copy.yaml"
    path.write_text(_packaged_text(), "utf-8")
    assert [e.id for e in load_catalogue(path)][-1] == "locust"


def test_missing_file_gives_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as info:
        load_catalogue(tmp_path / "missing.yaml")
    message = str(info.value)
    assert message.startswith("Cannot read exercise data ")
    assert "missing.yaml" in message
    assert "No such file" in message
    assert "\n" not in message


def test_missing_file_relative_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CatalogueError, match=r"missing\.yaml"):
        load_catalogue(Path("missing.yaml"))
