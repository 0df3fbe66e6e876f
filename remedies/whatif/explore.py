"""Re-assess a case once per one-fact change and keep the changes that move an element.

Distances are read from the finding rules themselves: each rule that sets a level on a
points threshold gives the threshold in force, so "3 points short of maladministration"
is in the rules' own terms, and changes when they do.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError

from .. import conditions, engine
from ..effects import effect_of
from ..errors import RemediesError
from ..facts import Case
from ..ruleset_schema import LEVELS
from ..rulesets import Library
from .candidates import Candidate, generate

PER_DIRECTION = 3  # changes shown each way: the smallest moves, not every one
# where each finding stands, to say whether a change moves an element up or down
_RANK = {"no_maladministration": 0, "reasonable_redress": 1, "service_failure": 2, "maladministration": 3,
         "severe_maladministration": 4}


POINTS_SEARCH = 100  # how far above or below the element's points to look for a threshold


def _finding_rules(element: dict, library: Library) -> list[tuple[str, str, dict, dict]]:
    """(level, rule key, compiled condition, facts it read) for each finding rule that sets a level,
    with its parameters at the values the assessment read."""
    out = []
    for t in element["trace"]:
        if t["stage"] != "finding":
            continue
        rule = next((r for r in library.get(t["ruleset"]).spec.rules if f"{t['ruleset']}/{r.id}" == t["rule"]), None)
        if rule is None or "points" not in conditions.referenced_facts(rule.when):
            continue
        name, level = effect_of(rule.then)
        if name != "set_level" or level not in LEVELS or any(p not in t["params"] for p in
                                                               conditions.referenced_params(rule.when)):
            continue
        cond = conditions.compile_condition(
            rule.when, lambda ref, t=t: t["params"][ref["param"]][ref.get("field", "value")])
        out.append((level, t["rule"], cond, dict(t["reads"])))
    return out


def _holds(cond: dict, reads: dict, points: int) -> bool:
    return conditions.evaluate(cond, {**reads, "points": points})


def distance(element: dict, library: Library) -> dict:
    """How many points the element is from the level above, and from falling below its level, found by
    evaluating the finding rules' own conditions (with the other facts as they are) at other points."""
    level, points = element["level_before_redress"], element["points"]
    if level not in LEVELS or points is None:
        return {"points": points, "up": None, "down": None, "points_alone_cannot_reach": [], "held_without_points": False}
    rules = _finding_rules(element, library)
    up = None
    for lv, key, cond, reads in rules:
        if LEVELS.index(lv) <= LEVELS.index(level):
            continue
        at = next((p for p in range(points + 1, points + POINTS_SEARCH) if _holds(cond, reads, p)), None)
        if at is not None and (up is None or (LEVELS.index(lv), at) < (LEVELS.index(up["level"]), up["threshold"])):
            up = {"level": lv, "threshold": at, "points_needed": at - points, "rule": key}
    higher = {lv for lv, _, _, _ in rules if LEVELS.index(lv) > LEVELS.index(level)}
    reachable = {lv for lv, _, cond, reads in rules if lv in higher
                 and any(_holds(cond, reads, p) for p in range(points + 1, points + POINTS_SEARCH))}
    blocked = sorted(higher - reachable, key=LEVELS.index)
    # a rule that fired and sets this level without reading points keeps it there whatever the points
    floor = _level_held_otherwise(element, library, level)
    holding = [(lv, cond, reads) for lv, _, cond, reads in rules
               if LEVELS.index(lv) >= LEVELS.index(level) and _holds(cond, reads, points)]
    down = None
    if holding and LEVELS.index(level) > 0:
        # the most points at which none of the rules that put it at this level (or above) holds
        at = next((p for p in range(points - 1, max(-1, points - POINTS_SEARCH), -1)
                   if not any(_holds(c, r, p) for _, c, r in holding)), None)
        others = [lv for lv, key, cond, reads in rules if at is not None and _holds(cond, reads, at)]
        if at is not None and not floor:
            below = max(others, key=LEVELS.index, default=LEVELS[0])
            if LEVELS.index(below) < LEVELS.index(level):
                down = {"level": below, "threshold": at + 1, "points_to_lose": points - at, "rule": None}
    return {"points": points, "up": up, "down": down, "points_alone_cannot_reach": blocked,
            "held_without_points": floor}


def _level_held_otherwise(element: dict, library: Library, level: str) -> bool:
    """A finding rule that fired and sets ``level`` or above without reading points."""
    for t in element["trace"]:
        if t["stage"] != "finding" or t["status"] != "fired" or "points" in t["reads"]:
            continue
        rule = next((r for r in library.get(t["ruleset"]).spec.rules if f"{t['ruleset']}/{r.id}" == t["rule"]), None)
        name, lv = effect_of(rule.then) if rule else ("", "")
        if name == "set_level" and lv in LEVELS and LEVELS.index(lv) >= LEVELS.index(level):
            return True
    return False


def _outcome(case: Case, library: Library, as_of: date | None) -> dict[str, dict] | None:
    try:
        run = engine.assess(case, library, as_of)
    except RemediesError:
        return None
    return {el_id: {"finding": st.finding, "level": st.level or None, "amount": st.amount,
                    "points": None if st.excluded else st.points}
            for el_id, st in run.states.items()}


def _validated(candidate: Candidate) -> Case | None:
    try:
        return Case.model_validate(candidate.facts)
    except ValidationError:
        return None  # a change that would make the facts impossible is not a change to show


def explore(case: Case, library: Library, as_of: date | None, assessment: dict[str, Any]) -> dict[str, dict]:
    """For each element: its distance from the next levels and the one-fact changes that move it,
    each confirmed by assessing the changed facts."""
    base = case.model_dump(mode="python", by_alias=True, exclude_none=True)
    least = {e["id"]: ((e["offer_advice"] or {}).get("least_proportionate_offer"), e["offered"])
             for e in assessment["elements"]}
    excluded = frozenset(e["id"] for e in assessment["elements"] if e["finding"] == "outside_jurisdiction")
    candidates = generate(base, library, least, excluded)
    outcomes = [(c, _outcome(changed, library, as_of)) for c in candidates
                if (changed := _validated(c)) is not None]
    result: dict[str, dict] = {}
    for e in assessment["elements"]:
        if e["finding"] not in _RANK:
            result[e["id"]] = {"considered": 0, "distance": None, "up": [], "down": [], "sum_only": []}
            continue
        moves: dict[str, list[dict]] = {"up": [], "down": [], "sum_only": []}
        for c, out in outcomes:
            got = (out or {}).get(e["id"])
            if not got or got["finding"] not in _RANK:
                continue
            step = _RANK[got["finding"]] - _RANK[e["finding"]]
            way = "up" if step > 0 else "down" if step < 0 else "sum_only" if got["amount"] != e["amount"] else None
            if way:
                moves[way].append({"change": c.change, "element": c.element, "new_word": c.new_word, **got})
        for way in moves:  # changes to the facts given first, then the smallest change in the sum
            moves[way].sort(key=lambda m: (m["new_word"], abs(m["amount"] - e["amount"]), m["change"]))
            moves[way] = moves[way][:PER_DIRECTION]
        result[e["id"]] = {"considered": len(outcomes), "distance": distance(e, library), **moves}
    return result
