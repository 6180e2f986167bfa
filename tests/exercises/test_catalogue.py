"""The packaged exercise catalogue against CLINICAL.md: ids, dosage, variations, faults."""

from collections.abc import Iterator
from typing import Any

import pytest

from backchain.errors import CatalogueError
from backchain.exercises import Catalogue, Equipment, Exercise, Fault, load_catalogue

# CLINICAL.md, "The seven exercises", in the program's order.
SEVEN_IDS = [
    "glute_bridge",
    "romanian_deadlift",
    "bent_over_row",
    "downward_dog",
    "kettlebell_swing",
    "squat",
    "locust",
]

# Main dosage bounds, written out by hand from CLINICAL.md (table and "Evidence for the program"):
# (exercise, sets allowed, reps allowed or None for a hold, hold_s allowed or None, rest_s).
# Rest is a conservative default (60 s bodyweight, 90 s loaded), not a sourced number.
CLINICAL_DOSAGE = [
    ("glute_bridge", (2, 3), (8, 25), None, 60),
    ("romanian_deadlift", (2, 3), (8, 12), None, 90),
    ("bent_over_row", (3, 3), (8, 12), None, 90),
    ("downward_dog", (2, 3), None, (5, 30), 60),
    ("kettlebell_swing", (3, 3), (10, 10), None, 90),
    ("squat", (3, 3), (12, 15), None, 60),
    ("locust", (2, 3), (15, 15), (2, 2), 60),
]

# Variations stay inside the trials' prescriptions (Tataryn 2021): sets 2-3, reps 6-15 or the
# exercise's own range (the bridge goes to 25), holds 5-30 s or the exercise's own hold.
VARIATION_SETS = (2, 3)
VARIATION_REPS = (6, 25)
VARIATION_HOLD_S = (5, 30)

# CLINICAL.md equipment column.
EQUIPMENT = [
    ("glute_bridge", {"none", "mat"}),
    ("romanian_deadlift", {"dumbbells"}),
    ("bent_over_row", {"resistance_band", "kettlebell", "dumbbells"}),
    ("downward_dog", {"mat"}),
    ("kettlebell_swing", {"kettlebell"}),
    ("squat", {"none", "dumbbells", "kettlebell"}),
    ("locust", {"mat"}),
]

# Faults a side camera can see, from CLINICAL.md's "camera-checkable" column:
# (exercise, fault, the cue it breaks).
CAMERA_FAULTS = [
    ("glute_bridge", "hips_low", "straight_line_top"),  # hip extension at top
    ("glute_bridge", "over_arch", "no_over_arch"),  # hips past the line
    ("glute_bridge", "no_pause", "pause_top"),  # pause length
    ("glute_bridge", "feet_too_far", "heels_near_buttocks"),  # heel-buttock distance
    ("romanian_deadlift", "knees_bend_too_much", "knees_soft"),  # knee bend stays small
    ("romanian_deadlift", "weights_drift", "weights_close"),  # wrists close to legs
    ("bent_over_row", "torso_rises", "hold_torso_angle"),  # torso angle held steady
    ("bent_over_row", "no_pause", "pause_top"),  # pause at top
    ("downward_dog", "hips_low", "hips_high"),  # inverted V with hips highest
    ("downward_dog", "short_hold", "hold_steady"),  # hold time
    ("kettlebell_swing", "squat_swing", "hips_back"),  # hinge not squat
    ("kettlebell_swing", "leaning_back", "no_lean_back"),  # no leaning back
    ("squat", "heels_lift", "heels_down"),  # heels stay down
    ("squat", "shift_to_one_side", "even_weight"),  # knee-hip symmetry
    ("locust", "short_hold", "hold_two_seconds"),  # hold >= 2 s
    ("locust", "neck_cranked", "long_neck"),  # neck not cranked
]

# Faults about things the camera column does not list (muscle effort, breath, shoulder shrug).
NOT_CAMERA_FAULTS = [
    ("glute_bridge", "back_does_the_work"),
    ("bent_over_row", "shrugging"),
    ("downward_dog", "breath_held"),
    ("locust", "breath_held"),
]

# Words that would read as a diagnosis; the app's text must never make one (CLINICAL.md).
DIAGNOSIS_WORDS = ["diagnos", "hernia", "slipped disc", "sciatica", "you have a"]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def _within(span: tuple[float, float], bounds: tuple[float, float]) -> bool:
    return bounds[0] <= span[0] and span[1] <= bounds[1]


def test_packaged_catalogue_has_the_seven_ids_in_order(catalogue: Catalogue) -> None:
    assert [exercise.id for exercise in catalogue] == SEVEN_IDS


@pytest.mark.parametrize(
    ("exercise_id", "name"),
    [
        ("glute_bridge", "Glute bridge"),
        ("romanian_deadlift", "Dumbbell Romanian deadlift"),
        ("bent_over_row", "Bent-over row"),
        ("downward_dog", "Downward-facing dog"),
        ("kettlebell_swing", "Kettlebell swing"),
        ("squat", "Squat"),
        ("locust", "Locust pose lift"),
    ],
)
def test_get_finds_each_exercise(catalogue: Catalogue, exercise_id: str, name: str) -> None:
    assert catalogue.get(exercise_id).name == name


def test_get_unknown_id_lists_the_known_ids(catalogue: Catalogue) -> None:
    with pytest.raises(CatalogueError, match="Unknown exercise 'plank'") as info:
        catalogue.get("plank")
    message = str(info.value)
    assert all(exercise_id in message for exercise_id in SEVEN_IDS), message
    assert "\n" not in message


@pytest.mark.parametrize(("exercise_id", "sets", "reps", "hold_s", "rest_s"), CLINICAL_DOSAGE)
def test_main_dosage_matches_clinical(
    catalogue: Catalogue,
    exercise_id: str,
    sets: tuple[int, int],
    reps: tuple[int, int] | None,
    hold_s: tuple[float, float] | None,
    rest_s: int,
) -> None:
    dosage = catalogue.get(exercise_id).dosage
    assert _within(dosage.sets, sets), dosage.sets
    if reps is None:
        assert dosage.reps is None
    else:
        assert dosage.reps is not None
        assert _within(dosage.reps, reps), dosage.reps
    if hold_s is None:
        assert dosage.hold_s is None
    else:
        assert dosage.hold_s is not None
        assert _within(dosage.hold_s, hold_s), dosage.hold_s
    assert dosage.rest_s == rest_s


@pytest.mark.parametrize("exercise_id", SEVEN_IDS)
def test_variation_dosage_stays_in_the_trials_range(catalogue: Catalogue, exercise_id: str) -> None:
    exercise = catalogue.get(exercise_id)
    for variation in exercise.variations:
        dosage = variation.dosage
        assert _within(dosage.sets, VARIATION_SETS), variation.id
        if dosage.reps is not None:
            assert _within(dosage.reps, VARIATION_REPS), variation.id
        if dosage.hold_s is not None:
            own_hold = exercise.dosage.hold_s
            in_trials = _within(dosage.hold_s, VARIATION_HOLD_S)
            as_own = own_hold is not None and _within(dosage.hold_s, own_hold)
            assert in_trials or as_own, variation.id


@pytest.mark.parametrize("exercise_id", SEVEN_IDS)
def test_rest_is_marked_as_a_conservative_default(catalogue: Catalogue, exercise_id: str) -> None:
    sources = catalogue.get(exercise_id).sources
    assert any("Rest" in s and "conservative default" in s for s in sources), sources


@pytest.mark.parametrize(("exercise_id", "equipment"), EQUIPMENT)
def test_equipment_matches_clinical(
    catalogue: Catalogue, exercise_id: str, equipment: set[str]
) -> None:
    assert {str(item) for item in catalogue.get(exercise_id).equipment} == equipment


@pytest.mark.parametrize("exercise_id", SEVEN_IDS)
def test_two_steps_each_way_with_their_own_cues(catalogue: Catalogue, exercise_id: str) -> None:
    exercise = catalogue.get(exercise_id)
    assert [v.level for v in exercise.regressions][:2] == [-1, -2]
    assert [v.level for v in exercise.progressions][:2] == [1, 2]
    for variation in exercise.variations:
        assert variation.cues, variation.id


@pytest.mark.parametrize("equipment", [Equipment.RESISTANCE_BAND, Equipment.NONE])
def test_swing_has_a_regression_without_a_kettlebell(
    catalogue: Catalogue, equipment: Equipment
) -> None:
    # A later feature swaps the swing for a banded or bodyweight hinge when there is no kettlebell.
    regressions = catalogue.get("kettlebell_swing").regressions
    assert any(v.equipment == [equipment] for v in regressions)


@pytest.mark.parametrize("exercise_id", SEVEN_IDS)
def test_every_fault_breaks_a_real_cue(catalogue: Catalogue, exercise_id: str) -> None:
    exercise = catalogue.get(exercise_id)
    cue_ids = {cue.id for cue in exercise.cues}
    assert all(fault.breaks in cue_ids for fault in exercise.faults)


@pytest.mark.parametrize("exercise_id", SEVEN_IDS)
def test_every_exercise_has_a_camera_checkable_fault(
    catalogue: Catalogue, exercise_id: str
) -> None:
    assert any(fault.camera_checkable for fault in catalogue.get(exercise_id).faults)


def _fault(exercise: Exercise, fault_id: str) -> Fault:
    matches = [fault for fault in exercise.faults if fault.id == fault_id]
    assert matches, f"{exercise.id} has no fault '{fault_id}'"
    return matches[0]


@pytest.mark.parametrize(("exercise_id", "fault_id", "cue_id"), CAMERA_FAULTS)
def test_clinical_camera_faults_are_checkable(
    catalogue: Catalogue, exercise_id: str, fault_id: str, cue_id: str
) -> None:
    fault = _fault(catalogue.get(exercise_id), fault_id)
    assert fault.camera_checkable
    assert fault.breaks == cue_id


@pytest.mark.parametrize(("exercise_id", "fault_id"), NOT_CAMERA_FAULTS)
def test_faults_outside_the_camera_column_are_not_checkable(
    catalogue: Catalogue, exercise_id: str, fault_id: str
) -> None:
    assert not _fault(catalogue.get(exercise_id), fault_id).camera_checkable


@pytest.mark.parametrize("exercise_id", SEVEN_IDS)
def test_text_makes_no_diagnosis(catalogue: Catalogue, exercise_id: str) -> None:
    texts = list(_texts(catalogue.get(exercise_id).model_dump(mode="json")))
    offending = [t for t in texts for word in DIAGNOSIS_WORDS if word in t.lower()]
    assert offending == []
