from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from coproduce.review import practice_questions as pq


def test_every_area_has_questions_and_every_question_an_area() -> None:
    assert {q.area for q in pq.QUESTIONS} == set(pq.AREA_KEYS)
    assert all(len(pq.questions_in(area)) >= 3 for area in pq.AREA_KEYS)
    assert len(pq.QUESTION_KEYS) == len(pq.QUESTIONS)
    assert all(q.easy_read for q in pq.QUESTIONS)


def test_check_scores_names_what_is_missing_or_wrong() -> None:
    scores = {q.key: 3 for q in pq.QUESTIONS}
    assert pq.check_scores(scores) == {}
    first, second = pq.QUESTIONS[0].key, pq.QUESTIONS[1].key
    del scores[first]
    scores[second] = 6
    scores["made_up"] = 1
    problems = pq.check_scores(scores)
    assert problems == {
        first: "Choose a score for this statement.",
        second: "Choose a score from 1 to 5.",
        "made_up": "This question is not in the self-assessment.",
    }


def test_mean_rounds_halves_up() -> None:
    assert pq.mean([]) is None
    assert pq.mean([3, 4]) == Decimal("3.5")
    assert pq.mean([1, 2, 2]) == Decimal("1.7")
    assert pq.mean([1, 1, 1, 2]) == Decimal("1.3")  # 1.25 rounds up


@given(st.lists(st.integers(min_value=pq.LOWEST, max_value=pq.HIGHEST), min_size=1))
def test_the_mean_is_within_the_scale_and_the_scores(scores: list[int]) -> None:
    average = pq.mean(scores)
    assert average is not None
    assert Decimal(min(scores)) <= average <= Decimal(max(scores))
