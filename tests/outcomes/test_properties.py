"""Properties of questionnaire scoring that must hold for every possible answer sheet."""

from hypothesis import assume, given
from hypothesis import strategies as st

from backchain.outcomes import MCID_POINTS, Direction, Measure, Score, change, score_odi, score_rmdq

section = st.one_of(st.none(), st.integers(min_value=0, max_value=5))
odi_sheets = st.lists(section, min_size=10, max_size=10).filter(
    lambda s: any(v is not None for v in s)
)
rmdq_sheets = st.lists(st.booleans(), min_size=24, max_size=24)
BAND_ORDER = ["minimal", "moderate", "severe", "crippling", "bed-bound"]


@given(odi_sheets)
def test_odi_is_a_percentage_with_a_band(sections: list[int | None]) -> None:
    result = score_odi(sections)
    assert 0 <= result.score <= 100
    assert result.band in BAND_ORDER
    assert result.answered == sum(v is not None for v in sections)


@given(odi_sheets, st.integers(min_value=0, max_value=9))
def test_odi_worse_answer_never_lowers_score_or_band(sections: list[int | None], i: int) -> None:
    value = sections[i]
    assume(value is not None and value < 5)
    worse = [*sections]
    worse[i] = value + 1
    before, after = score_odi(sections), score_odi(worse)
    assert after.score > before.score
    assert BAND_ORDER.index(str(after.band)) >= BAND_ORDER.index(str(before.band))


@given(odi_sheets)
def test_odi_uniform_answers_give_their_share_of_100(sections: list[int | None]) -> None:
    # Whatever is skipped, answering every answered section with k scores k x 20 %.
    for k in range(6):
        same = [None if v is None else k for v in sections]
        assert score_odi(same).score == k * 20


@given(rmdq_sheets)
def test_rmdq_range(items: list[bool]) -> None:
    assert 0 <= score_rmdq(items).score <= 24


@given(rmdq_sheets, st.integers(min_value=0, max_value=23))
def test_rmdq_each_yes_adds_one(items: list[bool], i: int) -> None:
    assume(not items[i])
    more = [*items]
    more[i] = True
    assert score_rmdq(more).score == score_rmdq(items).score + 1


scores = {
    Measure.NRS: st.integers(min_value=0, max_value=10),
    Measure.ODI: st.integers(min_value=0, max_value=1000).map(lambda n: n / 10),
    Measure.RMDQ: st.integers(min_value=0, max_value=24),
}


@given(
    st.sampled_from(list(Measure)).flatmap(lambda m: st.tuples(st.just(m), scores[m], scores[m]))
)
def test_change_direction_and_importance(case: tuple[Measure, float, float]) -> None:
    measure, before, after = case
    result = change(Score(measure, before), Score(measure, after))
    expected = {True: Direction.IMPROVED, False: Direction.WORSENED}
    assert result.direction is (
        Direction.UNCHANGED if before == after else expected[after < before]
    )
    if abs(after - before) >= MCID_POINTS[measure]:
        assert result.important
    if result.important:
        assert (
            abs(after - before) >= MCID_POINTS[measure]
            or abs(after - before) >= 0.3 * before - 1e-9
        )
    else:
        assert abs(after - before) < MCID_POINTS[measure]


@given(st.integers(min_value=1, max_value=10), st.integers(min_value=0, max_value=10))
def test_a_bigger_drop_is_never_less_important(before: int, drop: int) -> None:
    assume(drop < before)
    smaller = change(Score(Measure.NRS, before), Score(Measure.NRS, before - drop))
    bigger = change(Score(Measure.NRS, before), Score(Measure.NRS, before - drop - 1))
    assert bigger.important or not smaller.important
