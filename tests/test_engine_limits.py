"""A stage larger than one durable ruleset can hold is split, and matches exactly as the reference."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from remedies import assess, engine, engine_limits, facts, report, rulesets

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "202425093-clarion.yaml"


def test_partition_keeps_every_rule_once_in_order_and_each_group_within_the_bounds():
    conds = ([{"fact": "x", "gte": i} for i in range(200)] + [{"fact": f"f{i}", "eq": 1} for i in range(300)]
             + [{"any": [{"fact": "y", "gte": i} for i in range(40)]} for _ in range(3)])
    groups = engine_limits.partition(conds)
    assert [i for g in groups for i in g] == list(range(len(conds)))
    for group in groups:
        budget = engine_limits.Budget()
        for i in group:
            assert budget.problem(conds[i]) is None
            budget.add(conds[i])
        assert budget.true_at_once <= engine_limits.MAX_TRUE_AT_ONCE and len(budget.facts) <= engine_limits.MAX_FACTS
    assert len(groups) > 3


def test_equalities_of_one_fact_exclude_each_other():
    budget = engine_limits.Budget()
    for i in range(200):
        budget.add({"fact": "level", "eq": f"word{i}"})
    assert budget.true_at_once == 1
    assert budget.problem({"fact": "level", "in": [f"w{i}" for i in range(300)]}).startswith("500 alternatives")


def test_a_stage_split_in_chunks_matches_as_the_reference_interpreter(tmp_path):
    folder = tmp_path / "rulesets"
    shutil.copytree(ROOT / "rulesets", folder)
    rules = "".join(f"  - {{id: H-{i}, stage: weigh, source: s, statement: rule {i}., "
                    f"when: {{fact: failure__repair_delay__measure, gte: {i}}}, then: {{add_points: {{points: 1}}}}}}\n"
                    for i in range(300))
    (folder / "landlords" / "many.yaml").write_text(
        "id: many\ntitle: many rules\nkind: landlord_policy\npublisher: x\nlandlord: clarion\nversion: '1'\n"
        "effective_from: 2018-01-01\nin_force_by: complaint_made\nsources:\n"
        "  - {id: s, title: a source, evidence: unverified}\nrules:\n" + rules)
    library = rulesets.load([folder])
    stage = engine.compile_stage("weigh", library.active(date(2025, 7, 11), date(2024, 7, 18), "clarion"),
                                 lambda rs: date(2025, 7, 11))
    assert len(stage.chunks) > 1
    case = facts.load(EXAMPLE, library.vocabulary)
    durable, reference = (report.render_json(assess.build(engine.assess(case, library, matcher=m)))
                          for m in ("durable", "reference"))
    assert durable == reference
    assert '"many/H-196"' in durable and durable.count('"status": "fired"') > 197
