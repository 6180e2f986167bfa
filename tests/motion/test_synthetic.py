"""The synthetic generator: deterministic, well-formed, and doing what its arguments say."""

import numpy as np
import pytest

from backchain.motion.landmarks import Landmark
from backchain.motion.measures import Measures
from backchain.motion.motions import RULES
from backchain.motion.poses import PoseSequence
from backchain.motion.synthetic import FAULTS, MAX_DROP_RUN, STARTS_AT_TOP, generate
from backchain.motion.synthetic_body import HIDDEN_DROP, VISIBLE

EXERCISES = list(FAULTS)
L = Landmark


def _duration(
    reps: int, tempo: float, hold: float, pause: float, lead_in: float, lead_out: float
) -> float:
    return lead_in + reps * (tempo + hold + pause) + lead_out


@pytest.mark.parametrize("exercise", EXERCISES)
def test_same_arguments_give_identical_arrays(exercise: str) -> None:
    kwargs = {"seed": 7, "reps": 3, "jitter": 2.0, "drop_rate": 0.1, "view_deg": 20.0}
    a, b = generate(exercise, **kwargs), generate(exercise, **kwargs)  # type: ignore[arg-type]
    for name in ("t", "image", "world", "visibility"):
        np.testing.assert_array_equal(getattr(a.sequence, name), getattr(b.sequence, name))
    assert a.truth == b.truth


def test_the_seed_changes_noise_and_drops() -> None:
    a = generate("squat", seed=1, jitter=2.0, drop_rate=0.1)
    b = generate("squat", seed=2, jitter=2.0, drop_rate=0.1)
    assert a.truth.dropped != b.truth.dropped
    both = a.sequence.present & b.sequence.present
    assert not np.allclose(a.sequence.image[both], b.sequence.image[both])


@pytest.mark.parametrize("exercise", EXERCISES)
def test_shapes_times_and_truth(exercise: str) -> None:
    reps, tempo, hold, pause, fps = 5, 2.0, 1.0, 0.4, 30.0
    synthetic = generate(
        exercise,
        seed=0,
        reps=reps,
        tempo_s=tempo,
        hold_s=hold,
        pause_s=pause,
        fps=fps,
        size=(320, 240),
    )
    seq, truth = synthetic.sequence, synthetic.truth
    duration = _duration(reps, tempo, hold, pause, 2.0, 2.0)
    n = int(np.floor(duration * fps)) + 1
    assert seq.t.shape == (n,)
    assert seq.image.shape == seq.world.shape == (n, 33, 3)
    assert seq.visibility.shape == (n, 33)
    assert seq.size == (320, 240)
    np.testing.assert_allclose(np.diff(seq.t), 1 / fps)
    assert truth.reps == len(truth.tops) == len(truth.holds) == reps
    assert truth.holds == (hold,) * reps
    # Tops come one rep cycle apart; standing exercises go down and pause before the first.
    np.testing.assert_allclose(np.diff(truth.tops), tempo + hold + pause)
    first = 2.0 + tempo / 2 + (tempo / 2 + pause if exercise in STARTS_AT_TOP else 0.0)
    assert truth.tops[0] == pytest.approx(first)
    assert truth.tops[-1] < duration - 2.0
    assert (truth.params.exercise, truth.params.fps) == (exercise, fps)


@pytest.mark.parametrize("exercise", EXERCISES)
@pytest.mark.parametrize("view", [0.0, 30.0, 90.0])
def test_whole_body_stays_in_the_picture(exercise: str, view: float) -> None:
    image = generate(exercise, seed=0, reps=2, view_deg=view).sequence.image
    assert np.all((image[..., :2] >= 0) & (image[..., :2] <= 1))


@pytest.mark.parametrize("exercise", EXERCISES)
def test_world_is_centred_between_the_hips(exercise: str) -> None:
    world = generate(exercise, seed=0, reps=2, view_deg=40).sequence.world
    np.testing.assert_allclose(world[:, [L.LEFT_HIP, L.RIGHT_HIP]].mean(axis=1), 0.0, atol=1e-12)
    # Metres: shoulder to hip is the figure's 0.5 m torso whatever the camera does.
    shoulders = world[:, [L.LEFT_SHOULDER, L.RIGHT_SHOULDER]].mean(axis=1)
    torso = np.linalg.norm(shoulders, axis=1)  # from the origin, between the hips
    np.testing.assert_allclose(torso, 0.5)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_lead_in_and_lead_out_hold_still_or_barely_move(exercise: str) -> None:
    """The set-up shift moves a little (12 % of the range), the lead-out not at all."""
    synthetic = generate(exercise, seed=0, reps=3, lead_in_s=4.0, lead_out_s=3.0)
    seq, truth = synthetic.sequence, synthetic.truth
    body = [L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_WRIST, L.LEFT_ANKLE]
    xy = seq.image[:, body, :2]
    rep_travel = np.ptp(xy[(seq.t > 4.0) & (seq.t < truth.tops[-1])], axis=0).max()
    lead_in_travel = np.ptp(xy[seq.t <= 4.0], axis=0).max()
    assert 0 < lead_in_travel < 0.3 * rep_travel
    tail = seq.t >= seq.t[-1] - 3.0
    shape = xy[tail] - xy[tail, 1:2]  # posture relative to the hips: no movement at all
    np.testing.assert_allclose(shape, shape[0:1].repeat(len(shape), axis=0), atol=1e-9)


def test_standing_exercises_step_away_at_the_end() -> None:
    seq = generate("squat", seed=0, reps=2, lead_out_s=3.0).sequence
    hips = seq.xy(L.RIGHT_HIP)[:, 0]
    end = seq.t >= seq.t[-1] - 3.0
    assert hips[-1] - hips[end][0] > 20  # pixels, walking forward (right in the image)


@pytest.mark.parametrize("rate", [0.05, 0.2, 0.4])
def test_drops_are_no_person_frames_never_more_than_three_in_a_row(rate: float) -> None:
    synthetic = generate("locust", seed=4, reps=6, drop_rate=rate)
    seq, dropped = synthetic.sequence, np.zeros(len(synthetic.sequence), dtype=bool)
    dropped[list(synthetic.truth.dropped)] = True
    assert dropped.sum() == round(rate * len(seq))
    np.testing.assert_array_equal(~seq.present, dropped)
    assert np.isnan(seq.image[dropped]).all()
    assert np.isnan(seq.world[dropped]).all()
    assert (seq.visibility[dropped] == 0).all()
    np.testing.assert_array_equal(seq.people, ~dropped)
    runs = np.diff(np.flatnonzero(np.diff(np.concatenate([[0], dropped.astype(int), [0]]))))[::2]
    assert runs.max() <= MAX_DROP_RUN
    # Drops replace frames; they never move the others.
    clean = generate("locust", seed=4, reps=6).sequence
    np.testing.assert_array_equal(seq.image[~dropped], clean.image[~dropped])


def test_jitter_is_gaussian_in_thousandths_of_the_frame() -> None:
    size = (640, 480)
    noisy = generate("squat", seed=3, jitter=2.0, size=size).sequence
    clean = generate("squat", seed=3, size=size).sequence
    noise = noisy.image - clean.image
    assert np.std(noise[..., 0]) == pytest.approx(2e-3, rel=0.05)
    assert np.std(noise[..., 1]) == pytest.approx(2e-3, rel=0.05)
    assert abs(np.mean(noise)) < 1e-4
    # In pixels that is 1.3 px across and 1 px down; the world moves by the same amount in metres.
    pixels = (noisy.xy(L.NOSE) - clean.xy(L.NOSE)).std(axis=0)
    np.testing.assert_allclose(pixels, [1.28, 0.96], rtol=0.1)
    scale = np.linalg.norm(clean.xy(L.RIGHT_SHOULDER) - clean.xy(L.RIGHT_HIP), axis=1)[0] / 0.5
    world = (noisy.world - clean.world)[..., 0].std() * scale
    assert world == pytest.approx(1.28, rel=0.1)


def _shoulder_width(view: float) -> float:
    return float(
        np.nanmedian(
            Measures(generate("squat", seed=0, reps=2, view_deg=view).sequence).shoulder_width
        )
    )


def test_the_camera_turns_from_side_to_front() -> None:
    """Shoulder width in torso lengths: the set-up check reads <= 0.5 as side, >= 0.7 as front."""
    assert _shoulder_width(0) < 0.01
    assert _shoulder_width(30) < 0.5
    assert _shoulder_width(90) > 0.7


def test_front_view_shows_shoulders_wide_and_the_hinge_foreshortened() -> None:
    side = generate("romanian_deadlift", seed=0, reps=2, view_deg=0).sequence
    front = generate("romanian_deadlift", seed=0, reps=2, view_deg=90).sequence

    def spread(seq: PoseSequence, a: Landmark, b: Landmark) -> float:
        return float(np.abs(seq.xy(a)[:, 0] - seq.xy(b)[:, 0]).max())

    assert (
        spread(front, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
        > 5 * spread(side, L.LEFT_SHOULDER, L.RIGHT_SHOULDER) + 10
    )
    # The hinge moves the shoulders forward: large across the picture from the side, nothing from the front.
    side_reach = np.ptp(side.image[:, L.RIGHT_SHOULDER, 0] - side.image[:, L.RIGHT_HIP, 0])
    front_reach = np.ptp(front.image[:, L.RIGHT_SHOULDER, 0] - front.image[:, L.RIGHT_HIP, 0])
    assert front_reach < 0.05 * side_reach


def test_far_side_is_less_visible_from_the_side_only() -> None:
    side = generate("locust", seed=0, reps=1, view_deg=0).sequence.visibility[0]
    front = generate("locust", seed=0, reps=1, view_deg=90).sequence.visibility[0]
    assert side[L.RIGHT_KNEE] == VISIBLE
    assert side[L.LEFT_KNEE] == pytest.approx(VISIBLE - HIDDEN_DROP)
    assert front[L.RIGHT_KNEE] == front[L.LEFT_KNEE] == VISIBLE


def test_side_view_faces_right() -> None:
    seq = generate("squat", seed=0, reps=1).sequence
    assert (seq.xy(L.NOSE)[:, 0] > seq.xy(L.RIGHT_EAR)[:, 0]).all()
    assert (seq.xy(L.RIGHT_FOOT_INDEX)[:, 0] > seq.xy(L.RIGHT_HEEL)[:, 0]).all()


# The posture each exercise reaches, read with the coach's own measures at the true tops and at
# the bottoms between them: (measure, at "top" | "bottom", low, high).
POSTURES = [
    ("glute_bridge", "hip_angle", "top", 175, 181),
    ("glute_bridge", "hip_angle", "bottom", 120, 130),
    ("glute_bridge", "knee_angle", "top", 60, 100),
    ("romanian_deadlift", "trunk_from_vertical", "bottom", 70, 80),
    ("romanian_deadlift", "knee_angle", "bottom", 150, 170),
    ("romanian_deadlift", "hands_from_legs", "bottom", 0, 0.2),
    ("romanian_deadlift", "hip_angle", "top", 170, 181),
    ("bent_over_row", "trunk_from_vertical", "top", 45, 60),
    ("bent_over_row", "trunk_from_vertical", "bottom", 45, 60),
    ("downward_dog", "hips_above_ankle_line", "top", 0.6, 1.2),
    ("downward_dog", "hips_above_ankle_line", "bottom", -0.05, 0.05),
    ("downward_dog", "knee_angle", "top", 175, 181),
    ("kettlebell_swing", "trunk_from_vertical", "bottom", 50, 65),
    ("kettlebell_swing", "knee_angle", "bottom", 140, 165),
    ("kettlebell_swing", "hip_angle", "top", 170, 181),
    ("squat", "knee_angle", "bottom", 45, 70),
    ("squat", "heel_lift", "bottom", -0.01, 0.01),
    ("locust", "neck_extension", "top", -1, 5),
]


@pytest.mark.parametrize(("exercise", "measure", "where", "low", "high"), POSTURES)
def test_each_exercise_reaches_its_posture(
    exercise: str, measure: str, where: str, low: float, high: float
) -> None:
    synthetic = generate(exercise, seed=0, reps=3, hold_s=1.0)
    seq, tops = synthetic.sequence, np.array(synthetic.truth.tops)
    values = getattr(Measures(seq), measure)
    if where == "top":
        frames = [int(np.argmin(np.abs(seq.t - top))) for top in tops]
    else:  # the middle of the pause at the bottom, before each top
        rise = synthetic.truth.params.tempo_s / 2
        frames = [int(np.argmin(np.abs(seq.t - (top - rise - 0.25)))) for top in tops]
    assert all(low <= values[i] <= high for i in frames), [
        round(float(values[i]), 2) for i in frames
    ]


def test_squat_thighs_reach_level() -> None:
    synthetic = generate("squat", seed=0, reps=1, pause_s=1.0)
    seq = synthetic.sequence
    bottom = int(np.argmin(np.abs(seq.t - (synthetic.truth.tops[0] - 1.25 - 0.5))))
    hip, knee = seq.xy(L.RIGHT_HIP)[bottom], seq.xy(L.RIGHT_KNEE)[bottom]
    torso = np.linalg.norm(seq.xy(L.RIGHT_SHOULDER)[bottom] - hip)
    assert abs(hip[1] - knee[1]) < 0.15 * torso


def test_every_rule_has_a_fault_the_generator_can_make() -> None:
    missing = {(r.exercise, r.fault) for r in RULES} - {
        (exercise, fault) for exercise, faults in FAULTS.items() for fault in faults
    }
    assert not missing


@pytest.mark.parametrize(
    ("exercise", "kwargs", "message"),
    [
        ("cartwheel", {}, "unknown exercise"),
        ("squat", {"faults": {"hips_low": [1]}}, "cannot make fault 'hips_low' for squat"),
        ("squat", {"faults": {"heels_lift": [9]}}, "reps are numbered 1 to 8"),
        ("squat", {"faults": {"heels_lift": [0]}}, "reps are numbered 1 to 8"),
        ("squat", {"tempo_s": 0.0}, "tempo_s"),
        ("squat", {"hold_s": -1.0}, "hold_s"),
        ("squat", {"range_scale": 0.0}, "range_scale"),
        ("squat", {"drop_rate": 0.9}, "drop_rate"),
    ],
)
def test_bad_arguments_raise(exercise: str, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate(exercise, seed=0, **kwargs)  # type: ignore[arg-type]


def test_timing_faults_change_the_true_holds() -> None:
    bridge = generate("glute_bridge", seed=0, reps=4, hold_s=2.0, faults={"no_pause": [2]})
    assert bridge.truth.holds == (2.0, 0.0, 2.0, 2.0)
    locust = generate("locust", seed=0, reps=3, hold_s=2.0, faults={"short_hold": [1, 3]})
    assert locust.truth.holds == pytest.approx((0.2, 2.0, 0.2))  # a tenth of the hold
    assert locust.truth.faults == {"short_hold": (1, 3)}
    assert locust.truth.tops[1] - locust.truth.tops[0] == pytest.approx(2.5 + 0.5 + 0.2)


@pytest.mark.parametrize(("exercise", "fault"), [(e, f) for e, fs in FAULTS.items() for f in fs])
def test_a_fault_changes_only_its_own_rep(exercise: str, fault: str) -> None:
    clean = generate(exercise, seed=0, reps=4, hold_s=1.0)
    faulty = generate(exercise, seed=0, reps=4, hold_s=1.0, faults={fault: [2]})
    if faulty.truth.holds != clean.truth.holds:
        return  # a timing fault: the truth says what changed, tested above
    # World coordinates: the image framing depends on the whole clip, the world on the frame.
    differs = np.any(np.abs(faulty.sequence.world - clean.sequence.world) > 1e-9, axis=(1, 2))
    changed = faulty.sequence.t[differs]
    assert len(changed) > 0
    assert clean.truth.tops[0] < changed.min()
    assert changed.max() < clean.truth.tops[2]
