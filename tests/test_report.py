"""One report model, four renderings: every fact of the model appears in every format."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from remedies import assess, engine, facts, report, whatif
from remedies.report import markdown

from conftest import ROOT

SEEDS = ["202425093-clarion", "202210730-clarion"]
HEAT = ("case: {reference: T, landlord: example-homes, decided_on: 2026-06-01}\n"
        "elements: [{id: heating, topic: heating_and_hot_water, failures: "
        "[{kind: loss_of_heating_and_hot_water, days: 10}]}]\n")


def _items(path: Path, library, what_if: bool = True):
    case = facts.load(path, library.vocabulary)
    run = engine.assess(case, library)
    a = assess.build(run)
    changes = whatif.explore(case, library, None, a, run) if what_if else None
    return [(a, report.build(a, library, run, changes), changes)]


def _visible(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _strings(data) -> list[str]:
    if isinstance(data, dict):
        return [s for v in data.values() for s in _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return [data] if isinstance(data, str) else []


def _present(fact: str, fmt: str, out: str) -> bool:
    if fmt == "html":
        return " ".join(fact.split()) in _visible(out)
    if fmt == "markdown":
        return markdown.escape(fact) in out or f"`{fact}`" in out
    if fmt == "json":
        return any(fact in s for s in _strings(json.loads(out)))
    return fact in out


@pytest.fixture(scope="module")
def seed_items(library):
    return {name: _items(ROOT / "examples" / f"{name}.yaml", library) for name in SEEDS}


@pytest.mark.parametrize("fmt", report.FORMATS)
@pytest.mark.parametrize("name", SEEDS)
def test_every_fact_of_the_model_appears_in_every_format(name, fmt, seed_items):
    items = seed_items[name]
    out = report.render(items, fmt)
    missing = [f for f in items[0][1].facts() if not _present(f, fmt, out)]
    assert not missing, f"{fmt} lacks {missing[:5]}"


def test_the_model_carries_what_the_formats_used_to_drop(seed_items):
    a, r, _ = seed_items["202425093-clarion"][0]
    labels = {f.label for e in r.elements for f in e.facts}
    assert {"Finding", "Sum", "Before redress", "Made up of", "Least proportionate offer",
            "For reasonable redress the landlord must also show", "Offer"} <= labels
    pay = next(o for o in r.orders if o.amount is not None)
    assert pay.amount == a["total"] > 0 and pay.when == "within 4 weeks (by 8 August 2025)"
    assert any("version 2020-07/2022-04/2024-04" in f.text for f in r.rulesets)
    assert all(e.distance and e.considered for e in r.elements)


def test_fallbacks_and_notes_reach_every_format(tmp_path, library):
    path = tmp_path / "heat.yaml"
    path.write_text(HEAT)
    items = _items(path, library, what_if=False)
    r = items[0][1]
    assert r.notes and any(t.fallback for e in r.elements for t in e.trace)
    assert any(f.label == "Fallback" for e in r.elements for f in e.facts)
    for fmt in report.FORMATS:
        out = report.render(items, fmt)
        assert all(_present(f, fmt, out) for f in r.facts()), fmt


_INTERNAL = re.compile(r"__|\b[a-z0-9-]+/[A-Z]")  # fact names like failure__x__measure, rule ids like ruleset/R-x


def test_plain_words_outside_the_trace(seed_items):
    for name in SEEDS:
        r = seed_items[name][0][1]
        plain = [*r.summary, *(o.text for o in r.orders), *r.evidence_warnings]
        for e in r.elements:
            plain += [f"{f.label}: {f.text}" for f in e.facts] + e.why + e.distance + [m.text for m in e.moves]
        leaks = [p for p in plain if _INTERNAL.search(p)]
        assert not leaks, leaks[:3]
        assert any(_INTERNAL.search(t.change) or "/" in t.rule for e in r.elements for t in e.trace)


def test_citations_link_to_their_source_in_html_and_markdown(seed_items):
    items = seed_items["202425093-clarion"]
    urls = {c.url for e in items[0][1].elements for t in e.trace for c in t.citations if c.url}
    assert urls
    page, md = report.render(items, "html"), report.render(items, "markdown")
    for url in urls:
        assert f"href='{html.escape(url, quote=True)}'" in page
        assert f"]({url})" in md


def test_the_trace_cites_the_code_version_applied_to_a_2021_complaint(seed_items):
    """202210730's first complaint was made in November 2021: the 2020 Code applied, not the 2024 one."""
    r = seed_items["202210730-clarion"][0][1]
    ch = next(e for e in r.elements if e.id == "complaint-handling")
    first = [t for t in ch.trace if t.rule.startswith("complaint-handling-code/") and t.subject == "complaint 1"
             and t.status == "fired"]
    assert first
    for t in first:
        titles = [c.title for c in t.citations]
        assert all("2024" not in x for x in titles) and any("Code 2020" in x for x in titles), (t.rule, titles)
    r2 = seed_items["202425093-clarion"][0][1]
    late = next(t for e in r2.elements for t in e.trace if t.rule == "complaint-handling-code/CHC-stage1-late")
    assert any("Code 2024" in c.title for c in late.citations)


def test_several_cases_make_one_html_document_with_an_index(seed_items):
    items = [i for name in SEEDS for i in seed_items[name]]
    page = report.render(items, "html")
    assert page.count("<!doctype html>") == 1 and page.count("</html>") == 1
    assert "<nav aria-label='Cases'>" in page
    for n, (a, _, _) in enumerate(items, 1):
        assert f"href='#case-{n}'" in page and f"id='case-{n}'" in page
    assert page.count("<details>") == sum(len(r.elements) for _, r, _ in items)


def test_rendering_is_deterministic(seed_items):
    items = seed_items["202425093-clarion"]
    for fmt in report.FORMATS:
        assert report.render(items, fmt) == report.render(items, fmt)
