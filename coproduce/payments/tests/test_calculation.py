from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from coproduce.payments.calculation import (
    Category,
    Item,
    Rates,
    calculate,
    pounds,
    time_payment,
)

D = Decimal
RATES = Rates(per_hour=D("20"), half_day=D("60"), day=D("100"), per_activity={"panel": D("75")})
MILEAGE = Category("1", "Mileage", rate_per_mile=D("0.45"))
MEALS = Category("2", "Meals", limit_per_claim=D("10.00"))
BUS = Category("3", "Bus fares")


def test_pounds_rounds_halves_up_to_the_penny() -> None:
    assert pounds(D("2.345")) == D("2.35")
    assert pounds(D("2.344")) == D("2.34")
    assert pounds(D("0.005")) == D("0.01")
    assert str(pounds(D("3"))) == "3.00"


def test_short_time_is_paid_by_the_hour_then_half_day_then_day() -> None:
    assert time_payment(RATES, D("1.5"), "workshop") == (
        D("30.00"),
        "£30.00: 1.5 hours at £20.00 an hour.",
    )
    assert time_payment(RATES, D("2.99"), "workshop")[0] == D("59.80")
    assert time_payment(RATES, D("3"), "workshop") == (
        D("60.00"),
        "£60.00: the half-day rate (3 hours).",
    )
    assert time_payment(RATES, D("5"), "workshop")[0] == D("100.00")
    assert time_payment(RATES, D("7.5"), "workshop")[0] == D("100.00")


def test_an_activity_rate_replaces_the_others() -> None:
    amount, reason = time_payment(RATES, D("7"), "panel")
    assert amount == D("75.00")
    assert "set rate for this kind of activity" in reason


def test_hourly_payment_rounds_to_the_penny() -> None:
    # 1.5 hours × £11.11 = £16.665: half up gives £16.67 (banker's rounding would give £16.66)
    assert time_payment(Rates(per_hour=D("11.11")), D("1.5"), "meeting")[0] == D("16.67")
    # 1.25 hours × £13.33 = £16.6625, below the half: £16.66
    assert time_payment(Rates(per_hour=D("13.33")), D("1.25"), "meeting")[0] == D("16.66")
    # 0.5 × £0.05 = £0.025 rounds up to 3p, not down to 2p
    assert time_payment(Rates(per_hour=D("0.05")), D("0.5"), "meeting")[0] == D("0.03")


def test_missing_rates_fall_back_to_hourly_or_pay_nothing_with_a_reason() -> None:
    hourly_only = Rates(per_hour=D("20"))
    assert time_payment(hourly_only, D("6"), "meeting")[0] == D("120.00")
    amount, reason = time_payment(Rates(), D("2"), "meeting")
    assert amount == D("0.00") and "no rate" in reason
    assert time_payment(RATES, D("0"), "meeting")[0] == D("0.00")


def test_mileage_is_miles_times_the_rate() -> None:
    outcome = calculate(
        RATES, hours=D("2"), activity="workshop", items=[Item(MILEAGE, miles=D("23.5"))]
    )
    # 23.5 × 45p = £10.575, rounded half up
    assert outcome.items[0].claimed == D("10.58") == outcome.items[0].allowed
    assert outcome.items[0].reason == "23.5 miles at £0.45 a mile."


def test_over_the_limit_is_capped_with_a_reason_across_items_of_a_category() -> None:
    outcome = calculate(
        RATES,
        hours=D("2"),
        activity="workshop",
        items=[Item(MEALS, D("6.00")), Item(MEALS, D("7.50")), Item(BUS, D("4.20"))],
    )
    assert [i.allowed for i in outcome.items] == [D("6.00"), D("4.00"), D("4.20")]
    assert outcome.items[0].reason == ""
    assert outcome.items[1].reason == "Paid up to the limit of £10.00 a claim for meals."
    assert outcome.expenses == D("14.20")
    assert outcome.total == D("54.20")


def test_the_yearly_cap_limits_time_payments_but_never_expenses() -> None:
    outcome = calculate(
        RATES,
        hours=D("3"),
        activity="workshop",
        items=[Item(BUS, D("12.00"))],
        cap_left=D("25.00"),
    )
    assert outcome.involvement == D("25.00")
    assert "yearly limit" in outcome.involvement_reason
    assert outcome.items[0].allowed == D("12.00")
    spent = calculate(RATES, hours=D("3"), activity="workshop", items=[], cap_left=D("-5"))
    assert spent.involvement == D("0.00")


def test_declining_payment_means_expenses_only() -> None:
    outcome = calculate(
        RATES,
        hours=D("6"),
        activity="workshop",
        items=[Item(BUS, D("3.10"))],
        paid_for_time=False,
    )
    assert outcome.involvement == D("0.00")
    assert outcome.total == D("3.10")
    assert "chose not to be paid" in outcome.involvement_reason


money = st.decimals(min_value=-50, max_value=500, places=3, allow_nan=False)
categories = st.sampled_from([MILEAGE, MEALS, BUS, Category("4", "Taxi", D("30"))])
items = st.lists(
    st.builds(
        Item,
        category=categories,
        amount=money,
        miles=st.decimals(min_value=-5, max_value=300, places=1, allow_nan=False),
    ),
    max_size=8,
)


@given(
    hours=st.decimals(min_value=-2, max_value=12, places=2, allow_nan=False),
    items=items,
    cap=st.one_of(st.none(), money),
    paid=st.booleans(),
    activity=st.sampled_from(["workshop", "panel"]),
)
def test_properties_of_any_claim(
    hours: Decimal, items: list[Item], cap: Decimal | None, paid: bool, activity: str
) -> None:
    outcome = calculate(
        RATES, hours=hours, activity=activity, items=items, paid_for_time=paid, cap_left=cap
    )
    amounts = [outcome.involvement, *(i.allowed for i in outcome.items)]
    assert all(a >= 0 and a == pounds(a) for a in amounts)  # never negative, whole pence
    assert outcome.involvement <= D("100")  # never above the day rate
    if cap is not None:
        assert outcome.involvement <= max(cap, D("0"))
    if not paid:
        assert outcome.involvement == 0
    for item, result in zip(items, outcome.items, strict=True):
        assert result.allowed <= result.claimed
        if item.category.limit_per_claim is not None:
            assert result.allowed <= item.category.limit_per_claim
    for category in {item.category for item in items}:
        if category.limit_per_claim is not None:
            spent = sum(
                r.allowed
                for i, r in zip(items, outcome.items, strict=True)
                if i.category == category
            )
            assert spent <= category.limit_per_claim
    assert outcome.total == outcome.involvement + sum(i.allowed for i in outcome.items)
