"""The report as plain text, for a terminal or an email."""

from __future__ import annotations

from . import words as w
from .model import Citation, Report


def cite(c: Citation) -> str:
    section = f", {c.section}" if c.section else ""
    url = f" <{c.url}>" if c.url else ""
    evidence = f" [{c.evidence}]" if c.evidence else ""
    return f"{c.title}{section}{url}{evidence}"


def render(r: Report) -> str:
    out = [f"{r.engine} — PROPOSAL, not a determination",
           f"Case {r.reference} · landlord {r.landlord} · as of {r.as_of}", "", "In short:"]
    out += [f"  {s}" for s in r.summary] + [""]
    for e in r.elements:
        out.append(f"{e.number}. {e.title} ({e.id})")
        out += [f"   {f.label}: {f.text}" for f in e.facts]
        if e.why:
            out.append("   Why:")
            out += [f"     - {s}" for s in e.why]
        if e.distance or e.moves or e.considered is not None:
            out.append("   What would change this:")
            out += [f"     - {s}" for s in e.distance]
            out += [f"     - {m.text}" for m in e.moves]
            if e.considered is not None:
                out.append(f"     ({e.considered} one-fact changes assessed again"
                           f"{'; none moves this element' if not e.moves else ''})")
        out.append("   Trace:")
        for t in e.trace:
            subject = (f" ({t.subject})" if t.subject else "") + (" (fallback)" if t.fallback else "")
            out.append(f"      [{t.stage}] {t.rule}{subject}: {t.change}")
            out.append(f"          {t.statement} — " + "; ".join(cite(c) for c in t.citations))
            if t.fallback:
                out.append(f"          fallback: {t.fallback}")
            out += [f"          - {c}" for c in t.computed]
        out.append(f"      ({e.other_rules} other rules considered did not apply; --trace full --format json lists each "
                   f"with the facts it read)")
        out.append("")
    out.append(f"{r.total.label}: {r.total.text}")
    out += [f"  {n}" for n in r.total_notes]
    out.append("What the landlord must do:")
    for o in r.orders or []:
        amount = f" ({w.money(o.amount)})" if o.amount is not None else ""
        out.append(f"  - {o.text}{amount} — {o.when}  [{', '.join(o.elements)}]")
    if not r.orders:
        out.append("  - nothing")
    if r.recommendations:
        out.append("Recommendations:")
        out += [f"  - {x}" for x in r.recommendations]
    out.append("Rulesets applied:")
    out += [f"  - {f.label}: {f.text}" for f in r.rulesets]
    if r.evidence_warnings:
        out.append("Figures resting on secondary or unverified evidence:")
        out += [f"  ! {x}" for x in r.evidence_warnings]
    out += [f"Note: {n}" for n in r.notes]
    out += ["", r.disclaimer]
    return "\n".join(out) + "\n"
