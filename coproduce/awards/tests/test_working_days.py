import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.awards.working_days import (
    is_working_day,
    standstill_end,
    standstill_has_ended,
)

D = datetime.date


@pytest.mark.parametrize(
    ("notice", "end"),
    [
        # Monday: day 1 is the notice day itself, so 8 working days end the next Wednesday.
        (D(2026, 3, 2), D(2026, 3, 11)),
        # Friday: the weekend is skipped.
        (D(2026, 11, 27), D(2026, 12, 8)),
        # Saturday: day 1 is the next working day, Monday 30 November.
        (D(2026, 11, 28), D(2026, 12, 9)),
        # Christmas 2026: Friday 25th, Boxing Day on Saturday observed on Monday 28th, and
        # New Year's Day are not working days.
        (D(2026, 12, 21), D(2027, 1, 4)),
        # Easter 2026: Good Friday 3 April and Easter Monday 6 April.
        (D(2026, 3, 30), D(2026, 4, 10)),
    ],
)
def test_standstill_end(notice, end):
    assert standstill_end(notice) == end


def test_bank_holidays_in_england_and_wales_are_not_working_days():
    assert not is_working_day(D(2026, 12, 28))  # Boxing Day (substitute day)
    assert not is_working_day(D(2026, 4, 3))  # Good Friday
    assert not is_working_day(D(2026, 8, 31))  # Summer bank holiday (England and Wales)
    assert is_working_day(D(2026, 8, 3))  # Scotland's summer bank holiday: a working day here
    assert not is_working_day(D(2026, 3, 7))  # Saturday


def test_standstill_ends_the_day_after_its_last_day():
    assert not standstill_has_ended(D(2026, 3, 11), D(2026, 3, 11))
    assert standstill_has_ended(D(2026, 3, 11), D(2026, 3, 12))
    with pytest.raises(ValueError):
        standstill_end(D(2026, 3, 2), 0)


@given(st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31)), st.integers(1, 30))
def test_the_period_holds_exactly_n_working_days_and_ends_on_one(notice, days):
    end = standstill_end(notice, days)
    span = (end - notice).days + 1
    counted = sum(is_working_day(notice + datetime.timedelta(days=i)) for i in range(span))
    assert counted == days and is_working_day(end)
