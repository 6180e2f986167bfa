"""NRS, ODI and RMDQ scoring against CLINICAL.md ("Outcome measures"), with published examples."""

import pytest

from backchain.errors import ScoringError
from backchain.outcomes import Measure, score_answers, score_nrs, score_odi, score_rmdq

N = None


@pytest.mark.parametrize(
    ("sections", "score", "band", "answered"),
    [
        ([0] * 10, 0.0, "minimal", 10),
        ([5] * 10, 100.0, "bed-bound", 10),
        ([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 20.0, "minimal", 10),  # top of 0-20
        ([2, 1, 1, 1, 1, 1, 1, 1, 1, 1], 22.0, "moderate", 10),
        ([2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 40.0, "moderate", 10),
        ([3, 2, 2, 2, 2, 2, 2, 2, 2, 2], 42.0, "severe", 10),
        ([3] * 10, 60.0, "severe", 10),
        ([4, 3, 3, 3, 3, 3, 3, 3, 3, 3], 62.0, "crippling", 10),
        ([4] * 10, 80.0, "crippling", 10),
        ([5, 4, 4, 4, 4, 4, 4, 4, 4, 4], 82.0, "bed-bound", 10),
        # Fairbank & Pynsent 2000: one section missed, 16 points -> 16 / 45 x 100 = 35.6 %.
        ([2, 2, 2, 2, 2, 2, 2, 1, 1, N], 35.6, "moderate", 9),
        ([1, 1, 1, 1, 1, 1, 1, 1, 1, N], 20.0, "minimal", 9),
        ([2, 1, 1, 1, 1, 1, 1, 1, 1, N], 22.2, "moderate", 9),  # 20.x sits in the higher band
        ([3, N, N, N, N, N, N, N, N, N], 60.0, "severe", 1),
    ],
)
def test_odi(sections: list[int | None], score: float, band: str, answered: int) -> None:
    result = score_odi(sections)
    assert (result.score, result.band, result.answered) == (score, band, answered)


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ([1] * 9, "The ODI has 10 sections, got 9 answers."),
        ([1] * 11, "got 11 answers"),
        ([N] * 10, "No ODI section is answered"),
        ([1, 1, 6, 1, 1, 1, 1, 1, 1, 1], "ODI section 3 must be 0 to 5 or null"),
        ([1, 1, 1, -1, 1, 1, 1, 1, 1, 1], "ODI section 4 must be"),
        ([1, 2.5, 1, 1, 1, 1, 1, 1, 1, 1], "ODI section 2 must be"),
        ([True, 1, 1, 1, 1, 1, 1, 1, 1, 1], "ODI section 1 must be"),
        (["2", 1, 1, 1, 1, 1, 1, 1, 1, 1], "ODI section 1 must be"),
    ],
)
def test_odi_bad_answers(sections: list[object], message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        score_odi(sections)  # type: ignore[arg-type]


@pytest.mark.parametrize(("yes_count", "score"), [(0, 0.0), (7, 7.0), (24, 24.0)])
def test_rmdq_counts_statements_that_apply(yes_count: int, score: float) -> None:
    items = [True] * yes_count + [False] * (24 - yes_count)
    result = score_rmdq(items)
    assert (result.score, result.band) == (score, None)


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([True] * 23, "The RMDQ has 24 items, got 23 answers."),
        ([False] * 25, "got 25 answers"),
        ([False] * 5 + [1] + [False] * 18, "RMDQ item 6 must be true or false"),
        ([False] * 23 + ["yes"], "RMDQ item 24 must be true or false"),
    ],
)
def test_rmdq_bad_answers(items: list[object], message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        score_rmdq(items)  # type: ignore[arg-type]


@pytest.mark.parametrize("pain", [0, 4, 10])
def test_nrs_is_the_rating_itself(pain: int) -> None:
    result = score_nrs(pain)
    assert (result.score, result.band) == (float(pain), None)


@pytest.mark.parametrize("pain", [-1, 11, 3.5, True, "5", None])
def test_nrs_out_of_range(pain: object) -> None:
    with pytest.raises(ScoringError, match="Pain must be a whole number from 0 to 10"):
        score_nrs(pain)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("measure", "data", "score"),
    [
        (Measure.NRS, {"pain": 6}, 6.0),
        (Measure.ODI, {"sections": [2] * 10}, 40.0),
        (Measure.RMDQ, {"items": [True] * 3 + [False] * 21}, 3.0),
    ],
)
def test_answer_files(measure: Measure, data: object, score: float) -> None:
    assert score_answers(measure, data).score == score


@pytest.mark.parametrize(
    ("measure", "data", "message"),
    [
        (Measure.NRS, {"score": 6}, 'NRS answers must be a JSON object with "pain"'),
        (Measure.ODI, [1] * 10, 'ODI answers must be a JSON object with "sections"'),
        (Measure.ODI, {"sections": "1,2,3"}, '"sections" must be a list of 10 values'),
        (Measure.RMDQ, {"items": 5}, '"items" must be a list of 24 true/false values'),
    ],
)
def test_answer_files_of_the_wrong_shape(measure: Measure, data: object, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        score_answers(measure, data)
