"""Offer advice for landlords: the least offer the guidance would count as proportionate.

The question every complaint team asks. The figure is the proposal for the facts as given
(the band point plus any calculated sums); the conditions that must also hold for the offer
to amount to reasonable redress are read from the redress rules themselves, so the advice
changes when the rules do.
"""

from __future__ import annotations

from typing import Any

from .. import conditions
from ..effects import effect_of
from ..engine import Run

# facts that describe the offer itself: the advice supposes a proportionate offer is made
_OFFER_FACTS = {"offers", "offered", "paid", "offer_shortfall", "offer_over_band_top", "offer_after_referral",
                "level", "finding", "amount"}


def _leaves(cond: dict) -> list[dict]:
    """Conditions that must each hold: an `any` group stays whole (unlike conditions.leaves)."""
    if "all" in cond:
        return [leaf for sub in cond["all"] for leaf in _leaves(sub)]
    return [cond]


_SYMBOL = {"eq": "=", "ne": "≠", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤", "in": "one of"}


def _describe(cond: dict, facts: dict) -> str:
    """A condition in words, with the value each fact has now; groups in brackets."""
    if "all" in cond or "any" in cond:
        key = "all" if "all" in cond else "any"
        parts = [_describe(sub, facts) for sub in cond[key]]
        joined = (" and " if key == "all" else " or ").join(parts)
        return f"({joined})" if key == "all" else joined
    op = next(k for k in cond if k != "fact")
    want = cond[op]
    shown = ", ".join(map(str, want)) if isinstance(want, list) else str(want).lower()
    return f"{cond['fact']} {_SYMBOL[op]} {shown} (now {str(facts.get(cond['fact'])).lower()})"


def _facts_in(cond: dict) -> set[str]:
    if "all" in cond or "any" in cond:
        return set().union(*(_facts_in(sub) for sub in cond.get("all", cond.get("any", []))))
    return {cond["fact"]}


def advise(run: Run, el_id: str) -> dict | None:
    """The least proportionate offer for one element, and what else reasonable redress needs."""
    st = run.states[el_id]
    if st.excluded or st.level in ("", "no_maladministration"):
        return None
    facts = dict(run.facts[el_id].facts)
    least = st.proposed_amount
    supposed = dict(facts, offers=max(1, facts["offers"]), offered=least, offer_shortfall=0)
    needs: list[dict] = []
    rule_keys: list[str] = []
    for rs in run.rulesets:
        on = run.figures_on(rs) if run.figures_on else run.as_of
        for rule in rs.spec.rules:
            name, args = effect_of(rule.then)
            if name != "redress" or args.get("outcome") != "reasonable_redress":
                continue
            rule_keys.append(f"{rs.id}/{rule.id}")
            for leaf in _leaves(rule.when):
                if _facts_in(leaf) <= _OFFER_FACTS:
                    continue
                resolved = conditions.compile_condition(leaf, lambda ref, rs=rs: getattr(
                    rs.param(ref["param"], on), ref.get("field", "value")))
                now = facts.get(leaf["fact"]) if "fact" in leaf else None
                needs.append({"condition": _describe(leaf, facts), "now": now,
                              "met": conditions.evaluate(resolved, supposed), "rule": f"{rs.id}/{rule.id}"})
    because = [{"rule": p["rule"], "amount": p["amount"], "label": p["label"]} for p in st.proposed_parts]
    return {"least_proportionate_offer": least, "offered": facts["offered"],
            "shortfall": max(0, least - facts["offered"]), "because": because,
            "reasonable_redress_also_needs": needs, "rules": rule_keys}
