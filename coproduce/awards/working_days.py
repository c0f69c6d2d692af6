"""Working days and the standstill period (no Django).

A working day is a Monday to Friday that is not a bank holiday in England and Wales (the two
share one list; the `holidays` package keeps it, including substitute days such as "Boxing Day
(observed)" when 26 December falls at a weekend).

Standstill (Procurement Act 2023, section 51): the mandatory standstill period is "the period
of eight working days beginning with the day on which the contract award notice is published"
(Cabinet Office guidance "Contract award notices and standstill", paragraph 4). So:

- day 1 is the notice date itself if it is a working day, otherwise the next working day;
- the period ends at the end of the Nth working day (`standstill_end`);
- the contract may be entered into from the next day on (`standstill_has_ended` is true on any
  date after the end date).

The Act's own definition of a working day also leaves out bank holidays in Scotland and
Northern Ireland; Coproduce counts England and Wales only, as its commissioners are there.
"""

import datetime
from functools import cache

import holidays

DEFAULT_STANDSTILL_DAYS = 8


@cache
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def standstill_end(
    notice_date: datetime.date, days: int = DEFAULT_STANDSTILL_DAYS
) -> datetime.date:
    """The last day of a standstill of `days` working days beginning with `notice_date`."""
    if days < 1:
        raise ValueError("A standstill period is at least one working day.")
    day = notice_date
    counted = 0
    while True:
        if is_working_day(day):
            counted += 1
            if counted == days:
                return day
        day += datetime.timedelta(days=1)


def standstill_has_ended(end: datetime.date, today: datetime.date) -> bool:
    """True from the day after the last day of standstill."""
    return today > end
