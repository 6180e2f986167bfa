"""Phase doses read as a coach writes them, and the dose sentence says why, from the data."""

import pytest

from backchain.exercises import CORE_EXERCISES, load_catalogue
from backchain.programs.dosing import (
    COACH_HOLD_RANGES_S,
    COACH_REP_RANGES,
    coach_range,
    describe_dose,
    phase_of_week,
    phase_weeks,
    prescribe,
)
from backchain.programs.ladder import Rung, ladder, rung
from backchain.programs.models import Phase

F, B, S = Phase.FOUNDATION, Phase.BUILD, Phase.STRENGTH
PHASES = (F, B, S)
Range = tuple[float, float]

# Every version of every exercise: (sets, reps, hold) per phase, written out by hand from
# exercises.yaml and the rule "the coach range inside the version's range whose top is nearest
# the phase's (20, 15, 12 reps; 10, 20, 30 s), else the version's own range".
R_8_25 = {F: (2, (15, 20), None), B: (3, (12, 15), None), S: (3, (8, 12), None)}
R_10_15 = {F: (2, (12, 15), None), B: (3, (12, 15), None), S: (3, (10, 12), None)}
R_8_15 = {F: (2, (12, 15), None), B: (3, (12, 15), None), S: (3, (8, 12), None)}
R_8_12 = {F: (2, (10, 12), None), B: (3, (10, 12), None), S: (3, (8, 12), None)}
R_10_12 = {F: (2, (10, 12), None), B: (3, (10, 12), None), S: (3, (10, 12), None)}
R_6_10 = {F: (2, (8, 10), None), B: (3, (8, 10), None), S: (3, (8, 10), None)}
H_5_20 = {F: (2, None, (5, 10)), B: (3, None, (10, 20)), S: (3, None, (15, 20))}
L_10_15 = {F: (2, (12, 15), (2, 2)), B: (3, (12, 15), (2, 2)), S: (3, (10, 12), (2, 2))}
Dose = tuple[int, tuple[int, int] | None, Range | None]
EXPECTED: dict[tuple[str, str], dict[Phase, Dose]] = {
    ("glute_bridge", "pelvic_tilt"): R_10_15,
    ("glute_bridge", "partial_glute_bridge"): R_8_15,
    ("glute_bridge", "glute_bridge"): R_8_25,
    ("glute_bridge", "marching_bridge"): R_8_12,  # 6-12: 10-12 then 8-12
    ("glute_bridge", "single_leg_bridge"): R_8_12,
    ("romanian_deadlift", "wall_hip_hinge"): R_10_12,
    ("romanian_deadlift", "bodyweight_hip_hinge"): R_10_12,
    ("romanian_deadlift", "romanian_deadlift"): R_8_12,
    ("romanian_deadlift", "staggered_stance_rdl"): R_8_12,
    ("romanian_deadlift", "single_leg_rdl"): R_6_10,
    ("bent_over_row", "doorframe_row"): R_10_15,
    ("bent_over_row", "standing_band_row"): R_10_15,
    ("bent_over_row", "supported_single_arm_row"): R_8_12,
    ("bent_over_row", "bent_over_row"): {
        F: (3, (10, 12), None),
        B: (3, (10, 12), None),
        S: (3, (8, 12), None),
    },
    ("bent_over_row", "paused_row"): dict.fromkeys(PHASES, (3, (8, 10), None)),
    ("bent_over_row", "single_arm_unsupported_row"): R_8_12,
    ("downward_dog", "wall_dog"): H_5_20,
    ("downward_dog", "bent_knee_dog"): H_5_20,
    ("downward_dog", "downward_dog"): {
        F: (2, None, (5, 10)),
        B: (3, None, (10, 20)),
        S: (3, None, (20, 30)),
    },
    ("downward_dog", "three_legged_dog"): {
        F: (2, None, (5, 10)),
        B: (3, None, (10, 15)),
        S: (3, None, (10, 15)),
    },
    ("downward_dog", "dog_to_plank"): R_6_10,
    ("kettlebell_swing", "hip_hinge_drill"): R_10_15,
    ("kettlebell_swing", "banded_pull_through"): R_10_15,
    ("kettlebell_swing", "kettlebell_deadlift"): R_8_12,
    ("kettlebell_swing", "kettlebell_swing"): dict.fromkeys(PHASES, (3, (10, 10), None)),
    ("kettlebell_swing", "single_arm_swing"): R_6_10,
    ("kettlebell_swing", "hand_to_hand_swing"): R_6_10,
    ("squat", "supported_squat"): R_10_15,
    ("squat", "chair_squat"): R_10_15,
    ("squat", "squat"): dict.fromkeys(PHASES, (3, (12, 15), None)),
    ("squat", "tempo_squat"): R_8_12,
    ("squat", "goblet_squat"): R_8_12,
    ("locust", "alternating_prone_leg_lift"): L_10_15,
    ("locust", "prone_chest_lift"): L_10_15,
    ("locust", "locust"): {
        F: (2, (15, 15), (2, 2)),
        B: (3, (15, 15), (2, 2)),
        S: (3, (15, 15), (2, 2)),
    },
    ("locust", "locust_arms_forward"): L_10_15,
    ("locust", "locust_long_hold"): {
        F: (2, (8, 10), (5, 10)),
        B: (3, (8, 10), (5, 10)),
        S: (3, (8, 10), (5, 10)),
    },
}


def versions() -> list[tuple[str, Rung]]:
    catalogue = load_catalogue()
    return [(e, r) for e in CORE_EXERCISES for r in ladder(catalogue.get(e))]


VERSIONS = [pytest.param(e, r, id=r.id) for e, r in versions()]


def test_the_table_covers_every_version() -> None:
    assert set(EXPECTED) == {(e, r.id) for e, r in versions()}


@pytest.mark.parametrize(("exercise", "version"), VERSIONS)
@pytest.mark.parametrize("phase", PHASES)
def test_every_version_and_phase_dose(exercise: str, version: Rung, phase: Phase) -> None:
    p = prescribe(load_catalogue().get(exercise), version, phase, "why")
    assert (p.sets, p.reps, p.hold_s) == EXPECTED[exercise, version.id][phase]


@pytest.mark.parametrize(("exercise", "version"), VERSIONS)
@pytest.mark.parametrize("phase", PHASES)
def test_a_range_is_the_versions_own_or_a_coach_range_inside_it(
    exercise: str, version: Rung, phase: Phase
) -> None:
    p = prescribe(load_catalogue().get(exercise), version, phase, "why")
    checks = ((p.reps, version.dosage.reps, COACH_REP_RANGES),)
    checks += ((p.hold_s, version.dosage.hold_s, COACH_HOLD_RANGES_S),)
    for given, own, common in checks:
        assert (given is None) == (own is None)
        if given is None or own is None:
            continue
        assert given == own or given in common
        assert own[0] <= given[0] <= given[1] <= own[1]
        if given != own:
            assert given[1] - given[0] >= 2, "never a 14-15 kind of range"


@pytest.mark.parametrize(("exercise", "version"), VERSIONS)
def test_phases_go_from_more_reps_to_fewer_and_short_holds_to_long(
    exercise: str, version: Rung
) -> None:
    doses = [prescribe(load_catalogue().get(exercise), version, ph, "why") for ph in PHASES]
    reps = [p.reps for p in doses if p.reps is not None]
    holds = [p.hold_s for p in doses if p.hold_s is not None]
    assert [r[1] for r in reps] == sorted((r[1] for r in reps), reverse=True)
    assert [h[1] for h in holds] == sorted(h[1] for h in holds)
    assert [p.sets for p in doses] == sorted(p.sets for p in doses)


@pytest.mark.parametrize(
    ("exercise", "version"),
    [("glute_bridge", "glute_bridge"), ("downward_dog", "downward_dog")],
)
def test_a_wide_range_gives_each_phase_its_own_dose(exercise: str, version: str) -> None:
    main = load_catalogue().get(exercise)
    doses = {
        (p.reps, p.hold_s) for p in (prescribe(main, rung(main, version), ph, "") for ph in PHASES)
    }
    assert len(doses) == len(PHASES)


@pytest.mark.parametrize(
    ("allowed", "target", "expected"),
    [
        ((8, 25), (15, 20), (15, 20)),  # the target itself fits
        ((8, 12), (15, 20), (10, 12)),  # top 12 either way; 10 is nearer 15 than 8
        ((8, 12), (8, 12), (8, 12)),
        ((6, 10), (8, 12), (8, 10)),  # top 10 either way; 8 is the target's bottom
        ((10, 10), (15, 20), (10, 10)),  # nothing fits inside: the version's own
        ((9, 11), (8, 12), (9, 11)),
        ((5, 15), (10, 20), (10, 15)),  # holds: the top nearest 20 is 15
        ((2, 2), (5, 10), (2, 2)),
    ],
)
def test_coach_range_picks_the_nearest_top_then_bottom(
    allowed: Range, target: Range, expected: Range
) -> None:
    common = [*COACH_REP_RANGES, *COACH_HOLD_RANGES_S]
    assert coach_range(allowed, target, common) == expected


def test_coach_range_breaks_a_full_tie_towards_the_lower_range() -> None:
    # Tops 10 and 14 are both 2 from 12, bottoms 6 and 10 both 2 from 8.
    assert coach_range((6, 14), (8, 12), [(10, 14), (6, 10)]) == (6, 10)


@pytest.mark.parametrize(
    ("weeks", "foundation", "build", "strength"),
    [
        (12, (1, 4), (5, 8), (9, 12)),
        (13, (1, 5), (6, 9), (10, 13)),
        (14, (1, 5), (6, 10), (11, 14)),
        (16, (1, 6), (7, 11), (12, 16)),
    ],
)
def test_phase_weeks(
    weeks: int, foundation: tuple[int, int], build: tuple[int, int], strength: tuple[int, int]
) -> None:
    assert [phase_weeks(ph, weeks) for ph in PHASES] == [foundation, build, strength]
    for phase, (first, last) in zip(PHASES, (foundation, build, strength), strict=True):
        assert {phase_of_week(w, weeks) for w in range(first, last + 1)} == {phase}


def sentence(exercise: str, version: str, phase: Phase, weeks: int | None = 12) -> str:
    main = load_catalogue().get(exercise)
    chosen = rung(main, version)
    return describe_dose(chosen, prescribe(main, chosen, phase, ""), phase, weeks)


@pytest.mark.parametrize(
    ("exercise", "version", "phase", "expected"),
    [
        (
            "glute_bridge",
            "glute_bridge",
            F,
            "Foundation phase (weeks 1–4): 2 sets of 15–20 reps, more reps while the movement "
            "becomes familiar.",
        ),
        (
            "glute_bridge",
            "glute_bridge",
            S,
            "Strength phase (weeks 9–12): 3 sets of 8–12 reps, fewer reps, so each one can be "
            "heavier or harder.",
        ),
        (
            "romanian_deadlift",
            "romanian_deadlift",
            B,
            "Build phase (weeks 5–8): 3 sets of 10–12 reps, a middle range of reps as the work "
            "builds up, as near as this version's range (8–12) allows.",
        ),
        (
            "kettlebell_swing",
            "kettlebell_swing",
            F,
            "Foundation phase (weeks 1–4): 3 sets of 10 reps; this version has the same reps "
            "in every phase.",
        ),
        (
            "locust",
            "locust",
            B,
            "Build phase (weeks 5–8): 3 sets of 15 reps with a 2 s hold; this version has the "
            "same reps and hold in every phase.",
        ),
        (
            "downward_dog",
            "three_legged_dog",
            S,
            "Strength phase (weeks 9–12): 3 holds of 10–15 s each side, the longest holds, as "
            "near as this version's range (5–15 s) allows.",
        ),
        (
            "glute_bridge",
            "marching_bridge",
            F,
            "Foundation phase (weeks 1–4): 2 sets of 10–12 reps each side, more reps while the "
            "movement becomes familiar, as near as this version's range (6–12) allows.",
        ),
    ],
)
def test_the_dose_sentence_names_the_phase_weeks_dose_and_why(
    exercise: str, version: str, phase: Phase, expected: str
) -> None:
    assert sentence(exercise, version, phase) == expected


def test_the_dose_sentence_follows_the_plan_length() -> None:
    assert sentence("squat", "squat", S, weeks=16).startswith("Strength phase (weeks 12–16): ")
    assert sentence("squat", "squat", B, weeks=None).startswith("Build phase: 3 sets of 12–15")
