"""The labels the templates show for catalogue values."""

import pytest

from backchain.exercises import Equipment, MovementPattern, Muscle
from backchain.web.formatting import label


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
