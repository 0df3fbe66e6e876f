"""Properties a consistent compensation scheme keeps, checked by hypothesis: `remedies verify`.

Static properties read the rulesets (the bands at every date where a figure changes; the
dated values). Dynamic properties assess generated cases, or pairs of cases one change
apart, and search for a counterexample, which hypothesis shrinks to the plainest case that
still shows the same violation. Every violation comes with facts files that reproduce it
under `remedies assess`; a static one with a case that reaches the figures concerned.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from random import Random
from typing import Any, Callable

from hypothesis import HealthCheck, Phase, Verbosity, configuration, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from .. import assess, engine, report, rulesets
from . import generate
from ..errors import RemediesError
from ..facts import Case
from ..rulesets import LEVELS, Library, Resolved, Ruleset, inverted_bands, overlapping_values
from ..yamlio import load_file

PROPERTIES = {
    "bands": "bands ordered by severity have non-decreasing bounds, min ≤ max, no overlap, and no gap "
             "where a scale is contiguous, at every date a figure changes",
    "dated-values": "no parameter has two values in force on one date",
    "in-band": "the judged sum lies inside the band of the level before redress; the amount is the "
               "proposal, or an offer confirmed by a redress rule",
    "one-finding": "every element in jurisdiction gets exactly one finding; every excluded one "
                   "outside_jurisdiction and no sum",
    "totals": "totals equal the sum of the elements less deductions; JSON round-trips and is identical on repeat",
    "monotonicity": "adding a failure or a vulnerability, lengthening a delay, a later response or more "
                    "Ombudsman interventions never lowers the level, proposal, finding or amount",
    "redress": "better redress by the landlord never raises the finding",
    "agreement": "durable_rules and the reference interpreter give the same elements",
}
# How adverse a final finding is to the landlord; findings outside this order are not compared.
SEVERITY = {"no_maladministration": 0, "reasonable_redress": 1, "service_failure": 2,
            "maladministration": 3, "severe_maladministration": 4}
SHRINK_BUDGET = 150  # evaluations allowed for shrinking once a counterexample is found
Problem = tuple[str, str]  # (kind, message): shrinking keeps to the kind of the first violation found
Outcome = dict | str  # an assessment, or the error that stopped the engine


@dataclass(frozen=True)
class Violation:
    """A property that does not hold, where it shows, and the facts file(s) that reproduce it."""

    prop: str
    message: str
    where: str | None = None
    cases: tuple[dict, ...] = ()
    # a static violation: the ruleset, parameters and dates (first, last or None) a counterexample must reach
    reach: tuple[str, tuple[str, ...], date, date | None] | None = None


@dataclass(frozen=True)
class Result:
    """A property and the ways it was found not to hold (none if it held)."""

    prop: str
    violations: tuple[Violation, ...]


# ---- static properties ---------------------------------------------------------------------

def _money(value: int | None) -> str:
    return "no upper figure" if value is None else f"£{value:,}"


def _band(name: str, r: Resolved) -> str:
    return f"{name} {_money(r.min)}–{_money(r.max)}"


def _pairs(r: Ruleset) -> list[tuple[str, str, str, bool, tuple]]:
    """(lower, upper, scale, contiguous, YAML location) for every two bands that must be in order:
    neighbours in a declared scale or, where a ruleset declares none, bands of neighbouring levels."""
    params = r.spec.parameters
    if r.spec.scales:
        return [(a, b, name, s.contiguous, ("scales", name))
                for name, s in r.spec.scales.items() for a, b in zip(s.bands, s.bands[1:])]
    banded = [n for n, p in params.items() if p.level in LEVELS and any(v.min is not None for v in p.values)]
    groups = [g for g in ([n for n in banded if params[n].level == level] for level in LEVELS) if g]
    return [(a, b, "by level", False, ("parameters", b)) for lower, upper in zip(groups, groups[1:])
            for a in lower for b in upper]


def _change_dates(r: Ruleset, names: tuple[str, ...]) -> list[date]:
    """Every date in the ruleset's window on which one of these parameters changes value."""
    edges = {r.spec.effective_from}
    for v in (v for n in names for v in r.spec.parameters[n].values):
        edges |= {v.from_} | ({v.to + timedelta(days=1)} if v.to else set())
    return sorted(d for d in edges if r.in_force(d))


def _pair_problem(a: str, ra: Resolved, b: str, rb: Resolved, scale: str, contiguous: bool) -> Problem | None:
    top_a = float("inf") if ra.max is None else ra.max
    top_b = float("inf") if rb.max is None else rb.max
    if rb.min < ra.min or top_b < top_a:
        end = "bottom" if rb.min < ra.min else "top"
        return "order", f"bands out of order in scale '{scale}': {_band(b, rb)} follows {_band(a, ra)} with a lower {end}"
    if rb.min < top_a:
        shared = f"everything from {_money(rb.min)}" if ra.max is None else f"{_money(rb.min)}–{_money(ra.max)}"
        return "overlap", f"bands overlap in scale '{scale}': {_band(a, ra)} and {_band(b, rb)} both cover {shared}"
    if contiguous and rb.min > top_a + 1:
        return "gap", (f"gap in contiguous scale '{scale}': nothing between {a}'s top {_money(ra.max)} "
                       f"and {b}'s bottom {_money(rb.min)}")
    return None


def _scale_violations(r: Ruleset) -> list[Violation]:
    out: list[Violation] = []
    params = r.spec.parameters
    for a, b, scale, contiguous, loc in _pairs(r):
        where = f"{r.path}:{r.doc.line_of(loc)}"
        la, lb = params[a].level, params[b].level
        if la in LEVELS and lb in LEVELS and LEVELS.index(la) > LEVELS.index(lb):
            out.append(Violation("bands", f"scale '{scale}' puts {a} ({la}) before {b} ({lb})", where))
        seen: set[str] = set()
        dates = _change_dates(r, (a, b))
        for on, following in zip(dates, [*dates[1:], None]):
            ra, rb = r.param(a, on), r.param(b, on)
            if ra is None or rb is None or ra.min is None or rb.min is None:
                continue
            problem = _pair_problem(a, ra, b, rb, scale, contiguous)
            if problem and problem[0] not in seen:
                seen.add(problem[0])
                last = following - timedelta(days=1) if following else r.spec.effective_to
                out.append(Violation("bands", f"{problem[1]}, from {on}", where, reach=(r.id, (a, b), on, last)))
    return out


def _span(r: Ruleset, name: str, on: date) -> tuple[str, tuple[str, ...], date, date | None]:
    """The ruleset, parameter and dates of the dated value of ``name`` that starts on ``on``."""
    value = next(v for v in r.spec.parameters[name].values if v.from_ == on)
    return r.id, (name,), on, value.to


def static_violations(library: Library) -> list[Violation]:
    """The band and dated-value properties of every ruleset, read from the rulesets alone."""
    out: list[Violation] = []
    for r in library.rulesets:
        out += [Violation("bands", f"{name}: {e.message}", f"{e.file}:{e.line}", reach=_span(r, name, on))
                for name, on, e in inverted_bands(r)]
        out += _scale_violations(r)
        out += [Violation("dated-values", f"{name}: {e.message}", f"{e.file}:{e.line}", reach=_span(r, name, on))
                for name, on, e in overlapping_values(r)]
    return out


# ---- dynamic properties --------------------------------------------------------------------

class Assessor:
    """Assess generated facts, remembering recent results, since the properties share their cases."""

    def __init__(self, library: Library, size: int = 512) -> None:
        self.library = library
        self.size = size
        self._seen: OrderedDict[str, Outcome] = OrderedDict()

    def fresh(self, case: dict, matcher: str = "durable") -> Outcome:
        """A new assessment; an error that stops the engine is the outcome, not an exception."""
        try:
            return assess.build(engine.assess(Case.model_validate(case), self.library, matcher=matcher))
        except RemediesError as exc:
            return exc.message
        except Exception as exc:  # a bug in a rule's effect is a counterexample too
            return f"internal error: {type(exc).__name__}: {exc}"

    def __call__(self, case: dict, matcher: str = "durable") -> Outcome:
        key = matcher + json.dumps(case, sort_keys=True, default=str)
        if key not in self._seen:
            self._seen[key] = self.fresh(case, matcher)
            if len(self._seen) > self.size:
                self._seen.popitem(last=False)
        return self._seen[key]


def _judged(e: dict) -> list[dict]:
    return [p for p in e["parts"] if p.get("kind") == "judged"]


def in_band(assess: Assessor, case: dict) -> list[Problem]:
    """The judged sum inside the band of the level before redress; the amount the proposal or a confirmed offer."""
    a = assess(case)
    if isinstance(a, str):
        return []
    out: list[Problem] = []
    for e in (e for e in a["elements"] if not e["excluded_by"]):
        el, level, judged = e["id"], e["level_before_redress"], sum(p["amount"] for p in _judged(e))
        band = e["band"]
        if e["proposed"] < 0 or any(p["amount"] < 0 for p in e["parts"]):
            out.append(("negative", f"element {el} ({level}): a negative sum is proposed: "
                        + ", ".join(f"{p['label']} £{p['amount']:,}" for p in e["parts"])))
        if band:
            declared = assess.library.get(band["ruleset"]).spec.parameters[band["name"]].level
            if judged < band["min"] or (band["max"] is not None and judged > band["max"]):
                out.append(("outside band", f"element {el} ({level}): the judged sum £{judged:,} lies outside its "
                            f"band {band['name']} £{band['min']:,}–{_money(band['max'])} ({band['ruleset']})"))
            if declared and declared != level:
                out.append(("band of another level", f"element {el}: the level before redress is {level}, but its "
                            f"sum comes from {band['name']}, the band for {declared}"))
        elif judged or (not _judged(e) and level != "no_maladministration"):
            out.append(("no band", f"element {el} ({level}): judged sum £{judged:,} with no band and no reason"))
        decided_by = [t["rule"] for t in e["trace"] if t["stage"] == "redress" and t["status"] == "fired"]
        confirmed = e["amount"] == e["offered"] > 0 and decided_by
        recommended_only = e["amount"] == 0 and e["finding"] == "reasonable_redress"
        if e["amount"] != e["proposed"] and not confirmed and not recommended_only:
            out.append(("amount", f"element {el} ({e['finding']}): the amount £{e['amount']:,} is neither the proposal "
                        f"£{e['proposed']:,} nor an offer confirmed by a redress rule (offered £{e['offered']:,})"))
    return out


def one_finding(assess: Assessor, case: dict) -> list[Problem]:
    """Exactly one finding per element in jurisdiction; outside_jurisdiction and no sum for the rest.

    Two rules deciding one finding, or none, stop the engine, and that is reported here too."""
    a = assess(case)
    if isinstance(a, str):
        return [("engine stopped", f"the engine gives no assessment: {a}")]
    out: list[Problem] = []
    for e in a["elements"]:
        if e["excluded_by"]:
            if e["finding"] != "outside_jurisdiction" or e["amount"] or e["proposed"] is not None or e["band"]:
                out.append(("excluded but judged", f"element {e['id']} is outside jurisdiction ({e['paragraph']}) but "
                            f"has finding {e['finding']} and amount £{e['amount']:,}"))
        elif e["finding"] not in SEVERITY or e["level_before_redress"] not in LEVELS or not e["redress"]:
            out.append(("not one finding", f"element {e['id']} is in jurisdiction but has finding '{e['finding']}', "
                        f"level before redress '{e['level_before_redress']}', redress rule "
                        f"{(e['redress'] or {}).get('rule', 'none')}"))
    return out


def totals(assess: Assessor, case: dict) -> list[Problem]:
    """Totals add up, the JSON reads back as the same assessment, and a second run is byte-identical."""
    a = assess(case)
    if isinstance(a, str):
        return []
    out: list[Problem] = []
    amounts = sum(e["amount"] for e in a["elements"])
    if a["total"] != amounts:
        out.append(("total", f"the total £{a['total']:,} is not the sum of the elements' amounts £{amounts:,}"))
    deductible, payable = a["deductible_if_paid"], a["payable_if_paid_offers_deducted"]
    if payable != a["total"] - deductible or not 0 <= deductible <= a["total"]:
        out.append(("deductions", f"payable £{payable:,} is not the total £{a['total']:,} less the paid offers "
                    f"deducted £{deductible:,}"))
    out += [("order amount", f"order '{o['id']}' is for £{o['amount']:,}, not the total £{a['total']:,}")
            for o in a["orders"] if "amount" in o and o["amount"] != a["total"]]
    try:
        text = report.render_json(a)
    except (TypeError, ValueError) as exc:
        return out + [("json", f"the assessment cannot be written as JSON: {exc}")]
    if json.loads(text, parse_float=Decimal) != a:  # sums with pence read back exact
        out.append(("json", "the JSON output does not read back as the same assessment"))
    again = assess.fresh(case)
    if isinstance(again, str) or report.render_json(again) != text:
        out.append(("repeat", "assessing the same facts twice gave different JSON"))
    return out


def _rank(order: dict[str, int] | tuple[str, ...], value: Any) -> int | None:
    if isinstance(order, tuple):
        return order.index(value) if value in order else None
    return order.get(value)


def _live_pairs(assess: Assessor, pair: generate.Pair) -> list[tuple[dict, dict]]:
    before, after = assess(pair.before), assess(pair.after)
    if isinstance(before, str) or isinstance(after, str):
        return []  # an engine that stops is the one-finding property's counterexample
    return [(b, a) for b, a in zip(before["elements"], after["elements"]) if not (b["excluded_by"] or a["excluded_by"])]


def monotonicity(assess: Assessor, pair: generate.Pair) -> list[Problem]:
    """A worse case never has a lower level before redress, proposal, final finding or amount."""
    out: list[Problem] = []
    for b, a in _live_pairs(assess, pair):
        lowered = []
        for what, order, key in (("level before redress", LEVELS, "level_before_redress"),
                                 ("finding", SEVERITY, "finding")):
            rb, ra = _rank(order, b[key]), _rank(order, a[key])
            if rb is not None and ra is not None and ra < rb:
                lowered.append((what, f"{what} {b[key]} → {a[key]}"))
        lowered += [(what, f"{what} £{b[key]:,} → £{a[key]:,}") for what, key in (("proposal", "proposed"),
                                                                                  ("amount", "amount"))
                    if a[key] < b[key]]
        if lowered:
            out.append((f"lowered {lowered[0][0]}", f"{pair.change} lowered {_whose(pair, b)} "
                        + "; ".join(text for _, text in lowered)))
    return out


def _whose(pair: generate.Pair, element: dict) -> str:
    return "its" if element["id"] == pair.element else f"element {element['id']}'s"


def redress(assess: Assessor, pair: generate.Pair) -> list[Problem]:
    """Better redress by the landlord never raises the final finding."""
    return [("raised finding", f"{pair.change} raised {_whose(pair, b)} finding from {b['finding']} to {a['finding']}")
            for b, a in _live_pairs(assess, pair)
            if b["finding"] in SEVERITY and a["finding"] in SEVERITY and SEVERITY[a["finding"]] > SEVERITY[b["finding"]]]


def _difference(x: dict, y: dict) -> str:
    key = next(k for k in x if x[k] != y.get(k))
    if key == "trace":
        tx, ty = next((tx, ty) for tx, ty in zip(x["trace"], y["trace"]) if tx != ty)
        return f"rule {tx['rule']} is {tx['status']} under durable_rules but {ty['status']} under the reference interpreter"
    return f"{key} is {x[key]!r} under durable_rules but {y[key]!r} under the reference interpreter"


def agreement(assess: Assessor, case: dict) -> list[Problem]:
    """durable_rules and the reference interpreter of the same compiled conditions give the same elements."""
    d, r = assess(case), assess(case, "reference")
    if isinstance(d, str) or isinstance(r, str):
        return [] if d == r else [("outcome", f"durable_rules: {d if isinstance(d, str) else 'an assessment'}; "
                                              f"reference interpreter: {r if isinstance(r, str) else 'an assessment'}")]
    return [("elements", f"element {x['id']}: {_difference(x, y)} (findings {x['finding']} / {y['finding']}, "
                         f"amounts £{x['amount']:,} / £{y['amount']:,})")
            for x, y in zip(d["elements"], r["elements"]) if x != y][:1]


Check = Callable[[Assessor, Any], list[Problem]]
Strategy = Callable[[Library, list[str] | None], st.SearchStrategy[Any]]
STATIC = ("bands", "dated-values")
DYNAMIC: dict[str, tuple[Strategy, Check]] = {
    "in-band": (generate.cases, in_band),
    "one-finding": (generate.cases, one_finding),
    "totals": (generate.cases, totals),
    "monotonicity": (generate.worse, monotonicity),
    "redress": (generate.better_redress, redress),
    "agreement": (generate.cases, agreement),
}


# ---- the search ----------------------------------------------------------------------------

def _settings(examples: int) -> settings:
    return settings(max_examples=examples, database=None, deadline=None, derandomize=False,
                    phases=(Phase.generate, Phase.shrink), suppress_health_check=list(HealthCheck),
                    verbosity=Verbosity.quiet, print_blob=False)


def _key(example: Any) -> str:
    plain = dataclasses.asdict(example) if dataclasses.is_dataclass(example) else example
    return json.dumps(plain, sort_keys=True, default=str)


def search(strategy: st.SearchStrategy[Any], check: Callable[[Any], list[Problem]], examples: int,
           seed: int) -> tuple[Any, str] | None:
    """The shrunk counterexample to ``check`` and its message, or None if ``examples`` cases show none.

    Shrinking keeps to the kind of violation first found, and stops after SHRINK_BUDGET
    further evaluations, so a run's cost is bounded; the same seed gives the same answer.
    """
    kind: str | None = None
    messages: dict[str, str] = {}
    spent = 0

    def violates(example: Any) -> bool:
        nonlocal kind, spent
        key = _key(example)
        if key in messages:
            return True
        if kind is not None:
            spent += 1
            if spent > SHRINK_BUDGET:
                return False
        problems = [p for p in check(example) if kind is None or p[0] == kind]
        if not problems:
            return False
        kind, messages[key] = problems[0]
        return True

    try:
        found = find(strategy, violates, settings=_settings(examples), random=Random(seed))
    except NoSuchExample:
        return None
    return found, messages[_key(found)]


def _counterexample(v: Violation, assess: Assessor, landlords: list[str] | None, examples: int,
                    seed: int) -> Violation:
    """A case that reaches the figures a static violation is about, for the user to assess."""
    assert v.reach is not None
    ruleset_id, names, first, last = v.reach
    r = assess.library.get(ruleset_id)
    own = [r.spec.landlord] if r.spec.landlord else landlords
    low, high = generate.decision_window(assess.library)
    if r.spec.in_force_by == "complaint_made":
        strategy = generate.cases(assess.library, own, made=(first, last or high))
    elif max(first, low) <= min(last or high, high):
        strategy = generate.cases(assess.library, own, decided=(max(first, low), min(last or high, high)))
    else:
        return v  # in force only while no Ombudsman guidance is: no case can be assessed

    def reaches(case: dict) -> list[Problem]:
        a = assess(case)
        hit = not isinstance(a, str) and any(t["ruleset"] == ruleset_id and t["status"] == "fired"
                                             and set(names) & set(t["params"])
                                             for e in a["elements"] for t in e["trace"])
        return [("reaches", "")] if hit else []

    found = search(strategy, reaches, examples, seed)
    return dataclasses.replace(v, cases=(found[0],)) if found else v


def run(library: Library, examples: int = 50, seed: int = 0, landlords: list[str] | None = None,
        advance: Callable[[int], None] = lambda n: None) -> list[Result]:
    """Every property, in the order of PROPERTIES, with at most one counterexample per dynamic one;
    ``advance(1)`` after each property (for a progress bar)."""
    # hypothesis keeps a cache under .hypothesis/ in the working directory: not in the user's folder
    with tempfile.TemporaryDirectory(prefix="remedies-verify-") as home:
        configuration.set_hypothesis_home_dir(home)
        try:
            return _run(library, examples, seed, landlords, advance)
        finally:
            configuration.set_hypothesis_home_dir(None)  # back to hypothesis's default


def _run(library: Library, examples: int, seed: int, landlords: list[str] | None,
         advance: Callable[[int], None]) -> list[Result]:
    assess = Assessor(library)
    static = static_violations(library)
    results = []
    for prop in STATIC:
        results.append(Result(prop, tuple(_counterexample(v, assess, landlords, examples, seed) if v.reach else v
                                          for v in static if v.prop == prop)))
        advance(1)
    for prop, (strategy, check) in DYNAMIC.items():
        found = search(strategy(library, landlords), lambda x, check=check: check(assess, x), examples, seed)
        cases = () if not found else ((found[0].before, found[0].after) if isinstance(found[0], generate.Pair)
                                      else (found[0],))
        results.append(Result(prop, (Violation(prop, found[1], cases=cases),) if found else ()))
        advance(1)
    return results


def selection(given: list[Path]) -> tuple[list[Path] | None, list[str] | None]:
    """The ruleset files to verify (None: the shipped ones) and the landlords to generate cases for.

    Given files or directories are verified with the shipped vocabulary and the shipped
    instruments that are not landlord policies (guidance, Code, Scheme), except any whose id a
    given file reuses, so a landlord's draft is verified against the Ombudsman's instruments.
    Cases are then generated for the landlords of the given policies.
    """
    if not given:
        return None, None
    files = rulesets.files(given)
    ids: set[str] = set()
    landlords: set[str] = set()
    for f in files:
        data = load_file(f).data
        if isinstance(data, dict):
            ids.add(str(data.get("id")))
            if data.get("kind") == "landlord_policy" and isinstance(data.get("landlord"), str):
                landlords.add(data["landlord"])
    shipped = rulesets.load()
    extra = [Path(r.path) for r in shipped.rulesets if r.spec.kind != "landlord_policy" and r.id not in ids]
    return [*given, *extra], sorted(landlords) or None
