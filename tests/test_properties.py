"""The properties of `remedies verify`, as tests over the shipped rulesets.

The cases come from the strategies in remedies/generate.py, built from whatever rulesets are
shipped; the number of examples is bounded by the "ci" profile in pyproject.toml.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import given

from remedies import facts, rulesets
from remedies.verify import generate
from remedies.verify import properties as verify

LIBRARY = rulesets.load()
ASSESS = verify.Assessor(LIBRARY)


def test_bands_are_ordered_without_overlap_and_dated_values_do_not_overlap():
    assert verify.static_violations(LIBRARY) == []


@given(generate.cases(LIBRARY))
def test_generated_cases_are_valid_facts_files(case):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.yaml"
        path.write_text(yaml.safe_dump(case, sort_keys=False))
        loaded = facts.load(path, LIBRARY.vocabulary)
    assert [e.id for e in loaded.elements] == [e["id"] for e in case["elements"]]


@given(generate.cases(LIBRARY))
def test_sums_lie_inside_the_band_of_the_level_before_redress(case):
    assert verify.in_band(ASSESS, case) == []


@given(generate.cases(LIBRARY))
def test_every_element_gets_exactly_one_finding(case):
    assert verify.one_finding(ASSESS, case) == []


@given(generate.cases(LIBRARY))
def test_totals_add_up_and_json_round_trips_identically(case):
    assert verify.totals(ASSESS, case) == []


@given(generate.cases(LIBRARY))
def test_durable_rules_and_the_reference_interpreter_agree(case):
    assert verify.agreement(ASSESS, case) == []


@given(generate.worse(LIBRARY))
def test_a_worse_case_never_gets_less(pair):
    assert verify.monotonicity(ASSESS, pair) == []


@given(generate.better_redress(LIBRARY))
def test_better_redress_never_raises_the_finding(pair):
    assert verify.redress(ASSESS, pair) == []


def _maladministration_with_a_proportionate_offer(learning_shown: bool) -> dict:
    return {"case": {"reference": "learning", "landlord": generate.NO_POLICY, "decided_on": "2025-01-15"},
            "elements": [{"id": "repairs", "topic": "repairs",
                          "failures": [{"kind": "repair_delay", "from": "2024-01-01", "to": "2024-06-01"},
                                       {"kind": "no_interim_measures"}, {"kind": "no_risk_assessment"}],
                          "redress": {"acknowledged": "partly", "apologised": True, "learning_shown": learning_shown,
                                      "offers": [{"amount": 600, "stage": 2}]}}]}


def test_showing_learning_never_raises_the_finding():
    """Once found by `remedies verify`: a reducing rule that fired only without learning."""
    pair = generate.Pair(_maladministration_with_a_proportionate_offer(False),
                         _maladministration_with_a_proportionate_offer(True), "learning shown on element repairs",
                         "repairs")
    assert verify.redress(ASSESS, pair) == []


def _hazard_with_distress(acknowledged: str) -> dict:
    return {"case": {"reference": "hazard", "landlord": generate.NO_POLICY, "decided_on": "2019-03-20"},
            "elements": [{"id": "e1", "topic": "damp_and_mould", "impacts": ["distress"],
                          "redress": {"acknowledged": acknowledged, "apologised": True, "put_right": "no"}}]}


def test_acknowledging_a_hazard_failing_never_raises_the_finding():
    """Once found by `remedies verify --examples 1000 --seed 7`: a hazard failing the landlord admitted
    was maladministration, the same failing it refused to acknowledge only service failure."""
    pair = generate.Pair(_hazard_with_distress("no"), _hazard_with_distress("partly"),
                         "acknowledged partly on element e1", "e1")
    assert verify.redress(ASSESS, pair) == []
