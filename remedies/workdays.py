"""Working days in England and Wales, the unit of the Complaint Handling Code's time limits.

Bank holidays come from the ``holidays`` package (GB, subdivision ENG, which England and
Wales share), not a hand-kept list. The table for the years facts may name is built once and
kept in the cache (keyed by the installed package's files), so a process need not import
``holidays`` at all; a count is then arithmetic on weeks plus a binary search of the table,
O(1) in the length of the span (a span over decades costs what a week does).
"""

from __future__ import annotations

import bisect
from datetime import date
from functools import lru_cache

TABLE_YEARS = range(1990, 2101)  # the dates a facts file may carry (facts.Day)


@lru_cache(maxsize=64)
def _package_year(year: int) -> dict[date, str]:
    import holidays

    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year))


def _build() -> dict[date, str]:
    import holidays

    return dict(holidays.country_holidays("GB", subdiv="ENG", years=TABLE_YEARS))


def _package_files() -> list[bytes]:
    """What identifies the installed holidays package without importing it: its files' sizes and times."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("holidays")
    root = Path(spec.origin).parent if spec and spec.origin else None
    if root is None:
        return [b"no holidays package"]
    return [f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}".encode()
            for p in (root / "__init__.py", root / "countries" / "united_kingdom.py") if p.exists()]


@lru_cache(maxsize=1)
def _table() -> tuple[dict[date, str], list[date]]:
    """Every bank holiday of TABLE_YEARS by date, and the weekday ones in order (the ones a count skips)."""
    from . import cache

    names = cache.cached("bank-holidays", _package_files(), _build)
    return names, sorted(d for d in names if d.weekday() < 5)


def bank_holiday(day: date) -> str | None:
    """Name of the bank holiday on ``day`` in England and Wales, if it is one."""
    if day.year in TABLE_YEARS:
        return _table()[0].get(day)
    return _package_year(day.year).get(day)


def _weekdays_after(start: date, end: date) -> int:
    """Mondays to Fridays in (start, end], by whole weeks and a remainder of at most six days."""
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    first = (start.weekday() + 1) % 7
    return weeks * 5 + sum(1 for k in range(rest) if (first + k) % 7 < 5)


def _skipped(start: date, end: date) -> list[date]:
    """Bank holidays on weekdays in (start, end]."""
    if start.year in TABLE_YEARS and end.year in TABLE_YEARS:
        ordered = _table()[1]
        return ordered[bisect.bisect_right(ordered, start):bisect.bisect_right(ordered, end)]
    out = []
    for year in range(start.year, end.year + 1):
        out += sorted(d for d in (_table()[0] if year in TABLE_YEARS else _package_year(year))
                      if d.year == year and start < d <= end and d.weekday() < 5)
    return out


def working_days_between(start: date, end: date) -> tuple[int, list[date]]:
    """Working days after ``start`` up to and including ``end``, and the bank holidays skipped.

    "Within 10 working days of receipt" counts from the day after receipt, so a reply
    sent on the next working day took 1 working day.
    """
    if end <= start:
        return 0, []
    skipped = _skipped(start, end)
    return _weekdays_after(start, end) - len(skipped), skipped


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
