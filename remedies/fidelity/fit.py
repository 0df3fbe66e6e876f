"""Leave one case out: do parameter values chosen on a corpus agree with a case they were not chosen on?

Thresholds fitted to past decisions always look better on those decisions than they are. For
each combination of candidate values the whole corpus is measured once; then, for each case in
turn, the combination that agrees best with the *other* cases is chosen and scored on the case
left out. The sum of those scores is the honest figure to quote; the in-sample best is shown
beside it so the gap can be seen.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Callable

from ..errors import InputError
from ..rulesets import Library, Ruleset
from .corpus import CaseDir
from .measure import Tolerance, measure_case

Grid = dict[str, list[int]]


def parse_grid(specs: tuple[str, ...]) -> Grid:
    """`NAME=V1,V2,...` options as a grid of whole-number candidates."""
    grid: Grid = {}
    for spec in specs:
        name, _, values = spec.partition("=")
        try:
            grid[name.strip()] = [int(v) for v in values.split(",") if v.strip()]
        except ValueError:
            raise InputError(f"--fit '{spec}': give NAME=V1,V2,... with whole numbers") from None
        if not name.strip() or not grid[name.strip()]:
            raise InputError(f"--fit '{spec}': give NAME=V1,V2,... with whole numbers")
    return grid


def _with_values(library: Library, ruleset_id: str, values: dict[str, int]) -> Library:
    """The library with every dated value of the named parameters set to one figure (a what-if copy)."""
    target = library.get(ruleset_id)
    params = dict(target.spec.parameters)
    for name, value in values.items():
        if name not in params or any(v.value is None or isinstance(v.value, str) for v in params[name].values):
            raise InputError(f"--fit: ruleset '{ruleset_id}' has no numeric parameter '{name}'")
        params[name] = params[name].model_copy(
            update={"values": [v.model_copy(update={"value": value}) for v in params[name].values]})
    tag = ",".join(f"{k}={v}" for k, v in sorted(values.items()))
    changed: Ruleset = replace(target, spec=target.spec.model_copy(update={"parameters": params}),
                               digest=f"{target.digest}+{tag}")
    return replace(library, rulesets=[changed if r is target else r for r in library.rulesets])


def _exact_per_case(corpus: list[CaseDir], library: Library, tol: Tolerance) -> list[int]:
    results = [measure_case(case, library, tol) for case in corpus]
    return [sum(r["exact"] for r in c["elements"]) for c in results]


def leave_one_out(corpus: list[CaseDir], library: Library, ruleset_id: str, grid: Grid, tol: Tolerance,
                  progress: Callable[[int, int, str], None] | None = None) -> dict:
    """In-sample and leave-one-case-out agreement on the finding, over every combination in ``grid``."""
    shipped_rs = library.get(ruleset_id)
    names = sorted(grid)
    combos = list(itertools.product(*(grid[n] for n in names)))
    scores: dict[tuple[int, ...], list[int]] = {}
    for i, combo in enumerate(combos):
        if progress:
            progress(i, len(combos), ", ".join(f"{n}={v}" for n, v in zip(names, combo)))
        scores[combo] = _exact_per_case(corpus, _with_values(library, ruleset_id, dict(zip(names, combo))), tol)
    shipped = _exact_per_case(corpus, library, tol)
    elements = [len(measure_case(c, library, tol)["elements"]) for c in corpus]

    def best(leave_out: int | None) -> tuple[int, ...]:
        # most agreement on the cases kept; ties go to the earlier combination, so the choice is fixed
        return max(combos, key=lambda c: sum(s for j, s in enumerate(scores[c]) if j != leave_out))

    in_sample = best(None)
    loo = [scores[best(i)][i] for i in range(len(corpus))]
    total = sum(elements)
    return {
        "ruleset": ruleset_id, "version": shipped_rs.spec.version,
        "grid": {n: grid[n] for n in names}, "combinations": len(combos), "elements": total,
        "shipped_exact": sum(shipped),
        "in_sample_best": {"values": dict(zip(names, in_sample)), "exact": sum(scores[in_sample])},
        "leave_one_out_exact": sum(loo),
        "per_case": [{"case": c.label, "elements": n, "shipped": s, "left_out": lo}
                     for c, n, s, lo in zip(corpus, elements, shipped, loo)],
    }


def render(result: dict) -> str:
    """The three figures, and why the last is the one to quote."""
    n = result["elements"]

    def pct(k: int) -> str:
        return f"{k}/{n}  {100 * k / n:.1f}%" if n else "0/0"

    best = ", ".join(f"{k}={v}" for k, v in result["in_sample_best"]["values"].items())
    lines = [f"Leave-one-case-out fit of {result['ruleset']} {result['version']} over {result['combinations']} "
             f"combination(s) of {', '.join(result['grid'])}",
             f"  finding exact, shipped values        {pct(result['shipped_exact'])}",
             f"  finding exact, best values in-sample {pct(result['in_sample_best']['exact'])}  ({best})",
             f"  finding exact, leave one case out    {pct(result['leave_one_out_exact'])}",
             "  (each case scored with the values that agree best with the other cases: the figure to quote)"]
    return "\n".join(lines) + "\n"
