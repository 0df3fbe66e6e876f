"""Money as caseworkers and determinations write it: whole pounds, or pounds and pence where a
sum really has pence (a receipt, a rent-based calculation, an order of £2,431.41).

Exact throughout: a whole sum stays an ``int`` (so files without pence read and print as they
always did), a sum with pence is a ``Decimal`` of two places. Never a float: YAML's ``12.50``
reaches us as a ``Decimal`` (see yamlio), and a float is refused.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from .plausible import MAX_POUNDS

PENNY = Decimal("0.01")


def exact(value: int | Decimal) -> int | Decimal:
    """The sum as an int when it is whole pounds, else a Decimal of exactly two places."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value.quantize(PENNY)
    return value


def _money(value: Any) -> int | Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ValueError("a sum of money is a number of pounds, e.g. 350 or 2431.41")
    if isinstance(value, Decimal) and (not value.is_finite() or value != value.quantize(PENNY)):
        raise ValueError(f"{value} has more than two decimal places: write pounds and pence, e.g. 2431.41")
    if not 0 <= value <= MAX_POUNDS:
        raise ValueError(f"a sum of money is between £0 and £{MAX_POUNDS:,}")
    return exact(value)


Money = Annotated[int | Decimal, BeforeValidator(_money),
                  Field(description="pounds: whole (350) or with pence (2431.41); never more than two decimal places")]


def json_default(value: object) -> object:
    """For ``json.dumps``: a sum with pence is written as the number it is (2431.41).

    The float made here is only the vehicle of its shortest decimal text, which for two places
    and sums this size is the Decimal's own digits; no arithmetic is ever done on it.
    """
    if isinstance(value, Decimal):
        whole = exact(value)
        return whole if isinstance(whole, int) else float(whole)
    raise TypeError(f"{type(value).__name__} is not JSON")
