"""Assess each case of a corpus, then compare the proposal with the published outcome.

The facts are assessed first and on their own, by the same code as `remedies assess` (as of
the facts' `decided_on`); the outcome is read only to compare. The published draft, where
there is one, is checked by the same code as `remedies check`: each error on a published
determination is a false alarm.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable

from .. import assess, engine, facts
from ..check import draft, review
from ..ruleset_schema import FINDINGS
from ..errors import RemediesError
from ..rulesets import Library
from .corpus import FACTS, OUTCOME, CaseDir, Outcome, load_outcome

# The ordered scale on which "within one level" is read. Reasonable redress and outside
# jurisdiction are not on it: they agree only when exact.
SCALE = ("no_maladministration", "service_failure", "maladministration", "severe_maladministration")
# A finding with no sum stated orders nothing: its unknown sum is read as £0.
NOTHING_ORDERED = ("no_maladministration", "reasonable_redress", "outside_jurisdiction")
NO_PROPOSAL = "none"  # the column for an outcome element the facts have no element for

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Tolerance:
    """How near a proposed sum must be to the sum ordered to count as agreeing (the command's options)."""

    pounds: int
    percent: int
    above: int

    def within(self, proposed: Decimal, ordered: Decimal) -> bool:
        gap = abs(proposed - ordered)
        return gap <= self.pounds or (ordered > self.above and gap * 100 <= self.percent * ordered)

    def as_dict(self) -> dict:
        return {"pounds": self.pounds, "percent": self.percent, "percent_above": self.above}


def _money(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def within_one(published: str, proposed: str | None) -> bool:
    if proposed == published:
        return True
    if proposed not in SCALE or published not in SCALE:
        return False
    return abs(SCALE.index(published) - SCALE.index(proposed)) <= 1


def _row(case: CaseDir, index: int, pub, prop: dict | None, tol: Tolerance) -> dict:
    ordered = pub.ordered_compensation
    counted = ordered if ordered is not None else (0 if pub.finding in NOTHING_ORDERED else None)
    amount = None if prop is None else prop["amount"]
    amount_within = None
    if counted is not None:
        amount_within = amount is not None and tol.within(_money(amount), _money(counted))
    proposed = None if prop is None else prop["finding"]
    return {"case": case.label, "group": case.group, "index": index, "element": None if prop is None else prop["id"],
            "published": pub.finding, "proposed": proposed, "exact": proposed == pub.finding,
            "within_one": within_one(pub.finding, proposed), "ordered": ordered, "ordered_counted": counted,
            "proposed_amount": amount, "amount_counted": counted is not None, "amount_within": amount_within}


def _check_draft(case: CaseDir, library: Library) -> dict | None:
    path = case.draft
    if path is None:
        return None
    try:
        result = review.run(draft.load(path, library.vocabulary), library)
    except RemediesError as exc:
        return {"file": str(path), "bad_input": str(exc) if exc.file else f"{path}: {exc}"}
    errors = sorted({p["rule"] for p in result["problems"] if p["severity"] == "error"})
    return {"file": str(path), "errors": result["errors"], "warnings": result["warnings"], "error_rules": errors}


def measure_case(case: CaseDir, library: Library, tol: Tolerance) -> dict:
    """One case: its rows, its total and its draft, or the one line saying why it could not be measured."""
    out: dict = {"case": case.label, "group": case.group, "status": "measured", "error": None,
                 "elements": [], "total": None, "draft": None, "notes": []}
    try:
        outcome: Outcome = load_outcome(case.path / OUTCOME)
        facts_path = case.path / FACTS
        parsed = facts.load(facts_path, library.vocabulary)
        try:
            proposal = assess.build(engine.assess(parsed, library, None))
        except RemediesError as exc:
            raise type(exc)(exc.message, file=exc.file or str(facts_path), line=exc.line, field=exc.field) from None
    except RemediesError as exc:
        return {**out, "status": "bad_input", "error": str(exc) if exc.file else f"{case.path}: {exc}"}
    props = proposal["elements"]
    if len(props) != len(outcome.elements):
        out["notes"].append(f"the facts have {len(props)} element(s), the outcome {len(outcome.elements)}: "
                            "paired in order, the rest left unpaired")
    out["elements"] = [_row(case, i + 1, pub, props[i] if i < len(props) else None, tol)
                       for i, pub in enumerate(outcome.elements)]
    ordered = outcome.total_ordered
    out["total"] = {"ordered": ordered, "proposed": proposal["total"], "counted": ordered is not None,
                    "within": None if ordered is None else tol.within(_money(proposal["total"]), _money(ordered))}
    out["draft"] = _check_draft(case, library)
    return out


def _ratio(count: int, of: int) -> dict:
    pct = None if of == 0 else float((Decimal(100 * count) / of).quantize(Decimal("0.1"), ROUND_HALF_UP))
    return {"count": count, "of": of, "percent": pct}


def summarise(cases: list[dict]) -> dict:
    """The figures for a set of measured cases: every count with what it is out of."""
    measured = [c for c in cases if c["status"] == "measured"]
    rows = [r for c in measured for r in c["elements"]]
    counted = [r for r in rows if r["amount_counted"]]
    totals = [c["total"] for c in measured if c["total"]["counted"]]
    drafts = [c for c in measured if c["draft"] is not None]
    readable = [c for c in drafts if "bad_input" not in c["draft"]]
    with_errors = [c for c in readable if c["draft"]["errors"]]
    columns = FINDINGS + (NO_PROPOSAL,)
    return {
        "cases": len(measured), "bad_input": len(cases) - len(measured), "elements": len(rows),
        "finding_exact": _ratio(sum(r["exact"] for r in rows), len(rows)),
        "within_one_level": _ratio(sum(r["within_one"] for r in rows), len(rows)),
        "recall": {f: _ratio(sum(r["exact"] for r in rows if r["published"] == f),
                             sum(1 for r in rows if r["published"] == f)) for f in FINDINGS},
        "confusion": {p: {q: sum(1 for r in rows if r["published"] == p and (r["proposed"] or NO_PROPOSAL) == q)
                          for q in columns} for p in FINDINGS},
        "amounts_within_tolerance": {**_ratio(sum(bool(r["amount_within"]) for r in counted), len(counted)),
                                     "not_counted": len(rows) - len(counted)},
        "totals_within_tolerance": {**_ratio(sum(bool(t["within"]) for t in totals), len(totals)),
                                    "not_counted": len(measured) - len(totals)},
        "drafts": {"checked": len(readable), "with_errors": len(with_errors),
                   "errors": sum(c["draft"]["errors"] for c in readable),
                   "warnings": sum(c["draft"]["warnings"] for c in readable),
                   "bad_input": len(drafts) - len(readable),
                   "cases_with_errors": [{"case": c["case"], "rules": c["draft"]["error_rules"]} for c in with_errors]},
    }


def run(corpus: list[CaseDir], library: Library, tol: Tolerance, progress: Progress | None = None) -> dict:
    """Measure every case; figures per group (the folder holding the cases) and overall."""
    cases = []
    for i, case in enumerate(corpus):
        if progress:
            progress(i, len(corpus), case.label)
        cases.append(measure_case(case, library, tol))
    groups = sorted({c.group for c in corpus})
    return {
        "tolerance": tol.as_dict(),
        "scale": list(SCALE),
        "cases": cases,
        "groups": [{"group": g, **summarise([c for c in cases if c["group"] == g])} for g in groups],
        "overall": summarise(cases),
        "bad_input": [{"case": c["case"], "error": c["error"]} for c in cases if c["status"] == "bad_input"]
                     + [{"case": c["case"], "error": c["draft"]["bad_input"]} for c in cases
                        if c["draft"] and "bad_input" in c["draft"]],
    }
