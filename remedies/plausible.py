"""Plausible ranges for the numbers and dates of every input file: bounds against typos and
hostile input, not guidance figures. A date outside 1990–2100 or a band of 10^20 is a
mistake, and an unbounded figure can make working-day counts or sums run away."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)
MAX_POUNDS = 1_000_000
# per unit of a ruleset parameter: (least, greatest) plausible value; a negative rate is a deduction,
# but a band's bounds are never below 0
UNIT_RANGE = {"pounds": (-MAX_POUNDS, MAX_POUNDS), "pounds_per_day": (-MAX_POUNDS, MAX_POUNDS),
              "pounds_per_week": (-MAX_POUNDS, MAX_POUNDS),
              "working_days": (0, 36_500), "days": (0, 36_500), "weeks": (0, 5_200),
              "points": (-10_000, 10_000), "count": (0, 100_000)}
MAX_RULE_NUMBER = MAX_POUNDS  # any number in a rule's condition or effect
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date_as_written(value: Any) -> Any:
    """A date must be written YYYY-MM-DD: pydantic would read 1752192000 (or '1752192000') as a timestamp."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.match(value)):
        return value
    # a date_* error type, so that the guide explains it like any other date pydantic refuses
    raise PydanticCustomError("date_as_written", "a date is written YYYY-MM-DD")


def _date_in_range(value: date) -> date:
    problem = in_range(value)
    if problem:
        raise ValueError(f"a date must fall between {EARLIEST} and {LATEST}")
    return value


Day = Annotated[date, BeforeValidator(_date_as_written), AfterValidator(_date_in_range),
                Field(description=f"YYYY-MM-DD, between {EARLIEST} and {LATEST}")]


def in_range(value: date) -> str | None:
    """Why a date given another way (an option) is implausible, or None."""
    if not EARLIEST <= value <= LATEST:
        return f"{value} is outside {EARLIEST.year}–{LATEST.year}"
    return None


def numbers(value: Any) -> list[int]:
    """Every whole number in a nested structure (a rule's condition or effect)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, dict):
        return [n for v in value.values() for n in numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in numbers(v)]
    return []
