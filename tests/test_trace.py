"""Trace levels: `fired` is `full` without the rules that did not apply, save each decision's nearest miss."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given

from remedies import assess, engine, facts, report, rulesets
from remedies.assess import whynot
from remedies.verify import generate
from remedies.cli import main

from conftest import ROOT

LIBRARY = rulesets.load()
SEEDS = sorted((ROOT / "examples").glob("*.yaml"))


def levels(case: facts.Case) -> dict[str, dict]:
    return {level: assess.build(engine.assess(case, LIBRARY), level) for level in assess.TRACE_LEVELS}


def check_levels(a: dict[str, dict]) -> None:
    for fired, full, none in zip(a["fired"]["elements"], a["full"]["elements"], a["none"]["elements"]):
        assert len(full["trace"]) == full["rules_considered"]
        assert fired["trace"] == [t for t in full["trace"] if t["status"] != "not_applicable" or "nearest_miss" in t]
        assert none["trace"] == []
        assert {k: v for k, v in fired.items() if k != "trace"} == {k: v for k, v in none.items() if k != "trace"}
        misses = [t for t in full["trace"] if "nearest_miss" in t]
        assert all(t["status"] == "not_applicable" for t in misses)
        groups = [(t["stage"], t["nearest_miss"]["decision"]) for t in misses]
        assert len(groups) == len(set(groups)), "one nearest miss per decision"
        for t in misses:
            m = t["nearest_miss"]
            assert m["distance"] == len(m["unmet"]) >= 1
            # no rule at the same decision that did not apply missed fewer comparisons
            rivals = [r for r in full["trace"] if r["status"] == "not_applicable" and r["stage"] == t["stage"]
                      and r is not t and _decision(r) == m["decision"]]
            for r in rivals:
                assert _distance(r) >= m["distance"], (t["rule"], r["rule"])


def _rule(entry: dict) -> engine.CompiledRule:
    rs = LIBRARY.get(entry["ruleset"])
    rule = next(r for r in rs.spec.rules if f"{rs.id}/{r.id}" == entry["rule"])
    params = {name: p["value"] if p.get("value") is not None else p for name, p in entry["params"].items()}
    return rule, params


def _decision(entry: dict) -> str:
    rule, _ = _rule(entry)
    name = next(iter(rule.then))
    return engine.DECISION.get(name, name)


def _distance(entry: dict) -> int:
    """Recomputed from the rule's own `when` and the facts and figures the entry says it read."""
    rule, params = _rule(entry)

    def resolve(ref: dict):
        p = params[ref["param"]]
        return p[ref["field"]] if "field" in ref else p
    compiled = engine.conditions.compile_condition(rule.when, resolve)
    return len(whynot.unmet(compiled, entry["reads"]))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_levels_on_the_seeds(seed: Path):
    check_levels(levels(facts.load(seed, LIBRARY.vocabulary)))


@given(generate.cases(LIBRARY))
def test_levels_on_generated_cases(case):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.yaml"
        path.write_text(yaml.safe_dump(case, sort_keys=False))
        check_levels(levels(facts.load(path, LIBRARY.vocabulary)))


def test_the_finding_says_why_not_a_higher_level():
    a = levels(facts.load(ROOT / "examples/202425093-clarion.yaml", LIBRARY.vocabulary))["fired"]
    for e in a["elements"]:
        miss = next(t for t in e["trace"] if t.get("nearest_miss") and t["stage"] == "finding")
        assert miss["status"] == "not_applicable"
        for unmet in miss["nearest_miss"]["unmet"]:  # "points = 5, needs ≥ 6": the value the rule read
            name, rest = unmet.split(" = ", 1)
            assert rest.startswith(whynot.show(miss["reads"][name]) + ", needs ")
    text = report.render([(a, report.build(a, LIBRARY), None)], "text")
    assert "nearest not to apply" in text


@pytest.mark.parametrize("level", assess.TRACE_LEVELS)
def test_same_facts_same_bytes_at_every_level(level, capsys):
    outputs = []
    for _ in range(2):
        with pytest.raises(SystemExit) as exc:
            main(["assess", str(SEEDS[2]), "--format", "json", "--trace", level])
        assert exc.value.code == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] and f'"trace_level": "{level}"' in outputs[0]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_a_run_that_keeps_no_trace_gives_the_same_assessment_at_level_none(seed: Path):
    case = facts.load(seed, LIBRARY.vocabulary)
    kept = assess.build(engine.assess(case, LIBRARY), "none")
    assert assess.build(engine.assess(case, LIBRARY, keep_quiet=False), "none") == kept
    with pytest.raises(ValueError):
        assess.build(engine.assess(case, LIBRARY, keep_quiet=False), "fired")


def test_a_derive_rule_lists_its_first_complaints_and_counts_the_rest(monkeypatch):
    """Thirty complaints: the trace lists each derive rule's first twenty, and the assessment is the one
    a trace listing every complaint gives (the effects of the rest are applied all the same)."""
    data = yaml.safe_load((ROOT / "examples/202014965-paragon-asra.yaml").read_text())
    first = data["complaints"][0]
    data["complaints"] = [{k: str(v) for k, v in first.items() if k in ("made", "acknowledged", "stage1_response")}
                          for _ in range(30)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "thirty.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        case = facts.load(path, LIBRARY.vocabulary)
    folded = levels(case)
    monkeypatch.setattr(engine, "SHOWN_PER_RULE", 1000)
    listed = levels(case)
    assert folded["none"] == listed["none"]
    for short, every in zip(folded["full"]["elements"], listed["full"]["elements"]):
        assert short["rules_considered"] == every["rules_considered"]
        more = [t for t in short["trace"] if (t.get("subject") or "").endswith("more complaints")]
        if any(t["stage"] == "derive" and t["status"] == "fired" for t in every["trace"]):
            assert more and all(t["subject"] == "10 more complaints" and "complaints 21–30" in t["changed"]
                                for t in more)
        assert not any(t.get("subject") == "complaint 21" for t in short["trace"])
