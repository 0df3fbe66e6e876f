"""Plain words for the report: money, labels, dates. Nothing here decides anything."""

from __future__ import annotations

import re
from datetime import date, timedelta

_TRUTH = {"true": "yes", "false": "no", "True": "yes", "False": "no"}


def money(value: int | None) -> str:
    return "—" if value is None else f"£{value:,}"


def label(word: str | None) -> str:
    """An internal word as people say it: 'service_failure' → 'service failure'."""
    return (word or "—").replace("__", " ").replace("_", " ")


def day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def by_when(as_of: str, weeks: int | None) -> str:
    """'within 4 weeks (by 8 August 2025)', counted from the date the proposal is made for."""
    if not weeks:
        return "no deadline set"
    due = date.fromisoformat(as_of) + timedelta(weeks=weeks)
    return f"within {weeks} weeks (by {day(due)})"


def band(b: dict | None) -> str:
    if not b:
        return "no band"
    top = "no upper figure" if b["max"] is None else money(b["max"])
    return f"{label(b['name'].removeprefix('band_'))} {money(b['min'])}–{top} (evidence: {b['evidence']})"


def condition(text: str) -> str:
    """An advice condition ('learning_shown ≠ no (now yes)', possibly several joined by 'and'/'or')
    in plain words ('learning shown: anything but no (now: yes)')."""
    return _ATOM.sub(lambda m: f"{label(m[1])}: {_OPS[m[2]]}{_plain(m[3])} (now: {_plain(m[4])})", text)


_ATOM = re.compile(r"(\w+) (=|≠|>|≥|<|≤|one of) ([^()]+?) \(now ([^()]*)\)")
_OPS = {"=": "", "≠": "anything but ", ">": "more than ", "≥": "at least ", "<": "less than ", "≤": "at most ",
        "one of": "one of "}


def _plain(value: str) -> str:
    return _TRUTH.get(value, label(value))
