"""hypothesis strategies for facts files, built from what the loaded rulesets declare.

Words come from the vocabulary, dates from the rulesets' effective windows and the
boundaries of their dated values, and the choices a facts file allows (redress, grounds
of jurisdiction, refusal reasons, offer stages) from the facts model itself, so the
generators grow with the rulesets and the model. A case is a plain dict in the shape of a
facts file, valid by construction, so a counterexample can be written out and assessed.
Strategies shrink towards the plainest case: one element, no complaints, nothing offered.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable, get_args

from hypothesis import assume
from hypothesis import strategies as st

from .. import conditions
from ..facts import Complaint, Jurisdiction, Offer, Redress
from ..rulesets import Library

NO_POLICY = "no-policy-landlord"  # a landlord with no policy ruleset: only the Ombudsman's instruments apply
HORIZON = timedelta(days=730)  # how far past the last dated change an open-ended instrument is exercised
Draw = Callable[[st.SearchStrategy[Any]], Any]


def _choices(model: type, name: str) -> list[Any]:
    """The values a Literal field of the facts model allows (optional or not), in its own order."""
    args = get_args(model.model_fields[name].annotation)
    literal = next((a for a in args if get_args(a)), None)
    return list(get_args(literal) if literal else args)


def boundaries(library: Library) -> list[date]:
    """Every date on which a ruleset or a dated value starts, or the day after one ends."""
    out: set[date] = set()
    for r in library.rulesets:
        out.add(r.spec.effective_from)
        if r.spec.effective_to:
            out.add(r.spec.effective_to + timedelta(days=1))
        for p in r.spec.parameters.values():
            for v in p.values:
                out.add(v.from_)
                if v.to:
                    out.add(v.to + timedelta(days=1))
    return sorted(out)


def decision_window(library: Library) -> tuple[date, date]:
    """The first and last determination dates on which some Ombudsman guidance is in force."""
    horizon = boundaries(library)[-1] + HORIZON
    guidance = [r for r in library.rulesets if r.spec.kind == "ombudsman_guidance"] or library.rulesets
    return (min(r.spec.effective_from for r in guidance),
            max(r.spec.effective_to or horizon for r in guidance))


def failure_kinds(library: Library, landlords: list[str] | None = None) -> st.SearchStrategy[str]:
    """A failure kind, half the time one that a rule reads (of the given landlords' policies, if any),
    so that a rule about a rare failure is exercised in a few dozen cases."""
    rulesets = [r for r in library.rulesets if not landlords or r.spec.landlord in landlords]
    read = {name.split("__")[1] for r in rulesets for rule in r.spec.rules
            for name in conditions.referenced_facts(rule.when) if name.startswith("failure__")}
    every = st.sampled_from(sorted(library.vocabulary.failure_kinds))
    focus = sorted(read & library.vocabulary.failure_kinds)
    return st.one_of(every, st.sampled_from(focus)) if focus else every


def _tidy(d: dict) -> dict:
    """Leave out what a facts file may omit (None, false, empty), as a caseworker would."""
    return {k: v for k, v in d.items() if not (v is None or v is False or v == [] or v == {})}


def _date_in(low: date, high: date, anchors: list[date]) -> st.SearchStrategy[date]:
    """A date in [low, high], often exactly on a boundary where figures change."""
    on_edges = [d for d in anchors if low <= d <= high]
    plain = st.dates(low, high)
    return st.one_of(st.sampled_from(on_edges), plain) if on_edges else plain


# Strategies are built once, here or per library in _Draws: building them inside every draw is slow.
_DATE_OR_NOT = st.sampled_from(("none", "date"))
_DATE_OR_NEVER = st.sampled_from(("none", "never", "date"))
_EXTENT = st.sampled_from(("none", "dates", "days"))
_REFUSED = st.sampled_from(_choices(Complaint, "refused"))
_GROUNDS = st.sampled_from([n for n, f in Jurisdiction.model_fields.items() if f.annotation is bool])
_OFFERS = st.lists(st.fixed_dictionaries({"amount": st.integers(0, 1500),
                                          "stage": st.sampled_from(_choices(Offer, "stage"))},
                                         optional={"paid": st.booleans()}), max_size=2)
_ACKNOWLEDGED = st.sampled_from(_choices(Redress, "acknowledged"))
_PUT_RIGHT = st.sampled_from(_choices(Redress, "put_right"))
_YES_NO_UNKNOWN = st.sampled_from((True, False, None))  # None: left out of the facts, i.e. unknown
_COSTS = st.lists(st.fixed_dictionaries({"amount": st.integers(1, 500), "description": st.just("cost"),
                                         "evidenced": st.booleans()}), max_size=1)
_AMENITY = st.one_of(st.none(), st.fixed_dictionaries({"weekly_rent": st.integers(50, 400),
                                                       "weeks": st.integers(1, 52), "percent": st.integers(1, 100)}))


def _day(draw: Draw, start: date, low: int, high: int) -> date:
    """A date ``low`` to ``high`` days after ``start`` (before it, for negative numbers)."""
    return start + timedelta(days=draw(st.integers(low, high)))


def _days_after(draw: Draw, start: date, low: int, high: int, never: bool = False) -> date | str | None:
    """Nothing, 'never' (where allowed), or a date ``low`` to ``high`` days after ``start``."""
    choice = draw(_DATE_OR_NEVER if never else _DATE_OR_NOT)
    return None if choice == "none" else "never" if choice == "never" else _day(draw, start, low, high)


def _complaint(draw: Draw, made: date) -> dict:
    """One complaint with its dates in the order the facts model requires."""
    ack = _days_after(draw, made, 0, 30, never=True)
    stage1 = _days_after(draw, ack if isinstance(ack, date) else made, 0, 120, never=True)
    escalated = _days_after(draw, stage1 if isinstance(stage1, date) else made, 0, 60)
    c = {"made": made, "acknowledged": ack,
         "chased": [made + timedelta(days=d) for d in draw(st.lists(st.integers(1, 90), max_size=2))],
         "stage1_response": stage1, "escalation_requested": escalated,
         "ombudsman_interventions": [made + timedelta(days=d) for d in draw(st.lists(st.integers(30, 400), max_size=2))],
         "failure_order": _days_after(draw, made, 60, 400),
         "stage1_extended": draw(st.booleans()),
         "refused": draw(st.one_of(st.none(), _REFUSED)),
         "issue_arose": _days_after(draw, made, -800, 0)}
    if isinstance(escalated, date):
        eack = _days_after(draw, escalated, 0, 30, never=True)
        c.update(escalation_acknowledged=eack,
                 escalation_chased=[escalated + timedelta(days=d) for d in draw(st.lists(st.integers(1, 90), max_size=2))],
                 stage2_response=_days_after(draw, eack if isinstance(eack, date) else escalated, 0, 120, never=True),
                 stage2_extended=draw(st.booleans()))
    return _tidy(c)


class _Draws:
    """What a case is drawn from, for one library (and the landlords cases are for)."""

    def __init__(self, library: Library, landlords: list[str] | None) -> None:
        v = library.vocabulary
        self.landlords = st.sampled_from(landlords or [NO_POLICY, *library.landlords()])
        self.kinds = failure_kinds(library, landlords)
        self.topics = st.sampled_from(sorted(v.topics))
        self.bodies = st.sampled_from(sorted(v.other_bodies) or [None])
        self.impacts = st.lists(st.sampled_from(sorted(v.impacts)), unique=True, max_size=3)
        self.vulnerabilities = st.lists(st.sampled_from(sorted(v.vulnerabilities)), unique=True, max_size=2)

    def failure(self, draw: Draw, decided: date) -> dict:
        f = {"kind": draw(self.kinds), "count": draw(st.integers(1, 5))}
        extent = draw(_EXTENT)
        if extent == "dates":
            start = _day(draw, decided, -1500, 0)
            f.update({"from": start, "to": _day(draw, start, 0, 700)})
        elif extent == "days":
            f["days"] = draw(st.integers(0, 700))
        return f if f["count"] > 1 else {k: v for k, v in f.items() if k != "count"}

    def jurisdiction(self, draw: Draw) -> dict:
        """Mostly in jurisdiction; otherwise one ground, stated as the facts model allows."""
        choice = draw(st.integers(0, 9))
        body = draw(self.bodies) if choice == 8 else None
        return {} if choice < 8 else {"other_body": body} if body else {draw(_GROUNDS): True}

    def element(self, draw: Draw, el_id: str, others: list[str], decided: date) -> dict:
        start = _day(draw, decided, -1500, 0)
        period = _days_after(draw, start, 0, 1000)
        return _tidy({
            "id": el_id,
            "topic": draw(self.topics),
            "jurisdiction": self.jurisdiction(draw),
            "period": {"from": start, "to": period} if period else None,
            "failures": [self.failure(draw, decided) for _ in range(draw(st.integers(0, 4)))],
            "impacts": draw(self.impacts),
            "impact_compensated_under": ([None, *others])[draw(st.integers(0, len(others)))],
            "costs": draw(_COSTS),
            "loss_of_amenity": draw(_AMENITY),
            # judgements keep an explicit false ("no"); only an unknown one is left out
            "redress": {k: v for k, v in {"acknowledged": draw(_ACKNOWLEDGED), "apologised": draw(_YES_NO_UNKNOWN),
                                          "put_right": draw(_PUT_RIGHT), "learning_shown": draw(_YES_NO_UNKNOWN),
                                          "offers": draw(_OFFERS) or None}.items() if v is not None},
        })


def cases(library: Library, landlords: list[str] | None = None, decided: tuple[date, date] | None = None,
          made: tuple[date, date] | None = None) -> st.SearchStrategy[dict]:
    """Facts files for ``library``: ``landlords`` to choose from (default: every policy, and none),
    determination dates in ``decided`` (default: while guidance is in force), and, where ``made``
    is given, a first complaint made in that range (it selects the Code and landlord policies)."""
    anchors = boundaries(library)
    low, high = decided or decision_window(library)
    draws = _Draws(library, landlords)
    decided_on = _date_in(low, high, anchors)
    first_made = _date_in(*made, anchors) if made else None

    @st.composite
    def case(draw: Draw) -> dict:
        if first_made is not None:
            first = draw(first_made)
            on = draw(_date_in(max(low, first), max(high, first), anchors))
            dates = [first, *[min(on, first + timedelta(days=d)) for d in draw(st.lists(st.integers(0, 400), max_size=1))]]
        else:
            on = draw(decided_on)
            dates = [on - timedelta(days=d) for d in draw(st.lists(st.integers(0, 1200), max_size=2))]
        ids = [f"e{i + 1}" for i in range(draw(st.integers(1, 3)))]
        return _tidy({
            "case": {"reference": "generated", "landlord": draw(draws.landlords), "decided_on": on},
            "resident": _tidy({"vulnerabilities": draw(draws.vulnerabilities), "rent_arrears": draw(st.booleans()),
                               "agreed_to_offset": draw(st.booleans())}),
            "complaints": [_complaint(draw, d) for d in dates],
            # an element's impact may be compensated under an earlier one only, so there is never a circle
            "elements": [draws.element(draw, el_id, ids[:i], on) for i, el_id in enumerate(ids)],
        })

    return case()


@dataclass(frozen=True)
class Pair:
    """Two cases that differ by one change, described in words for the report."""

    before: dict
    after: dict
    change: str
    element: str | None = None  # the element changed, if the change is to one element


def _worse_changes(library: Library, case: dict) -> list[tuple[str, Any]]:
    """Every way of making ``case`` worse for the resident that applies to it."""
    out: list[tuple[str, Any]] = []
    for i, el in enumerate(case["elements"]):
        # naming the first failing of an element whose landlord acknowledged failings only in part is
        # new information (an offer can now be weighed against it), not a worse case
        if el.get("failures") or el.get("redress", {}).get("acknowledged") != "partly":
            out.append(("add_failure", i))
        if "period" in el:
            out.append(("longer_period", i))
        out += [("longer_failure", (i, j)) for j, f in enumerate(el.get("failures", [])) if "to" in f or "days" in f]
    if set(library.vocabulary.vulnerabilities) - set(case.get("resident", {}).get("vulnerabilities", [])):
        out.append(("add_vulnerability", None))
    for k, c in enumerate(case.get("complaints", [])):
        out.append(("add_intervention", k))
        out += [("later_response", (k, s)) for s in ("stage1_response", "stage2_response") if isinstance(c.get(s), date)]
    return out


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _pick(draw: Draw, options: list[Any]) -> Any:
    """One of ``options`` (which differ from case to case), shrinking towards the first."""
    return options[draw(st.integers(0, len(options) - 1))]


def _worse(draw: Draw, library: Library, kinds: st.SearchStrategy[str], base: dict) -> Pair:
    changes = _worse_changes(library, base)
    assume(changes)  # e.g. one element, partly acknowledged, no failure named and nothing else to make worse
    kind, where = _pick(draw, changes)
    case = copy.deepcopy(base)
    days = draw(st.integers(1, 400))
    if kind == "add_failure":
        el = case["elements"][where]
        failure = {"kind": draw(kinds)}
        el.setdefault("failures", []).append(failure)
        return Pair(base, case, f"adding a failure '{failure['kind']}' to element {el['id']}", el["id"])
    if kind == "longer_period":
        el = case["elements"][where]
        el["period"]["to"] += timedelta(days=days)
        return Pair(base, case, f"lengthening element {el['id']}'s period by {_days(days)}", el["id"])
    if kind == "longer_failure":
        el = case["elements"][where[0]]
        f = el["failures"][where[1]]
        if "to" in f:
            f["to"] += timedelta(days=days)
        else:
            f["days"] += days
        return Pair(base, case, f"lengthening the delay '{f['kind']}' of element {el['id']} by {_days(days)}",
                    el["id"])
    if kind == "add_vulnerability":
        resident = case.setdefault("resident", {})
        known = resident.get("vulnerabilities", [])
        word = _pick(draw, sorted(set(library.vocabulary.vulnerabilities) - set(known)))
        resident["vulnerabilities"] = [*known, word]
        return Pair(base, case, f"adding the vulnerability '{word}'")
    c = case["complaints"][where if kind == "add_intervention" else where[0]]
    if kind == "add_intervention":
        c["ombudsman_interventions"] = [*c.get("ombudsman_interventions", []), c["made"] + timedelta(days=days)]
        return Pair(base, case, f"adding an Ombudsman intervention to complaint {where + 1}")
    c[where[1]] += timedelta(days=days)
    return Pair(base, case, f"a {where[1].replace('_', ' ')} {_days(days)} later in complaint {where[0] + 1}")


def worse(library: Library, landlords: list[str] | None = None) -> st.SearchStrategy[Pair]:
    """A case, and the same case made worse by one change: a failure added, a delay or period
    lengthened, a vulnerability added, a response later, or one more Ombudsman intervention."""
    kinds, bases = failure_kinds(library, landlords), cases(library, landlords)
    return st.composite(lambda draw: _worse(draw, library, kinds, draw(bases)))()


# better redress, step by step. From unknown there is no step: learning what the landlord did is
# new information (it may reveal a failing), not better redress.
_LADDER = ["no", "partly", "fully"]
assert set(_LADDER) | {"unknown"} == set(_choices(Redress, "acknowledged")) == set(_choices(Redress, "put_right"))
_STEPS = {"acknowledged": _LADDER, "put_right": _LADDER}


def _better(draw: Draw, base: dict) -> Pair:
    case = copy.deepcopy(base)
    el = _pick(draw, case["elements"])
    redress = el.setdefault("redress", {})
    options = [k for k, steps in _STEPS.items() if redress.get(k, "unknown") in steps[:-1]]
    options += [k for k in ("apologised", "learning_shown") if redress.get(k) is False] + ["offer"]
    what = _pick(draw, options)
    if what in _STEPS:
        steps = _STEPS[what]
        redress[what] = steps[steps.index(redress[what]) + 1]
        return Pair(base, case, f"{what.replace('_', ' ')} {redress[what]} on element {el['id']}", el["id"])
    if what != "offer":
        redress[what] = True
        return Pair(base, case, f"{what.replace('_', ' ')} on element {el['id']}", el["id"])
    more = draw(st.integers(1, 1000))
    offers = redress.setdefault("offers", [])
    if offers:
        offers[0]["amount"] += more
    else:
        offers.append({"amount": more, "stage": _choices(Offer, "stage")[0]})
    return Pair(base, case, f"£{more} more offered on element {el['id']}", el["id"])


def better_redress(library: Library, landlords: list[str] | None = None) -> st.SearchStrategy[Pair]:
    """A case, and the same case with one element's redress better: acknowledged or put right
    further, an apology, learning shown, or more money offered."""
    bases = cases(library, landlords)
    return st.composite(lambda draw: _better(draw, draw(bases)))()
