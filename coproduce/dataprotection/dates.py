"""Calendar months, without a dependency: 31 March less one month is 28 (or 29) February."""

import calendar
import datetime

from django.utils import timezone


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by a whole number of months (negative goes back), clamped to month end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day`, in the site's time zone (Europe/London)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
