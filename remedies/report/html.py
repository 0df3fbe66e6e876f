"""The report as one self-contained HTML page, for residents, advisers and caseworkers.

Readable on a phone (400 px) and printable to A4 (the folded trace prints unfolded); headings, table headers and words (not
colour) carry the meaning; the full trace is folded away in <details>. Several cases make
one document with an index. Every value from the facts is escaped.
"""

from __future__ import annotations

from html import escape as _esc

from . import words as w
from .model import Citation, ElementReport, Report

STYLE = """
:root{color-scheme:light}
*{box-sizing:border-box}
body{font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a;background:#fff;
 max-width:50rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.25}h2{font-size:1.35rem;margin-top:2rem;border-top:2px solid #1a1a1a;padding-top:.5rem}
h3{font-size:1.15rem;margin-top:1.5rem}h4{font-size:1rem}
a{color:#0b4fa3}a:focus{outline:3px solid #1a1a1a}
p,li,dd,td,th,summary,code{overflow-wrap:anywhere}
code{font-size:.9em;background:#f0f0f0;padding:0 .2em}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #595959;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#e8e8e8}
td.num,th.num{text-align:right;white-space:nowrap}
table.orders{table-layout:fixed}table.orders th:nth-child(1){width:56%}
table.orders th:nth-child(2){width:31%}
.notice{border-left:6px solid #1a1a1a;background:#f5f5f5;padding:.5rem .75rem}
.summary{font-size:1.05rem}
dl{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.25rem .75rem}
dt{font-weight:700}dd{margin:0}
details{border:1px solid #595959;padding:.5rem;margin:.75rem 0}
summary{cursor:pointer;font-weight:700}
.trace li{margin-bottom:.5rem}
@media (max-width:36rem){dl{grid-template-columns:1fr}dd{margin-bottom:.4rem}body{padding:.6rem}th,td{padding:.3rem .35rem}}
@media print{@page{size:A4;margin:15mm}body{max-width:none;padding:0;font-size:10.5pt}
 a{color:#000}a[href]::after{content:" <" attr(href) ">";font-size:.85em}
 details{border:none;padding:0}details::details-content{content-visibility:visible;display:block}
 h2{break-before:auto}nav{display:none}}
"""


def esc(text: object) -> str:
    return _esc(str(text), quote=True)


def cite(c: Citation) -> str:
    title = esc(c.title) + (f", {esc(c.section)}" if c.section else "")
    link = f"<a href='{esc(c.url)}'>{title}</a>" if c.url else title
    return link + (f" [{esc(c.evidence)}]" if c.evidence else "")


def _element(e: ElementReport, anchor: str, hn: int) -> list[str]:
    h, h1 = f"h{hn}", f"h{hn + 1}"
    out = [f"<section aria-labelledby='{anchor}'><{h} id='{anchor}'>{e.number}. {esc(e.title)}</{h}>",
           "<dl>" + "".join(f"<dt>{esc(f.label)}</dt><dd>{esc(f.text)}</dd>" for f in e.facts) + "</dl>"]
    if e.why:
        out.append(f"<{h1}>Why</{h1}><ul>" + "".join(f"<li>{esc(s)}</li>" for s in e.why) + "</ul>")
    if e.distance or e.moves or e.considered is not None:
        items = [esc(s) for s in e.distance] + [esc(m.text) for m in e.moves]
        if e.considered is not None:
            items.append(f"({e.considered} one-fact changes assessed again"
                         f"{'; none moves this element' if not e.moves else ''})")
        out.append(f"<{h1}>What would change this</{h1}><ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
    lines = []
    for t in e.trace:
        subject = (f" ({esc(t.subject)})" if t.subject else "") + (" (fallback)" if t.fallback else "")
        extra = f"<br>fallback: {esc(t.fallback)}" if t.fallback else ""
        computed = "".join(f"<li>{esc(c)}</li>" for c in t.computed)
        lines.append(f"<li><code>{esc(t.rule)}</code>{subject} [{esc(t.stage)}] — {esc(t.change)}<br>"
                     f"<em>{esc(t.statement)}</em> — " + "; ".join(cite(c) for c in t.citations) + extra
                     + (f"<ul>{computed}</ul>" if computed else "") + "</li>")
    out.append(f"<details><summary>Full trace for caseworkers: {len(e.trace)} rules applied "
               f"({e.other_rules} others considered did not apply)</summary>"
               f"<ol class='trace'>{''.join(lines)}</ol></details></section>")
    return out


def _parts(ids: list[str], r: Report, anchor: str) -> str:
    """The parts of the complaint an order is for, by number, linked to each."""
    number = {e.id: e.number for e in r.elements}
    return ", ".join(f"<a href='#{anchor}-el-{number[i]}' aria-label='part {number[i]} ({esc(i)})'>{number[i]}</a>" if i in number else esc(i)
                     for i in ids)


def _case(r: Report, anchor: str, hn: int) -> list[str]:
    h, h1 = f"h{hn}", f"h{hn + 1}"
    out = [f"<article aria-labelledby='{anchor}'>",
           f"<{h} id='{anchor}'>Proposal for complaint {esc(r.reference)} ({esc(r.landlord)})</{h}>",
           f"<p class='notice'><strong>A proposal, not a decision.</strong> {esc(r.disclaimer)}</p>",
           f"<p>{esc(r.engine)}, as of {esc(r.as_of)}.</p>",
           f"<{h1} id='{anchor}-short'>In short</{h1}>",
           "<div class='summary'>" + "".join(f"<p>{esc(s)}</p>" for s in r.summary) + "</div>",
           "<table><caption class='sr'>Finding and sum for each part of the complaint</caption>"
           "<thead><tr><th scope='col'>Part of the complaint</th><th scope='col'>Finding</th>"
           "<th scope='col' class='num'>Sum</th></tr></thead><tbody>"
           + "".join(f"<tr><th scope='row'><a href='#{anchor}-el-{e.number}'>{esc(e.title)}</a></th>"
                     f"<td>{esc(w.label(e.finding))}</td><td class='num'>{esc(w.money(e.amount))}</td></tr>"
                     for e in r.elements)
           + f"</tbody><tfoot><tr><th scope='row' colspan='2'>{esc(r.total.label)}</th>"
             f"<td class='num'><strong>{esc(r.total.text)}</strong></td></tr></tfoot></table>"]
    out += [f"<p>{esc(n)}</p>" for n in r.total_notes]
    out.append(f"<{h1} id='{anchor}-orders'>What the landlord must do</{h1}>")
    if r.orders:
        out.append("<table class='orders'><thead><tr><th scope='col'>What</th><th scope='col'>By when</th>"
                   "<th scope='col'>For</th></tr></thead><tbody>" + "".join(
                       f"<tr><td>{esc(o.text)}"
                       + (f" <strong>({esc(w.money(o.amount))})</strong>" if o.amount is not None else "")
                       + f"</td><td>{esc(o.when)}</td><td>{_parts(o.elements, r, anchor)}</td></tr>" for o in r.orders)
                   + "</tbody></table>")
    else:
        out.append("<p>Nothing.</p>")
    if r.recommendations:
        out.append(f"<{h1}>Recommendations</{h1}><ul>" + "".join(f"<li>{esc(x)}</li>" for x in r.recommendations)
                   + "</ul>")
    out.append(f"<{h1}>Each part of the complaint</{h1}>")
    for e in r.elements:
        out += _element(e, f"{anchor}-el-{e.number}", hn + 2)
    out.append(f"<{h1}>Rulesets applied</{h1}><ul>" + "".join(
        f"<li><strong>{esc(f.label)}</strong>: {esc(f.text)}</li>" for f in r.rulesets) + "</ul>")
    if r.evidence_warnings:
        out.append(f"<{h1}>Figures resting on secondary or unverified evidence</{h1}><ul>"
                   + "".join(f"<li>{esc(x)}</li>" for x in r.evidence_warnings) + "</ul>")
    if r.notes:
        out.append(f"<{h1}>Notes</{h1}><ul>" + "".join(f"<li>{esc(n)}</li>" for n in r.notes) + "</ul>")
    out.append("</article>")
    return out


def render(reports: list[Report]) -> str:
    """One document for one or several cases; several get an index."""
    title = (f"Proposal for complaint {reports[0].reference}" if len(reports) == 1
             else f"Proposals for {len(reports)} complaints")
    out = ["<!doctype html>", "<html lang='en-GB'><head><meta charset='utf-8'>",
           "<meta name='viewport' content='width=device-width, initial-scale=1'>",
           f"<title>{esc(title)}</title><style>{STYLE}.sr{{position:absolute;left:-9999px}}</style>"
           "</head><body><main>"]
    if len(reports) == 1:
        out += _case(reports[0], "case-1", 1)
    else:
        out.append(f"<h1>{esc(title)}</h1>")
        out.append("<nav aria-label='Cases'><h2>Index</h2><ol>" + "".join(
            f"<li><a href='#case-{n}'>Complaint {esc(r.reference)} ({esc(r.landlord)})</a>: "
            f"{esc(r.total.text)}</li>" for n, r in enumerate(reports, 1)) + "</ol></nav>")
        for n, r in enumerate(reports, 1):
            out += _case(r, f"case-{n}", 2)
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"
