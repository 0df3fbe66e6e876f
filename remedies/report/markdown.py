"""The report as Markdown, for a case file or a ticket; citations are links."""

from __future__ import annotations

import re

from . import words as w
from .model import Citation, Report

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape(text: str) -> str:
    """Markdown-escape free text so that a fact reads as written."""
    return _SPECIAL.sub(r"\\\1", text)


def cite(c: Citation) -> str:
    title = escape(c.title) + (f", {escape(c.section)}" if c.section else "")
    link = f"[{title}]({c.url})" if c.url else title
    return link + (f" \\[{c.evidence}\\]" if c.evidence else "")


def render(r: Report, level: int = 1) -> str:
    h = "#" * level
    out = [f"{h} Proposal for complaint {escape(r.reference)} ({escape(r.landlord)})", "",
           f"> {escape(r.disclaimer)}", "", f"{escape(r.engine)}, as of {r.as_of}.", "", f"{h}# In short", ""]
    out += [escape(s) for s in r.summary]
    out += ["", "| element | finding | sum |", "|---|---|---|"]
    out += [f"| {escape(e.title)} | {escape(w.label(e.finding))} | {escape(w.money(e.amount))} |" for e in r.elements]
    out += ["", f"**{escape(r.total.label)}: {escape(r.total.text)}**", ""] + [escape(n) for n in r.total_notes]
    out += ["", f"{h}# What the landlord must do", ""]
    for o in r.orders:
        amount = f" ({escape(w.money(o.amount))})" if o.amount is not None else ""
        out.append(f"- {escape(o.text)}{amount} — **{escape(o.when)}** ({escape(', '.join(o.elements))})")
    if not r.orders:
        out.append("- nothing")
    if r.recommendations:
        out += ["", f"{h}# Recommendations", ""] + [f"- {escape(x)}" for x in r.recommendations]
    for e in r.elements:
        out += ["", f"{h}# {e.number}. {escape(e.title)}", "", f"Element `{e.id}`.", ""]
        out += [f"- **{escape(f.label)}:** {escape(f.text)}" for f in e.facts]
        if e.why:
            out += ["", f"{h}## Why", ""] + [f"- {escape(s)}" for s in e.why]
        if e.distance or e.moves or e.considered is not None:
            out += ["", f"{h}## What would change this", ""]
            out += [f"- {escape(s)}" for s in e.distance] + [f"- {escape(m.text)}" for m in e.moves]
            if e.considered is not None:
                out.append(f"- ({e.considered} one-fact changes assessed again"
                           f"{'; none moves this element' if not e.moves else ''})")
        out += ["", f"{h}## Trace", ""]
        for t in e.trace:
            subject = (f" ({escape(t.subject)})" if t.subject else "") + (" (fallback)" if t.fallback else "")
            out.append(f"- `{t.rule}`{subject} \\[{t.stage}\\] — {escape(t.change)}. *{escape(t.statement)}* — "
                       + "; ".join(cite(c) for c in t.citations))
            if t.fallback:
                out.append(f"  - fallback: {escape(t.fallback)}")
            out += [f"  - {escape(c)}" for c in t.computed]
        out.append(f"- ({e.other_rules} other rules considered did not apply)")
    out += ["", f"{h}# Rulesets applied", ""] + [f"- {escape(f.label)}: {escape(f.text)}" for f in r.rulesets]
    if r.evidence_warnings:
        out += ["", f"{h}# Evidence warnings", ""] + [f"- {escape(x)}" for x in r.evidence_warnings]
    if r.notes:
        out += ["", f"{h}# Notes", ""] + [f"- {escape(n)}" for n in r.notes]
    return "\n".join(out) + "\n"
