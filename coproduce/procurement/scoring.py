"""Tender scoring maths: scales, weights, price formulas, weighted quality, spread, totals, ranking.

A plain module (no Django) shared by the `procurement` and `awards` apps, so the sums a bidder is
told about are the sums the staff pages and the marks spreadsheet show.

Weighting scheme
----------------
The tender's marks are out of 100: the price weight plus the quality weights add up to 100
(e.g. 70 quality, 30 price). Criteria weights add up to the quality weight, and each question
carries its share of the 100 marks as its weight (the question weights of a criterion add up to
that criterion's weight). A question's weighted
score is

    consensus score / top of the scale × question weight

so a bid scoring the top of the scale on every question gets the full quality weight.

Rounding
--------
Everything is Decimal. Each weighted question score and each price score is rounded to 2
decimal places, halves rounded up (ROUND_HALF_UP); quality subtotals and totals add the rounded
figures, so the marks spreadsheet adds up as printed. Rounding a figure that is at most its
weight (itself in whole pence-like hundredths) never takes it above its weight, so totals never
exceed 100. Ties are decided on those 2-decimal-place totals.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
# The two scales commissioners use: 0-4 and 0-5, whole numbers, each with a descriptor.
ALLOWED_SCALE_TOPS = (4, 5)
# A price below this share of the other bids' mean (or median) is flagged as abnormally low.
DEFAULT_ABNORMALLY_LOW_SHARE = Decimal("0.8")


class ScoringError(ValueError):
    """Input the sums cannot be done on; the message says what is wrong and what to do."""


def to_2dp(value: Decimal) -> Decimal:
    """Round to 2 decimal places, halves up: the rounding used for every mark."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- Scale -------------------------------------------------------------------------------------


def scale_problems(descriptors: Mapping[int, str]) -> list[str]:
    """What is wrong with a scoring scale (empty list if nothing).

    A scale runs from 0 to 4 or from 0 to 5 in whole marks, and every mark has a descriptor
    (what an answer scoring it looks like), so evaluators score against the same words.
    """
    scores = sorted(descriptors)
    if not scores:
        return ["Add a descriptor for each score from 0 to 4 (or 0 to 5)."]
    top = scores[-1]
    if top not in ALLOWED_SCALE_TOPS:
        return [f"The scale goes up to {top}. Use a scale from 0 to 4 or from 0 to 5."]
    problems = []
    missing = [s for s in range(top + 1) if s not in descriptors]
    if missing:
        listed = ", ".join(str(s) for s in missing)
        problems.append(f"Scores {listed} have no descriptor. Add one for every score 0 to {top}.")
    extra = [s for s in scores if s < 0]
    if extra:
        problems.append(f"The scale starts at 0: remove the scores below 0 ({extra[0]}).")
    blank = [s for s in scores if 0 <= s <= top and not str(descriptors[s]).strip()]
    if blank:
        listed = ", ".join(str(s) for s in blank)
        problems.append(f"Write a descriptor for score {listed}.")
    return problems


# --- Weights -----------------------------------------------------------------------------------


def weights_problem(quality_weights: Iterable[Decimal], price_weight: Decimal) -> str | None:
    """Why the weights do not add up to 100, or None if they do.

    The message gives the total and what to change, e.g. "The weights add up to 95 (quality 65
    and price 30). Add 5 to make 100.".
    """
    weights = [Decimal(w) for w in quality_weights]
    if any(w < 0 for w in weights) or price_weight < 0:
        return "A weight cannot be below 0. Change it to 0 or more."
    quality = sum(weights, Decimal(0))
    total = quality + Decimal(price_weight)
    if total == HUNDRED:
        return None
    gap = HUNDRED - total
    change = f"Add {_plain(gap)}" if gap > 0 else f"Take off {_plain(-gap)}"
    return (
        f"The weights add up to {_plain(total)} (quality {_plain(quality)} and price "
        f"{_plain(Decimal(price_weight))}). {change} to make 100."
    )


def _plain(value: Decimal) -> str:
    """A weight as people write it: 70, 12.5 (no trailing zeros, never 7E+1)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- Price -------------------------------------------------------------------------------------


def _check_prices(prices: Mapping[K, Decimal]) -> None:
    for price in prices.values():
        if price <= 0:
            raise ScoringError("Every bid price must be more than £0. Check the prices entered.")


def lowest_price(prices: Mapping[K, Decimal], weight: Decimal) -> dict[K, Decimal]:
    """Lowest price: score = lowest price / bid price × price weight.

    The lowest bid gets the full weight; a bid twice the lowest gets half of it.
    """
    _check_prices(prices)
    if not prices:
        return {}
    lowest = min(prices.values())
    return {key: to_2dp(lowest / price * weight) for key, price in prices.items()}


def linear_between_lowest_and_highest(
    prices: Mapping[K, Decimal], weight: Decimal
) -> dict[K, Decimal]:
    """Linear between lowest and highest:
    score = (highest price − bid price) / (highest price − lowest price) × price weight.

    The lowest bid gets the full weight and the highest gets 0, with the rest in a straight
    line between. If every price is the same, every bid gets the full weight.
    """
    _check_prices(prices)
    if not prices:
        return {}
    lowest, highest = min(prices.values()), max(prices.values())
    if highest == lowest:
        return {key: to_2dp(Decimal(weight)) for key in prices}
    return {
        key: to_2dp((highest - price) / (highest - lowest) * weight)
        for key, price in prices.items()
    }


def difference_from_lowest(prices: Mapping[K, Decimal], weight: Decimal) -> dict[K, Decimal]:
    """Difference from lowest:
    score = (1 − (bid price − lowest price) / lowest price) × price weight, and never below 0.

    Each 1% above the lowest price loses 1% of the weight, so a bid at twice the lowest
    price or more scores 0.
    """
    _check_prices(prices)
    if not prices:
        return {}
    lowest = min(prices.values())
    return {
        key: to_2dp(max(Decimal(0), 1 - (price - lowest) / lowest) * weight)
        for key, price in prices.items()
    }


PriceFormula = Callable[[Mapping[K, Decimal], Decimal], dict[K, Decimal]]

# Keyed by the value stored on a tender (procurement.models.PriceFormula).
PRICE_FORMULAS: dict[str, PriceFormula] = {
    "lowest_price": lowest_price,
    "linear_between_lowest_and_highest": linear_between_lowest_and_highest,
    "difference_from_lowest": difference_from_lowest,
}


def price_scores(prices: Mapping[K, Decimal], weight: Decimal, formula: str) -> dict[K, Decimal]:
    """Price score for each bid by the tender's named formula."""
    try:
        scorer = PRICE_FORMULAS[formula]
    except KeyError:
        raise ScoringError(f"There is no price formula called {formula!r}.") from None
    return scorer(prices, Decimal(weight))


# --- Quality -----------------------------------------------------------------------------------


def weighted_score(score: Decimal | int, top: int, weight: Decimal) -> Decimal:
    """One question's weighted score: score / top of the scale × question weight, to 2 dp."""
    if not 0 <= score <= top:
        raise ScoringError(f"A score of {score} is outside the scale 0 to {top}.")
    return to_2dp(Decimal(score) / Decimal(top) * Decimal(weight))


def weighted_quality(
    scores: Mapping[K, Decimal | int], weights: Mapping[K, Decimal], top: int
) -> Decimal:
    """A bid's quality mark: its weighted (consensus) scores added up, keyed by question."""
    return sum(
        (weighted_score(score, top, weights[question]) for question, score in scores.items()),
        Decimal(0),
    )


# --- Spread ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """How far apart evaluators' scores for one answer are."""

    lowest: Decimal | int
    highest: Decimal | int
    spread: Decimal | int
    flagged: bool


def spread(scores: Iterable[Decimal | int], threshold: Decimal | int) -> Spread | None:
    """Highest minus lowest individual score, flagged when it is at least the threshold.

    None when nobody has scored yet.
    """
    values = list(scores)
    if not values:
        return None
    lowest, highest = min(values), max(values)
    gap = highest - lowest
    return Spread(lowest=lowest, highest=highest, spread=gap, flagged=gap >= threshold)


# --- Totals and ranking ------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked(Generic[K]):
    """A bid's place: rank 1 is best; bids with equal totals (to 2 dp) share a rank."""

    key: K
    total: Decimal
    rank: int
    tied: bool


def rank(totals: Mapping[K, Decimal]) -> list[Ranked[K]]:
    """Bids from highest total to lowest, with "1, 1, 3" ranks for ties.

    Equal totals to 2 decimal places share a rank and are flagged as tied; the next bid's rank
    skips the shared places. Tied bids keep the order they were given in.
    """
    rounded = {key: to_2dp(Decimal(total)) for key, total in totals.items()}
    order = sorted(rounded, key=lambda key: -rounded[key])
    counts: dict[Decimal, int] = {}
    for total in rounded.values():
        counts[total] = counts.get(total, 0) + 1
    ranked: list[Ranked[K]] = []
    for position, key in enumerate(order, start=1):
        total = rounded[key]
        place = ranked[-1].rank if ranked and ranked[-1].total == total else position
        ranked.append(Ranked(key=key, total=total, rank=place, tied=counts[total] > 1))
    return ranked


def abnormally_low(
    prices: Mapping[K, Decimal],
    share: Decimal = DEFAULT_ABNORMALLY_LOW_SHARE,
    basis: str = "mean",
) -> set[K]:
    """Bids whose price is below `share` of the mean (or median) price of the OTHER bids.

    A bid is compared with the others, not with an average that includes itself, so one very
    low price cannot hide by pulling the average down. These bids are flagged for the
    commissioner to ask the bidder to explain the price; they are never excluded here. With
    fewer than two bids nothing is flagged.
    """
    if basis not in ("mean", "median"):
        raise ScoringError("Compare prices with the mean or the median of the other bids.")
    flagged: set[K] = set()
    if len(prices) < 2:
        return flagged
    for key, price in prices.items():
        others = [p for other, p in prices.items() if other != key]
        middle = sum(others, Decimal(0)) / len(others) if basis == "mean" else median(others)
        if price < share * middle:
            flagged.add(key)
    return flagged


@dataclass(frozen=True)
class Total(Generic[K]):
    """One bid's marks: quality, price score and total, with its rank and flags."""

    key: K
    quality: Decimal
    price: Decimal
    price_score: Decimal
    total: Decimal
    rank: int
    tied: bool
    abnormally_low: bool


def totals(
    quality: Mapping[K, Decimal],
    prices: Mapping[K, Decimal],
    *,
    price_weight: Decimal,
    formula: str,
    low_share: Decimal = DEFAULT_ABNORMALLY_LOW_SHARE,
    low_basis: str = "mean",
) -> list[Total[K]]:
    """Weighted quality plus price score for each bid, ranked best first.

    `quality` and `prices` are keyed by bid and must have the same bids. Price scores are
    worked out among these bids only, so leave out bids that are not being compared.
    """
    if set(quality) != set(prices):
        raise ScoringError("Every bid needs both a quality mark and a price.")
    scores = price_scores(prices, price_weight, formula)
    low = abnormally_low(prices, low_share, low_basis)
    sums = {key: to_2dp(quality[key]) + scores[key] for key in quality}
    return [
        Total(
            key=place.key,
            quality=to_2dp(quality[place.key]),
            price=prices[place.key],
            price_score=scores[place.key],
            total=place.total,
            rank=place.rank,
            tied=place.tied,
            abnormally_low=place.key in low,
        )
        for place in rank(sums)
    ]
