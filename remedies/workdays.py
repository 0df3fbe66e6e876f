"""Working days in England and Wales, the unit of the Complaint Handling Code's time limits.

Bank holidays come from the ``holidays`` package (GB, subdivision ENG, which England
and Wales share), not a hand-kept list.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year))


def bank_holiday(day: date) -> str | None:
    """Name of the bank holiday on ``day`` in England and Wales, if it is one."""
    return _bank_holidays(day.year).get(day)


def working_days_between(start: date, end: date) -> tuple[int, list[date]]:
    """Working days after ``start`` up to and including ``end``, and the bank holidays skipped.

    "Within 10 working days of receipt" counts from the day after receipt, so a reply
    sent on the next working day took 1 working day.
    """
    if end <= start:
        return 0, []
    count = 0
    skipped: list[date] = []
    day = start + timedelta(days=1)
    while day <= end:
        if day.weekday() < 5:
            if bank_holiday(day):
                skipped.append(day)
            else:
                count += 1
        day += timedelta(days=1)
    return count, skipped


def describe(start: date, end: date) -> str:
    """A one-line account of a working-day count, for the trace."""
    n, skipped = working_days_between(start, end)
    text = f"{n} working days from {start.isoformat()} to {end.isoformat()}"
    if skipped:
        names = ", ".join(f"{d.isoformat()} ({bank_holiday(d)})" for d in skipped)
        text += f", excluding weekends and bank holidays {names}"
    else:
        text += ", excluding weekends"
    return text
