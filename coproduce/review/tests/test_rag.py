"""The red/amber/green rule, with examples and properties true of every input."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.review.rag import Goal, Rating, progress, rate

D = Decimal


def test_met_target_is_green_either_way() -> None:
    assert rate(D("60"), Goal(target=D("60"), baseline=D("40"))) is Rating.GREEN
    assert rate(D("75"), Goal(target=D("60"), baseline=D("40"))) is Rating.GREEN
    assert rate(D("10"), Goal(target=D("14"), baseline=D("28"), higher_is_better=False)) is (
        Rating.GREEN
    )


def test_amber_within_a_quarter_of_the_way_from_the_baseline() -> None:
    goal = Goal(target=D("60"), baseline=D("40"))  # 20 points to travel; amber within 5
    assert rate(D("55"), goal) is Rating.AMBER
    assert rate(D("54.99"), goal) is Rating.RED
    assert rate(D("30"), goal) is Rating.RED  # gone the wrong way


def test_lower_is_better_mirrors_higher() -> None:
    goal = Goal(target=D("14"), baseline=D("28"), higher_is_better=False)  # 14 days to cut
    assert rate(D("17.5"), goal) is Rating.AMBER
    assert rate(D("18"), goal) is Rating.RED


def test_without_a_baseline_closeness_is_measured_against_the_target() -> None:
    goal = Goal(target=D("100"))
    assert rate(D("75"), goal) is Rating.AMBER
    assert rate(D("74"), goal) is Rating.RED
    same = Goal(target=D("100"), baseline=D("100"))
    assert rate(D("80"), same) is Rating.AMBER


def test_no_value_has_no_rating() -> None:
    assert rate(None, Goal(target=D("1"))) is Rating.NONE


def test_a_zero_target_missed_is_red() -> None:
    assert rate(D("1"), Goal(target=D("0"), higher_is_better=False)) is Rating.RED


def test_amber_share_is_a_share() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        Goal(target=D("1"), amber_share=D("1.5"))


def test_progress_is_the_share_of_the_way_travelled() -> None:
    goal = Goal(target=D("60"), baseline=D("40"))
    assert progress(D("50"), goal) == D("0.5")
    assert progress(D("90"), goal) == D("1")
    assert progress(D("10"), goal) == D("0")
    assert progress(D("50"), Goal(target=D("60"))) is None


numbers = st.decimals(min_value=-10_000, max_value=10_000, places=2, allow_nan=False)
shares = st.decimals(min_value=0, max_value=1, places=2)


@st.composite
def goals(draw: st.DrawFn) -> Goal:
    return Goal(
        target=draw(numbers),
        baseline=draw(st.none() | numbers),
        higher_is_better=draw(st.booleans()),
        amber_share=draw(shares),
    )


@given(goals(), numbers)
def test_green_exactly_when_the_target_is_met(goal: Goal, value: Decimal) -> None:
    met = value >= goal.target if goal.higher_is_better else value <= goal.target
    assert (rate(value, goal) is Rating.GREEN) == met


@given(goals(), numbers, numbers)
def test_moving_towards_the_target_never_makes_the_rating_worse(
    goal: Goal, first: Decimal, second: Decimal
) -> None:
    order = [Rating.RED, Rating.AMBER, Rating.GREEN]
    worse, better = sorted([first, second], reverse=not goal.higher_is_better)
    assert order.index(rate(better, goal)) >= order.index(rate(worse, goal))


@given(goals(), numbers)
def test_lower_is_better_is_higher_is_better_upside_down(goal: Goal, value: Decimal) -> None:
    flipped = Goal(
        target=-goal.target,
        baseline=None if goal.baseline is None else -goal.baseline,
        higher_is_better=not goal.higher_is_better,
        amber_share=goal.amber_share,
    )
    assert rate(-value, flipped) is rate(value, goal)


@given(goals(), numbers)
def test_a_wider_amber_margin_never_makes_a_figure_red_that_was_amber(
    goal: Goal, value: Decimal
) -> None:
    wider = Goal(goal.target, goal.baseline, goal.higher_is_better, D("1"))
    if rate(value, goal) is Rating.AMBER:
        assert rate(value, wider) is Rating.AMBER


@given(goals(), numbers)
def test_progress_stays_between_0_and_1(goal: Goal, value: Decimal) -> None:
    share = progress(value, goal)
    assert share is None or D("0") <= share <= D("1")
