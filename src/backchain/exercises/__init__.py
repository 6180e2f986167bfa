"""The exercise catalogue: seven posterior-chain exercises with regressions and progressions."""

from backchain.exercises.catalogue import CORE_EXERCISES, Catalogue, load_catalogue, parse_catalogue
from backchain.exercises.models import (
    Cue,
    Dosage,
    Equipment,
    Exercise,
    Fault,
    MovementPattern,
    Muscle,
    Variation,
)

__all__ = [
    "CORE_EXERCISES",
    "Catalogue",
    "Cue",
    "Dosage",
    "Equipment",
    "Exercise",
    "Fault",
    "MovementPattern",
    "Muscle",
    "Variation",
    "load_catalogue",
    "parse_catalogue",
]
