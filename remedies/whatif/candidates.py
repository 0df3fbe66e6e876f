"""One-fact changes to a case, generated from the vocabulary and the case's own facts.

Each candidate adds, removes or changes one fact: a failure, an impact, a vulnerability, a
step of redress, an offer, a chaser, an intervention or a response date. The set is bounded:
failure kinds are added only where some rule reads them, so the cost grows with the rules,
not with the vocabulary's size.
"""

from __future__ import annotations

import json
import pickle
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable, get_args

from .. import conditions
from ..effects import effect_of
from ..facts import Redress
from ..rulesets import Library

SHIFT_DAYS = 7  # how far a response date or a delay is moved: one week, a unit caseworkers use


@dataclass(frozen=True)
class Candidate:
    """A changed copy of the facts, and the change in words."""

    change: str
    facts: dict
    element: str | None = None  # the element changed, where the change is to one element
    new_word: bool = False  # adds a word the facts did not use: shown after changes to the facts given


_DEGREE = {"no": "not at all", "unknown": "not known"}
UNKNOWN = "unknown"  # a judgement the facts leave open: never a change to suggest


def _steps(field: str) -> list[str]:
    return list(get_args(Redress.model_fields[field].annotation))


def read_facts(library: Library, topic: str | None = None) -> set[str]:
    """Every fact some rule reads (a word no rule reads cannot move anything); given a topic, only
    the rules whose own top-level condition on the topic admits it."""
    return {name for rs in library.rulesets for rule in rs.spec.rules if topic is None or _admits(rule.when, topic)
            for name in conditions.referenced_facts(rule.when)}


def _admits(when: dict, topic: str) -> bool:
    """False only where a condition that must hold (the rule's own, or one of its `all`) excludes the topic."""
    for leaf in when.get("all", [when]):
        if leaf.get("fact") != "topic":
            continue
        if ("eq" in leaf and leaf["eq"] != topic) or ("ne" in leaf and leaf["ne"] == topic) \
                or ("in" in leaf and topic not in leaf["in"]):
            return False
    return True


def derived_kinds(library: Library) -> set[str]:
    """Failure kinds the rules derive from a complaint's dates: changed through the dates, not stated."""
    out = set()
    for rs in library.rulesets:
        for rule in rs.spec.rules:
            name, args = effect_of(rule.then)
            if name == "derive_failure":
                out.add(args["kind"])
    return out


def _alike(library: Library, kinds: list[str]) -> list[tuple[str, list[str]]]:
    """The kinds grouped by how the rules read them: (the first, the others read the same way).

    A kind's signature is every rule that names it, written with all of ``kinds`` blanked, and
    the comparisons that name it: two kinds with one signature meet every rule's condition in
    the same way, so adding either gives the same assessment (``kinds`` are all absent)."""
    blank = re.compile(r'failure__(' + "|".join(map(re.escape, sorted(kinds, key=len, reverse=True)))
                       + r')(?=__measure"|")') if kinds else None
    rules = [(json.dumps(r.when, sort_keys=True), json.dumps([r.stage, r.then], sort_keys=True))
             for rs in library.rulesets for r in rs.spec.rules]
    groups: dict[tuple, list[str]] = {}
    for kind in kinds:
        mine = re.compile(rf'failure__{re.escape(kind)}(?=__measure"|")')
        sig = []
        for when, then in rules:
            if mine.search(when):
                leaves = sorted(json.dumps(leaf, sort_keys=True) for leaf in conditions.leaves(json.loads(when))
                                if mine.search(json.dumps(leaf, sort_keys=True)))
                sig.append((blank.sub("failure__*", when), then, tuple(mine.sub("failure__*", x) for x in leaves)))
        groups.setdefault(tuple(sorted(sig)), []).append(kind)
    return [(group[0], group[1:]) for group in groups.values()]


def _words(known: frozenset[str], have: list[str], prefix: str, counted: str, read: set[str]) -> list[str]:
    """Words worth adding: each that some rule reads by name, and one standing for the rest where a
    rule counts them (any other word changes only that count)."""
    named = [w for w in sorted(known - set(have)) if f"{prefix}__{w}" in read]
    rest = [w for w in sorted(known - set(have)) if f"{prefix}__{w}" not in read]
    return named + (rest[:1] if rest and counted in read else [])


def _with(base: dict, change: str, edit: Callable[[dict], None], element: str | None = None,
          new_word: bool = False) -> Candidate:
    data = _copied(base)
    edit(data)
    return Candidate(change, data, element, new_word)


def _copied(facts: dict) -> dict:
    """A full copy of the facts (as deepcopy gives, sharing nothing with them) at a quarter of deepcopy's cost."""
    return pickle.loads(pickle.dumps(facts, pickle.HIGHEST_PROTOCOL))


def _label(word: str) -> str:
    return word.replace("_", " ")


def _element_changes(base: dict, i: int, library: Library, read: set[str],
                     least_offer: tuple[int | None, int]) -> list[Candidate]:
    el = base["elements"][i]
    eid = el["id"]
    out: list[Candidate] = []

    def at(data: dict) -> dict:
        return data["elements"][i]

    failures = el.get("failures", [])
    for j, f in enumerate(failures):
        what = f"the failure '{_label(f['kind'])}'"
        out.append(_with(base, f"without {what}", lambda d, j=j: at(d)["failures"].pop(j), eid))
        out.append(_with(base, f"{what} once more (count {f.get('count', 1) + 1})",
                         lambda d, j=j: at(d)["failures"][j].update(count=at(d)["failures"][j].get("count", 1) + 1), eid))
        if f.get("count", 1) > 1:
            out.append(_with(base, f"{what} once less (count {f['count'] - 1})",
                             lambda d, j=j: at(d)["failures"][j].update(count=at(d)["failures"][j]["count"] - 1), eid))
        if isinstance(f.get("to"), date):
            out.append(_with(base, f"{what} ending {SHIFT_DAYS} days later",
                             lambda d, j=j: at(d)["failures"][j].update(to=f["to"] + timedelta(days=SHIFT_DAYS)), eid))
            if f.get("from") is None or f["to"] - timedelta(days=SHIFT_DAYS) >= f["from"]:
                out.append(_with(base, f"{what} ending {SHIFT_DAYS} days sooner",
                                 lambda d, j=j: at(d)["failures"][j].update(to=f["to"] - timedelta(days=SHIFT_DAYS)),
                                 eid))
    present = {f["kind"] for f in failures}
    new = [k for k in sorted(library.vocabulary.failure_kinds - present - derived_kinds(library))
           if f"failure__{k}" in read or f"failure__{k}__measure" in read]
    for kind, alike in _alike(library, new):
        also = f" (or {', '.join(map(_label, alike))}: the rules weigh them alike)" if alike else ""
        out.append(_with(base, f"with a further failure: {_label(kind)}{also}",
                         lambda d, kind=kind: at(d).setdefault("failures", []).append({"kind": kind}), eid, True))
    for noun, key, words in (("impact", "impacts", library.vocabulary.impacts),
                             ("mitigation", "mitigations", library.vocabulary.mitigations)):
        given = el.get(key, [])
        for word in given:
            out.append(_with(base, f"without the {noun} '{_label(word)}'",
                             lambda d, word=word, key=key: at(d)[key].remove(word), eid))
        for word in _words(words, given, noun, key, read):
            out.append(_with(base, f"with the {noun} '{_label(word)}'",
                             lambda d, word=word, key=key: at(d).setdefault(key, []).append(word), eid, True))
    redress = el.get("redress", {})
    for field, doing in (("acknowledged", "acknowledging its failings"), ("put_right", "putting things right")):
        now = redress.get(field, Redress.model_fields[field].default)
        for step in _steps(field):
            if step not in (now, UNKNOWN):
                was = "now not known" if now == UNKNOWN else f"not {_DEGREE.get(now, now)}"
                out.append(_with(base, f"the landlord {doing} {_DEGREE.get(step, step)} ({was})",
                                 lambda d, field=field, step=step: at(d).setdefault("redress", {}).update({field: step}),
                                 eid))
    for field, doing in (("apologised", "apologise"), ("learning_shown", "show learning")):
        now = redress.get(field)
        for value in (True, False):
            if value is not now:
                words = f"the landlord {'' if value else 'not '}having {'apologised' if field == 'apologised' else 'shown learning'}"
                words += "" if now is not None else " (not known now)"
                out.append(_with(base, words, lambda d, field=field, value=value: at(d).setdefault(
                    "redress", {}).update({field: value}), eid))
    offers = redress.get("offers", [])
    for k, o in enumerate(offers):
        out.append(_with(base, f"without the landlord's offer of £{o.get('amount', 0):,}",
                         lambda d, k=k: at(d)["redress"]["offers"].pop(k), eid))
    least, offered = least_offer
    if least and least > offered:
        out.append(_with(base, f"the landlord offering £{least:,} in all (not £{offered:,})",
                         lambda d: at(d).setdefault("redress", {}).setdefault("offers", []).append(
                             {"amount": least, "replaces_earlier": True}), eid))
    if el.get("impact_compensated_under"):
        out.append(_with(base, f"its impact not already compensated under '{el['impact_compensated_under']}'",
                         lambda d: at(d).pop("impact_compensated_under"), eid))
    return out


def _complaint_changes(base: dict, k: int) -> list[Candidate]:
    c = base["complaints"][k]
    n = f"complaint {k + 1}" if len(base["complaints"]) > 1 else "the complaint"
    out: list[Candidate] = []

    def at(data: dict) -> dict:
        return data["complaints"][k]

    last = max([x for x in c.values() if isinstance(x, date)] +
               [x for v in c.values() if isinstance(v, list) for x in v if isinstance(x, date)])
    lists = [("chased", "the resident chasing a response once more", "the resident chasing a response once less"),
             ("ombudsman_interventions", "one more Ombudsman intervention", "one Ombudsman intervention fewer")]
    if c.get("escalation_requested"):
        lists.append(("escalation_chased", "the resident chasing the escalation once more",
                      "the resident chasing the escalation once less"))
    for key, more, fewer in lists:
        out.append(_with(base, f"{n}: {more}", lambda d, key=key: at(d).setdefault(key, []).append(last)))
        if c.get(key):
            out.append(_with(base, f"{n}: {fewer}", lambda d, key=key: at(d)[key].pop()))
    if c.get("failure_order"):
        out.append(_with(base, f"{n}: without the complaint handling failure order",
                         lambda d: at(d).pop("failure_order")))
    else:
        out.append(_with(base, f"{n}: with a complaint handling failure order",
                         lambda d: at(d).update(failure_order=last)))
    for key, start, what in (("acknowledged", "made", "it"), ("escalation_acknowledged", "escalation_requested",
                                                              "the escalation")):
        value = c.get(key)
        if value == "never" and c.get(start):
            out.append(_with(base, f"{n}: the landlord acknowledging {what} on the day it came in, not never",
                             lambda d, key=key, start=start: at(d).update({key: c[start]})))
        elif isinstance(value, date):
            out.append(_with(base, f"{n}: the landlord never acknowledging {what}",
                             lambda d, key=key: at(d).update({key: "never"})))
    for key, words in (("stage1_response", "stage 1 response"), ("stage2_response", "stage 2 response")):
        value = c.get(key)
        if isinstance(value, date):
            out.append(_with(base, f"{n}: {words} {SHIFT_DAYS} days later",
                             lambda d, key=key: at(d).update({key: value + timedelta(days=SHIFT_DAYS)})))
            out.append(_with(base, f"{n}: {words} {SHIFT_DAYS} days sooner",
                             lambda d, key=key: at(d).update({key: value - timedelta(days=SHIFT_DAYS)})))
            out.append(_with(base, f"{n}: no {words} ever", lambda d, key=key: at(d).update({key: "never"})))
    for key, words in (("stage1_extended", "stage 1"), ("stage2_extended", "stage 2")):
        now = bool(c.get(key))
        if key == "stage2_extended" and not c.get("escalation_requested"):
            continue
        out.append(_with(base, f"{n}: {words} {'not ' if now else ''}extended with reasons in time",
                         lambda d, key=key, now=now: at(d).update({key: not now})))
    return out


def _resident_changes(base: dict, library: Library, read: set[str]) -> list[Candidate]:
    have = base.get("resident", {}).get("vulnerabilities", [])
    out = [_with(base, f"the resident without the vulnerability '{_label(w)}'",
                 lambda d, w=w: d["resident"]["vulnerabilities"].remove(w)) for w in have]
    # "vulnerable" is read as a yes/no: once the resident has one, another unnamed word changes nothing
    for w in _words(library.vocabulary.vulnerabilities, have, "vulnerability", "" if have else "vulnerable", read):
        out.append(_with(base, f"the resident with the vulnerability '{_label(w)}'",
                         lambda d, w=w: d.setdefault("resident", {}).setdefault("vulnerabilities", []).append(w),
                         None, True))
    return out


def generate(base: dict, library: Library, least_offers: dict[str, tuple[int | None, int]],
             excluded: frozenset[str] = frozenset()) -> list[Candidate]:
    """Every one-fact change this module knows for the case ``base`` (a facts mapping); ``least_offers``
    gives each element's least proportionate offer and what the landlord offered."""
    read = read_facts(library)
    out: list[Candidate] = []
    for i, el in enumerate(base["elements"]):
        if el["id"] in excluded:
            continue  # outside jurisdiction: the Scheme decides it, not the facts of the failure
        topical = set().union(*(read_facts(library, t) for t in [el["topic"], *el.get("also_topics", [])]))
        out += _element_changes(base, i, library, topical, least_offers.get(el["id"], (None, 0)))
    for k in range(len(base.get("complaints", []))):
        out += _complaint_changes(base, k)
    out += _resident_changes(base, library, read)
    return out
