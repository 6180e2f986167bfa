"""Geometry behind the phase signals."""

import numpy as np
import pytest

from backchain.motion.signals import angle


@pytest.mark.parametrize(
    ("a", "c", "degrees"),
    [
        ((1, 0), (0, 1), 90.0),
        ((1, 0), (-1, 0), 180.0),
        ((1, 0), (1, 1), 45.0),
        ((0, 2), (0, 5), 0.0),
    ],
)
def test_angle(a: tuple[float, float], c: tuple[float, float], degrees: float) -> None:
    b = np.zeros((1, 2))
    assert angle(np.array([a], float), b, np.array([c], float))[0] == pytest.approx(degrees)
