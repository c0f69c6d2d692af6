"""The plain scoring maths: worked examples, then properties that must hold for any bids."""

import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.procurement import scoring

D = Decimal


# --- Worked examples -------------------------------------------------------------------------


def test_a_0_to_4_scale_with_every_descriptor_is_valid():
    assert scoring.scale_problems({s: f"Descriptor {s}" for s in range(5)}) == []
    assert scoring.scale_problems({s: f"Descriptor {s}" for s in range(6)}) == []


def test_scale_problems_say_what_to_change():
    assert scoring.scale_problems({}) == [
        "Add a descriptor for each score from 0 to 4 (or 0 to 5)."
    ]
    assert scoring.scale_problems(dict.fromkeys(range(11), "x")) == [
        "The scale goes up to 10. Use a scale from 0 to 4 or from 0 to 5."
    ]
    assert scoring.scale_problems({0: "x", 1: "x", 4: "x"}) == [
        "Scores 2, 3 have no descriptor. Add one for every score 0 to 4."
    ]
    assert scoring.scale_problems({0: "x", 1: " ", 2: "x", 3: "x", 4: "x"}) == [
        "Write a descriptor for score 1."
    ]
    assert (
        "remove the scores below 0"
        in scoring.scale_problems({-1: "x", **dict.fromkeys(range(5), "x")})[0]
    )


def test_weights_that_total_100_pass_and_others_say_the_total_and_the_change():
    assert scoring.weights_problem([D(40), D(30)], D(30)) is None
    assert scoring.weights_problem([D("12.5"), D("57.5")], D(30)) is None
    assert scoring.weights_problem([D(40), D(25)], D(30)) == (
        "The weights add up to 95 (quality 65 and price 30). Add 5 to make 100."
    )
    assert scoring.weights_problem([D(60), D("20.5")], D(30)) == (
        "The weights add up to 110.5 (quality 80.5 and price 30). Take off 10.5 to make 100."
    )
    assert scoring.weights_problem([D(110)], D(-10)) == (
        "A weight cannot be below 0. Change it to 0 or more."
    )


def test_lowest_price_formula():
    scores = scoring.lowest_price({"a": D(100000), "b": D(125000), "c": D(300000)}, D(30))
    assert scores == {"a": D("30.00"), "b": D("24.00"), "c": D("10.00")}


def test_linear_between_lowest_and_highest_formula():
    scores = scoring.linear_between_lowest_and_highest(
        {"a": D(100), "b": D(150), "c": D(200)}, D(30)
    )
    assert scores == {"a": D("30.00"), "b": D("15.00"), "c": D("0.00")}
    assert scoring.linear_between_lowest_and_highest({"a": D(5), "b": D(5)}, D(20)) == {
        "a": D("20.00"),
        "b": D("20.00"),
    }


def test_difference_from_lowest_formula_never_goes_below_zero():
    scores = scoring.difference_from_lowest({"a": D(100), "b": D(110), "c": D(250)}, D(40))
    assert scores == {"a": D("40.00"), "b": D("36.00"), "c": D("0.00")}


def test_price_scores_are_rounded_half_up_to_2dp():
    # 100 / 300 × 20 = 6.666... -> 6.67; 100 / 160 × 20 = 12.5 exactly.
    scores = scoring.price_scores({"a": D(100), "b": D(300), "c": D(160)}, D(20), "lowest_price")
    assert scores == {"a": D("20.00"), "b": D("6.67"), "c": D("12.50")}
    assert scoring.to_2dp(D("0.125")) == D("0.13")


def test_prices_must_be_above_zero_and_formula_must_exist():
    with pytest.raises(scoring.ScoringError, match="more than £0"):
        scoring.lowest_price({"a": D(0), "b": D(10)}, D(30))
    with pytest.raises(scoring.ScoringError, match="no price formula called 'cheapest'"):
        scoring.price_scores({"a": D(1)}, D(30), "cheapest")


def test_weighted_quality_adds_score_over_top_times_weight():
    weights = {"q1": D(40), "q2": D(20), "q3": D(10)}
    # 3/4 × 40 = 30; 4/4 × 20 = 20; 1/4 × 10 = 2.5
    assert scoring.weighted_quality({"q1": 3, "q2": 4, "q3": 1}, weights, 4) == D("52.50")
    # 2/3 of 10 on a 0-5 scale is not whole: each question rounds on its own.
    assert scoring.weighted_score(1, 3, D(10)) == D("3.33")
    with pytest.raises(scoring.ScoringError, match="outside the scale 0 to 4"):
        scoring.weighted_score(5, 4, D(10))


def test_spread_is_flagged_at_the_threshold():
    assert scoring.spread([1, 3, 2], 2) == scoring.Spread(1, 3, 2, True)
    assert scoring.spread([2, 3], 2) == scoring.Spread(2, 3, 1, False)
    assert scoring.spread([], 2) is None


def test_equal_totals_to_2dp_share_a_rank_and_the_next_rank_skips():
    ranked = scoring.rank({"a": D("70.004"), "b": D("80"), "c": D("70.001"), "d": D("60")})
    assert [(r.key, r.rank, r.tied) for r in ranked] == [
        ("b", 1, False),
        ("a", 2, True),
        ("c", 2, True),
        ("d", 4, False),
    ]


def test_abnormally_low_compares_with_the_other_bids():
    prices = {"a": D(100), "b": D(100), "c": D(100), "d": D(79)}
    assert scoring.abnormally_low(prices) == {"d"}
    # 80 is exactly 80% of the others' mean: not below, so not flagged.
    assert scoring.abnormally_low({**prices, "d": D(80)}) == set()
    # Median of the others ignores one very high bid that would lift the mean.
    skewed = {"a": D(100), "b": D(100), "c": D(1000), "d": D(90)}
    assert scoring.abnormally_low(skewed, basis="mean") == {"a", "b", "d"}
    assert scoring.abnormally_low(skewed, basis="median") == set()
    assert scoring.abnormally_low({"a": D(1)}) == set()
    with pytest.raises(scoring.ScoringError):
        scoring.abnormally_low(prices, basis="mode")


def test_totals_combine_quality_and_price_and_flag():
    result = scoring.totals(
        {"a": D("60"), "b": D("50"), "c": D("20")},
        {"a": D(200), "b": D(100), "c": D(40)},
        price_weight=D(30),
        formula="lowest_price",
    )
    by_key = {t.key: t for t in result}
    assert by_key["a"].price_score == D("6.00")
    assert by_key["b"].price_score == D("12.00")
    assert by_key["c"].price_score == D("30.00")
    assert [t.key for t in result] == ["a", "b", "c"]
    assert [t.total for t in result] == [D("66.00"), D("62.00"), D("50.00")]
    assert by_key["c"].abnormally_low and not by_key["a"].abnormally_low
    with pytest.raises(scoring.ScoringError, match="both a quality mark and a price"):
        scoring.totals({"a": D(1)}, {}, price_weight=D(30), formula="lowest_price")


# --- Properties ------------------------------------------------------------------------------

prices_st = st.dictionaries(
    st.integers(min_value=1, max_value=40),
    st.decimals(min_value=D("0.01"), max_value=D("10000000"), places=2),
    min_size=1,
    max_size=20,
)
formulas = st.sampled_from(sorted(scoring.PRICE_FORMULAS))
price_weights = st.integers(min_value=0, max_value=100).map(D)


@given(prices_st, price_weights, formulas)
def test_the_lowest_price_always_gets_the_full_price_weight(prices, weight, formula):
    scores = scoring.price_scores(prices, weight, formula)
    lowest = min(prices.values())
    for key, price in prices.items():
        assert D(0) <= scores[key] <= weight
        if price == lowest:
            assert scores[key] == weight


@given(prices_st, price_weights, formulas)
def test_a_cheaper_bid_never_gets_a_lower_price_score(prices, weight, formula):
    scores = scoring.price_scores(prices, weight, formula)
    by_price = sorted(prices, key=prices.__getitem__)
    for cheaper, dearer in itertools.pairwise(by_price):
        assert scores[cheaper] >= scores[dearer]


@st.composite
def tenders(draw):
    """A tender whose weights total 100, and bids with scores on its scale and prices."""
    top = draw(st.sampled_from(scoring.ALLOWED_SCALE_TOPS))
    price_weight = D(draw(st.integers(min_value=0, max_value=60)))
    n_questions = draw(st.integers(min_value=1, max_value=8))
    # Split the quality marks into hundredths so question weights can have 2 decimal places.
    hundredths = int((100 - price_weight) * 100)
    cuts = sorted(
        draw(
            st.lists(
                st.integers(min_value=0, max_value=hundredths),
                min_size=n_questions - 1,
                max_size=n_questions - 1,
            )
        )
    )
    edges = [0, *cuts, hundredths]
    weights = {q: D(edges[q + 1] - edges[q]) / 100 for q in range(n_questions)}
    bids = draw(st.integers(min_value=1, max_value=12))
    scores = {
        b: {q: draw(st.integers(min_value=0, max_value=top)) for q in weights} for b in range(bids)
    }
    prices = {
        b: draw(st.decimals(min_value=D("1"), max_value=D("5000000"), places=2))
        for b in range(bids)
    }
    return top, price_weight, weights, scores, prices


@given(tenders(), formulas)
def test_totals_never_exceed_100_and_ranking_is_a_permutation(tender, formula):
    top, price_weight, weights, scores, prices = tender
    assert scoring.weights_problem(weights.values(), price_weight) is None
    quality = {b: scoring.weighted_quality(s, weights, top) for b, s in scores.items()}
    result = scoring.totals(quality, prices, price_weight=price_weight, formula=formula)
    assert sorted(t.key for t in result) == sorted(scores)
    for t in result:
        assert D(0) <= t.total <= D(100)
        assert t.quality <= 100 - price_weight
        assert t.total == t.quality + t.price_score
    assert [t.total for t in result] == sorted((t.total for t in result), reverse=True)


@given(st.dictionaries(st.integers(), st.integers(0, 20).map(D), min_size=1, max_size=30))
def test_ties_share_ranks_and_ranks_count_the_bids_above(totals):
    ranked = scoring.rank(totals)
    assert sorted(r.key for r in ranked) == sorted(totals)
    for r in ranked:
        above = sum(1 for other in totals.values() if other > totals[r.key])
        assert r.rank == above + 1
        assert r.tied == (sum(1 for other in totals.values() if other == totals[r.key]) > 1)


@given(prices_st)
def test_abnormally_low_flags_only_bids_below_the_others(prices):
    flagged = scoring.abnormally_low(prices)
    # The most expensive bid is never below 80% of the others' average.
    assert max(prices, key=prices.__getitem__) not in flagged
    for key in flagged:
        others = [p for k, p in prices.items() if k != key]
        assert prices[key] < D("0.8") * sum(others) / len(others)
