"""The rulesets as data: dated, sourced, selected by date, listed and shown."""

from __future__ import annotations

import json
from datetime import date

import pytest
import yaml

from remedies import rulesets
from remedies.cli import main

from conftest import ROOT, assess_path

# no impact stated: two points, a service failure, so the (secondary) service-failure band is used
HEAT = {
    "case": {"reference": "T-HEAT", "landlord": "example-homes", "decided_on": "2026-06-01"},
    "elements": [{"id": "heating", "topic": "heating_and_hot_water",
                  "failures": [{"kind": "loss_of_heating_and_hot_water", "from": "2026-04-10", "to": "2026-04-20"}]}],
}


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


@pytest.fixture
def heat_file(tmp_path):
    path = tmp_path / "heat.yaml"
    path.write_text(json.dumps(HEAT))  # JSON is YAML
    return path


def test_every_parameter_value_has_a_resolvable_reference(library):
    for rs in library.rulesets:
        source_ids = {s.id for s in rs.spec.sources}
        for name, param in rs.spec.parameters.items():
            for value in param.values:
                assert value.source in source_ids, f"{rs.id}.{name} from {value.from_}: no reference"
                resolved = rs.param(name, value.from_)
                assert resolved is not None and resolved.evidence in rulesets.EVIDENCE_NOTE


def test_every_rule_cites_a_declared_source(library):
    for rs in library.rulesets:
        for rule in rs.spec.rules:
            assert rs.source(rule.source).title, f"{rs.id}/{rule.id}"
            assert rule.statement.strip()


def test_rulesets_list_json_has_at_least_six_landlords_in_force(capsys):
    code, out, _ = run_cli(["rulesets", "list", "--as-of", "2026-06-01", "--format", "json"], capsys)
    assert code == 0
    rows = json.loads(out)
    assert all({"id", "kind", "effective_from", "effective_to"} <= set(r) for r in rows)
    landlords = [r for r in rows if r["kind"] == "landlord_policy"]
    assert len(landlords) >= 6
    assert "hos-remedies-guidance" not in {r["id"] for r in rows}  # ended 31 March 2026
    assert "compensation-guidance-2026" in {r["id"] for r in rows}


def test_rulesets_show_prints_dated_parameters_with_sources(capsys):
    code, out, _ = run_cli(["rulesets", "show", "complaint-handling-code"], capsys)
    assert code == 0
    assert "stage1_days" in out and "2024-04-01" in out and "[verified: code-2024]" in out


def test_rulesets_show_unknown_id_is_bad_input(capsys):
    code, _, err = run_cli(["rulesets", "show", "no-such-thing"], capsys)
    assert code == 2 and "no ruleset with id 'no-such-thing'" in err


def _instruments(result: dict) -> set[str]:
    return {t["ruleset"] for e in result["elements"] for t in e["trace"]}


def test_the_guidance_in_force_changes_on_1_april_2026(heat_file, library):
    before = assess_path(heat_file, library, as_of=date(2026, 3, 31))
    after = assess_path(heat_file, library, as_of=date(2026, 4, 1))
    assert "compensation-guidance-2026" not in _instruments(before)
    assert "compensation-guidance-2026" in _instruments(after)
    assert {r["id"] for r in before["rulesets"]} != {r["id"] for r in after["rulesets"]}
    # without the 2026 fixed sums there is no calculated part
    assert [p for e in before["elements"] for p in e["parts"] if p["kind"] == "calculated"] == []


def test_ten_days_without_heating_after_april_2026_is_a_calculated_150(heat_file, library):
    result = assess_path(heat_file, library, as_of=date(2026, 4, 1))
    parts = result["elements"][0]["parts"]
    calculated = [p for p in parts if p["kind"] == "calculated"]
    assert calculated == [{"label": "complete loss of heating and hot water", "amount": 150,
                           "rule": "compensation-guidance-2026/C26-heating-and-hot-water",
                           "kind": "calculated", "evidence": "secondary"}]
    assert result["elements"][0]["amount"] == sum(p["amount"] for p in parts)


def test_fallback_to_the_last_bands_is_said_in_output_and_trace(heat_file, library):
    result = assess_path(heat_file, library, as_of=date(2026, 4, 1))
    assert any("hos-remedies-guidance" in n and "not read" in n for n in result["notes"])
    band_rule = next(t for t in result["elements"][0]["trace"] if t["rule"] == "hos-remedies-guidance/C-service-failure")
    assert "compensation-guidance-2026" in band_rule["fallback"]
    assert band_rule["params"]["band_service_failure"]["valid_from"] == "2022-10-01"


def test_secondary_figures_are_marked_wherever_used(heat_file, library, capsys):
    result = assess_path(heat_file, library, as_of=date(2026, 4, 1))
    warnings = result["evidence_warnings"]
    assert "rate_loss_of_heating_and_hot_water (compensation-guidance-2026): secondary" in warnings
    assert "band_service_failure (hos-remedies-guidance): secondary" in warnings
    _, text, _ = run_cli(["assess", str(heat_file), "--as-of", "2026-04-01"], capsys)
    assert "£150 complete loss of heating and hot water (calculated) [secondary]" in text
    assert "! rests on rate_loss_of_heating_and_hot_water (compensation-guidance-2026): secondary" in text


HOLIDAY_CASES = [
    ("stage1-over-christmas-2024-code.yaml",
     "12 working days from 2024-12-18 to 2025-01-08, excluding weekends and bank holidays "
     "2024-12-25 (Christmas Day), 2024-12-26 (Boxing Day), 2025-01-01 (New Year's Day)"),
    ("stage1-over-easter-2025-code.yaml",
     "12 working days from 2025-04-10 to 2025-04-30, excluding weekends and bank holidays "
     "2025-04-18 (Good Friday), 2025-04-21 (Easter Monday)"),
]


@pytest.mark.parametrize("case_file, sentence", HOLIDAY_CASES, ids=["christmas", "easter"])
def test_trace_shows_working_days_excluding_bank_holidays(case_file, sentence, library, tmp_path):
    spec = yaml.safe_load((ROOT / "tests/cases" / case_file).read_text())
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump(spec["facts"]))
    a = assess_path(path, library)
    entry = next(t for t in a["elements"][0]["trace"]
                 if t["rule"] == "complaint-handling-code/CHC-stage1-late" and t["status"] == "fired")
    assert entry["reads"]["stage1_wd"] == 12
    assert entry["params"]["stage1_days"]["value"] == 10 and entry["params"]["stage1_days"]["evidence"] == "verified"
    assert entry["computed"]["stage1_wd"] == sentence


def test_landlord_offer_is_reported_against_its_policy_and_the_guidance(library):
    a = assess_path(ROOT / "examples/202210730-clarion.yaml", library)
    rent = next(e for e in a["elements"] if e["id"] == "rent-arrears")
    c = rent["offer_comparison"]
    assert c["offered"] == 350
    assert [(b["ruleset"], b["min"], b["max"], b["position"]) for b in c["landlord_bands"]] == \
        [("clarion", 250, 700, "inside")]
    assert c["guidance"]["position"] == "below" and c["guidance"]["proposed"] == rent["proposed"]


@pytest.mark.parametrize("what", ["facts", "draft", "ruleset"])
def test_schema_is_json_schema_for_each_file_kind(what: str, capsys):
    code, out, _ = run_cli(["schema", what], capsys)
    schema = json.loads(out)
    assert code == 0 and schema["type"] == "object" and schema["additionalProperties"] is False
