"""Render the figures of `remedies fidelity` as text or JSON; both read the same dict."""

from __future__ import annotations

import json
from decimal import Decimal

from ..ruleset_schema import FINDINGS
from .measure import NO_PROPOSAL

FORMATS = ("text", "json")
SHORT = {"no_maladministration": "NM", "service_failure": "SF", "maladministration": "M",
         "severe_maladministration": "SM", "reasonable_redress": "RR", "outside_jurisdiction": "OJ",
         NO_PROPOSAL: "—"}


def _money(value: object) -> str:
    if value is None:
        return "unknown"
    return f"£{value:,}" if not isinstance(value, Decimal) or value != value.to_integral() else f"£{int(value):,}"


def _ratio(r: dict) -> str:
    pct = "n/a" if r["percent"] is None else f"{r['percent']:.1f}%"
    return f"{r['count']}/{r['of']}  {pct}"


def _row(r: dict, width: int) -> str:
    agree = "exact" if r["exact"] else ("within one" if r["within_one"] else "off")
    if not r["amount_counted"]:
        amount = "not counted"
    else:
        amount = "within" if r["amount_within"] else "outside"
    return (f"  {r['index']:>2}. {(r['element'] or '(no element)'):<{width}} published {SHORT[r['published']]:<2} "
            f"proposed {SHORT[r['proposed'] or NO_PROPOSAL]:<2} {agree:<10} ordered {_money(r['ordered']):>8} "
            f"proposed {_money(r['proposed_amount']):>8}  {amount}")


def _case(c: dict) -> list[str]:
    if c["status"] == "bad_input":
        return [f"{c['case']}: BAD INPUT {c['error']}"]
    width = max(len(r["element"] or "(no element)") for r in c["elements"])
    out = [c["case"]] + [_row(r, width) for r in c["elements"]]
    t = c["total"]
    verdict = "not counted" if not t["counted"] else ("within" if t["within"] else "outside")
    out.append(f"      total: ordered {_money(t['ordered'])}, proposed {_money(t['proposed'])}  {verdict}")
    d = c["draft"]
    if d is not None:
        if "bad_input" in d:
            out.append(f"      draft: BAD INPUT {d['bad_input']}")
        else:
            rules = f" ({', '.join(d['error_rules'])})" if d["error_rules"] else ""
            out.append(f"      draft: check gives {d['errors']} error(s){rules}, {d['warnings']} warning(s)")
    out += [f"      note: {n}" for n in c["notes"]]
    return out


def _figures(title: str, f: dict) -> list[str]:
    amounts, totals, drafts = f["amounts_within_tolerance"], f["totals_within_tolerance"], f["drafts"]
    out = [f"{title}: {f['cases']} case(s) measured, {f['bad_input']} bad input, {f['elements']} element(s)",
           f"  finding exact                {_ratio(f['finding_exact'])}",
           f"  finding within one level     {_ratio(f['within_one_level'])}",
           f"  amounts within tolerance     {_ratio(amounts)}  ({amounts['not_counted']} element(s) with no known sum)",
           f"  totals within tolerance      {_ratio(totals)}  ({totals['not_counted']} case(s) with no known total)",
           f"  drafts with a check error    {drafts['with_errors']}/{drafts['checked']}"
           + (f"  ({drafts['bad_input']} draft(s) bad input)" if drafts["bad_input"] else "")]
    out += [f"    {d['case']}: {', '.join(d['rules'])}" for d in drafts["cases_with_errors"]]
    out.append("  recall per published finding")
    out += [f"    {finding:<26} {_ratio(r)}" for finding, r in f["recall"].items() if r["of"]]
    columns = FINDINGS + (NO_PROPOSAL,)
    out.append("  confusion (rows: published; columns: proposed)")
    out.append("    " + " " * 5 + "".join(f"{SHORT[q]:>5}" for q in columns))
    out += ["    " + f"{SHORT[p]:<5}" + "".join(f"{f['confusion'][p][q]:>5}" for q in columns)
            for p in FINDINGS if any(f["confusion"][p].values())]
    return out


def render_text(result: dict, version: str) -> str:
    out = [f"remedies {version} — fidelity: the proposals on each case's facts against the published outcomes",
           f"Findings compared element by element, in order. Scale for 'within one level': "
           f"{' < '.join(result['scale'])}; reasonable redress and outside jurisdiction count only when exact.",
           "Sums agree when " + _tolerance(result["tolerance"]) + "; unknown sums are not counted "
           "(an element found NM, RR or OJ with no sum stated counts as £0 ordered).",
           "Key: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in SHORT.items() if k != NO_PROPOSAL)
           + ", — no element proposed.", ""]
    for c in result["cases"]:
        out += _case(c)
    out.append("")
    for g in result["groups"]:
        out += _figures(f"Group {g['group']}", g) + [""]
    out += _figures("Overall", result["overall"])
    if result["bad_input"]:
        out += ["", f"{len(result['bad_input'])} bad input(s):"] + [f"  {b['error']}" for b in result["bad_input"]]
    return "\n".join(out) + "\n"


def _tolerance(t: dict) -> str:
    return f"within £{t['pounds']:,}, or within {t['percent']}% of sums ordered over £{t['percent_above']:,}"


def _exact(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def render_json(result: dict) -> str:
    return json.dumps(result, indent=2, ensure_ascii=False, default=_exact) + "\n"
