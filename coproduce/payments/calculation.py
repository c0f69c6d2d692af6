"""What a claim is worth under an organisation's payment policy. Plain Python, no Django.

Involvement payments are for a person's time; expenses pay back what taking part cost them.
Only involvement payments count towards a yearly cap (set for people whose benefits could be
affected); expenses are always paid back in full up to each category's limit. Every amount is
pounds and pence, rounded half up, and every cut comes with a reason the claimant can read.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")

HOUR, HALF_DAY, DAY, ACTIVITY = "hour", "half_day", "day", "activity"


def pounds(value: Decimal) -> Decimal:
    """To the nearest penny, halves rounded up (as accounts payable expect)."""
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    return f"£{pounds(value):,.2f}"


@dataclass(frozen=True)
class Rates:
    """Involvement rates. Time shorter than `half_day_from_hours` is paid by the hour, then
    the half-day rate up to `day_from_hours`, then the day rate. A rate for the kind of
    activity (`per_activity`, by event kind) replaces all three."""

    per_hour: Decimal | None = None
    half_day: Decimal | None = None
    day: Decimal | None = None
    per_activity: Mapping[str, Decimal] = field(default_factory=dict)
    half_day_from_hours: Decimal = Decimal("3")
    day_from_hours: Decimal = Decimal("5")


@dataclass(frozen=True)
class Category:
    """An expense category's rule: a limit per claim, a rate per mile for mileage."""

    key: str
    name: str
    limit_per_claim: Decimal | None = None
    rate_per_mile: Decimal | None = None


@dataclass(frozen=True)
class Item:
    category: Category
    amount: Decimal = ZERO
    miles: Decimal | None = None


@dataclass(frozen=True)
class ItemOutcome:
    claimed: Decimal
    allowed: Decimal
    reason: str = ""


@dataclass(frozen=True)
class Outcome:
    involvement: Decimal
    involvement_reason: str
    items: list[ItemOutcome]

    @property
    def expenses(self) -> Decimal:
        return sum((item.allowed for item in self.items), ZERO)

    @property
    def total(self) -> Decimal:
        return self.involvement + self.expenses


def _hours_words(hours: Decimal) -> str:
    text = f"{hours.normalize():f}"
    return f"{text} hour" if hours == 1 else f"{text} hours"


def time_payment(rates: Rates, hours: Decimal, activity: str) -> tuple[Decimal, str]:
    """The payment for time at one activity, and how it was worked out."""
    hours = max(hours, ZERO)
    if hours == 0:
        return ZERO, "No time was recorded at this activity."
    if activity in rates.per_activity:
        amount = rates.per_activity[activity]
        return pounds(amount), f"{money(amount)}: the set rate for this kind of activity."
    if hours >= rates.day_from_hours and rates.day is not None:
        return pounds(rates.day), f"{money(rates.day)}: the day rate ({_hours_words(hours)})."
    if hours >= rates.half_day_from_hours and rates.half_day is not None:
        return (
            pounds(rates.half_day),
            f"{money(rates.half_day)}: the half-day rate ({_hours_words(hours)}).",
        )
    if rates.per_hour is not None:
        amount = pounds(hours * rates.per_hour)
        return amount, f"{money(amount)}: {_hours_words(hours)} at {money(rates.per_hour)} an hour."
    return ZERO, "The payment policy has no rate for this. Ask the finance team."


def calculate(
    rates: Rates,
    *,
    hours: Decimal,
    activity: str,
    items: Sequence[Item],
    paid_for_time: bool = True,
    cap_left: Decimal | None = None,
) -> Outcome:
    """The involvement payment for the time and what each expense item is allowed.

    `paid_for_time` is False for someone who chose not to be paid (expenses only).
    `cap_left` is what is left of a yearly cap on involvement payments, if one is set.
    """
    if paid_for_time:
        involvement, reason = time_payment(rates, hours, activity)
    else:
        involvement, reason = ZERO, "You chose not to be paid for your time. Expenses are paid."
    # What is left of a cap is rounded down: paying a part-penny up would go over it.
    room = None if cap_left is None else max(cap_left, ZERO).quantize(PENNY, rounding=ROUND_DOWN)
    if room is not None and involvement > room:
        involvement = room
        reason = (
            f"{money(involvement)}: the rest of your yearly limit on involvement payments. "
            "Expenses are not affected."
        )
    used: dict[str, Decimal] = {}
    outcomes = []
    for item in items:
        outcomes.append(_item(item, used))
    return Outcome(involvement=involvement, involvement_reason=reason, items=outcomes)


def _item(item: Item, used: dict[str, Decimal]) -> ItemOutcome:
    category = item.category
    if category.rate_per_mile is not None:
        miles = max(item.miles or ZERO, ZERO)
        claimed = pounds(miles * category.rate_per_mile)
        reason = f"{miles.normalize():f} miles at {money(category.rate_per_mile)} a mile."
    else:
        claimed = pounds(max(item.amount, ZERO))
        reason = ""
    allowed = claimed
    if category.limit_per_claim is not None:
        room = max(pounds(category.limit_per_claim) - used.get(category.key, ZERO), ZERO)
        if claimed > room:
            allowed = room
            limit = f"Paid up to the limit of {money(category.limit_per_claim)} a claim"
            reason = f"{reason} {limit} for {category.name.lower()}."
    used[category.key] = used.get(category.key, ZERO) + allowed
    return ItemOutcome(claimed=claimed, allowed=allowed, reason=reason.strip())
