"""The labels and words the templates show for catalogue values and logged sets."""

from types import SimpleNamespace

import pytest

from backchain.exercises import Equipment, MovementPattern, Muscle
from backchain.web.formatting import label
from backchain.web.templating import templates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Equipment.NONE, "No equipment"),
        (Equipment.RESISTANCE_BAND, "Resistance band"),
        (MovementPattern.HIP_HINGE, "Hip hinge"),
        (Muscle.GLUTEUS_MAXIMUS, "Gluteus maximus"),
    ],
)
def test_label(value: str, expected: str) -> None:
    assert label(value) == expected


@pytest.mark.parametrize(
    ("reps", "faults", "expected"),
    [
        (1, (), "1 rep · RPE 6 · pain 2"),
        (12, ("hips_low",), "12 reps · RPE 6 · pain 2 · 1 form fault"),
        (3, ("hips_low", "no_pause"), "3 reps · RPE 6 · pain 2 · 2 form faults"),
    ],
)
def test_a_logged_set_in_words(reps: int, faults: tuple[str, ...], expected: str) -> None:
    logged = SimpleNamespace(reps=reps, hold_s=None, load=None, rpe=6, pain=2, faults=faults)
    macro = '{% from "_set_form.html" import set_text %}{{ set_text(s) }}'
    assert templates.env.from_string(macro).render(s=logged) == expected
