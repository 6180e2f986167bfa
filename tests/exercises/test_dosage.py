"""The one-line dosage people read in the terminal and the browser."""

import pytest

from backchain.exercises import Dosage


@pytest.mark.parametrize(
    ("dosage", "expected"),
    [
        (Dosage(sets=(2, 3), reps=(8, 25), rest_s=60), "2–3 sets × 8–25 reps, rest 60 s"),
        (Dosage(sets=(3, 3), reps=(10, 10), rest_s=90), "3 sets × 10 reps, rest 90 s"),
        (Dosage(sets=(1, 1), reps=(5, 8), rest_s=30), "1 set × 5–8 reps, rest 30 s"),
        (Dosage(sets=(2, 3), hold_s=(5, 30), rest_s=60), "2–3 sets, hold 5–30 s, rest 60 s"),
        (
            Dosage(sets=(2, 3), hold_s=(5, 15), rest_s=60, per_side=True),
            "2–3 sets, hold 5–15 s each side, rest 60 s",
        ),
        (
            Dosage(sets=(2, 3), reps=(6, 12), rest_s=60, per_side=True),
            "2–3 sets × 6–12 reps each side, rest 60 s",
        ),
        (
            Dosage(sets=(2, 3), reps=(15, 15), hold_s=(2, 2), rest_s=60),
            "2–3 sets × 15 reps, hold 2 s per rep, rest 60 s",
        ),
        (
            Dosage(sets=(2, 2), reps=(6, 10), hold_s=(2.5, 10), rest_s=45),
            "2 sets × 6–10 reps, hold 2.5–10 s per rep, rest 45 s",
        ),
    ],
)
def test_describe(dosage: Dosage, expected: str) -> None:
    assert dosage.describe() == expected
