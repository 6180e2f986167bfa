"""How each version of each exercise is shown: one `Staging` per version, in `STAGINGS`.

A version is its exercise's synthetic move with adjustments the body model can express: the
range of motion, tempo and hold, the trunk's angle, one leg or one arm apart from the other,
where the hands go, and the kit. Where the model cannot show a detail, `differs` says what the
picture leaves out. `left_out` names the exercise's faults that matter in a version but have
no tested picture of it, and why; `inapplicable` those that cannot happen in it, or are what it
asks for. `coach_flags` and `uncounted` record where the camera coach, which knows the exercise
but not the version, misjudges the version done well (the tests hold both to the truth).

Angles turn counter-clockwise, which is towards the figure's front: it faces +x, y is up.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from backchain.motion.synthetic_body import (
    ARM_M,
    FOREARM_M,
    HEEL,
    MOVES,
    SHIN_M,
    THIGH_M,
    TOE,
    UPPER_ARM_M,
    Figure,
    Motion,
    apex,
)

__all__ = ["HOLD_S", "PAUSE_S", "STAGINGS", "TEMPO_S", "Kit", "Staging"]

FloatArray = npt.NDArray[np.float64]
# Kit held in both hands or the near one, or placed by the figure (ahead of it or behind).
Kit = Literal[
    "dumbbell", "dumbbell_near", "kettlebell", "kettlebell_near", "goblet", "band_ahead",
    "band_behind", "mat", "wall_behind", "wall_ahead", "chair_behind", "chair_ahead", "counter",
    "door_frame",
]  # fmt: skip

TEMPO_S = 2.4  # s for the way up and down together: a controlled strength rep
HOLD_S = 0.5  # s at the top: the brief pause most cues ask for
PAUSE_S = 0.5  # s at rest between reps
SWING_TEMPO_S = 1.6  # s per swing: a brisk, ballistic rhythm
SWING_FLOAT_S = 0.2  # s the bell floats at the top of a swing
SLOW_TEMPO_S = 3.0  # s for a loaded hinge lowered under control
LIFT_FROM = 0.8  # share of the way up where a leg starts to lift in a one-leg hold
MARCH_DEG = 15.0  # the marching foot's thigh swings this far towards the chest: a few cm up
BAND_ROW_ARMS_DEG = 90.0  # a band at chest height: the row's hanging arms turned forward
DOOR_LEAN_DEG = (25.0, 15.0)  # back from vertical with the arms long, then at the frame
CHAIR_TRUNK_DEG = 20.0  # the supported row tips this much further so a hand reaches the seat
CHAIR_REACH = (0.05, -0.55)  # m from the shoulder to where the hand rests on the seat
WALL_DOG_ARMS_DEG = (90.0, 180.0)  # arms forward at the start, in line with the back at the end
GOBLET_ARMS_DEG = (25.0, 155.0)  # elbows down in front of the ribs, forearms up to the chest
COUNTER = (0.33, 0.98)  # m ahead of the ankles and up: the hands on a kitchen counter
HANDS_ON_HIPS = (0.08, 0.05)  # m in front of the hip joint and up its trunk line
BACK_FOOT = ((-0.05, 0.03), (-0.13, 0.08))  # staggered: toe by the front heel; ankle from toe

ONE_SIDE = "Shown on one side; do the same on the other."
AVERAGES = "The coach averages both legs, and the raised one is straight, so it cannot check this."
RAISED_LINE = "The raised leg moves the line the coach measures from, so it cannot check this."
LOW_HANDS = "it counts swings by the hands rising, and in this version they stay low."
NOT_COUNTED = "The camera coach cannot count this version, so it cannot check this."
NO_WEIGHTS = "This version has no weights."
NO_BELL_RISE = "No bell rises in front of you in this version."
ONE_HAND_SQUAT = "With one hand, a squatting swing rises too little for the coach to count."


@dataclass(frozen=True)
class Staging:
    """How one version is shown with the body model, and what the picture cannot show."""

    move: Callable[[Motion], Figure] | None = None  # None: the exercise's own move
    range_scale: float = 1.0  # share of the exercise's range of motion
    tempo_s: float = TEMPO_S
    hold_s: float | None = None  # None: the dosage's shortest hold, else HOLD_S
    pause_s: float = PAUSE_S
    kit: tuple[Kit, ...] = ()
    differs: str = ""  # what the picture leaves out; empty when it shows the version as done
    # Fault id -> why a fault that still matters has no picture for this version.
    left_out: Mapping[str, str] = field(default_factory=dict)
    # Fault id -> why a fault does not apply: the version cannot make it, or asks for it.
    inapplicable: Mapping[str, str] = field(default_factory=dict)
    # Fault id -> why the camera coach reports this fault on the version done well.
    coach_flags: Mapping[str, str] = field(default_factory=dict)
    uncounted: str = ""  # why the camera coach cannot count this version; empty if it can


def _xy(x: float, y: float) -> FloatArray:
    return np.array([x, y], dtype=np.float64)


def _rotate(xy: FloatArray, centre: FloatArray, deg: npt.ArrayLike) -> FloatArray:
    """Points turned counter-clockwise about `centre`, by one angle or one per frame."""
    rad = np.radians(np.broadcast_to(np.asarray(deg, dtype=np.float64), xy.shape[:1]))
    d = xy - centre
    cos, sin = np.cos(rad), np.sin(rad)
    return np.asarray(centre + np.stack([cos * d[:, 0] - sin * d[:, 1],
                                         sin * d[:, 0] + cos * d[:, 1]], axis=-1))  # fmt: skip


def _unit(v: FloatArray) -> FloatArray:
    return np.asarray(v / np.linalg.norm(v, axis=-1, keepdims=True), dtype=np.float64)


def _fixed(point: tuple[float, float], like: FloatArray) -> FloatArray:
    return np.asarray(np.broadcast_to(point, like.shape), dtype=np.float64)


def _lift(m: Motion) -> FloatArray:
    """0 below LIFT_FROM of the way up, easing to 1 at the top."""
    s = np.clip((m.p - LIFT_FROM) / (1 - LIFT_FROM), 0.0, 1.0)
    return np.asarray((1 - np.cos(np.pi * s)) / 2, dtype=np.float64)


Arm = tuple[FloatArray, FloatArray]  # elbow and wrist, (N, 2) each


def _leg(hip: FloatArray, along: FloatArray) -> dict[str, FloatArray]:
    """A straight leg from the hip along `along`, the foot at a right angle to the shin."""
    knee = hip + THIGH_M * along
    ankle = knee + SHIN_M * along
    toe = _rotate(ankle + TOE[0] * along, ankle, 90.0)
    heel = ankle + HEEL[0] * _unit(toe - ankle)
    return {"knee": knee, "ankle": ankle, "heel": heel, "toe": toe}


def _legs_of(fig: Figure) -> dict[str, FloatArray]:
    return {"knee": fig.knee, "ankle": fig.ankle, "heel": fig.heel, "toe": fig.toe}


def _arms(fig: Figure, upper: npt.ArrayLike, fore: npt.ArrayLike) -> Arm:
    """Elbow and wrist, each segment turned forward from hanging along the trunk."""
    elbow = _rotate(fig.shoulder + UPPER_ARM_M * _unit(fig.hip - fig.shoulder), fig.shoulder, upper)
    straight = elbow + FOREARM_M * _unit(elbow - fig.shoulder)
    return elbow, _rotate(straight, elbow, np.subtract(fore, upper))


def _reach(fig: Figure, target: FloatArray) -> Arm:
    """Hands on a point, the elbows bent below the line; straight towards it when out of reach."""
    return apex(fig.shoulder, target, UPPER_ARM_M, FOREARM_M, side=-1), target


def _hang(fig: Figure) -> Arm:
    return fig.shoulder - _xy(0.0, UPPER_ARM_M), fig.shoulder - _xy(0.0, ARM_M)


def _holding(fig: Figure, arm: Arm) -> Figure:
    """Both arms placed."""
    return replace(fig, elbow=arm[0], wrist=arm[1])


def _far_arm(fig: Figure, arm: Arm) -> Figure:
    """The far arm placed apart from the near one."""
    return replace(fig, left={**fig.left, "elbow": arm[0], "wrist": arm[1]})


def _tilt(fig: Figure, deg: npt.ArrayLike) -> Figure:
    """The trunk and head turned forward about the hips; the arms keep their direction."""
    back = np.negative(deg)
    shoulder = _rotate(fig.shoulder, fig.hip, back)
    moved = shoulder - fig.shoulder
    return replace(fig, shoulder=shoulder, ear=_rotate(fig.ear, fig.hip, back),
                   elbow=fig.elbow + moved, wrist=fig.wrist + moved)  # fmt: skip


def _trunk_deg(fig: Figure) -> FloatArray:
    """(N,) the trunk's forward lean from vertical, in degrees."""
    trunk = fig.shoulder - fig.hip
    return np.asarray(np.degrees(np.arctan2(trunk[:, 0], trunk[:, 1])), dtype=np.float64)


def _marching_bridge(m: Motion) -> Figure:
    fig = MOVES["glute_bridge"](m)
    turn = MARCH_DEG * _lift(m)
    return replace(fig, left={k: _rotate(xy, fig.hip, turn) for k, xy in _legs_of(fig).items()})


def _single_leg_bridge(m: Motion) -> Figure:
    fig = MOVES["glute_bridge"](m)
    return replace(fig, left=_leg(fig.hip, _unit(fig.knee - fig.hip)))  # thighs level


def _staggered_rdl(m: Motion) -> Figure:
    fig = MOVES["romanian_deadlift"](m)
    toe = _fixed(BACK_FOOT[0], fig.toe)
    ankle = toe + BACK_FOOT[1]  # the heel raised about 30 degrees
    knee = apex(fig.hip, ankle, THIGH_M, SHIN_M, side=1)  # bent forward
    heel = ankle + _xy(HEEL[0], 0.0)
    return replace(fig, left={"knee": knee, "ankle": ankle, "heel": heel, "toe": toe})


def _single_leg_rdl(m: Motion) -> Figure:
    fig = MOVES["romanian_deadlift"](m)
    return replace(fig, left=_leg(fig.hip, _unit(fig.hip - fig.shoulder)))  # in line with the back


def _band_row(m: Motion) -> Figure:
    row = MOVES["bent_over_row"](m)
    fig = _tilt(row, -_trunk_deg(row))  # stood upright
    turn = BAND_ROW_ARMS_DEG
    return _holding(fig, (_rotate(fig.elbow, fig.shoulder, turn),
                          _rotate(fig.wrist, fig.shoulder, turn)))  # fmt: skip


def _door_frame_row(m: Motion) -> Figure:
    """The band row on straight legs, leaning back from the heels, the hands holding the frame
    where they start: pulling brings the body towards them."""
    fig = _band_row(m)
    moved = fig.ankle + _xy(0.0, SHIN_M + THIGH_M) - fig.hip
    start, end = DOOR_LEAN_DEG
    lean = start + (end - start) * m.p

    def leaned(xy: FloatArray) -> FloatArray:
        return _rotate(xy, fig.ankle, lean)

    standing = replace(fig, shoulder=leaned(fig.shoulder + moved), ear=leaned(fig.ear + moved),
                       hip=leaned(fig.hip + moved), knee=leaned(fig.ankle + _xy(0.0, SHIN_M)))  # fmt: skip
    frame = _rotate(fig.wrist[:1] + moved[:1], fig.ankle[:1], start)
    return _holding(standing, _reach(standing, np.broadcast_to(frame, fig.wrist.shape)))


def _supported_row(m: Motion) -> Figure:
    fig = _tilt(MOVES["bent_over_row"](m), CHAIR_TRUNK_DEG)
    seat = _fixed((fig.shoulder[0, 0] + CHAIR_REACH[0], fig.shoulder[0, 1] + CHAIR_REACH[1]),
                  fig.wrist)  # fmt: skip
    return _far_arm(fig, _reach(fig, seat))


def _one_arm(move: str) -> Callable[[Motion], Figure]:
    """The move with the far arm hanging: the near hand does the work."""

    def one_arm(m: Motion) -> Figure:
        fig = MOVES[move](m)
        return _far_arm(fig, _hang(fig))

    return one_arm


def _wall_dog(m: Motion) -> Figure:
    fig = MOVES["romanian_deadlift"](Motion(1 - m.p, {}))  # from standing tall to the hinge
    start, end = WALL_DOG_ARMS_DEG
    arms = start + (end - start) * m.p
    return _holding(fig, _arms(fig, arms, arms))


def _bent_knee_dog(m: Motion) -> Figure:
    bent = np.ones_like(m.p)  # the knees as bent as the model's knees_stay_bent fault
    return MOVES["downward_dog"](Motion(m.p, {**m.faults, "knees_stay_bent": bent}))


def _three_legged_dog(m: Motion) -> Figure:
    fig = MOVES["downward_dog"](m)
    lift = _lift(m)[:, None]
    thigh = _unit((1 - lift) * _unit(fig.knee - fig.hip) + lift * _unit(fig.hip - fig.shoulder))
    return replace(fig, left=_leg(fig.hip, thigh))


def _hands_on_hips(m: Motion) -> Figure:
    fig = MOVES["kettlebell_swing"](m)
    trunk = _unit(fig.shoulder - fig.hip)
    front = _rotate(trunk, np.zeros_like(trunk), -90.0)
    ahead, up = HANDS_ON_HIPS
    return _holding(fig, _reach(fig, fig.hip + ahead * front + up * trunk))


def _pull_through(m: Motion) -> Figure:
    fig = MOVES["kettlebell_swing"](m)
    along = _unit((fig.hip + fig.knee) / 2 - fig.shoulder)  # straight arms to between the thighs
    return _holding(fig, (fig.shoulder + UPPER_ARM_M * along, fig.shoulder + ARM_M * along))


def _kettlebell_deadlift(m: Motion) -> Figure:
    fig = MOVES["kettlebell_swing"](m)
    return _holding(fig, _hang(fig))


def _supported_squat(m: Motion) -> Figure:
    fig = MOVES["squat"](m)
    return _holding(fig, _reach(fig, _fixed(COUNTER, fig.wrist)))


def _goblet_squat(m: Motion) -> Figure:
    fig = MOVES["squat"](m)
    return _holding(fig, _arms(fig, *GOBLET_ARMS_DEG))


def _lying(m: Motion) -> Figure:
    """The locust lying still on the mat."""
    return MOVES["locust"](Motion(np.zeros_like(m.p), {}))


def _prone_leg_lift(m: Motion) -> Figure:
    """Chest down, forearms folded under the forehead, the near leg lifting."""
    fig, rest = MOVES["locust"](m), _lying(m)
    elbow = rest.shoulder + _xy(UPPER_ARM_M, -0.06)
    arms = (elbow, elbow - _xy(FOREARM_M * 0.8, -0.02))
    chest_down = replace(fig, shoulder=rest.shoulder, ear=rest.ear, left=_legs_of(rest))
    return _holding(chest_down, arms)


def _prone_chest_lift(m: Motion) -> Figure:
    fig, rest = MOVES["locust"](m), _lying(m)
    return replace(fig, knee=rest.knee, ankle=rest.ankle, heel=rest.heel, toe=rest.toe)


def _locust_arms_forward(m: Motion) -> Figure:
    fig = MOVES["locust"](m)
    return _holding(fig, _arms(fig, 180.0, 180.0))


SWING = Staging(tempo_s=SWING_TEMPO_S, hold_s=SWING_FLOAT_S, pause_s=0.0)
# A hinge drill of the swing: the coach cannot count it, so none of its faults are shown.
LOW_HANDS_SWING = Staging(
    left_out=dict.fromkeys(("squat_swing", "soft_finish", "leaning_back"), NOT_COUNTED),
    inapplicable={"arm_lift": NO_BELL_RISE},
    uncounted=LOW_HANDS,
)


STAGINGS: Mapping[str, Staging] = {
    "glute_bridge": Staging(hold_s=1.5, kit=("mat",)),  # "pause for a breath" at the top
    "pelvic_tilt": Staging(
        range_scale=0.08, kit=("mat",),
        differs="The figure has no pelvis or spine to tilt, so it shows the lying position with "
        "the smallest rock of the hips. In the exercise your hips stay on the floor while your "
        "lower back flattens into it and releases.",
        inapplicable=dict.fromkeys(("hips_low", "over_arch", "no_pause", "feet_too_far"),
                                   "The tilt does not lift the hips."),
        uncounted="the movement is too small for it to count.",
    ),
    "partial_glute_bridge": Staging(
        range_scale=0.5, hold_s=1.5, kit=("mat",),
        inapplicable={"hips_low": "Stopping short of the line is this version.",
                      "over_arch": "A partial lift stays well below the line."},
        coach_flags={"hips_low": "it checks the full bridge's line."},
    ),
    "marching_bridge": Staging(
        move=_marching_bridge, hold_s=2.0, kit=("mat",),
        differs="Shown with the far foot lifting while the hips are up. In the exercise you "
        "hold the top and lift one foot, then the other.",
        left_out={"over_arch": RAISED_LINE},
    ),
    "single_leg_bridge": Staging(
        move=_single_leg_bridge, hold_s=1.5, kit=("mat",), differs=ONE_SIDE,
    ),
    "romanian_deadlift": Staging(tempo_s=SLOW_TEMPO_S, kit=("dumbbell",)),
    "wall_hip_hinge": Staging(range_scale=0.7, kit=("wall_behind",),
                              inapplicable={"weights_drift": NO_WEIGHTS}),
    "bodyweight_hip_hinge": Staging(
        differs="The hands hang just in front of the legs; in the exercise they rest on your "
        "thighs and slide down to your knees.",
        inapplicable={"weights_drift": NO_WEIGHTS},
    ),
    "staggered_stance_rdl": Staging(move=_staggered_rdl, tempo_s=SLOW_TEMPO_S,
                                    kit=("dumbbell",), differs=ONE_SIDE),
    "single_leg_rdl": Staging(
        move=_single_leg_rdl, tempo_s=SLOW_TEMPO_S, kit=("dumbbell",), differs=ONE_SIDE,
        left_out=dict.fromkeys(("knees_bend_too_much", "weights_drift", "half_finish"), AVERAGES),
        coach_flags={"weights_drift": "it measures the weights from both knees, and the raised "
                     "leg's knee is far behind."},
    ),
    "bent_over_row": Staging(kit=("dumbbell",)),
    "doorframe_row": Staging(
        move=_door_frame_row, kit=("door_frame",),
        inapplicable={"torso_rises": "Leaning back is this version; the body comes up as you "
                      "pull."},
        uncounted="it counts rows by the hands rising, and here they hold the frame.",
    ),
    "standing_band_row": Staging(
        move=_band_row, kit=("band_ahead",),
        inapplicable={"torso_rises": "Standing upright already, this version has no bent-over "
                      "angle to lose."},
    ),
    "supported_single_arm_row": Staging(
        move=_supported_row, kit=("dumbbell_near", "chair_ahead"),
        differs="Shown with the feet side by side and the hand pulled to the lower ribs; in this "
        "version pull towards your hip. " + ONE_SIDE,
    ),
    "paused_row": Staging(hold_s=2.0, kit=("dumbbell",)),  # "a slow count of two"
    "single_arm_unsupported_row": Staging(
        move=_one_arm("bent_over_row"), kit=("dumbbell_near",),
        differs="The figure cannot twist, the fault this version trains you to resist. "
        + ONE_SIDE,
    ),
    "downward_dog": Staging(
        kit=("mat",),
        differs="The figure rises into the V from a plank; the steps start from your hands "
        "and knees.",
    ),
    "wall_dog": Staging(
        move=_wall_dog, kit=("wall_ahead",),
        differs="Shown hinging from standing, the hands meeting the wall at the end; in the "
        "exercise your hands stay on the wall while you walk your feet back and hinge.",
        inapplicable={"hips_low": "At a wall the hips sit level with the hands, not above them.",
                      "knees_stay_bent": "Bent knees are fine here when the backs of the legs "
                      "pull."},
        left_out={"short_hold": "The coach cannot count this version, so it cannot time the hold."},
        uncounted="it reads the pose on the floor; at a wall the body stands nearly upright, "
        "so it takes the video for one turned on its side.",
    ),
    "bent_knee_dog": Staging(
        move=_bent_knee_dog, kit=("mat",),
        inapplicable={"knees_stay_bent": "Bent knees are this version."},
        coach_flags={"knees_stay_bent": "it checks the straight-legged pose."},
    ),
    "three_legged_dog": Staging(
        move=_three_legged_dog, kit=("mat",), differs=ONE_SIDE,
        left_out={"hips_low": RAISED_LINE, "knees_stay_bent": AVERAGES, "short_hold": RAISED_LINE},
        coach_flags={"short_hold": "the raised leg moves the line it times the hold from."},
    ),
    "dog_to_plank": Staging(
        tempo_s=5.0, hold_s=1.0, kit=("mat",),  # "one breath each way"
        inapplicable={"short_hold": "The flow moves on without a long hold."},
        coach_flags={"short_hold": "it checks the held pose's hold time."},
    ),
    "kettlebell_swing": replace(SWING, kit=("kettlebell",)),
    "hip_hinge_drill": replace(LOW_HANDS_SWING, move=_hands_on_hips, tempo_s=SWING_TEMPO_S,
                               hold_s=SWING_FLOAT_S),
    "banded_pull_through": replace(LOW_HANDS_SWING, move=_pull_through, kit=("band_behind",)),
    "kettlebell_deadlift": replace(
        LOW_HANDS_SWING, move=_kettlebell_deadlift, tempo_s=SLOW_TEMPO_S, kit=("kettlebell",),
        differs="The figure's hinge stops with the bell a little above the floor; in the "
        "exercise the bell starts on the floor between your feet.",
    ),
    "single_arm_swing": replace(
        SWING, move=_one_arm("kettlebell_swing"), kit=("kettlebell_near",), differs=ONE_SIDE,
        left_out={"squat_swing": ONE_HAND_SQUAT},
    ),
    "hand_to_hand_swing": replace(
        SWING, move=_one_arm("kettlebell_swing"), kit=("kettlebell_near",),
        differs="Shown with the bell in one hand; in this version it passes to the other hand "
        "at the top of each swing.",
        left_out={"squat_swing": ONE_HAND_SQUAT},
    ),
    "squat": Staging(),
    "supported_squat": Staging(move=_supported_squat, kit=("counter",)),
    "chair_squat": Staging(range_scale=0.75, kit=("chair_behind",),
                           inapplicable={"depth_varies": "The chair sets the same depth every "
                                         "rep."}),
    "tempo_squat": Staging(
        tempo_s=4.8,
        differs="Shown slow both ways; in the exercise only the lowering is slow (a count of "
        "three) and you stand up at a normal pace.",
    ),
    "goblet_squat": Staging(move=_goblet_squat, kit=("goblet",)),
    "locust": Staging(kit=("mat",)),
    "alternating_prone_leg_lift": Staging(
        move=_prone_leg_lift, kit=("mat",), differs=ONE_SIDE,
        inapplicable={"neck_cranked": "The head rests on the hands."},
    ),
    "prone_chest_lift": Staging(move=_prone_chest_lift, kit=("mat",)),
    "locust_arms_forward": Staging(move=_locust_arms_forward, kit=("mat",)),
    "locust_long_hold": Staging(kit=("mat",)),
}  # fmt: skip
