"""Demonstrations: every picture shows what its caption says, judged by the coach's own rules.

Each loop is played three times, as a person watching it sees it, and `analyze` (what
`backchain analyze` runs) watches it. Done well, the coach counts every rep and finds no fault,
beyond what a variation's staging says the coach misjudges; with a fault, it finds that fault.
The staging's claims about each variation (a hand's width of lift, an upright trunk, one leg
raised) are checked on the keyframes the browser draws.
"""

import re
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pytest

from backchain.errors import CatalogueError
from backchain.exercises import CORE_EXERCISES, Equipment, load_catalogue
from backchain.motion.analysis import AnalysisReport, VideoSummary, analyze
from backchain.motion.demo import FPS, NO_RULE, POINTS, Clip, clips, demo, outline, repeat
from backchain.motion.demo_versions import STAGINGS
from backchain.motion.motions import RULES

Metres = npt.NDArray[np.float64]
TIMES = 3  # loops played back to back
CATALOGUE = load_catalogue()
VARIATIONS = [(e.id, v.id) for e in CATALOGUE for v in e.variations]
VERSIONS = [(e.id, e.id) for e in CATALOGUE] + VARIATIONS


def report(exercise: str, clip: Clip) -> AnalysisReport:
    seq = repeat(clip.sequence, TIMES)
    return analyze(seq, exercise, video=VideoSummary(float(seq.t[-1]), FPS, len(seq)))


def clip_of(exercise: str, version: str, fault: str | None) -> Clip:
    return next(clip for clip in clips(exercise, version) if clip.fault == fault)


def points(exercise: str, version: str, fault: str | None = None) -> Metres:
    """(N, len(POINTS), 2) a clip's keyframes in metres, as drawn."""
    frames = next(c for c in demo(exercise, version).clips if c.fault == fault).frames
    return np.array(frames, dtype=np.float64).reshape(len(frames), len(POINTS), 2) / 1000


def at(xy: Metres, name: str) -> Metres:
    return np.asarray(xy[:, POINTS.index(name)])


@pytest.mark.parametrize("exercise", CORE_EXERCISES)
def test_each_exercise_done_well_counts_every_rep_and_flags_nothing(exercise: str) -> None:
    result = report(exercise, clip_of(exercise, exercise, None))
    assert result.reps == TIMES
    assert result.faults == ()


FAULTS = [(e, f) for e in CORE_EXERCISES for f in outline(e, e).faults]


@pytest.mark.parametrize(("exercise", "fault"), FAULTS)
def test_each_fault_picture_is_flagged_as_that_fault(exercise: str, fault: str) -> None:
    """On every rep; a depth that varies on the shallow rep that ends each loop."""
    clip = clip_of(exercise, exercise, fault)
    result = report(exercise, clip)
    assert result.reps == TIMES * clip.reps
    flagged = {(f.id, f.rep) for f in result.faults}
    assert flagged == {(fault, k * clip.reps) for k in range(1, TIMES + 1)}


def test_the_exercises_show_every_camera_checkable_fault_the_coach_can_check() -> None:
    for exercise in CATALOGUE:
        plan = outline(exercise.id, exercise.id)
        ruled = {r.fault for r in RULES if r.exercise == exercise.id}
        checkable = {f.id for f in exercise.faults if f.camera_checkable}
        assert set(plan.faults) == checkable & ruled
        assert plan.unshown == dict.fromkeys(checkable - ruled, NO_RULE)


@pytest.mark.parametrize(("exercise", "version"), VARIATIONS)
def test_a_variation_done_well_is_judged_as_its_staging_says(exercise: str, version: str) -> None:
    plan = outline(exercise, version)
    result = report(exercise, clip_of(exercise, version, None))
    assert result.reps == (0 if plan.uncounted else TIMES)
    assert {f.id for f in result.faults} == set(plan.coach_flags)


VARIATION_FAULTS = [(e, v, f) for e, v in VARIATIONS for f in outline(e, v).faults]


@pytest.mark.parametrize(("exercise", "version", "fault"), VARIATION_FAULTS)
def test_a_variations_fault_picture_is_flagged(exercise: str, version: str, fault: str) -> None:
    plan = outline(exercise, version)
    assert fault not in plan.coach_flags, "the coach flags it anyway: the picture proves nothing"
    result = report(exercise, clip_of(exercise, version, fault))
    found = {f.id for f in result.faults}
    assert fault in found
    assert found <= {fault, *plan.coach_flags}


def test_every_version_in_the_catalogue_is_staged_and_nothing_else() -> None:
    assert set(STAGINGS) == {version for _, version in VERSIONS}


@pytest.mark.parametrize(("exercise", "version"), VERSIONS)
def test_a_stagings_faults_are_the_exercises_own(exercise: str, version: str) -> None:
    staging, entry = STAGINGS[version], CATALOGUE.get(exercise)
    checkable = {f.id for f in entry.faults if f.camera_checkable}
    ruled = {r.fault for r in RULES if r.exercise == exercise}
    assert set(staging.left_out) | set(staging.inapplicable) <= checkable
    assert not set(staging.left_out) & set(staging.inapplicable)
    assert set(staging.coach_flags) <= ruled


# What each piece of kit needs among a version's equipment; household things are not
# equipment, so the version's own words must name them instead.
NEEDS = {
    "dumbbell": {Equipment.DUMBBELLS},
    "dumbbell_near": {Equipment.DUMBBELLS},
    "kettlebell": {Equipment.KETTLEBELL},
    "kettlebell_near": {Equipment.KETTLEBELL},
    "goblet": {Equipment.KETTLEBELL, Equipment.DUMBBELLS},
    "band_ahead": {Equipment.RESISTANCE_BAND},
    "band_behind": {Equipment.RESISTANCE_BAND},
    "mat": {Equipment.MAT},
}
HOUSEHOLD = {"wall_behind": "wall", "wall_ahead": "wall", "chair_behind": "chair",
             "chair_ahead": "chair", "counter": "counter", "door_frame": "door frame"}  # fmt: skip
LOADS = {Equipment.DUMBBELLS, Equipment.KETTLEBELL, Equipment.RESISTANCE_BAND}


@pytest.mark.parametrize(("exercise", "version"), VERSIONS)
def test_the_kit_shown_is_the_versions_own(exercise: str, version: str) -> None:
    entry = CATALOGUE.get(exercise)
    main = version == exercise
    equipment = set(entry.equipment if main else entry.variation(version).equipment)
    words = " ".join(entry.setup if main else [entry.variation(version).summary]).lower()
    kit = STAGINGS[version].kit
    for item in kit:
        if item in HOUSEHOLD:
            assert HOUSEHOLD[item] in words, f"{item} is not named in “{words}”"
        else:
            assert NEEDS[item] & equipment, f"{item} is not in {equipment}"
    if equipment <= LOADS:  # done with a load only: the picture shows one
        assert any(item in NEEDS and NEEDS[item] <= LOADS for item in kit)


@pytest.mark.parametrize(("exercise", "version"), VERSIONS)
def test_every_loop_starts_where_it_ends(exercise: str, version: str) -> None:
    for clip in demo(exercise, version).clips:
        frames = np.array(clip.frames, dtype=np.float64)
        steps = np.abs(np.diff(frames, axis=0)).max(axis=1)
        wrap = np.abs(frames[0] - frames[-1]).max()
        assert wrap <= steps.max(), f"{clip.fault or 'done well'} jumps {wrap} mm when it loops"


@pytest.mark.parametrize(("exercise", "version"), VERSIONS)
def test_every_point_drawn_is_inside_the_box_above_the_floor(exercise: str, version: str) -> None:
    shown = demo(exercise, version)
    x0, y0, x1, y1 = shown.box
    for clip in shown.clips:
        xy = np.array(clip.frames).reshape(-1, 2)
        assert x0 < xy[:, 0].min()
        assert xy[:, 0].max() < x1
        assert y0 < 0 < xy[:, 1].min()
        assert xy[:, 1].max() < y1


HELD = re.compile(r"held (\d+\.\d) s")


def held_s(exercise: str, version: str, fault: str | None) -> float:
    """The hold the stills report at the end of the movement."""
    keys = next(c for c in demo(exercise, version).clips if c.fault == fault).keys
    match = HELD.search(keys[-1].label)
    return float(match.group(1)) if match else 0.0


TIMING = [(e, v, f) for e, v in VERSIONS for f in outline(e, v).faults
          if f in ("no_pause", "short_hold")]  # fmt: skip


@pytest.mark.parametrize(("exercise", "version", "fault"), TIMING)
def test_the_stills_of_a_timing_fault_say_the_hold_is_short(
    exercise: str, version: str, fault: str
) -> None:
    """Still figures cannot show time, so the words do."""
    assert held_s(exercise, version, fault) < held_s(exercise, version, None) / 2


@pytest.mark.parametrize(("exercise", "version"), VARIATIONS)
def test_every_variation_looks_different_from_its_exercise(exercise: str, version: str) -> None:
    mine, main = points(exercise, version), points(exercise, exercise)
    assert mine.shape != main.shape or np.abs(mine - main).max() > 0.05


def rise(xy: Metres, name: str) -> float:
    return float(at(xy, name)[:, 1].max() - at(xy, name)[0, 1])


def trunk_deg(xy: Metres) -> Metres:
    trunk = at(xy, "right_shoulder") - at(xy, "right_hip")
    return np.asarray(np.degrees(np.arctan2(np.abs(trunk[:, 0]), trunk[:, 1])))


def one_leg_raised(exercise: str, version: str) -> bool:
    """One ankle well above the other at some point."""
    xy = points(exercise, version)
    return bool(np.any(np.abs(at(xy, "left_ankle")[:, 1] - at(xy, "right_ankle")[:, 1]) > 0.1))


# What the captions and stagings claim, on the keyframes the browser draws.
CLAIMS: dict[str, Callable[[], bool]] = {
    "a bridge lifts the hips more than 15 cm": lambda: rise(
        points("glute_bridge", "glute_bridge"), "right_hip") > 0.15,
    "a partial bridge lifts them a hand's width": lambda: 0.07 < rise(
        points("glute_bridge", "partial_glute_bridge"), "right_hip") < 0.13,
    "a pelvic tilt barely lifts them": lambda: rise(
        points("glute_bridge", "pelvic_tilt"), "right_hip") < 0.03,
    "the one-leg versions raise one leg": lambda: all(one_leg_raised(e, v) for e, v in [
        ("glute_bridge", "marching_bridge"), ("glute_bridge", "single_leg_bridge"),
        ("romanian_deadlift", "single_leg_rdl"), ("downward_dog", "three_legged_dog"),
        ("locust", "alternating_prone_leg_lift")]) and not one_leg_raised("locust", "locust"),
    "a band row stands upright": lambda: trunk_deg(
        points("bent_over_row", "standing_band_row")).max() < 10,
    "a bent-over row stays bent over": lambda: trunk_deg(
        points("bent_over_row", "bent_over_row")).min() > 40,
    "in a door-frame row the hands stay put while the body moves": lambda: (
        np.ptp(at(points("bent_over_row", "doorframe_row"), "right_wrist"), axis=0).max() < 0.01
        and np.ptp(at(points("bent_over_row", "doorframe_row"), "right_shoulder"), axis=0).max()
        > 0.05),
    "the one-arm rows pull with the near hand only": lambda: all(
        np.ptp(at(points("bent_over_row", v), "right_wrist")[:, 1]) > 0.2
        > np.ptp(at(points("bent_over_row", v), "left_wrist")[:, 1])
        for v in ("supported_single_arm_row", "single_arm_unsupported_row")),
    "a chair squat stops higher than a squat": lambda: (
        at(points("squat", "chair_squat"), "right_hip")[:, 1].min()
        > at(points("squat", "squat"), "right_hip")[:, 1].min() + 0.1),
    "a goblet squat holds the weight at the chest": lambda: np.linalg.norm(
        at(points("squat", "goblet_squat"), "right_wrist")
        - at(points("squat", "goblet_squat"), "right_shoulder"), axis=1).max() < 0.35,
    "a prone chest lift keeps the feet down": lambda: np.ptp(
        at(points("locust", "prone_chest_lift"), "right_ankle")[:, 1]) < 0.01,
    "a locust with arms forward reaches past the head": lambda: bool(np.all(
        at(points("locust", "locust_arms_forward"), "right_wrist")[:, 0]
        > at(points("locust", "locust_arms_forward"), "head")[:, 0])),
    "a tempo squat is slower than a squat": lambda: len(points("squat", "tempo_squat"))
    > 1.5 * len(points("squat", "squat")),
    "a long locust hold is longer than the locust's": lambda: held_s(
        "locust", "locust_long_hold", None) > 2 * held_s("locust", "locust", None),
}  # fmt: skip


@pytest.mark.parametrize("claim", CLAIMS)
def test_the_pictures_show_what_the_stagings_claim(claim: str) -> None:
    assert CLAIMS[claim]()


def test_a_demo_is_computed_once() -> None:
    assert demo("squat", "goblet_squat") is demo("squat", "goblet_squat")


@pytest.mark.parametrize(("exercise", "version"), [("squat", "cartwheel"), ("cartwheel", "x"),
                                                   ("squat", "glute_bridge")])  # fmt: skip
def test_an_unknown_version_is_a_catalogue_error(exercise: str, version: str) -> None:
    with pytest.raises(CatalogueError):
        demo(exercise, version)


def test_a_repeated_loop_runs_on_in_time() -> None:
    clip = clip_of("squat", "squat", None)
    seq = repeat(clip.sequence, TIMES)
    assert len(seq) == TIMES * len(clip.sequence)
    assert np.allclose(np.diff(seq.t), 1 / FPS)
    assert np.array_equal(seq.image[len(clip.sequence)], clip.sequence.image[0])
