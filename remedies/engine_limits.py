"""What durable_rules 2.0.28 can compile and evaluate, checked when rulesets load.

Beyond these sizes durable_rules hangs, or fails with an error code, on a ruleset that is
otherwise valid; the loader refuses it instead, naming the file and the rule. Measured with
``scripts/durable_limits.py`` (rulesets shaped like ``engine.compile_stage`` makes them):

* 511 rule branches in one compiled stage (plus the engine's session rule) work; 512 hang
  when a fact is asserted. A branch is one alternative after ``any`` and ``in`` are expanded
  (``in`` of 460 values is 460 branches). The engine keeps a margin at 450.
* 256 branches with the same conditions work; 257 fail to compile (error 108).
* 250 distinct facts read in one stage work; 251 fail when a fact is asserted (error 302).
* 64 distinct comparisons true of one fact at once work; 65 fail (error 303). The loader
  counts every comparison that could hold together (equalities of one fact with different
  values exclude each other), an upper bound.

Rulesets that can be in force together are checked together: all those that are not a
landlord's policy, with each landlord's policies in turn.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from functools import lru_cache
from typing import TYPE_CHECKING

from . import conditions
from .errors import InputError

if TYPE_CHECKING:
    from .rulesets import Ruleset

MAX_BRANCHES = 450
MAX_SAME_BRANCH = 256
MAX_FACTS = 250
MAX_TRUE_AT_ONCE = 64

Leaf = str  # a comparison, as canonical JSON
Branch = tuple[Leaf, ...]


def branch_count(cond: dict) -> int:
    """How many alternatives durable_rules makes of a condition (without building them)."""
    if "all" in cond:
        total = 1
        for sub in cond["all"]:
            total *= branch_count(sub)
            if total > MAX_BRANCHES:
                return total
        return total
    if "any" in cond:
        return sum(branch_count(sub) for sub in cond["any"])
    return len(cond["in"]) if "in" in cond else 1


def branches(cond: dict) -> list[Branch]:
    """The alternatives themselves: each a chain of comparisons (call only once counted small)."""
    if "all" in cond:
        out: list[Branch] = [()]
        for sub in cond["all"]:
            out = [a + b for a in out for b in branches(sub)]
        return out
    if "any" in cond:
        return [b for sub in cond["any"] for b in branches(sub)]
    if "in" in cond:
        return [(json.dumps({"fact": cond["fact"], "eq": v}, sort_keys=True),) for v in cond["in"]]
    return [(json.dumps(cond, sort_keys=True),)]


def _true_at_once(all_branches: list[Branch]) -> int:
    """An upper bound on the comparisons that can hold of one fact together."""
    children: dict[Branch, set[Leaf]] = defaultdict(set)
    for b in all_branches:
        for i in range(len(b)):
            children[b[:i]].add(b[i])
    total = 0
    for kids in children.values():
        eq_facts = {_equality_of(leaf) for leaf in kids} - {None}
        total += len(eq_facts) + sum(1 for leaf in kids if _equality_of(leaf) is None)
    return total


@lru_cache(maxsize=4096)
def _equality_of(leaf: Leaf) -> str | None:
    """The fact an equality compares (equalities of one fact with different values exclude each other)."""
    cmp = json.loads(leaf)
    return cmp["fact"] if "eq" in cmp else None


def _fail(r: "Ruleset", index: int, message: str) -> InputError:
    return InputError(message, file=r.path, line=r.doc.line_of(("rules", index)), field=f"rules.{index}")


def _check_stage(members: list[tuple["Ruleset", int]], stage: str) -> None:
    total = 0
    facts: set[str] = set()
    seen: Counter[Branch] = Counter()
    chains: list[Branch] = []
    for r, i in members:
        rule = r.spec.rules[i]
        n = branch_count(rule.when)
        total += n
        where = f"stage '{stage}'"
        if total > MAX_BRANCHES:
            raise _fail(r, i, f"rule '{rule.id}' brings {where} to {total}+ alternatives (each 'in' value and "
                        f"'any' branch counts) with the rulesets in force with it; durable_rules 2.0.28 "
                        f"evaluates at most {MAX_BRANCHES}: split or merge rules")
        facts.update(conditions.referenced_facts(rule.when))
        if len(facts) > MAX_FACTS:
            raise _fail(r, i, f"rule '{rule.id}' brings {where} to {len(facts)} distinct facts read; "
                        f"durable_rules 2.0.28 accepts at most {MAX_FACTS} in one stage")
        for b in branches(rule.when):
            seen[b] += 1
            chains.append(b)
            if seen[b] > MAX_SAME_BRANCH:
                raise _fail(r, i, f"rule '{rule.id}' is the {seen[b]}th in {where} with the same condition; "
                            f"durable_rules 2.0.28 compiles at most {MAX_SAME_BRANCH}: merge them")
        if _true_at_once(chains) > MAX_TRUE_AT_ONCE:
            raise _fail(r, i, f"rule '{rule.id}' brings {where} to more than {MAX_TRUE_AT_ONCE} comparisons "
                        f"that can hold of one case at once; durable_rules 2.0.28 evaluates at most "
                        f"{MAX_TRUE_AT_ONCE}: share conditions between rules or split the stage")


def check(loaded: list["Ruleset"]) -> None:
    """Refuse rulesets that durable_rules could not compile or evaluate together, or that the
    engine could not order (rules overriding each other round a circle)."""
    check_override_cycles(loaded)
    common = [r for r in loaded if not r.spec.landlord]
    landlords = sorted({r.spec.landlord for r in loaded if r.spec.landlord})
    groups = [common + [r for r in loaded if r.spec.landlord == who] for who in landlords] or [common]
    for group in groups:
        stages: dict[tuple[str, str], list[tuple["Ruleset", int]]] = defaultdict(list)
        for r in group:
            for i, rule in enumerate(r.spec.rules):
                stages[(rule.stage, rule.applies_to)].append((r, i))
        for (stage, applies_to), members in stages.items():
            _check_stage(members, f"{stage}/{applies_to}")


def check_override_cycles(loaded: list["Ruleset"]) -> None:
    """Rules that override each other (directly or round a circle) cannot both give way: a load error."""
    where: dict[str, tuple["Ruleset", int]] = {}
    edges: dict[str, list[str]] = {}
    for r in loaded:
        for i, rule in enumerate(r.spec.rules):
            key = f"{r.id}/{rule.id}"
            where[key] = (r, i)
            edges[key] = [t if "/" in t else f"{r.id}/{t}" for t in rule.overrides]
    done: set[str] = set()
    for start in edges:
        path: list[str] = []
        on_path: set[str] = set()
        stack = [(start, iter(edges[start]))]
        if start in done:
            continue
        path.append(start)
        on_path.add(start)
        while stack:
            node, targets = stack[-1]
            target = next(targets, None)
            if target is None:
                stack.pop()
                path.pop()
                on_path.discard(node)
                done.add(node)
                continue
            if target in on_path:
                circle = path[path.index(target):] + [target]
                r, i = where[circle[0]]
                raise InputError(f"rules override each other in a circle: "
                           f"{' overrides '.join(circle)}; one of them must not override the other",
                                 file=r.path, line=r.doc.line_of(("rules", i, "overrides")),
                                 field=f"rules.{i}.overrides")
            if target in edges and target not in done:
                stack.append((target, iter(edges[target])))
                path.append(target)
                on_path.add(target)
