"""The `when` language: a small set of comparisons over flat facts.

A condition compiles to durable_rules' JSON condition syntax (the engine that matches
cases) and the same compiled JSON is evaluated by ``evaluate``, a pure-Python reference
interpreter, so the two can be checked against each other. No ``eval``, no Python in YAML.

    {fact: NAME, OP: VALUE}            OP in eq, ne, gt, gte, lt, lte, in
    {all: [COND, ...]} / {any: [COND, ...]}
    VALUE is a JSON scalar, or {param: NAME} (optionally with field: min|max),
    resolved to the figure in force when the ruleset is compiled.

Operands are type-checked at load time: durable_rules compares across types (0 equals
false and ''), orders booleans and strings its own way, and crashes the process on an
ordering comparison with null, so only like-typed equality and numeric ordering are
accepted, and both matchers then agree (`remedies verify` checks that they do).
"""

from __future__ import annotations

from typing import Any, Callable

Scalar = str | int | bool | None

OPS = {"eq", "ne", "gt", "gte", "lt", "lte", "in"}
ORDERING = {"gt", "gte", "lt", "lte"}
_KIND = {bool: "a yes/no fact", int: "a number", str: "a word"}
_DURABLE_OP = {"ne": "$neq", "gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}


class ConditionError(ValueError):
    """A condition that does not fit the language; the loader adds file and line."""


def leaves(cond: dict) -> list[dict]:
    """The comparisons of a condition, walking through `all` and `any`, in order."""
    for key in ("all", "any"):
        if key in cond:
            return [leaf for sub in cond[key] for leaf in leaves(sub)]
    return [cond]


def referenced_facts(cond: dict) -> list[str]:
    """Fact names a condition reads, in order of appearance, without repeats."""
    return list(dict.fromkeys(leaf["fact"] for leaf in leaves(cond)))


def referenced_params(cond: dict) -> list[str]:
    """Parameter names a condition reads, without repeats."""
    return list(dict.fromkeys(leaf[op]["param"] for leaf in leaves(cond) for op in OPS & leaf.keys()
                              if isinstance(leaf[op], dict) and "param" in leaf[op]))


def validate(cond: Any, known_facts: Callable[[str], bool],
             fact_type: Callable[[str], type | None] = lambda name: None,
             param_values: Callable[[dict], list[Scalar]] = lambda ref: []) -> None:
    """Check the shape and operand types of a condition; raise ConditionError naming what is wrong.

    ``fact_type`` gives a fact's type where it is fixed; ``param_values`` every value a
    parameter reference can take on any date, so a figure is checked before it is in force.
    """
    if not isinstance(cond, dict):
        raise ConditionError(f"a condition must be a mapping, got {type(cond).__name__}")
    for key in ("all", "any"):
        if key in cond:
            if set(cond) != {key} or not isinstance(cond[key], list) or not cond[key]:
                raise ConditionError(f"'{key}' takes a non-empty list and nothing beside it")
            for sub in cond[key]:
                validate(sub, known_facts, fact_type, param_values)
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
        if not set(value) <= {"param", "field"} or "param" not in value \
                or value.get("field", "min") not in ("min", "max"):
            raise ConditionError("a parameter reference is {param: NAME} or {param: NAME, field: min|max}")
    elif not _is_scalar(value):
        raise ConditionError(f"'{op}' takes a scalar or a parameter reference")
    operands = value if op == "in" else param_values(value) if isinstance(value, dict) else [value]
    via = f" (a value of parameter '{value['param']}')" if isinstance(value, dict) else ""
    for operand in operands:
        problem = _operand_problem(cond["fact"], op, operand, fact_type(cond["fact"]))
        if problem:
            raise ConditionError(problem + via)


def _operand_problem(fact: str, op: str, operand: Scalar, kind: type | None) -> str | None:
    """Why durable_rules and the reference interpreter could judge this comparison differently."""
    shown = "null" if operand is None else str(operand).lower() if isinstance(operand, bool) else repr(operand)
    if op in ORDERING and kind not in (None, int):
        return f"'{fact}' is {_KIND[kind]}: '{op}' compares numbers only"
    if op in ORDERING and type(operand) is not int:
        return f"'{op}' compares numbers only, and '{fact}' is compared with {shown}"
    if op not in ORDERING and operand is not None and kind is not None and type(operand) is not kind:
        return f"'{fact}' is {_KIND[kind]} and cannot be compared with {shown}, a value of another type"
    return None


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
