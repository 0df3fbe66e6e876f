"""Re-assess a case once per one-fact change and keep the changes that move an element.

Distances are read from the finding rules themselves: each rule that sets a level on a
points threshold gives the threshold in force, so "3 points short of maladministration"
is in the rules' own terms, and changes when they do.
"""

from __future__ import annotations

import copy
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


def _finding_rules(run: engine.Run) -> list[tuple[str, str, dict, bool]]:
    """(level, rule key, compiled condition, reads points) for each finding rule that sets a level,
    with its parameters at the values in force on the date the assessment read them."""
    out = []
    for rs in run.rulesets:
        on = run.figures_on(rs) if run.figures_on else run.as_of
        for rule in rs.spec.rules:
            name, level = effect_of(rule.then)
            if rule.stage != "finding" or name != "set_level" or level not in LEVELS:
                continue
            if any(rs.param(p, on) is None for p in conditions.referenced_params(rule.when)):
                continue  # no figure in force: the rule cannot apply on this date
            cond = conditions.compile_condition(
                rule.when, lambda ref, rs=rs, on=on: getattr(rs.param(ref["param"], on), ref.get("field", "value")))
            out.append((level, f"{rs.id}/{rule.id}", cond, "points" in conditions.referenced_facts(rule.when)))
    return out


def distance(run: engine.Run, el_id: str) -> dict:
    """How many points the element is from the level above, and from falling below its level, found by
    evaluating the finding rules' own conditions (with the other facts as they are) at other points."""
    st = run.states[el_id]
    level, points = st.level, None if st.excluded else st.points
    if level not in LEVELS or points is None:
        return {"points": points, "up": None, "down": None, "points_alone_cannot_reach": [], "held_without_points": False}
    facts = run.facts[el_id].facts
    rules = _finding_rules(run)

    def holds(cond: dict, p: int) -> bool:
        return conditions.evaluate(cond, {**facts, "points": p})

    by_points = [(lv, key, cond) for lv, key, cond, reads_points in rules if reads_points]
    up = None
    for lv, key, cond in by_points:
        if LEVELS.index(lv) <= LEVELS.index(level):
            continue
        at = next((p for p in range(points + 1, points + POINTS_SEARCH) if holds(cond, p)), None)
        if at is not None and (up is None or (LEVELS.index(lv), at) < (LEVELS.index(up["level"]), up["threshold"])):
            up = {"level": lv, "threshold": at, "points_needed": at - points, "rule": key}
    higher = {lv for lv, _, _ in by_points if LEVELS.index(lv) > LEVELS.index(level)}
    reachable = {lv for lv, _, cond in by_points if lv in higher
                 and any(holds(cond, p) for p in range(points + 1, points + POINTS_SEARCH))}
    # a rule that sets this level (or above) without reading points keeps it there whatever the points
    floor = any(not reads_points and LEVELS.index(lv) >= LEVELS.index(level) and holds(cond, points)
                for lv, _, cond, reads_points in rules)
    holding = [cond for lv, _, cond in by_points if LEVELS.index(lv) >= LEVELS.index(level) and holds(cond, points)]
    down = None
    if holding and LEVELS.index(level) > 0 and not floor:
        # the most points at which none of the rules that put it at this level (or above) holds
        at = next((p for p in range(points - 1, max(-1, points - POINTS_SEARCH), -1)
                   if not any(holds(c, p) for c in holding)), None)
        if at is not None:
            below = max((lv for lv, _, cond, _ in rules if holds(cond, at)), key=LEVELS.index, default=LEVELS[0])
            if LEVELS.index(below) < LEVELS.index(level):
                down = {"level": below, "threshold": at + 1, "points_to_lose": points - at}
    return {"points": points, "up": up, "down": down,
            "points_alone_cannot_reach": sorted(higher - reachable, key=LEVELS.index), "held_without_points": floor}


def _outcome(case: Case, library: Library, as_of: date | None) -> dict[str, dict] | None:
    try:
        run = engine.assess(case, library, as_of, keep_quiet=False)  # only the states are read
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


def explore(case: Case, library: Library, as_of: date | None, assessment: dict[str, Any],
            run: engine.Run) -> dict[str, dict]:
    """For each element: its distance from the next levels and the one-fact changes that move it,
    each confirmed by assessing the changed facts. ``run`` and ``assessment`` are the case as given."""
    subjects = len(case.elements) + len(case.complaints)
    if subjects > MAX_SUBJECTS:  # the distance needs no re-assessment; the changes each need one of the whole case
        why = (f"not explored: the case has {subjects:,} elements and complaints (over {MAX_SUBJECTS}), and each "
               f"one-fact change would re-assess all of them")
        return {e["id"]: {"considered": 0, "not_explored": why, "up": [], "down": [], "sum_only": [],
                          "distance": distance(run, e["id"]) if e["finding"] in _RANK else None}
                for e in assessment["elements"]}
    key = (case.model_dump_json(), as_of, tuple(r.digest for r in library.rulesets))
    if key not in _CACHE:
        if len(_CACHE) >= CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _explore(case, library, as_of, assessment, run)
    return copy.deepcopy(_CACHE[key])


MAX_SUBJECTS = 24  # elements and complaints: beyond this each change re-assesses too much to try them all
CACHE_SIZE = 16  # the same facts and rulesets give the same answer: a second report of a case costs nothing
_CACHE: dict[tuple, dict[str, dict]] = {}


def _explore(case: Case, library: Library, as_of: date | None, assessment: dict[str, Any],
             run: engine.Run) -> dict[str, dict]:
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
        result[e["id"]] = {"considered": len(outcomes), "distance": distance(run, e["id"]), **moves}
    return result
