"""The `when` language: a small set of comparisons over flat facts.

A condition compiles to durable_rules' JSON condition syntax (the engine that matches
cases) and the same compiled JSON is evaluated by ``evaluate``, a pure-Python reference
interpreter, so the two can be checked against each other. No ``eval``, no Python in YAML.

    {fact: NAME, OP: VALUE}            OP in eq, ne, gt, gte, lt, lte, in
    {all: [COND, ...]} / {any: [COND, ...]}
    VALUE is a JSON scalar, or {param: NAME} (optionally with field: min|max),
    resolved to the figure in force when the ruleset is compiled.
"""

from __future__ import annotations

from typing import Any, Callable

Scalar = str | int | bool | None

OPS = {"eq", "ne", "gt", "gte", "lt", "lte", "in"}
_DURABLE_OP = {"ne": "$neq", "gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}


class ConditionError(ValueError):
    """A condition that does not fit the language; the loader adds file and line."""


def referenced_facts(cond: dict) -> list[str]:
    """Fact names a condition reads, in order of appearance, without repeats."""
    out: list[str] = []

    def walk(c: dict) -> None:
        for key in ("all", "any"):
            if key in c:
                for sub in c[key]:
                    walk(sub)
                return
        if c["fact"] not in out:
            out.append(c["fact"])

    walk(cond)
    return out


def referenced_params(cond: dict) -> list[str]:
    """Parameter names a condition reads."""
    out: list[str] = []

    def walk(c: dict) -> None:
        for key in ("all", "any"):
            if key in c:
                for sub in c[key]:
                    walk(sub)
                return
        for op in OPS & c.keys():
            value = c[op]
            if isinstance(value, dict) and value.get("param") not in out:
                out.append(value["param"])

    walk(cond)
    return out


def validate(cond: Any, known_facts: Callable[[str], bool]) -> None:
    """Check the shape of a condition; raise ConditionError naming what is wrong."""
    if not isinstance(cond, dict):
        raise ConditionError(f"a condition must be a mapping, got {type(cond).__name__}")
    for key in ("all", "any"):
        if key in cond:
            if set(cond) != {key} or not isinstance(cond[key], list) or not cond[key]:
                raise ConditionError(f"'{key}' takes a non-empty list and nothing beside it")
            for sub in cond[key]:
                validate(sub, known_facts)
            return
    if "fact" not in cond:
        raise ConditionError("a comparison needs 'fact'")
    ops = set(cond) - {"fact"}
    if len(ops) != 1 or not ops <= OPS:
        raise ConditionError(f"a comparison takes exactly one of {', '.join(sorted(OPS))}; got {sorted(ops)}")
    if not known_facts(cond["fact"]):
        raise ConditionError(f"unknown fact '{cond['fact']}'")
    (op,) = ops
    value = cond[op]
    if op == "in":
        if not isinstance(value, list) or not value or not all(_is_scalar(v) for v in value):
            raise ConditionError("'in' takes a non-empty list of scalars")
    elif isinstance(value, dict):
        if not set(value) <= {"param", "field"} or "param" not in value:
            raise ConditionError("a parameter reference is {param: NAME} or {param: NAME, field: min|max}")
    elif not _is_scalar(value):
        raise ConditionError(f"'{op}' takes a scalar or a parameter reference")


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, bool)) and not isinstance(value, float)


def compile_condition(cond: dict, resolve: Callable[[dict], Scalar]) -> dict:
    """Translate to durable_rules JSON, with parameters replaced by their values."""
    for key, dop in (("all", "$and"), ("any", "$or")):
        if key in cond:
            subs = [compile_condition(c, resolve) for c in cond[key]]
            return subs[0] if len(subs) == 1 else {dop: subs}
    name = cond["fact"]
    (op,) = set(cond) - {"fact"}
    value = cond[op]
    if isinstance(value, dict):
        value = resolve(value)
    if op == "eq":
        return {name: value}
    if op == "in":
        alts = [{name: v} for v in value]
        return alts[0] if len(alts) == 1 else {"$or": alts}
    return {_DURABLE_OP[op]: {name: value}}


def evaluate(compiled: dict, fact: dict) -> bool:
    """Reference interpreter of compiled (durable JSON) conditions, in plain Python."""
    if "$and" in compiled:
        return all(evaluate(c, fact) for c in compiled["$and"])
    if "$or" in compiled:
        return any(evaluate(c, fact) for c in compiled["$or"])
    ((key, body),) = compiled.items()
    if key.startswith("$"):
        ((name, value),) = body.items()
        if name not in fact:
            return False
        actual = fact[name]
        if key == "$neq":
            return actual != value
        if actual is None or value is None or type(actual) is bool or type(value) is bool:
            return False
        if isinstance(actual, str) != isinstance(value, str):
            return False
        return {"$gt": actual > value, "$gte": actual >= value,
                "$lt": actual < value, "$lte": actual <= value}[key]
    return key in fact and fact[key] == body and type(fact[key]) is type(body)
