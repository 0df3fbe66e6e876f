"""Render an assessment as text, Markdown or JSON; all three read the same dict."""

from __future__ import annotations

import html
import json

FORMATS = ("text", "markdown", "json", "html")


def _money(value: int | None) -> str:
    return "—" if value is None else f"£{value:,}"


def _band(band: dict | None) -> str:
    if not band:
        return "no band"
    top = "no upper figure" if band["max"] is None else _money(band["max"])
    return f"{_label(band['name'].removeprefix('band_'))} {_money(band['min'])}–{top} [{band['evidence']}]"


def _label(word: str | None) -> str:
    return (word or "—").replace("_", " ")


def _offer_line(e: dict) -> str | None:
    if not e["offers"]:
        return None
    parts = ", ".join(f"{_money(o['amount'])} at stage {o['stage']}" + (" (paid)" if o.get("paid") else "")
                      for o in e["offers"])
    return {"replaced": f"landlord offered {parts}: not proportionate; the proposed order replaces it",
            "confirmed": f"landlord offered {parts}: proportionate; the proposed order confirms it (pay if not yet paid)",
            "recommended": f"landlord offered {parts}: reasonable redress; recommend paying it if not yet paid",
            }.get(e["offer_treatment"], f"landlord offered {parts}")


def _offers_treated(a: dict) -> str:
    """What the proposal does with the landlord's offers, naming only what applies."""
    parts = [f"{verb} landlord offers of {_money(a[key])}"
             for verb, key in (("replaces", "offers_replaced"), ("confirms", "offers_confirmed")) if a[key]]
    return " and ".join(parts)


def _part(p: dict) -> str:
    evidence = f" [{p['evidence']}]" if p.get("evidence") else ""
    return f"{_money(p['amount'])} {p['label']} ({p['kind']}){evidence}"


def _policy_lines(e: dict) -> list[str]:
    """The landlord's offer against its own policy and against the guidance, side by side."""
    c = e.get("offer_comparison")
    if not c:
        return []
    lines = []
    for band in c["landlord_bands"]:
        top = "no top" if band["max"] is None else _money(band["max"])
        lines.append(f"Against {band['ruleset']}'s own policy ({band['description'] or band['name']}, "
                     f"{_money(band['min'])}–{top}) [{band['evidence']}]: offer {_money(c['offered'])} is "
                     f"{band['position']} its band")
    for item in c["landlord_sums"]:
        lines.append(f"{item['ruleset']}'s own policy would pay {_money(item['amount'])} for {item['label']} "
                     f"[{item['evidence']}]")
    g = c["guidance"]
    lines.append(f"Against the Ombudsman's guidance: offer {_money(c['offered'])} is {g['position']} "
                 f"the proposed {_money(g['proposed'])}")
    return lines


def _advice_lines(e: dict) -> list[str]:
    adv = e.get("offer_advice")
    if not adv:
        return []
    parts = " + ".join(f"{_money(b['amount'])} ({b['rule']})" for b in adv["because"])
    line = f"Least proportionate offer: {_money(adv['least_proportionate_offer'])} = {parts}"
    if adv["shortfall"]:
        line += f"; the landlord's {_money(adv['offered'])} is {_money(adv['shortfall'])} short"
    unmet = [n["condition"] for n in adv["reasonable_redress_also_needs"] if not n["met"]]
    lines = [line]
    if unmet:
        lines.append("For reasonable redress the landlord must also show: " + "; ".join(unmet))
    return lines


def _why(e: dict, markdown: bool) -> list[str]:
    lines = []
    for t in e["trace"]:
        if t["status"] not in ("fired", "overridden"):
            continue
        cite = t["citation"]["source"] + (f", {t['citation']['section']}" if t["citation"].get("section") else "")
        what = t.get("changed") or f"overridden by {t.get('overridden_by')}"
        subject = f" ({t['subject']})" if t.get("subject") else ""
        subject += " (fallback)" if t.get("fallback") else ""
        if markdown:
            lines.append(f"- `{t['rule']}`{subject} — {what}. *{t['statement']}* — {cite} [{t['evidence']}]")
        else:
            lines.append(f"      [{t['stage']}] {t['rule']}{subject}: {what}")
            lines.append(f"          {t['statement']} — {cite} [{t['evidence']}]")
        for name, how in t.get("computed", {}).items():
            lines.append(f"{'  ' if markdown else '          '}- {name}: {how}")
    return lines


def _why_not(e: dict) -> list[str]:
    """For each decision, the rule that came nearest to firing and what it missed."""
    return [f"      [{t['stage']}] nearest not to apply: {t['rule']} ({t['nearest_miss']['decision']}): "
            + "; ".join(t["nearest_miss"]["unmet"]) for t in e["trace"] if t.get("nearest_miss")]


def render_text(a: dict) -> str:
    out = [f"remedies {a['engine']['version']} — PROPOSAL, not a determination",
           f"Case {a['case']['reference']} · landlord {a['case']['landlord']} · as of {a['as_of']}",
           "Rulesets: " + "; ".join(f"{r['id']} {r['version']}" for r in a["rulesets"]), ""]
    for n, e in enumerate(a["elements"], 1):
        out.append(f"{n}. {e['id']} ({_label(e['topic'])}){' — ' + e['summary'] if e['summary'] else ''}")
        if e["finding"] == "outside_jurisdiction":
            grounds = "; ".join(f"paragraph {x['paragraph']} ({x['ground']})" for x in e["excluded_by"])
            out.append(f"   Finding: outside jurisdiction — {grounds}")
        else:
            out.append(f"   Finding: {_label(e['finding'])}    Amount: {_money(e['amount'])}")
            out.append(f"   Before redress: {_label(e['level_before_redress'])} ({e['points']} points); "
                       f"proposed {_money(e['proposed'])}; {_band(e['band'])}")
        if len(e["parts"]) > 1 or any(p["kind"] == "calculated" for p in e["parts"]):
            out.append("   Made up of: " + "; ".join(_part(p) for p in e["parts"]))
        offer = _offer_line(e)
        if offer:
            out.append(f"   {offer[0].upper() + offer[1:]}")
        for line in _policy_lines(e) + _advice_lines(e):
            out.append(f"   {line}")
        for w in e["evidence_warnings"]:
            out.append(f"   ! rests on {w}")
        out.append("   Why:")
        out.extend(_why(e, markdown=False))
        out.extend(_why_not(e))
        if a.get("trace_level") == "none":
            out.append(f"      ({e['rules_considered']} rules considered; no trace kept: --trace none)")
        else:
            quiet = e["rules_considered"] - sum(1 for t in e["trace"] if t["status"] in ("fired", "overridden"))
            out.append(f"      ({quiet} other rules considered did not apply; --trace full --format json lists "
                       f"each with the facts it read)")
        out.append("")
    out.append(f"Total proposed: {_money(a['total'])}")
    treated = _offers_treated(a)
    if treated:
        out.append(f"  {treated}; what was already paid of them may be deducted (up to "
                   f"{_money(a['deductible_if_paid'])}; {_money(a['recorded_as_paid'])} recorded as paid)")
    out.append("Orders:")
    for o in a["orders"] or [{"text": "none", "due_weeks": None, "elements": [], "id": ""}]:
        due = f"within {o['due_weeks']} weeks: " if o.get("due_weeks") else ""
        amount = f" ({_money(o['amount'])})" if "amount" in o else ""
        out.append(f"  - {due}{o['text']}{amount}" + (f"  [{', '.join(o['elements'])}]" if o["elements"] else ""))
    if a["recommendations"]:
        out.append("Recommendations:")
        for r in a["recommendations"]:
            out.append(f"  - {r['text']}  [{', '.join(r['elements'])}]")
    if a["evidence_warnings"]:
        out.append("Figures resting on secondary or unverified evidence:")
        out.extend(f"  ! {w}" for w in a["evidence_warnings"])
    for note in a["notes"]:
        out.append(f"Note: {note}")
    out.append("")
    out.append(a["disclaimer"])
    return "\n".join(out) + "\n"


def render_markdown(a: dict) -> str:
    out = [f"# Proposal for complaint {a['case']['reference']} ({a['case']['landlord']})", "",
           f"> {a['disclaimer']}", "", f"As of {a['as_of']}. Rulesets: " +
           ", ".join(f"`{r['id']}` {r['version']}" for r in a["rulesets"]) + ".", "",
           "| element | finding | amount | band |", "|---|---|---|---|"]
    for e in a["elements"]:
        out.append(f"| {e['id']} | {_label(e['finding'])} | {_money(e['amount'])} | {_band(e['band'])} |")
    out += ["", f"**Total proposed: {_money(a['total'])}**", ""]
    treated = _offers_treated(a)
    if treated:
        out += [f"{treated[0].upper()}{treated[1:]}; sums already paid may be deducted.", ""]
    out.append("## Orders")
    out += [f"- {o['text']}" + (f" (within {o['due_weeks']} weeks)" if o.get("due_weeks") else "")
            for o in a["orders"]] or ["- none"]
    if a["recommendations"]:
        out += ["", "## Recommendations"] + [f"- {r['text']}" for r in a["recommendations"]]
    for e in a["elements"]:
        out += ["", f"## {e['id']}: {_label(e['finding'])}", ""]
        if e["summary"]:
            out += [e["summary"], ""]
        offer = _offer_line(e)
        if offer:
            out += [offer[0].upper() + offer[1:] + ".", ""]
        out += _why(e, markdown=True)
    if a["evidence_warnings"]:
        out += ["", "## Evidence warnings"] + [f"- {w}" for w in a["evidence_warnings"]]
    if a["notes"]:
        out += ["", "## Notes"] + [f"- {n}" for n in a["notes"]]
    return "\n".join(out) + "\n"


def render_html(a: dict) -> str:
    """A self-contained page for a resident or adviser; every value from the facts is escaped."""
    e_ = html.escape
    rows = "".join(f"<tr><td>{e_(e['id'])}</td><td>{e_(_label(e['finding']))}</td>"
                   f"<td>{e_(_money(e['amount']))}</td><td>{e_(_band(e['band']))}</td></tr>" for e in a["elements"])
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>Proposal for complaint {e_(a['case']['reference'])}</title>"
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
             "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em .6em}"
             ".note{background:#fff4d6;padding:.5em}</style></head><body>",
             f"<h1>Proposal for complaint {e_(a['case']['reference'])} ({e_(a['case']['landlord'])})</h1>",
             f"<p class='note'>{e_(a['disclaimer'])}</p>",
             f"<p>As of {e_(a['as_of'])}.</p>",
             f"<table><tr><th>element</th><th>finding</th><th>amount</th><th>band</th></tr>{rows}</table>",
             f"<p><strong>Total proposed: {e_(_money(a['total']))}</strong></p>"]
    treated = _offers_treated(a)
    if treated:
        parts.append(f"<p>{e_(treated[0].upper() + treated[1:])}; sums already paid may be deducted.</p>")
    parts.append("<h2>Orders</h2><ul>" + "".join(
        f"<li>{e_(o['text'])}" + (f" (within {o['due_weeks']} weeks)" if o.get("due_weeks") else "") + "</li>"
        for o in a["orders"]) + "</ul>")
    if a["recommendations"]:
        parts.append("<h2>Recommendations</h2><ul>" + "".join(f"<li>{e_(r['text'])}</li>"
                                                              for r in a["recommendations"]) + "</ul>")
    for e in a["elements"]:
        parts.append(f"<h2>{e_(e['id'])}: {e_(_label(e['finding']))}</h2>")
        if e["summary"]:
            parts.append(f"<p>{e_(e['summary'])}</p>")
        lines = ([_offer_line(e)] if _offer_line(e) else []) + _policy_lines(e) + _advice_lines(e)
        parts += [f"<p>{e_(line[0].upper() + line[1:])}</p>" for line in lines]
        why = [t for t in e["trace"] if t["status"] in ("fired", "overridden")]
        parts.append("<ol>" + "".join(
            f"<li><code>{e_(t['rule'])}</code>{' (fallback)' if t.get('fallback') else ''} — "
            f"{e_(t.get('changed') or 'overridden by ' + str(t.get('overridden_by')))}"
            f"<br><em>{e_(t['statement'])}</em> — {e_(t['citation']['source'])} [{e_(t['evidence'])}]</li>"
            for t in why) + "</ol>")
    if a["evidence_warnings"]:
        parts.append("<h2>Evidence warnings</h2><ul>" + "".join(f"<li>{e_(w)}</li>" for w in a["evidence_warnings"])
                     + "</ul>")
    if a["notes"]:
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{e_(n)}</li>" for n in a["notes"]) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render_json(a: dict) -> str:
    return json.dumps(a, indent=2, ensure_ascii=False) + "\n"


def render(a: dict, fmt: str) -> str:
    return {"text": render_text, "markdown": render_markdown, "json": render_json, "html": render_html}[fmt](a)
