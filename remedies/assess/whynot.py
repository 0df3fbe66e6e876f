""""Why not more": for a rule that did not fire, the comparisons it missed, and how near it came.

Works on the compiled (durable JSON) condition with the facts the rule saw: an ``all`` needs
every comparison, an ``any`` its nearest alternative, so the distance is the number of
comparisons that would have to change for the rule to fire.
"""

from __future__ import annotations

from ..conditions import evaluate

_SHOWN = {"$neq": "≠", "$gt": ">", "$gte": "≥", "$lt": "<", "$lte": "≤"}


def unmet(compiled: dict, fact: dict) -> list[dict]:
    """The comparisons that failed, fewest first where there is a choice (an ``any``)."""
    if "$and" in compiled:
        return [leaf for sub in compiled["$and"] for leaf in unmet(sub, fact)]
    if "$or" in compiled:
        return min((unmet(sub, fact) for sub in compiled["$or"]), key=len)
    return [] if evaluate(compiled, fact) else [compiled]


def gap(leaf: dict, fact: dict) -> int:
    """How far a missed numeric comparison is from holding (1 for any other miss): breaks ties in nearness."""
    ((key, body),) = leaf.items()
    if key in ("$gt", "$gte", "$lt", "$lte"):
        ((name, value),) = body.items()
        actual = fact.get(name)
        if type(actual) is int and type(value) is int:
            need = {"$gt": value + 1 - actual, "$gte": value - actual, "$lt": actual - value + 1, "$lte": actual - value}
            return max(1, need[key])
    return 1


def describe(leaf: dict, fact: dict) -> str:
    """One missed comparison in words: ``points = 4, needs ≥ 7``."""
    ((key, body),) = leaf.items()
    if key.startswith("$"):
        ((name, value),) = body.items()
        op = _SHOWN[key]
    else:
        name, value, op = key, body, "="
    return f"{name} = {show(fact.get(name))}, needs {op} {show(value)}"


def show(value: object) -> str:
    if value is None:
        return "null"
    if value == "":
        return "''"
    return str(value).lower() if isinstance(value, bool) else str(value)
