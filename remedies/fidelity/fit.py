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


Scores = list[tuple[int, int]]  # per case: (findings exact, sums within tolerance)


def _scores(results: list[dict]) -> Scores:
    return [(sum(r["exact"] for r in c["elements"]), sum(bool(r["amount_within"]) for r in c["elements"]))
            for c in results]


def _per_case(corpus: list[CaseDir], library: Library, tol: Tolerance) -> Scores:
    return _scores([measure_case(case, library, tol) for case in corpus])


def _total(scores: Scores) -> tuple[int, int]:
    return sum(s[0] for s in scores), sum(s[1] for s in scores)


def leave_one_out(corpus: list[CaseDir], library: Library, ruleset_id: str, grid: Grid, tol: Tolerance,
                  progress: Callable[[int, int, str], None] | None = None, hold: list[CaseDir] | None = None) -> dict:
    """In-sample and leave-one-case-out agreement on the finding and on the sum, over every combination
    in ``grid``; each measure picks its own best values (a sum parameter is fitted to sums).

    Cases in ``hold`` are never scored: they are what the values must keep (e.g. the seeds a ruleset
    was built from). A combination that agrees with them less well than the shipped values, on
    findings or on sums, is set aside before any choosing, in-sample or left out."""
    shipped_rs = library.get(ruleset_id)
    names = sorted(grid)
    combos = list(itertools.product(*(grid[n] for n in names)))
    held_shipped = _total(_per_case(hold or [], library, tol))
    scores: dict[tuple[int, ...], Scores] = {}
    for i, combo in enumerate(combos):
        if progress:
            progress(i, len(combos), ", ".join(f"{n}={v}" for n, v in zip(names, combo)))
        trial = _with_values(library, ruleset_id, dict(zip(names, combo)))
        held = _total(_per_case(hold or [], trial, tol))
        if held[0] >= held_shipped[0] and held[1] >= held_shipped[1]:
            scores[combo] = _per_case(corpus, trial, tol)
    if not scores:
        raise InputError(f"--fit: no combination agrees with the held cases as well as the shipped values "
                         f"({held_shipped[0]} findings, {held_shipped[1]} sums); widen the grid")
    kept = list(scores)
    measured = [measure_case(c, library, tol) for c in corpus]  # the shipped values, each case once
    shipped = _scores(measured)
    elements = [len(c["elements"]) for c in measured]
    sums = [sum(r["amount_counted"] for r in c["elements"]) for c in measured]

    def best(k: int, leave_out: int | None) -> tuple[int, ...]:
        # most agreement on the cases kept; ties go to the earlier combination, so the choice is fixed
        return max(kept, key=lambda c: sum(s[k] for j, s in enumerate(scores[c]) if j != leave_out))

    def measure(k: int) -> dict:
        in_sample = best(k, None)
        loo = [scores[best(k, i)][i][k] for i in range(len(corpus))]
        return {"shipped": sum(s[k] for s in shipped),
                "in_sample_best": {"values": dict(zip(names, in_sample)), "count": sum(s[k] for s in scores[in_sample])},
                "leave_one_out": sum(loo), "left_out": loo}

    exact, amounts = measure(0), measure(1)
    return {
        "ruleset": ruleset_id, "version": shipped_rs.spec.version,
        "grid": {n: grid[n] for n in names}, "combinations": len(combos), "elements": sum(elements),
        "held": {"cases": len(hold or []), "combinations_kept": len(kept)},
        "sums_counted": sum(sums),
        "shipped_exact": exact["shipped"],
        "in_sample_best": {"values": exact["in_sample_best"]["values"], "exact": exact["in_sample_best"]["count"]},
        "leave_one_out_exact": exact["leave_one_out"],
        "amounts": {"shipped": amounts["shipped"], "in_sample_best": amounts["in_sample_best"],
                    "leave_one_out": amounts["leave_one_out"]},
        "per_case": [{"case": c.label, "elements": n, "shipped": s[0], "left_out": lo,
                      "sums_counted": m, "sums_shipped": s[1], "sums_left_out": la}
                     for c, n, s, lo, m, la in zip(corpus, elements, shipped, exact["left_out"], sums,
                                                   amounts["left_out"])],
    }


def render(result: dict) -> str:
    """The figures for findings and for sums, and why the last of each is the one to quote."""
    def pct(k: int, n: int) -> str:
        return f"{k}/{n}  {100 * k / n:.1f}%" if n else "0/0"

    def values(best: dict) -> str:
        return ", ".join(f"{k}={v}" for k, v in best["values"].items())

    n, m, a = result["elements"], result["sums_counted"], result["amounts"]
    lines = [f"Leave-one-case-out fit of {result['ruleset']} {result['version']} over {result['combinations']} "
             f"combination(s) of {', '.join(result['grid'])}",
             *([f"  {result['held']['combinations_kept']} combination(s) keep the {result['held']['cases']} held case(s) "
                "as well as the shipped values; only they are chosen from"] if result["held"]["cases"] else []),
             f"  finding exact, shipped values        {pct(result['shipped_exact'], n)}",
             f"  finding exact, best values in-sample {pct(result['in_sample_best']['exact'], n)}  "
             f"({values(result['in_sample_best'])})",
             f"  finding exact, leave one case out    {pct(result['leave_one_out_exact'], n)}",
             f"  sums within tolerance, shipped values        {pct(a['shipped'], m)}",
             f"  sums within tolerance, best values in-sample {pct(a['in_sample_best']['count'], m)}  "
             f"({values(a['in_sample_best'])})",
             f"  sums within tolerance, leave one case out    {pct(a['leave_one_out'], m)}",
             "  (each case scored with the values that agree best with the other cases: the figures to quote)"]
    return "\n".join(lines) + "\n"
