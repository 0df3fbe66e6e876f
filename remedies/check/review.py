"""`remedies check`: a draft determination, checked by rules that are data, through durable_rules.

This module does the arithmetic the check rules read — sums and totals, the band for each
finding and the Scheme paragraphs in force on the determination date (read generically from
the guidance and Scheme rulesets), and the proposal of `remedies assess` on the draft's facts
— as flat JSON-scalar facts, one per draft and one per draft element. It then runs the
rulesets' `check` stage on them and gathers what the rules flag, each with its citation.
No figure, band or threshold is decided here: they are in the rulesets.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

from .. import __version__, assess, engine
from ..ruleset_schema import ACTION_KINDS
from .draft import CALCULATED_HEADS, Draft, DraftElement
from ..effects import REGISTRY, CheckState, Firing, effect_of
from ..errors import EngineError
from ..observations import DRAFT_ELEMENT_FACTS, DRAFT_FACTS, first_complaint_date
from ..rulesets import Library, Ruleset

CHECK_VERSION = 1
# The Scheme ruleset's parameters that say which paragraph decides what (see scheme-jurisdiction.yaml)
PARAGRAPH_PARAMS = {"finding": "paragraph_finding", "redress": "paragraph_reasonable_redress",
                    "jurisdiction": "jurisdiction_paragraphs"}
_PROPOSAL_STAGES = ("jurisdiction", "weigh", "finding", "compensation", "redress")


def _guidance(library: Library, active: list[Ruleset], on: date) -> list[tuple[Ruleset, date]]:
    """The guidance in force, with the date its figures are read at (a fallback's last day)."""
    pairs = [(r, on) for r in active] + [(rs, last) for rs, last, _ in library.fallbacks(active).values()]
    return [(r, when) for r, when in pairs if r.spec.kind == "ombudsman_guidance"]


def _band(guidance: list[tuple[Ruleset, date]], finding: str) -> dict | None:
    """The band for a finding: every guidance parameter whose `level` is the finding, in force."""
    found = [(rs, r) for rs, when in guidance for name, p in rs.spec.parameters.items() if p.level == finding
             for r in [rs.param(name, when)] if r is not None and r.min is not None]
    if not found:
        return None
    low = min(r.min for _, r in found if r.min is not None)
    high = None if any(r.max is None for _, r in found) else max(r.max for _, r in found if r.max is not None)
    span = f"£{low:,}–£{high:,}" if high is not None else f"£{low:,} or more"
    cites = "; ".join(f"{r.name} of {rs.id} [{r.evidence}]" for rs, r in found)
    return {"min": low, "max": high, "text": f"{span} for {finding} ({cites})"}


def _scheme(active: list[Ruleset], on: date) -> dict[str, str]:
    """The paragraphs for findings, redress and jurisdiction in the Scheme in force."""
    out = {kind: "" for kind in PARAGRAPH_PARAMS}
    for rs in (r for r in active if r.spec.kind == "scheme"):
        for kind, name in PARAGRAPH_PARAMS.items():
            resolved = rs.param(name, on)
            if resolved is not None and not out[kind]:
                out[kind] = str(resolved.value)
    return out


def _paragraph_kind(paragraph: str | None, scheme: dict[str, str]) -> str:
    if paragraph is None:
        return ""  # none cited, as in reports of the new format
    if paragraph == scheme["finding"]:
        return "finding"
    if paragraph == scheme["redress"]:
        return "redress"
    if paragraph.split("(")[0] in scheme["jurisdiction"].split():
        return "jurisdiction"
    return "unknown"


def _proposal(d: Draft, library: Library, matcher: str, notes: list[str]) -> dict[str, dict]:
    """What `remedies assess` proposes on the draft's facts, per element (empty without facts)."""
    if d.case is None:
        notes.append("no facts given: findings and sums are not compared with a proposal")
        return {}
    try:
        proposal = assess.build(engine.assess(d.case, library, d.spec.determined_on, matcher=matcher))
    except EngineError as exc:
        notes.append(f"no proposal to compare with: {exc.message}")
        return {}
    return {e["id"]: e for e in proposal["elements"]}


def _actions(d: Draft) -> dict[str, bool]:
    """action__KIND: whether any order is (or includes) an action of that kind."""
    kinds = {k for a in d.spec.orders.actions for k in [a.kind, *a.includes]}
    return {f"action__{k}": k in kinds for k in ACTION_KINDS}


def _element_fact(d: Draft, el: DraftElement, band: dict | None, scheme: dict[str, str],
                  proposal: dict | None) -> dict:
    f = dict(DRAFT_ELEMENT_FACTS)
    judged = sum(s.amount for s in el.sums if s.for_ not in CALCULATED_HEADS)
    ordered = sum(s.amount for s in el.sums if not s.recommended)
    confirmed = sum(s.amount for s in el.sums)  # a confirmed offer may mix judged and calculated sums
    offered = sum(o.amount for o in el.offers)
    f.update(_actions(d))
    f.update({
        "element": el.id, "topic": d.topic(el), "finding": el.finding, "paragraph": el.paragraph or "",
        "paragraph_kind": _paragraph_kind(el.paragraph, scheme),
        "scheme_paragraph_finding": scheme["finding"], "scheme_paragraph_redress": scheme["redress"],
        "scheme_paragraphs_jurisdiction": " or ".join(scheme["jurisdiction"].split()),
        "judged_sum": judged, "ordered_sum": ordered,
        "band_found": band is not None, "band_text": band["text"] if band else "",
        "below_band_by": max(0, band["min"] - judged) if band else 0,
        "above_band_by": max(0, judged - band["max"]) if band and band["max"] is not None else 0,
        "confirms_landlord_offer": el.confirms_landlord_offer, "offered": offered,
        "confirmed_sum": confirmed, "confirmed_minus_offered": confirmed - offered,
        "element_actions": sum(1 for a in d.spec.orders.actions if el.id in a.elements),
    })
    if proposal:
        breaches = [x["kind"] for x in proposal["derived_failures"] if "code" in x["breaches"]]
        f.update({
            "proposal_available": True, "proposal_finding": proposal["finding"],
            "proposal_amount": proposal["amount"], "proposal_excluded": proposal["finding"] == "outside_jurisdiction",
            "proposal_paragraph": proposal["paragraph"] or "", "finding_differs": el.finding != proposal["finding"],
            "amount_distance_from_proposal": abs(ordered - proposal["amount"]),
            "offered_in_facts": proposal["offered"], "offered_minus_facts": offered - proposal["offered"],
            "code_breaches": len(breaches), "code_breach_kinds": ", ".join(breaches),
        })
    return f


MAX_OFFERS_COMBINED = 12  # elements' offers tried in combination to explain a total (2^12 sums at most)


def _some_offers_make(gap: int | Decimal, offers: list[int | Decimal]) -> bool:
    """Whether a total's gap from the sums ordered is exactly the offers of some elements where an
    order is possible: the published order paid them as well (or deducted them), which a draft
    written without `in_addition_to_offers` cannot say otherwise. Offers on elements where only a
    recommendation is possible never explain an ordered total."""
    if gap <= 0 or not offers:
        return False
    sums: set[int | Decimal] = {0}
    for amount in offers[:MAX_OFFERS_COMBINED]:
        sums |= {s + amount for s in sums}
    return gap in sums


def _draft_fact(d: Draft, elements: list[dict]) -> dict:
    spec, pay = d.spec, d.spec.orders.payment
    f = dict(DRAFT_FACTS)
    f.update(_actions(d))
    parts = sum(e["ordered_sum"] for e in elements)
    # offers on elements where the order replaces them: a sum is ordered and it is not the offer confirmed
    ordering = [el for el, e in zip(spec.elements, elements) if e["ordered_sum"] > 0]
    replacing = [el for el in ordering if not el.confirms_landlord_offer]
    replaced = sum(o.amount for el in replacing for o in el.offers)
    deductible = sum(o.amount for el in replacing for o in el.offers if o.paid is not False)
    # a sum that confirms the offer ("pay the £550 it offered, if not yet paid") may have it deducted once paid too
    allowed = sum(o.amount for el in ordering for o in el.offers if o.paid is not False)
    deduct = pay.deduct_if_paid if pay and pay.deduct_if_paid is not None else 0
    listed = sum(o.amount for el in spec.elements for o in el.offers)
    missing = [e.id for e in d.case.elements if e.id not in {el.id for el in spec.elements}] if d.case else []
    for finding in (el.finding for el in spec.elements):
        f[f"findings__{finding}"] += 1
    f.update({
        "total_stated": spec.total is not None, "total": spec.total or 0, "sum_of_parts": parts,
        "total_difference": (spec.total - parts) if spec.total is not None else 0,
        "total_gap_is_offers": spec.total is not None and _some_offers_make(abs(spec.total - parts), [
            sum(o.amount for o in el.offers) for el in spec.elements if el.finding in assess.ORDERABLE and el.offers]),
        "replaced_offers": replaced, "deduction_expected": deductible, "deduction_allowed": allowed,
        "remaining_expected": parts - deduct,
        "payment_ordered": pay is not None, "apology_ordered": spec.orders.apology is not None,
        "apology_from": (spec.orders.apology.from_ or "") if spec.orders.apology else "",
        "rent_arrears": bool(d.case and d.case.resident.rent_arrears),
        "agreed_to_offset": bool(d.case and d.case.resident.agreed_to_offset),
        "offset_agreement_stated": bool(d.case and "agreed_to_offset" in d.case.resident.model_fields_set),
        "facts_elements_missing": len(missing), "facts_elements_missing_ids": ", ".join(missing),
    })
    if pay:
        days = pay.days_from(spec.determined_on)
        f.update({"payment_due_weeks": -(-days // 7) if days is not None else f["payment_due_weeks"],
                  "offset": pay.offset_against_arrears or ""})
        if pay.in_addition_to_offers is not None:
            f.update({"in_addition_stated": True, "in_addition_to_offers": pay.in_addition_to_offers,
                      "offers_listed": listed, "in_addition_difference": pay.in_addition_to_offers - listed})
        if pay.replaces_offers is not None:
            f.update({"replaces_stated": True, "replaces_offers": pay.replaces_offers,
                      "replaced_difference": pay.replaces_offers - replaced})
        if pay.deduct_if_paid is not None:
            f.update({"deduction_stated": True, "deduct_if_paid": pay.deduct_if_paid,
                      "deduction_difference": pay.deduct_if_paid - deductible,
                      "deduction_over_allowed": pay.deduct_if_paid - allowed})
        if pay.remaining_if_paid is not None:
            f.update({"remaining_stated": True, "remaining_if_paid": pay.remaining_if_paid,
                      "remaining_difference": pay.remaining_if_paid - (parts - deduct)})
    return f


def _problem(c: engine.CompiledRule, flag: dict, element: str | None, proposal: dict | None) -> dict:
    src = c.ruleset.source(c.rule.source)
    p = {"rule": c.key, "severity": flag["severity"], "element": element, "message": flag["message"],
         "found": flag["found"], "expected": flag["expected"], "statement": c.rule.statement,
         "citation": {"source": src.title, "section": c.rule.section or src.section, "url": src.url},
         "evidence": c.ruleset.rule_evidence(c.rule), "ruleset_version": c.ruleset.spec.version,
         "params": {k: v.as_dict() for k, v in sorted(c.params_read.items())}}
    if flag["show"] == "proposal" and proposal:
        p["proposal"] = {"finding": proposal["finding"], "amount": proposal["amount"],
                         "why": [{"rule": t["rule"], "stage": t["stage"], "changed": t["changed"]}
                                 for t in proposal["trace"]
                                 if t["status"] == "fired" and t["stage"] in _PROPOSAL_STAGES]}
    return p


def _run_stage(subject: str, facts: list[dict], labels: list[str | None], proposals: dict[str, dict],
               rulesets: list[Ruleset], on: date, matcher: str) -> tuple[list[tuple], list[engine.CompiledRule]]:
    """Match one subject's check rules, apply `overrides`, and turn each flag into a problem."""
    compiled = engine.compile_stage("check", rulesets, lambda rs: on, applies_to=subject)
    hits = engine.MATCHERS[matcher](compiled, facts)
    out = []
    for i, fact in enumerate(facts):
        fired = {key for key, j in hits if j == i}
        overridden = {t for c in compiled.rules if c.key in fired for t in c.rule.overrides}
        state = CheckState()
        for order, c in enumerate(compiled.rules):
            if c.key in fired and c.key not in overridden:
                name, args = effect_of(c.rule.then)
                REGISTRY[name].apply(state, Firing(c.key, c.ruleset.id, c.rule, fact, c.param), args)
                out.append(((i, order), _problem(c, state.flags[-1], labels[i], proposals.get(labels[i] or ""))))
    return out, compiled.rules


def run(d: Draft, library: Library, matcher: str = "durable") -> dict:
    """Check a draft: every problem the check rules in force on its date find, errors first."""
    on, spec = d.spec.determined_on, d.spec
    active = library.active(on, first_complaint_date(d.case) if d.case else None, spec.landlord)
    if not any(r.spec.kind == "checks" for r in active):
        raise EngineError(f"no draft checks are in force on {on}; see `remedies rulesets list`")
    notes: list[str] = []
    proposals = _proposal(d, library, matcher, notes)
    guidance, scheme = _guidance(library, active, on), _scheme(active, on)
    elements = [_element_fact(d, el, _band(guidance, el.finding), scheme, proposals.get(el.id))
                for el in spec.elements]
    draft_hits, draft_rules = _run_stage("draft", [_draft_fact(d, elements)], [None], proposals, active, on, matcher)
    element_hits, element_rules = _run_stage("draft_element", elements, [el.id for el in spec.elements],
                                             proposals, active, on, matcher)
    ranked = [((p["severity"] != "error", 0, *pos), p) for pos, p in draft_hits] + \
             [((p["severity"] != "error", 1, *pos), p) for pos, p in element_hits]
    problems = [p for _, p in sorted(ranked, key=lambda x: x[0])]
    errors = sum(1 for p in problems if p["severity"] == "error")
    considered = draft_rules + element_rules
    return {
        "check_version": CHECK_VERSION,
        "engine": {"name": "remedies", "version": __version__, "matcher": matcher},
        "status": "errors" if errors else "ok",
        "draft": {"file": d.path, "reference": spec.reference, "landlord": spec.landlord,
                  "determined_on": on.isoformat()},
        "facts": os.path.normpath(d.facts_source) if d.facts_source and d.facts_source != "inline" else d.facts_source,
        "rulesets": [{"id": r.id, "version": r.spec.version, "sha256": r.digest} for r in active],
        "errors": errors,
        "warnings": len(problems) - errors,
        "problems": problems,
        "checks_considered": len(considered),
        "checks_without_figure": [{"rule": c.key, "why": c.missing} for c in considered if c.missing],
        "notes": notes,
    }
