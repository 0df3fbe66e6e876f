"""What one durable_rules 2.0.28 ruleset can compile and evaluate, and how a stage is split to fit.

Beyond these sizes durable_rules hangs, or fails with an error code (an internal error for
the user), on rules that are otherwise valid. Measured with ``scripts/durable_limits.py``
(rulesets shaped like ``engine.compile_stage`` makes them):

* 511 rule branches in one durable ruleset (plus the engine's session rule) work; 512 hang
  when a fact is asserted. A branch is one alternative after ``any`` and ``in`` are expanded
  (``in`` of 460 values is 460 branches). We keep a margin at 450.
* 256 branches with the same conditions work; 257 fail to compile (error 108).
* 250 distinct facts read in one ruleset work; 251 fail when a fact is asserted (error 302).
* 64 distinct comparisons true of one fact at once work; 65 fail (error 303). We count every
  comparison that could hold together (equalities of one fact with different values exclude
  each other), an upper bound.

The engine splits each stage into as many durable rulesets as these bounds need
(``partition``), so any number of rules works; the loader refuses a single rule that no
durable ruleset could hold (``Budget().problem``), naming the file and the rule.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from functools import lru_cache
from . import conditions

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


@lru_cache(maxsize=4096)
def _equality_of(leaf: Leaf) -> str | None:
    """The fact an equality compares (equalities of one fact with different values exclude each other)."""
    cmp = json.loads(leaf)
    return cmp["fact"] if "eq" in cmp else None


class Budget:
    """What one durable ruleset holds so far, counted as durable_rules builds its network."""

    def __init__(self) -> None:
        self.branches = 0
        self.facts: set[str] = set()
        self.same: Counter[Branch] = Counter()
        self.children: dict[Branch, set[Leaf]] = defaultdict(set)
        self.equalities: dict[Branch, set[str]] = defaultdict(set)
        self.true_at_once = 0

    def problem(self, cond: dict) -> str | None:
        """Why ``cond`` does not fit beside what is held, or None (nothing is changed)."""
        comparisons = len(conditions.leaves(cond))
        if comparisons > MAX_BRANCHES:  # before the alternatives are built, which costs their product
            return f"{comparisons} comparisons (at most {MAX_BRANCHES} in one rule)"
        n = branch_count(cond)
        if self.branches + n > MAX_BRANCHES:
            return f"{self.branches + n} alternatives (each 'in' value and 'any' branch counts; at most {MAX_BRANCHES})"
        facts = self.facts | set(conditions.referenced_facts(cond))
        if len(facts) > MAX_FACTS:
            return f"{len(facts)} distinct facts read (at most {MAX_FACTS})"
        chains = branches(cond)
        same = Counter(chains)
        worst = max(self.same[b] + k for b, k in same.items())
        if worst > MAX_SAME_BRANCH:
            return f"{worst} alternatives with the same condition (at most {MAX_SAME_BRANCH})"
        extra, new_children, new_equalities = 0, defaultdict(set), defaultdict(set)
        for b in chains:
            for i, leaf in enumerate(b):
                parent = b[:i]
                if leaf in self.children[parent] or leaf in new_children[parent]:
                    continue
                new_children[parent].add(leaf)
                fact = _equality_of(leaf)
                if fact is None:
                    extra += 1
                elif fact not in self.equalities[parent] and fact not in new_equalities[parent]:
                    new_equalities[parent].add(fact)
                    extra += 1
        if self.true_at_once + extra > MAX_TRUE_AT_ONCE:
            return (f"{self.true_at_once + extra} comparisons that can hold of one case at once "
                    f"(at most {MAX_TRUE_AT_ONCE})")
        return None

    def add(self, cond: dict) -> None:
        """Hold ``cond`` (which ``problem`` has passed)."""
        self.branches += branch_count(cond)
        self.facts.update(conditions.referenced_facts(cond))
        for b in branches(cond):
            self.same[b] += 1
            for i, leaf in enumerate(b):
                parent = b[:i]
                if leaf in self.children[parent]:
                    continue
                self.children[parent].add(leaf)
                fact = _equality_of(leaf)
                if fact is None:
                    self.true_at_once += 1
                elif fact not in self.equalities[parent]:
                    self.equalities[parent].add(fact)
                    self.true_at_once += 1


def partition(conds: list[dict]) -> list[list[int]]:
    """Indexes of ``conds`` grouped, in order, so that each group fits one durable ruleset."""
    groups: list[list[int]] = []
    budget, current = Budget(), []
    for i, cond in enumerate(conds):
        if current and budget.problem(cond):
            groups.append(current)
            budget, current = Budget(), []
        budget.add(cond)
        current.append(i)
    if current:
        groups.append(current)
    return groups
