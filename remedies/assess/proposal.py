"""Assemble the engine's run into the versioned, JSON-ready assessment.

Text, Markdown and JSON are renderings of this one structure. Key order is fixed and
nothing depends on time or randomness, so the same facts and rulesets give
byte-identical output.
"""

from __future__ import annotations

from .. import __version__
from ..effects import DECISION, ElementState, effect_of
from ..engine import Quiet, Run
from . import whynot
from .advice import advise

# 2: trace levels (`trace_level`), `rules_considered` per element, `nearest_miss` on the rule that came
# nearest to firing at each decision; at level `full` the entries are those of version 1 plus that key.
# 3: a derive rule lists its first 20 complaints; one more entry per rule stands for the rest (`subject`
# "N more complaints", the numbers in `changed`, `reads` empty); `rules_considered` counts them all.
TRACE_VERSION = 3
TRACE_LEVELS = ("fired", "full", "none")
ORDERABLE = ("service_failure", "maladministration", "severe_maladministration")
DISCLAIMER = ("A proposal with reasons, not a determination. The Ombudsman decides what is fair in all the "
              "circumstances and uses no matrix: every figure below names the rule and source that produced "
              "it, so that a caseworker can disagree precisely.")


def _nearest(items: list[dict | Quiet]) -> dict[int, dict]:
    """Per decision, the rule that did not fire but came nearest (fewest comparisons missed; first in
    rule order on a tie), keyed by its position in the trace, with what it missed."""
    best: dict[tuple[str, str], tuple[tuple[int, int, int], list[dict], Quiet]] = {}
    for i, q in enumerate(items):
        if not isinstance(q, Quiet):
            continue
        missed = whynot.unmet(q.rule.condition, q.facts)
        name, _ = effect_of(q.rule.rule.then)
        key = (q.rule.rule.stage, DECISION.get(name, name))
        rank = (len(missed), sum(whynot.gap(leaf, q.facts) for leaf in missed), i)
        if missed and (key not in best or rank < best[key][0]):
            best[key] = (rank, missed, q)
    return {rank[2]: {"decision": decision, "distance": rank[0],
                      "unmet": [whynot.describe(leaf, q.facts) for leaf in missed]}
            for (_, decision), (rank, missed, q) in best.items()}


def _trace(items: list[dict | Quiet], level: str) -> list[dict]:
    """The trace at a level: `full` every rule considered; `fired` those that fired or changed something
    and the nearest miss of each decision; `none` nothing."""
    if level == "none":
        return []
    nearest = _nearest(items)
    return [t if not isinstance(t, Quiet) else t.entry(nearest.get(i))
            for i, t in enumerate(items) if level == "full" or not isinstance(t, Quiet) or i in nearest]


def _element(run: Run, el_id: str, level: str, advice: bool) -> dict:
    el = next(e for e in run.case.elements if e.id == el_id)
    st = run.states[el_id]
    facts = run.facts[el_id].facts
    items = run.trace[el_id]
    trace = [t for t in items if not isinstance(t, Quiet)]  # what fired or changed something
    excluded = bool(st.excluded)
    offered, paid = facts["offered"], facts["paid"]
    ordered = st.finding in ORDERABLE and st.amount > 0
    treatment = "none"
    if el.redress.offers:
        if st.finding == "reasonable_redress":
            treatment = "recommended"
        elif ordered:
            treatment = "confirmed" if st.amount == offered else "replaced"
        else:
            treatment = "not_ordered"
    derived = [{"kind": k, "count": d["count"], "measure": d["measure"], "breaches": sorted(d["bases"]),
                "rules": sorted({r for rules in d["bases"].values() for r in rules})}
               for k, d in sorted(st.derived.items())]
    evidence = sorted({f"{e['rule']}: {e['evidence']}" for e in trace
                       if e["status"] == "fired" and e["evidence"] in ("secondary", "unverified")} |
                      {f"{p['name']} ({e['ruleset']}): {p['evidence']}" for e in trace if e["status"] == "fired"
                       for p in e["params"].values() if p["evidence"] in ("secondary", "unverified")})
    return {
        "id": el.id, "topic": el.topic, "summary": el.summary,
        "finding": st.finding,
        "paragraph": st.excluded[0]["paragraph"] if excluded else None,
        "excluded_by": st.excluded,
        "level_before_redress": st.level or None,
        "points": None if excluded else st.points,
        "band": None if not st.band else {k: st.band[k] for k in ("name", "min", "max", "evidence", "source", "ruleset")},
        "proposed": None if excluded else st.proposed_amount,
        "parts": st.proposed_parts,
        "amount": st.amount,
        "offers": [o.model_dump(mode="json") for o in el.redress.offers],
        "offered": offered, "paid": paid,
        # what may be deducted if already paid: the offers this proposal replaces or confirms, unless known unpaid
        "deductible_if_paid": sum(o.amount for o in el.redress.counted_offers() if o.paid is not False)
        if treatment in ("replaced", "confirmed") else 0,
        "offer_treatment": treatment,
        "offers_replaced": offered if treatment == "replaced" else 0,
        "offers_confirmed": offered if treatment == "confirmed" else 0,
        "redress": st.redress,
        "offer_comparison": _offer_comparison(st, offered),
        "offer_advice": advise(run, el_id) if advice else None,
        "derived_failures": derived,
        "orders": [o["id"] for o in st.orders],
        "recommendations": [r["id"] for r in st.recommendations],
        "evidence_warnings": evidence,
        "rules_considered": len(items) + run.quiet_dropped.get(el_id, 0) + run.unlisted.get(el_id, 0),
        "trace": _trace(items, level),
    }


def _position(value: int, low: int, high: int | None) -> str:
    if value < low:
        return "below"
    return "above" if high is not None and value > high else "inside"


def _offer_comparison(st: ElementState, offered: int) -> dict | None:
    """The landlord's offer against its own policy and against the guidance's proposal, side by side."""
    if st.excluded or not (offered or st.policy):
        return None
    bands = [{"ruleset": p["ruleset"], "name": p["name"], "description": p["description"], "min": p["min"],
              "max": p["max"], "evidence": p["evidence"], "rule": p["rule"],
              "position": _position(offered, p["min"], p["max"])} for p in st.policy if p["kind"] == "band"]
    sums = [{k: p[k] for k in ("ruleset", "label", "amount", "evidence", "rule")}
            for p in st.policy if p["kind"] == "sum"]
    proposed = st.proposed_amount
    return {"offered": offered, "landlord_bands": bands, "landlord_sums": sums,
            "guidance": {"proposed": proposed, "band": st.band and {k: st.band[k] for k in ("name", "min", "max")},
                         "position": "below" if offered < proposed else "at or above"}}


def _orders(run: Run, elements: list[dict]) -> tuple[list[dict], list[dict]]:
    """Case-level orders: one per id, listing its elements; an overridden order is dropped."""
    fired_rules = {o["rule"] for st in run.states.values() for o in st.orders}
    overridden: set[str] = set()
    for rs in run.rulesets:
        for rule in rs.spec.rules:
            if f"{rs.id}/{rule.id}" in fired_rules:
                overridden |= set(rule.overrides)
    orders: dict[str, dict] = {}
    recs: dict[str, dict] = {}
    for el in run.case.elements:
        st = run.states[el.id]
        for o in st.orders:
            if o["rule"] in overridden:
                continue
            entry = orders.setdefault(o["id"], {"id": o["id"], "text": o["text"], "due_weeks": o["due_weeks"],
                                                "rule": o["rule"], "elements": []})
            entry["elements"].append(el.id)
        for r in st.recommendations:
            recs.setdefault(r["id"], {**r, "elements": []})["elements"].append(el.id)
    total = sum(e["amount"] for e in elements)
    if "pay" in orders:
        orders["pay"]["amount"] = total
    return list(orders.values()), list(recs.values())


def build(run: Run, trace: str = "fired", advice: bool = True) -> dict:
    """The assessment as a plain dict, in a fixed key order, with the trace at the level asked for
    (`none` only, for a run made without ``keep_quiet``); ``advice=False`` leaves out the offer advice
    (a summary has no column for it)."""
    if run.quiet_dropped and trace != "none":
        raise ValueError("a run made without keep_quiet has only a trace at level 'none'")
    elements = [_element(run, el.id, trace, advice) for el in run.case.elements]
    orders, recommendations = _orders(run, elements)
    total = sum(e["amount"] for e in elements)
    replaced = sum(e["offers_replaced"] for e in elements)
    deductible = sum(e["deductible_if_paid"] for e in elements)
    recorded_paid = sum(e["paid"] for e in elements if e["offer_treatment"] in ("replaced", "confirmed"))
    warnings = sorted({w for e in elements for w in e["evidence_warnings"]})
    c = run.case.case
    return {
        "trace_version": TRACE_VERSION,
        "trace_level": trace,
        "engine": {"name": "remedies", "version": __version__, "matcher": "durable_rules"},
        "status": "proposal",
        "disclaimer": DISCLAIMER,
        "case": {"reference": c.reference, "landlord": c.landlord,
                 "decided_on": c.decided_on.isoformat() if c.decided_on else None},
        "as_of": run.as_of.isoformat(),
        "rulesets": [{"id": r.id, "title": r.spec.title, "kind": r.spec.kind, "version": r.spec.version,
                      "sha256": r.digest, "effective_from": r.spec.effective_from.isoformat(),
                      "effective_to": r.spec.effective_to.isoformat() if r.spec.effective_to else None,
                      "selected_by": r.spec.in_force_by} for r in run.rulesets],
        "elements": elements,
        "total": total,
        "offers_replaced": replaced,
        "offers_confirmed": sum(e["offers_confirmed"] for e in elements),
        "deductible_if_paid": deductible,
        "recorded_as_paid": recorded_paid,
        "payable_if_paid_offers_deducted": total - deductible,
        "orders": orders,
        "recommendations": recommendations,
        "evidence_warnings": warnings,
        "notes": run.notes,
    }
