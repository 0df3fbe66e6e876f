"""Re-assess a case once per one-fact change and keep the changes that move an element.

Distances are read from the finding rules themselves: each rule that sets a level on a
points threshold gives the threshold in force, so "3 points short of maladministration"
is in the rules' own terms, and changes when they do.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError

from .. import engine
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


def _thresholds(element: dict, library: Library) -> list[dict]:
    """(level, threshold, rule) for each finding rule that sets a level once points reach a figure."""
    out = []
    for t in element["trace"]:
        if t["stage"] != "finding":
            continue
        rule = next((r for r in library.get(t["ruleset"]).spec.rules if f"{t['ruleset']}/{r.id}" == t["rule"]), None)
        if rule is None:
            continue
        name, level = effect_of(rule.then)
        if name != "set_level" or level not in LEVELS:
            continue
        when = rule.when
        if when.get("fact") != "points":
            continue
        for op, extra in (("gte", 0), ("gt", 1)):
            ref = when.get(op)
            if isinstance(ref, dict) and ref.get("param") in t["params"]:
                out.append({"level": level, "points": t["params"][ref["param"]]["value"] + extra, "rule": t["rule"]})
            elif isinstance(ref, int):
                out.append({"level": level, "points": ref + extra, "rule": t["rule"]})
    return sorted(out, key=lambda x: LEVELS.index(x["level"]))


def distance(element: dict, library: Library) -> dict:
    """How many points the element is from the level above and from falling to the level below."""
    level, points = element["level_before_redress"], element["points"]
    if level not in LEVELS or points is None:
        return {"points": points, "up": None, "down": None}
    steps = _thresholds(element, library)
    above = [s for s in steps if LEVELS.index(s["level"]) > LEVELS.index(level) and s["points"] > points]
    here = [s for s in steps if s["level"] == level and s["points"] <= points]
    below = [lv for lv in LEVELS[:LEVELS.index(level)]]
    up = above[0] and {"level": above[0]["level"], "threshold": above[0]["points"],
                       "points_needed": above[0]["points"] - points, "rule": above[0]["rule"]} if above else None
    down = None
    if here and below:
        down = {"level": below[-1], "threshold": here[-1]["points"], "points_to_lose": points - here[-1]["points"] + 1,
                "rule": here[-1]["rule"]}
    return {"points": points, "up": up, "down": down}


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
    least = {e["id"]: (e["offer_advice"] or {}).get("least_proportionate_offer") for e in assessment["elements"]}
    candidates = generate(base, library, least)
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
