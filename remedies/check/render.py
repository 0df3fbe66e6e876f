"""Render the result of `remedies check` as text, Markdown or JSON; all three read the same dict."""

from __future__ import annotations

import json

from .. import money

FORMATS = ("text", "markdown", "json")
NOTICE = "A second pair of eyes on a draft, not a decision: every problem names its rule and source."


def _cite(p: dict) -> str:
    c = p["citation"]
    return c["source"] + (f", {c['section']}" if c.get("section") else "") + f" [{p['evidence']}]"


def _params(p: dict) -> str:
    return ", ".join(f"{v['name']} = {v.get('value', '')} [{v['evidence']}: {v['source']}]" for v in p["params"].values())


def _summary(r: dict) -> str:
    counts = f"{r['errors']} error{'s' * (r['errors'] != 1)}, {r['warnings']} warning{'s' * (r['warnings'] != 1)}"
    verdict = "fix the errors before the determination goes out" if r["errors"] else "no errors"
    return f"{counts}: {verdict}"


def render_text(r: dict) -> str:
    d = r["draft"]
    out = [f"remedies {r['engine']['version']} — check of a draft determination. {NOTICE}",
           f"Draft {d['file']} · case {d['reference']} · landlord {d['landlord']} · determined {d['determined_on']}",
           f"Facts: {r['facts'] or 'none'}",
           "Rulesets: " + "; ".join(f"{x['id']} {x['version']}" for x in r["rulesets"]), ""]
    for p in r["problems"]:
        out.append(f"{p['severity'].upper():<8}{p['rule']}" + (f"  [{p['element']}]" if p["element"] else "  [draft]"))
        out.append(f"        {p['message']}")
        out.append(f"        found:    {p['found']}")
        out.append(f"        expected: {p['expected']}")
        out.append(f"        rule:     {p['statement']} — {_cite(p)}")
        if p["params"]:
            out.append(f"        figures:  {_params(p)}")
        if "proposal" in p:
            out.append(f"        proposal: {p['proposal']['finding'].replace('_', ' ')}, £{p['proposal']['amount']:,}, because")
            out.extend(f"          [{w['stage']}] {w['rule']}: {w['changed']}" for w in p["proposal"]["why"])
        out.append("")
    for c in r["checks_without_figure"]:
        out.append(f"Not applied: {c['rule']}: {c['why']}")
    for note in r["notes"]:
        out.append(f"Note: {note}")
    out.append(f"{r['checks_considered']} checks considered; {_summary(r)}.")
    return "\n".join(out) + "\n"


def render_markdown(r: dict) -> str:
    d = r["draft"]
    out = [f"# Check of the draft determination of complaint {d['reference']} ({d['landlord']})", "",
           f"> {NOTICE}", "",
           f"Determined {d['determined_on']}. Facts: {r['facts'] or 'none'}. Rulesets: " +
           ", ".join(f"`{x['id']}` {x['version']}" for x in r["rulesets"]) + ".", "",
           f"**{_summary(r)}** ({r['checks_considered']} checks considered).", ""]
    if r["problems"]:
        out += ["| severity | rule | element | found | expected |", "|---|---|---|---|---|"]
        out += [f"| {p['severity']} | `{p['rule']}` | {p['element'] or '(draft)'} | {p['found']} | {p['expected']} |"
                for p in r["problems"]]
    for p in r["problems"]:
        out += ["", f"## {p['severity']}: `{p['rule']}` — {p['element'] or 'the draft'}", "",
                p["message"][:1].upper() + p["message"][1:] + ".", "",
                f"*{p['statement']}* — {_cite(p)}"]
        if p["params"]:
            out += ["", f"Figures: {_params(p)}"]
        if "proposal" in p:
            out += ["", f"The proposal on the facts is {p['proposal']['finding'].replace('_', ' ')}, "
                        f"£{p['proposal']['amount']:,}, because:"]
            out += [f"- `{w['rule']}` ({w['stage']}): {w['changed']}" for w in p["proposal"]["why"]]
    notes = [f"Not applied: `{c['rule']}`: {c['why']}" for c in r["checks_without_figure"]] + r["notes"]
    if notes:
        out += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    return "\n".join(out) + "\n"


def render_json(r: dict) -> str:
    return json.dumps(r, indent=2, ensure_ascii=False, default=money.json_default) + "\n"


def render(r: dict, fmt: str) -> str:
    return {"text": render_text, "markdown": render_markdown, "json": render_json}[fmt](r)
