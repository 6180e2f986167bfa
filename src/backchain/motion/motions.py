"""How the coach reads each exercise, in one place: its phase signal and how reps are counted,
whether the time at the top is a hold, its form rules with their thresholds, the short words the
live coach says for each fault, and where the synthetic generator shows each fault.

File analysis, the live coach, the annotated video, the demonstrations and the synthetic sets
all read an exercise's `ExerciseMotion`, so they never disagree about an exercise.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from backchain.errors import CatalogueError
from backchain.motion.counting import CounterConfig, CountsOn
from backchain.motion.poses import PoseSequence
from backchain.motion.rules import (
    FloatArray,
    FormRule,
    View,
    depth_change,
    heel_rise,
    hold,
    lean_back,
    torso_change,
)
from backchain.motion.setup import Posture
from backchain.motion.signals import (
    hips_above_line,
    hips_over_ankles,
    prone_lift,
    pulling_wrist,
    shoulders_over_hips,
    wrists_over_hips,
)

__all__ = ["MOTIONS", "RULES", "ExerciseMotion", "motion_of"]

Where = Literal["top", "bottom", "hold"]

# Glute bridge (CLINICAL.md: straight line shoulders-hips-knees at the top; no over-arch; pause).
BRIDGE_LINE_TOLERANCE = 0.15  # torso lengths below/above the shoulder-knee line, about 15 degrees
BRIDGE_MIN_PAUSE_S = 1.2  # s in the top third: a pause of about a second and the ends of the
# rise and the lowering; a bridge that goes straight back down spends under a second there
BRIDGE_MAX_KNEE_ANGLE = 120.0  # degrees, the standing leg at the top: wider means the feet are far
# Romanian deadlift (knees stay soft; hinge, not squat; weights close; stand tall).
RDL_MIN_KNEE_ANGLE = 135.0  # degrees: bending further turns the hinge into a squat
RDL_MAX_HANDS_FROM_KNEES = 0.35  # torso lengths at the bottom: the weights have drifted forward
RDL_MIN_TOP_HIP_ANGLE = 160.0  # degrees: short of this the rep did not finish upright
# Bent-over row (torso angle held through the set).
ROW_MAX_TORSO_CHANGE = 15.0  # degrees of trunk movement within a rep (in 3D, so from any side):
# the body heaves the weight
# Downward dog (hips highest; legs lengthen; hold).
DOG_MIN_HIPS_ABOVE_LINE = 0.35  # torso lengths above the hands-feet line: less is a sagging V
DOG_MIN_KNEE_ANGLE = 160.0  # degrees: 20 short of straight, a bend you can see; straight legs
# read 170-180 in the picture and softened knees 165 or more. Knees bent more than this ...
DOG_BENT_SHARE = 0.25  # ... for a quarter of the hold or more (straightening as you settle is fine)
DOG_MIN_HOLD_S = 5.0  # s: the shortest hold in the dosage (trials held 5-30 s)
# Kettlebell swing (hinge not squat; full hip extension; no leaning back; arms float).
SWING_MIN_KNEE_ANGLE = 120.0  # degrees at the bottom: deeper knee bend is a squat swing
SWING_MIN_TOP_HIP_ANGLE = 160.0  # degrees at the top: short of standing tall
SWING_MAX_LEAN_BACK = 0.25  # torso lengths of shoulders behind the hips, about 15 degrees back
# Squat (heels down; depth; even weight).
SQUAT_MAX_HEEL_LIFT = 0.12  # torso lengths (about 6 cm) the heel rises above the toes from
# standing: a lift you can see; heel and toe landmarks wander about half that on a flat foot
SQUAT_MAX_DEPTH_CHANGE = 0.25  # torso lengths between this rep's depth and the set's usual depth
SQUAT_MAX_HIP_SHIFT = 0.15  # torso lengths of hips off the middle of the feet, seen from the front
# Locust (hold about 2 s; neck long).
LOCUST_MIN_HOLD_S = 2.0  # s: CLINICAL.md, hold 2 s
LOCUST_MAX_NECK_EXTENSION = 40.0  # degrees of head tipped back from the trunk line: lifting
# the chest tips it up to about 30; a cranked neck, looking up and ahead, is 50 or more

PRAISE = "Good rep"  # what the live coach says after a rep with no fault


@dataclass(frozen=True)
class ExerciseMotion:
    """Everything the motion coach knows about one exercise's movement."""

    exercise: str
    # One number per frame, in torso lengths, high at the top of the working phase.
    signal: Callable[[PoseSequence], FloatArray]
    # The smallest movement that is a rep: tells a rep from shifting about, yet small enough
    # for the easiest version of the exercise.
    min_amplitude: float
    posture: Posture  # how the body lies, to tell a turned video from a real one
    counts_on: CountsOn = "return"  # a rep is done heading back to the start, or at the top
    floor: float | None = (
        None  # the signal in the starting position, when the camera can't change it
    )
    holds: bool = False  # the time at the top is part of the dose (a pause or a held position)
    rules: tuple[FormRule, ...] = ()
    spoken: Mapping[str, str] = field(default_factory=dict)  # fault id -> a few words to say
    # Synthetic sets: where each fault shows (top or bottom of the rep, or its hold) ...
    synthetic_faults: Mapping[str, Where] = field(default_factory=dict)
    starts_at_top: bool = False  # ... whether the signal's top is the resting position ...
    steps_away: bool = False  # ... and whether the person stands and walks off afterwards.

    @property
    def counter(self) -> CounterConfig:
        return CounterConfig(self.min_amplitude, self.counts_on, self.floor)

    def say(self, fault: str) -> str:
        return self.spoken[fault]


def _rule(
    exercise: str,
    fault: str,
    view: View,
    threshold: float,
    worse: Literal["above", "below"],
    measure: Callable[..., tuple[float, float]],
) -> FormRule:
    return FormRule(exercise, fault, view, threshold, worse, measure)


MOTIONS: dict[str, ExerciseMotion] = {
    m.exercise: m
    for m in (
        ExerciseMotion(
            "glute_bridge",
            lambda seq: hips_above_line(seq, "knee"),
            min_amplitude=0.15,  # torso lengths the hips rise towards the shoulder-knee line
            posture="lying",
            holds=True,
            rules=(
                _rule("glute_bridge", "hips_low", View.SIDE, -BRIDGE_LINE_TOLERANCE, "below",
                      lambda w: w.at(w.measures.hips_above_knee_line, "max")),
                _rule("glute_bridge", "over_arch", View.SIDE, BRIDGE_LINE_TOLERANCE, "above",
                      lambda w: w.at(w.measures.hips_above_knee_line, "max")),
                _rule("glute_bridge", "no_pause", View.ANY, BRIDGE_MIN_PAUSE_S, "below", hold),
                _rule("glute_bridge", "feet_too_far", View.SIDE, BRIDGE_MAX_KNEE_ANGLE, "above",
                      lambda w: w.at(w.measures.bent_knee_angle, "top")),
            ),
            spoken={"hips_low": "Hips higher", "over_arch": "Don't arch your back",
                    "no_pause": "Pause at the top", "feet_too_far": "Heels closer"},
            synthetic_faults={"hips_low": "top", "over_arch": "top", "feet_too_far": "top",
                              "no_pause": "hold"},
        ),
        ExerciseMotion(
            "romanian_deadlift",
            shoulders_over_hips,
            min_amplitude=0.25,  # torso lengths the shoulders drop towards the hips
            posture="standing",
            rules=(
                _rule("romanian_deadlift", "knees_bend_too_much", View.SIDE, RDL_MIN_KNEE_ANGLE,
                      "below", lambda w: w.at(w.measures.knee_angle, "min")),
                _rule("romanian_deadlift", "weights_drift", View.SIDE, RDL_MAX_HANDS_FROM_KNEES,
                      "above", lambda w: w.at(w.measures.hands_from_legs, "bottom")),
                _rule("romanian_deadlift", "half_finish", View.SIDE, RDL_MIN_TOP_HIP_ANGLE,
                      "below", lambda w: w.at(w.measures.hip_angle, "max")),
            ),
            spoken={"knees_bend_too_much": "Knees soft, hips back",
                    "weights_drift": "Weights close to your legs", "half_finish": "Stand tall"},
            synthetic_faults={"knees_bend_too_much": "bottom", "weights_drift": "bottom",
                              "half_finish": "top"},
            starts_at_top=True,
            steps_away=True,
        ),
        ExerciseMotion(
            "bent_over_row",
            pulling_wrist,
            min_amplitude=0.3,  # torso lengths the hand rises
            posture="standing",
            rules=(
                _rule("bent_over_row", "torso_rises", View.ANY, ROW_MAX_TORSO_CHANGE, "above",
                      torso_change),
            ),
            spoken={"torso_rises": "Keep your body still"},
            synthetic_faults={"torso_rises": "top", "no_pause": "hold"},
        ),
        ExerciseMotion(
            "downward_dog",
            lambda seq: hips_above_line(seq, "ankle"),
            min_amplitude=0.25,  # torso lengths the hips rise above the hands-feet line
            posture="hands_and_feet",
            counts_on="top",  # a hold: counted once in the pose, however long it lasts
            floor=0.0,  # in the plank before the pose the hips are on the hands-feet line
            holds=True,
            rules=(
                _rule("downward_dog", "hips_low", View.SIDE, DOG_MIN_HIPS_ABOVE_LINE, "below",
                      lambda w: w.at(w.measures.hips_above_ankle_line, "max")),
                _rule("downward_dog", "knees_stay_bent", View.SIDE, DOG_MIN_KNEE_ANGLE, "below",
                      lambda w: w.held(w.measures.knee_angle, DOG_BENT_SHARE)),
                _rule("downward_dog", "short_hold", View.ANY, DOG_MIN_HOLD_S, "below", hold),
            ),
            spoken={"hips_low": "Hips up high", "knees_stay_bent": "Straighten your legs",
                    "short_hold": "Hold it longer"},
            synthetic_faults={"hips_low": "top", "knees_stay_bent": "top", "short_hold": "hold"},
        ),
        ExerciseMotion(
            "kettlebell_swing",
            wrists_over_hips,
            min_amplitude=0.6,  # torso lengths the hands rise
            posture="standing",
            rules=(
                _rule("kettlebell_swing", "squat_swing", View.SIDE, SWING_MIN_KNEE_ANGLE, "below",
                      lambda w: w.at(w.measures.knee_angle, "min")),
                _rule("kettlebell_swing", "soft_finish", View.SIDE, SWING_MIN_TOP_HIP_ANGLE,
                      "below", lambda w: w.at(w.measures.hip_angle, "max")),
                _rule("kettlebell_swing", "leaning_back", View.SIDE, SWING_MAX_LEAN_BACK, "above",
                      lean_back),
            ),
            spoken={"squat_swing": "Hips back, not down", "soft_finish": "Snap your hips",
                    "leaning_back": "Don't lean back"},
            synthetic_faults={"squat_swing": "bottom", "soft_finish": "top",
                              "leaning_back": "top"},
        ),
        ExerciseMotion(
            "squat",
            hips_over_ankles,
            min_amplitude=0.15,  # torso lengths the hips drop (a quarter squat: about 0.2)
            posture="standing",
            rules=(
                _rule("squat", "heels_lift", View.SIDE, SQUAT_MAX_HEEL_LIFT, "above", heel_rise),
                _rule("squat", "depth_varies", View.ANY, SQUAT_MAX_DEPTH_CHANGE, "above",
                      depth_change),
                _rule("squat", "shift_to_one_side", View.FRONT, SQUAT_MAX_HIP_SHIFT, "above",
                      lambda w: w.at(w.measures.hip_shift, "bottom")),
            ),
            spoken={"heels_lift": "Heels down", "depth_varies": "Same depth each time",
                    "shift_to_one_side": "Weight even"},
            synthetic_faults={"heels_lift": "bottom", "depth_varies": "bottom",
                              "shift_to_one_side": "bottom"},
            starts_at_top=True,
            steps_away=True,
        ),
        ExerciseMotion(
            "locust",
            prone_lift,
            min_amplitude=0.1,  # torso lengths the feet or chest lift
            posture="lying",
            holds=True,
            rules=(
                _rule("locust", "short_hold", View.ANY, LOCUST_MIN_HOLD_S, "below", hold),
                _rule("locust", "neck_cranked", View.SIDE, LOCUST_MAX_NECK_EXTENSION, "above",
                      lambda w: w.at(w.measures.neck_extension, "top")),
            ),
            spoken={"short_hold": "Hold for two", "neck_cranked": "Look at the floor"},
            synthetic_faults={"neck_cranked": "top", "short_hold": "hold"},
        ),
    )
}  # fmt: skip
RULES: tuple[FormRule, ...] = tuple(rule for m in MOTIONS.values() for rule in m.rules)


def motion_of(exercise: str) -> ExerciseMotion:
    """The exercise's motion; CatalogueError for an exercise the coach cannot read."""
    try:
        return MOTIONS[exercise]
    except KeyError:
        raise CatalogueError(
            f"the motion coach does not know the exercise {exercise!r}; "
            f"choose one of {', '.join(MOTIONS)}"
        ) from None
