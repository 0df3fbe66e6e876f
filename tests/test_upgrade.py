"""Users' files survive upgrades: every facts file shipped under examples/ and tests/ still assesses,
and a 0.1 file's unstated judgements are read as unknown, which the assessment says."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import ROOT, assess_path

FACTS_FILES = sorted([*ROOT.glob("examples/*.yaml"), *ROOT.glob("tests/fidelity/**/facts.yaml")])


@pytest.mark.parametrize("path", FACTS_FILES, ids=[str(p.relative_to(ROOT)) for p in FACTS_FILES])
def test_every_shipped_facts_file_assesses(path: Path, library):
    result = assess_path(path, library)
    facts = yaml.safe_load(path.read_text())
    assert [e["id"] for e in result["elements"]] == [e["id"] for e in facts["elements"]]
    assert all(e["finding"] for e in result["elements"])


def test_a_01_file_is_told_which_judgements_it_leaves_unknown(tmp_path, library):
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump({
        "case": {"reference": "OLD", "landlord": "clarion", "decided_on": "2025-01-31"},
        "elements": [{"id": "repairs", "topic": "repairs", "failures": [{"kind": "repair_delay", "days": 100}],
                      "redress": {"acknowledged": "partly", "offers": [{"amount": 100, "stage": 2}]}}]}))
    notes = assess_path(path, library)["notes"]
    said = [n for n in notes if "read as unknown" in n]
    assert len(said) == 1 and "repairs (apologised, put_right, learning_shown)" in said[0]
    assert "0.1" in said[0]


def test_a_ruleset_naming_a_renamed_rule_still_loads_and_is_told(tmp_path):
    """A team's own check that overrode draft-checks/E-finding-outside-jurisdiction (a warning, renamed
    W-..., since 0.2) keeps working: the override reaches the renamed rule, and the CLI says so."""
    import subprocess
    import sys

    checks = yaml.safe_load((ROOT / "rulesets" / "checks" / "draft-checks.yaml").read_text())
    own = {"id": "our-checks", "title": "Our own draft checks", "kind": checks["kind"],
           "publisher": "Example Homes", "version": "1", "effective_from": "2020-01-01",
           "sources": [{"id": "ours", "title": "our review practice", "evidence": "unverified"}],
           "rules": [{"id": "W-our-jurisdiction-view", "stage": "check", "applies_to": "draft_element",
                      "source": "ours", "statement": "We review findings on excluded elements ourselves.",
                      "when": {"all": [{"fact": "proposal_excluded", "eq": True},
                                       {"fact": "finding", "ne": "outside_jurisdiction"}]},
                      "then": {"flag": {"severity": "warning", "message": "ask the team", "found": "{finding}",
                                        "expected": "a team review"}},
                      "overrides": ["draft-checks/E-finding-outside-jurisdiction"]}]}
    path = tmp_path / "our-checks.yaml"
    path.write_text(yaml.safe_dump(own, sort_keys=False))
    from remedies import rulesets
    library = rulesets.load(rulesets.with_shipped([path]))
    rule = next(r for r in library.get("our-checks").spec.rules if r.id == "W-our-jurisdiction-view")
    assert rule.overrides == ["draft-checks/W-finding-outside-jurisdiction"]
    assert len(library.notes) == 1 and "now called draft-checks/W-finding-outside-jurisdiction" in library.notes[0]
    assert library.notes[0].startswith(f"{path}:")
    done = subprocess.run([sys.executable, "-m", "remedies", "check", str(ROOT / "examples/drafts/202425093-clarion.yaml"),
                           "--rulesets", str(path)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "remedies: note:" in done.stderr and "now called draft-checks/W-finding-outside-jurisdiction" in done.stderr
