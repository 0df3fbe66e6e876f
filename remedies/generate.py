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

from hypothesis import strategies as st

from . import conditions
from .facts import Complaint, Jurisdiction, Offer, Redress
from .rulesets import Library

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


def _after(start: date, low: int, high: int) -> st.SearchStrategy[date]:
    return st.integers(low, high).map(lambda days: start + timedelta(days=days))


def _before(end: date, low: int, high: int) -> st.SearchStrategy[date]:
    return st.integers(low, high).map(lambda days: end - timedelta(days=days))


def _tidy(d: dict) -> dict:
    """Leave out what a facts file may omit (None, false, empty), as a caseworker would."""
    return {k: v for k, v in d.items() if not (v is None or v is False or v == [] or v == {})}


def _date_in(low: date, high: date, anchors: list[date]) -> st.SearchStrategy[date]:
    """A date in [low, high], often exactly on a boundary where figures change."""
    on_edges = [d for d in anchors if low <= d <= high]
    plain = st.dates(low, high)
    return st.one_of(st.sampled_from(on_edges), plain) if on_edges else plain


@st.composite
def _complaint(draw: Draw, made: date) -> dict:
    """One complaint with its dates in the order the facts model requires."""
    ack = draw(st.one_of(st.none(), st.just("never"), _after(made, 0, 30)))
    stage1 = draw(st.one_of(st.none(), st.just("never"), _after(ack if isinstance(ack, date) else made, 0, 120)))
    escalated = draw(st.one_of(st.none(), _after(stage1 if isinstance(stage1, date) else made, 0, 60)))
    c = {"made": made, "acknowledged": ack, "chased": draw(st.lists(_after(made, 1, 90), max_size=2)),
         "stage1_response": stage1, "escalation_requested": escalated,
         "ombudsman_interventions": draw(st.lists(_after(made, 30, 400), max_size=2)),
         "failure_order": draw(st.one_of(st.none(), _after(made, 60, 400))),
         "stage1_extended": draw(st.booleans()),
         "refused": draw(st.one_of(st.none(), st.sampled_from(_choices(Complaint, "refused")))),
         "issue_arose": draw(st.one_of(st.none(), _before(made, 0, 800)))}
    if escalated:
        eack = draw(st.one_of(st.none(), st.just("never"), _after(escalated, 0, 30)))
        c.update(escalation_acknowledged=eack,
                 escalation_chased=draw(st.lists(_after(escalated, 1, 90), max_size=2)),
                 stage2_response=draw(st.one_of(st.none(), st.just("never"),
                                                _after(eack if isinstance(eack, date) else escalated, 0, 120))),
                 stage2_extended=draw(st.booleans()))
    return _tidy(c)


@st.composite
def _failure(draw: Draw, kinds: st.SearchStrategy[str], decided: date) -> dict:
    start = draw(_before(decided, 0, 1500))
    extent = draw(st.sampled_from(["none", "dates", "days"]))
    f = {"kind": draw(kinds), "count": draw(st.integers(1, 5))}
    if extent == "dates":
        f.update({"from": start, "to": draw(_after(start, 0, 700))})
    elif extent == "days":
        f["days"] = draw(st.integers(0, 700))
    return f if f["count"] > 1 else {k: v for k, v in f.items() if k != "count"}


@st.composite
def _jurisdiction(draw: Draw, bodies: list[str]) -> dict:
    """Mostly in jurisdiction; otherwise one ground, stated as the facts model allows."""
    grounds = [n for n, f in Jurisdiction.model_fields.items() if f.annotation is bool]
    choice = draw(st.integers(0, 9))
    if choice < 8:
        return {}
    if choice == 8 and bodies:
        return {"other_body": draw(st.sampled_from(bodies))}
    return {draw(st.sampled_from(grounds)): True}


@st.composite
def _redress(draw: Draw) -> dict:
    offers = draw(st.lists(st.fixed_dictionaries(
        {"amount": st.integers(0, 1500), "stage": st.sampled_from(_choices(Offer, "stage"))},
        optional={"paid": st.booleans()}), max_size=2))
    return _tidy({"acknowledged": draw(st.sampled_from(_choices(Redress, "acknowledged"))),
                  "apologised": draw(st.booleans()),
                  "put_right": draw(st.sampled_from(_choices(Redress, "put_right"))),
                  "learning_shown": draw(st.booleans()), "offers": offers})


@st.composite
def _element(draw: Draw, library: Library, kinds: st.SearchStrategy[str], el_id: str, others: list[str],
             decided: date) -> dict:
    v = library.vocabulary
    start = draw(_before(decided, 0, 1500))
    return _tidy({
        "id": el_id,
        "topic": draw(st.sampled_from(sorted(v.topics))),
        "jurisdiction": draw(_jurisdiction(sorted(v.other_bodies))),
        "period": draw(st.one_of(st.none(), _after(start, 0, 1000).map(lambda to: {"from": start, "to": to}))),
        "failures": draw(st.lists(_failure(kinds, decided), max_size=4)),
        "impacts": draw(st.lists(st.sampled_from(sorted(v.impacts)), unique=True, max_size=3)),
        "impact_compensated_under": draw(st.one_of(st.none(), st.sampled_from(others))) if others else None,
        "costs": draw(st.lists(st.fixed_dictionaries({"amount": st.integers(1, 500), "description": st.just("cost"),
                                                      "evidenced": st.booleans()}), max_size=1)),
        "loss_of_amenity": draw(st.one_of(st.none(), st.fixed_dictionaries(
            {"weekly_rent": st.integers(50, 400), "weeks": st.integers(1, 52), "percent": st.integers(1, 100)}))),
        "redress": draw(_redress()),
    })


def cases(library: Library, landlords: list[str] | None = None, decided: tuple[date, date] | None = None,
          made: tuple[date, date] | None = None) -> st.SearchStrategy[dict]:
    """Facts files for ``library``: ``landlords`` to choose from (default: every policy, and none),
    determination dates in ``decided`` (default: while guidance is in force), and, where ``made``
    is given, a first complaint made in that range (it selects the Code and landlord policies)."""
    anchors = boundaries(library)
    low, high = decided or decision_window(library)
    choices = landlords or [NO_POLICY, *library.landlords()]
    kinds = failure_kinds(library, landlords)

    @st.composite
    def case(draw: Draw) -> dict:
        if made is not None:
            first = draw(_date_in(*made, anchors))
            on = draw(_date_in(max(low, first), max(high, first), anchors))
            dates = [first, *draw(st.lists(_after(first, 0, 400), max_size=1))]
        else:
            on = draw(_date_in(low, high, anchors))
            dates = draw(st.lists(_before(on, 0, 1200), max_size=2))
        complaints = [draw(_complaint(d)) for d in dates]
        count = draw(st.integers(1, 3))
        ids = [f"e{i + 1}" for i in range(count)]
        vocab = library.vocabulary
        return _tidy({
            "case": {"reference": "generated", "landlord": draw(st.sampled_from(choices)), "decided_on": on},
            "resident": _tidy({"vulnerabilities": draw(st.lists(st.sampled_from(sorted(vocab.vulnerabilities)),
                                                                unique=True, max_size=2)),
                               "rent_arrears": draw(st.booleans()), "agreed_to_offset": draw(st.booleans())}),
            "complaints": complaints,
            "elements": [draw(_element(library, kinds, el_id, [o for o in ids if o != el_id], on)) for el_id in ids],
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


@st.composite
def _worse(draw: Draw, library: Library, kinds: st.SearchStrategy[str], base: dict) -> Pair:
    kind, where = draw(st.sampled_from(_worse_changes(library, base)))
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
        word = draw(st.sampled_from(sorted(set(library.vocabulary.vulnerabilities) - set(known))))
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
    kinds = failure_kinds(library, landlords)
    return cases(library, landlords).flatmap(lambda base: _worse(library, kinds, base))


_STEPS = {"acknowledged": _choices(Redress, "acknowledged"), "put_right": _choices(Redress, "put_right")}


@st.composite
def _better(draw: Draw, base: dict) -> Pair:
    i = draw(st.integers(0, len(base["elements"]) - 1))
    case = copy.deepcopy(base)
    el = case["elements"][i]
    redress = el.setdefault("redress", {})
    options = [k for k, steps in _STEPS.items() if redress.get(k, steps[0]) != steps[-1]]
    options += [k for k in ("apologised", "learning_shown") if not redress.get(k)] + ["offer"]
    what = draw(st.sampled_from(options))
    if what in _STEPS:
        steps = _STEPS[what]
        redress[what] = steps[steps.index(redress.get(what, steps[0])) + 1]
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
    return cases(library, landlords).flatmap(_better)
