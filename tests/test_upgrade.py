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
