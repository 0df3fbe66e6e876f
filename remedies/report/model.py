"""The one report model: every renderer (text, Markdown, HTML, JSON) shows exactly this.

Built from the assessment (and, where given, "what would change this"), in plain words
first — finding, sum, why, what the landlord must do and by when — with internal rule and
fact names kept to the trace. A citation names the version of an instrument actually
applied: the sources of the dated figures a rule read, or, for a rule that read none, the
sources in force on the date its ruleset was read at.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from ..engine import Run
from ..rulesets import Library, Ruleset
from . import words as w


@dataclass(frozen=True)
class Citation:
    title: str
    url: str | None = None
    section: str | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class Fact:
    """One line a reader must see in every format: 'Sum: £400'."""

    label: str
    text: str


@dataclass(frozen=True)
class TraceLine:
    stage: str
    rule: str
    status: str
    change: str
    statement: str
    citations: list[Citation]
    evidence: str
    subject: str | None = None
    fallback: str | None = None
    computed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Move:
    """A one-fact change and what re-assessing the changed facts gave."""

    direction: str  # up, down, sum_only
    change: str
    finding: str
    amount: int
    text: str


@dataclass(frozen=True)
class ElementReport:
    number: int
    id: str
    title: str
    finding: str
    amount: int
    facts: list[Fact]
    why: list[str]
    distance: list[str]
    moves: list[Move]
    considered: int | None
    trace: list[TraceLine]
    other_rules: int


@dataclass(frozen=True)
class Order:
    text: str
    amount: int | None
    when: str
    elements: list[str]


@dataclass(frozen=True)
class Report:
    reference: str
    landlord: str
    as_of: str
    engine: str
    disclaimer: str
    summary: list[str]
    elements: list[ElementReport]
    total: Fact
    total_notes: list[str]
    orders: list[Order]
    recommendations: list[str]
    rulesets: list[Fact]
    notes: list[str]
    evidence_warnings: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def facts(self) -> list[str]:
        """Every statement of fact in the report, as each renderer must show it somewhere."""
        out = [*self.summary, self.total.text, *self.total_notes, *self.recommendations, *self.notes,
               *self.evidence_warnings, *(f.text for f in self.rulesets)]
        for o in self.orders:
            out += [o.text, o.when] + ([w.money(o.amount)] if o.amount is not None else [])
        for e in self.elements:
            out += [e.title, w.label(e.finding), w.money(e.amount), *(f.text for f in e.facts), *e.why,
                    *e.distance, *(m.text for m in e.moves)]
            for t in e.trace:
                out += [t.rule, t.change, *(c.title for c in t.citations), *t.computed]
                out += [t.fallback] if t.fallback else []
        return out


def _offer_line(e: dict) -> str | None:
    if not e["offers"]:
        return None
    parts = ", ".join(f"{w.money(o['amount'])} at stage {w.label(str(o['stage']))}" + (" (paid)" if o.get("paid") else "")
                      for o in e["offers"])
    return {"replaced": f"The landlord offered {parts}: not proportionate; the proposed order replaces it",
            "confirmed": f"The landlord offered {parts}: proportionate; the proposed order confirms it "
                         f"(pay it if not yet paid)",
            "recommended": f"The landlord offered {parts}: reasonable redress; the Ombudsman would recommend "
                           f"paying it if not yet paid",
            }.get(e["offer_treatment"], f"The landlord offered {parts}")


def _policy_facts(e: dict) -> list[Fact]:
    c = e.get("offer_comparison")
    if not c:
        return []
    out = []
    for b in c["landlord_bands"]:
        top = "no upper figure" if b["max"] is None else w.money(b["max"])
        out.append(Fact(f"Against {b['ruleset']}'s own policy",
                        f"{b['description'] or w.label(b['name'])} {w.money(b['min'])}–{top} (evidence: "
                        f"{b['evidence']}): the offer of {w.money(c['offered'])} is {b['position']} its band"))
    for s in c["landlord_sums"]:
        out.append(Fact(f"{s['ruleset']}'s own policy", f"would pay {w.money(s['amount'])} for {s['label']} "
                                                        f"(evidence: {s['evidence']})"))
    g = c["guidance"]
    out.append(Fact("Against the Ombudsman's guidance", f"the offer of {w.money(c['offered'])} is {g['position']} "
                                                       f"the proposed {w.money(g['proposed'])}"))
    return out


def _advice_facts(e: dict) -> list[Fact]:
    adv = e.get("offer_advice")
    if not adv:
        return []
    parts = adv["because"]
    made_of = parts[0]["label"] if len(parts) == 1 else " + ".join(f"{w.money(b['amount'])} {b['label']}"
                                                                      for b in parts)
    text = f"{w.money(adv['least_proportionate_offer'])} ({made_of})" if parts else w.money(adv["least_proportionate_offer"])
    if adv["shortfall"]:
        text += f"; the landlord's {w.money(adv['offered'])} is {w.money(adv['shortfall'])} short"
    out = [Fact("Least proportionate offer", text)]
    needs = adv["reasonable_redress_also_needs"]
    if needs:
        unmet = [w.condition(n["condition"]) for n in needs if not n["met"]]
        met = [w.condition(n["condition"]) for n in needs if n["met"]]
        text = "; ".join(unmet) if unmet else "nothing more"
        if met:
            text += f" (already met: {'; '.join(met)})"
        out.append(Fact("For reasonable redress the landlord must also show", text))
    return out


def _element_facts(e: dict, library: Library | None) -> list[Fact]:
    if e["finding"] == "outside_jurisdiction":
        grounds = "; ".join(f"paragraph {x['paragraph']} ({w.label(x['ground'])})" for x in e["excluded_by"])
        return [Fact("Finding", f"outside the Ombudsman's jurisdiction — {grounds}")]
    out = [Fact("Finding", w.label(e["finding"])), Fact("Sum", w.money(e["amount"])),
           Fact("Before redress", f"{w.label(e['level_before_redress'])} ({e['points']} points); proposed "
                                  f"{w.money(e['proposed'])}; band {w.band(e['band'])}"),
           Fact("Made up of", "; ".join(f"{w.money(p['amount'])} {p['label']} ({p['kind']})"
                                        + (f" (evidence: {p['evidence']})" if p.get("evidence") else "")
                                        for p in e["parts"]) or "nothing")]
    if e["amount"] != e["proposed"]:
        out.append(Fact("Why the sum differs from the proposal", f"{w.label(e['redress']['outcome'])}: pays "
                        f"{w.label(str(e['redress'].get('pay', 'nothing')))} ({w.money(e['amount'])})"))
    offer = _offer_line(e)
    if offer:
        out.append(Fact("Offer", offer))
    out += _policy_facts(e) + _advice_facts(e)
    out += [Fact("Rests on weaker evidence", _plain_warning(x, e["trace"], library))
            for x in e["evidence_warnings"]]
    fallbacks = sorted({t["fallback"] for t in e["trace"] if t.get("fallback") and t["status"] == "fired"})
    out += [Fact("Fallback", f) for f in fallbacks]
    return out


def _plain_warning(warning: str, trace: list[dict], library: Library | None) -> str:
    """'band_service_failure (hos-remedies-guidance): secondary' → the figure's description with its evidence;
    a rule's warning becomes its statement. The internal names stay in the trace and the JSON."""
    what, _, evidence = warning.rpartition(": ")
    statement = next((t["statement"] for t in trace if t["rule"] == what), None)
    if statement:
        return f"{statement} ({evidence} evidence)"
    name, _, ruleset = what.partition(" (")
    param = library.get(ruleset.rstrip(")")).spec.parameters.get(name) if library and ruleset else None
    return f"the figure for {param.description if param else w.label(name)} ({evidence} evidence)"


def _why(e: dict) -> list[str]:
    """The statements of the rules that decided, in the order they ran (plain words, no ids)."""
    seen: dict[str, None] = {}
    for t in e["trace"]:
        if t["status"] == "fired" and t["stage"] != "orders":
            seen.setdefault(t["statement"], None)
    return list(seen)


def _on(t: dict, rs: Ruleset, run: Run | None) -> date | None:
    if run is None:
        return None
    subject = t.get("subject") or ""
    if subject.startswith("complaint ") and rs.spec.in_force_by == "complaint_made":
        return run.case.complaints[int(subject.split()[1]) - 1].made
    return run.figures_on(rs) if run.figures_on else run.as_of


def _citations(t: dict, library: Library | None, run: Run | None) -> list[Citation]:
    """The version actually applied: the sources of the figures read, or those in force on the date."""
    own = Citation(t["citation"]["source"], t["citation"].get("url"), t["citation"].get("section"), t["evidence"])
    if library is None:
        return [own]
    rs = library.get(t["ruleset"])
    ids = list(dict.fromkeys(p["source"] for p in t["params"].values()))
    on = _on(t, rs, run)
    rule_source = next((r.source for r in rs.spec.rules if f"{rs.id}/{r.id}" == t["rule"]), None)
    # the figures drawn from the rule's own source: whichever source gives them on the date is the version applied
    versioned = [p for p in rs.spec.parameters.values() if any(v.source == rule_source for v in p.values)]
    if not ids and on and versioned:
        in_force = [v.source for p in versioned for v in p.values if v.from_ <= on and (v.to is None or on <= v.to)]
        if in_force and rule_source not in in_force:
            ids = list(dict.fromkeys(in_force))
    known = {s.id for s in rs.spec.sources}
    applied = [rs.source(i) for i in ids if i in known]
    if not applied or [s.id for s in applied] == [rule_source]:
        return [own]
    return [Citation(s.title, s.url, None, s.evidence) for s in applied]


def _trace(e: dict, library: Library | None, run: Run | None) -> list[TraceLine]:
    out = []
    for t in e["trace"]:
        if t.get("nearest_miss"):  # per decision, the rule that came nearest to firing and what it missed
            miss = t["nearest_miss"]
            out.append(TraceLine(t["stage"], t["rule"], t["status"],
                                 f"nearest not to apply ({miss['decision']}): " + "; ".join(miss["unmet"]),
                                 t["statement"], _citations(t, library, run), t["evidence"], t.get("subject")))
            continue
        if t["status"] not in ("fired", "overridden"):
            continue
        out.append(TraceLine(
            t["stage"], t["rule"], t["status"], t.get("changed") or f"overridden by {t.get('overridden_by')}",
            t["statement"], _citations(t, library, run), t["evidence"], t.get("subject"), t.get("fallback"),
            [f"{name}: {how}" for name, how in t.get("computed", {}).items()]))
    return out


def _distance(d: dict | None) -> list[str]:
    """The distance in the finding rules' own terms: points against the thresholds they read."""
    if not d or d["points"] is None:
        return []
    out = []
    if d["up"]:
        u = d["up"]
        out.append(f"{d['points']} points: {u['points_needed']} more would reach {w.label(u['level'])} "
                   f"(at {u['threshold']} points)")
    for level in d["points_alone_cannot_reach"]:
        out.append(f"More points alone would not make it {w.label(level)}: the rules for that level also need "
                   f"facts this case does not have")
    if d["down"]:
        dn = d["down"]
        out.append(f"{d['points']} points: {dn['points_to_lose']} fewer would bring it down to {w.label(dn['level'])} "
                   f"(below {dn['threshold']} point{'s' if dn['threshold'] != 1 else ''})")
    elif d["held_without_points"]:
        out.append("Fewer points would not lower it: a finding rule holds it at this level on other facts "
                   "(see the trace)")
    return out


_WAY = {"up": "up to", "down": "down to", "sum_only": "still"}


def _moves(changes: dict | None, el_id: str, titles: dict[str, str]) -> list[Move]:
    """Each change in words; one made to another element of the case says which."""
    if not changes:
        return []
    out = []
    for way in ("up", "down", "sum_only"):
        for m in changes[way]:
            change = m["change"] if m["element"] in (None, el_id) else f"on {titles[m['element']]}, {m['change']}"
            out.append(Move(way, change, m["finding"], m["amount"],
                            f"{change[0].upper()}{change[1:]}: {_WAY[way]} {w.label(m['finding'])}, "
                            f"{w.money(m['amount'])}"))
    return out


def _summary(a: dict) -> list[str]:
    """What a resident needs to know, in sentences."""
    live = [e for e in a["elements"] if e["finding"] != "outside_jurisdiction"]
    out = [f"This is a proposal for complaint {a['case']['reference']} about {a['case']['landlord']}, "
           f"worked out from the facts given, as the Ombudsman's guidance stood on {w.day(date.fromisoformat(a['as_of']))}. "
           f"The Ombudsman makes the decision."]
    for e in live:
        about = e["summary"] or w.label(e["topic"])
        out.append(f"On {about}: {w.label(e['finding'])}, with {w.money(e['amount'])} to pay.")
    for e in a["elements"]:
        if e["finding"] == "outside_jurisdiction":
            out.append(f"{(e['summary'] or w.label(e['topic']))[0].upper()}{(e['summary'] or w.label(e['topic']))[1:]} "
                       f"is outside what the Ombudsman can look at.")
    pay = next((o for o in a["orders"] if "amount" in o), None)
    if pay:
        out.append(f"In all the landlord would pay {w.money(a['total'])}, {w.by_when(a['as_of'], pay.get('due_weeks'))}.")
    else:
        out.append(f"In all the landlord would pay {w.money(a['total'])}.")
    others = [o for o in a["orders"] if "amount" not in o]
    if others:
        out.append(f"It would also have to do {len(others)} other thing{'s' if len(others) != 1 else ''}, "
                   f"listed under what the landlord must do.")
    return out


def build(a: dict, library: Library | None = None, run: Run | None = None,
          changes: dict[str, dict] | None = None) -> Report:
    """The report model for one assessment; ``changes`` is "what would change this" by element."""
    elements = []
    titles = {e["id"]: e["summary"] or w.label(e["topic"]) for e in a["elements"]}
    for n, e in enumerate(a["elements"], 1):
        ch = (changes or {}).get(e["id"])
        quiet = e.get("rules_considered", len(e["trace"])) - sum(1 for t in e["trace"]
                                                                 if t["status"] in ("fired", "overridden"))
        elements.append(ElementReport(
            n, e["id"], e["summary"] or w.label(e["topic"]), e["finding"], e["amount"], _element_facts(e, library), _why(e),
            _distance(ch and ch["distance"]), _moves(ch, e["id"], titles),
            ch["considered"] if ch and not ch.get("not_explored") else None,
            _trace(e, library, run), quiet))
    notes = sorted({ch["not_explored"] for ch in (changes or {}).values() if ch.get("not_explored")})
    notes = [f"What would change this was {why}; --no-what-if leaves it out" for why in notes]
    treated = [f"{verb} landlord offers of {w.money(a[key])}" for verb, key in
               (("replaces", "offers_replaced"), ("confirms", "offers_confirmed")) if a[key]]
    if treated:
        notes.append(f"{' and '.join(treated)}; what was already paid of them may be deducted (up to "
                     f"{w.money(a['deductible_if_paid'])}; {w.money(a['recorded_as_paid'])} recorded as paid)")
    orders = [Order(o["text"], o.get("amount"), w.by_when(a["as_of"], o.get("due_weeks")), o["elements"])
              for o in a["orders"]]
    recs = [f"{r['text']} ({', '.join(r['elements'])})" for r in a["recommendations"]]
    rulesets = [Fact(r["title"], f"{r['id']} version {r['version']}, in force from {r['effective_from']}"
                     + (f" to {r['effective_to']}" if r["effective_to"] else "")
                     + f", chosen by the date {'the complaint was made' if r['selected_by'] == 'complaint_made' else 'of the decision'}")
                for r in a["rulesets"]]
    return Report(a["case"]["reference"], a["case"]["landlord"], a["as_of"], f"remedies {a['engine']['version']}",
                  a["disclaimer"], _summary(a), elements, Fact("Total proposed", w.money(a["total"])), notes, orders,
                  recs, rulesets, list(a["notes"]),
                  sorted({_plain_warning(x, [t for e in a["elements"] for t in e["trace"]], library)
                          for x in a["evidence_warnings"]}))
