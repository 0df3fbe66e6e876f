"""`remedies assess` end to end: output shape, traceability, figures in YAML, determinism."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from remedies.cli import main
from remedies.effects import FINDINGS

from conftest import ROOT, assess_path

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def test_there_are_five_seed_examples():
    assert len(EXAMPLES) == 5


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_json_shape(path: Path, capsys):
    code, out, _ = run_cli(["assess", str(path), "--format", "json"], capsys)
    assert code == 0
    a = json.loads(out)
    assert isinstance(a["total"], int) and isinstance(a["orders"], list)
    assert a["total"] == sum(e["amount"] for e in a["elements"])
    for e in a["elements"]:
        assert e["finding"] in FINDINGS
        assert isinstance(e["amount"], int) and e["amount"] >= 0
        assert e["band"] is None or set(e["band"]) >= {"min", "max"}
        assert isinstance(e["trace"], list) and e["trace"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_element_trace_names_fired_rules_with_citation_and_evidence(path: Path, library):
    a = assess_path(path, library)
    for e in a["elements"]:
        fired = [t for t in e["trace"] if t["status"] == "fired"]
        assert fired, f"{e['id']}: no rule fired"
        for t in fired:
            assert t["rule"].startswith(t["ruleset"] + "/")
            assert t["citation"]["source"], t["rule"]
            assert t["evidence"] in ("verified", "decision", "secondary", "unverified")
            assert t["changed"], f"{t['rule']} fired but records no change"
        stages = {t["stage"] for t in fired}
        if e["finding"] == "outside_jurisdiction":
            assert stages == {"jurisdiction"}
        else:
            assert {"finding", "compensation", "redress"} <= stages


def test_outside_jurisdiction_cites_the_scheme_paragraph(library):
    a = assess_path(ROOT / "examples/202210730-clarion.yaml", library)
    pd = next(e for e in a["elements"] if e["id"] == "personal-data")
    assert pd["finding"] == "outside_jurisdiction" and pd["amount"] == 0 and pd["paragraph"] == "42(j)"
    rule = next(t for t in pd["trace"] if t["status"] == "fired")
    assert rule["rule"] == "scheme-jurisdiction/J-other-body"
    assert rule["params"]["paragraph_other_body"]["value"] == "42(j)"


def _edit_band(rules_dir: Path, name: str, **values: int) -> None:
    path = rules_dir / "ombudsman" / "remedies-guidance.yaml"
    data = yaml.safe_load(path.read_text())
    data["parameters"][name]["values"][0].update(values)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def test_a_band_edited_in_yaml_moves_the_proposed_amount(tmp_path: Path, capsys):
    """Proof that the figures live in YAML, not Python."""
    copy = tmp_path / "rulesets"
    shutil.copytree(ROOT / "rulesets", copy)
    facts = str(ROOT / "examples/202425093-clarion.yaml")
    _, before, _ = run_cli(["assess", facts, "--format", "json"], capsys)
    start = yaml.safe_load((copy / "ombudsman" / "remedies-guidance.yaml").read_text())[
        "parameters"]["start_maladministration"]["values"][0]["value"]
    _edit_band(copy, "band_maladministration", min=start + 100, max=700)  # the band's foot above the usual start
    _, after, _ = run_cli(["assess", facts, "--format", "json", "--only-rulesets", str(copy)], capsys)
    b = {e["id"]: e for e in json.loads(before)["elements"]}
    c = {e["id"]: e for e in json.loads(after)["elements"]}
    assert c["doors-and-asb"]["amount"] == b["doors-and-asb"]["amount"] + 100
    assert c["doors-and-asb"]["band"] == {**b["doors-and-asb"]["band"], "min": start + 100, "max": 700}
    assert c["complaint-handling"]["amount"] == b["complaint-handling"]["amount"]  # a service failure: other band


def test_two_runs_give_byte_identical_json(capsys):
    args = ["assess", str(ROOT / "examples/202014965-paragon-asra.yaml"), "--format", "json"]
    _, first, _ = run_cli(args, capsys)
    _, second, _ = run_cli(args, capsys)
    assert first == second and len(first) > 1000


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_and_markdown_show_findings_amounts_and_total(fmt: str, capsys, library):
    total = assess_path(ROOT / "examples/202210730-clarion.yaml", library)["total"]
    assert abs(total - 1300) <= 100  # the Ombudsman ordered £1,300
    _, out, _ = run_cli(["assess", str(ROOT / "examples/202210730-clarion.yaml"), "--format", fmt], capsys)
    assert "not a determination" in out
    assert "outside jurisdiction" in out and "42(j)" in out
    assert f"£{total:,}" in out  # the proposed total
    assert "offset" in out


def test_output_file_is_never_overwritten_without_force(tmp_path: Path, capsys):
    target = tmp_path / "out.txt"
    target.write_text("the user's own notes\n")
    code, _, err = run_cli(["assess", str(ROOT / "examples/202425093-clarion.yaml"), "-o", str(target)], capsys)
    assert code == 2 and "refusing to overwrite" in err
    assert target.read_text() == "the user's own notes\n"
    code, _, _ = run_cli(["assess", str(ROOT / "examples/202425093-clarion.yaml"), "-o", str(target), "--force"],
                         capsys)
    assert code == 0 and "PROPOSAL" in target.read_text()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_durable_and_reference_matchers_agree_on_the_seeds(path: Path, library):
    via_durable = assess_path(path, library, matcher="durable")
    via_reference = assess_path(path, library, matcher="reference")
    assert via_durable["elements"] == via_reference["elements"]


def test_offer_advice_for_202210730_rent_arrears_is_above_the_offer_and_says_why(library):
    a = assess_path(ROOT / "examples/202210730-clarion.yaml", library)
    rent = next(e for e in a["elements"] if e["id"] == "rent-arrears")
    adv = rent["offer_advice"]
    assert adv["offered"] == 350 and adv["least_proportionate_offer"] > 350
    assert adv["least_proportionate_offer"] == rent["proposed"]
    assert [b["rule"] for b in adv["because"]] == ["hos-remedies-guidance/C-maladministration"]
    unmet = {n["condition"] for n in adv["reasonable_redress_also_needs"] if not n["met"]}
    assert unmet == {"acknowledged = fully (now partly) or (acknowledged = partly (now partly) and "
                     "offer_over_band_top > 0 (now -250) and failure_kinds ≥ 1 (now 3))", "learning_shown ≠ no (now no)"}
    assert adv["rules"] == ["hos-remedies-guidance/R-reasonable-redress"]


def test_no_offer_advice_where_nothing_is_owed(library):
    a = assess_path(ROOT / "examples/202210730-clarion.yaml", library)
    by_id = {e["id"]: e for e in a["elements"]}
    assert by_id["contractor-visits"]["offer_advice"] is None
    assert by_id["personal-data"]["offer_advice"] is None


def test_html_is_a_page_that_escapes_what_the_facts_say(tmp_path, capsys, library):
    text = (ROOT / "examples/202425093-clarion.yaml").read_text().replace(
        "summary: the landlord's record keeping", 'summary: "<script>alert(1)</script> records"')
    path = tmp_path / "facts.yaml"
    path.write_text(text)
    code, out, _ = run_cli(["assess", str(path), "--format", "html"], capsys)
    assert code == 0 and out.startswith("<!doctype html>") and out.rstrip().endswith("</html>")
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt; records" in out
    total = assess_path(path, library)["total"]
    visible = " ".join(re.sub(r"<[^>]+>", " ", out).split())
    assert f"Total proposed £{total:,}" in visible and "not a determination" in visible


def test_output_to_a_missing_directory_is_bad_input(tmp_path, capsys):
    code, _, err = run_cli(["assess", str(ROOT / "examples/202425093-clarion.yaml"),
                            "-o", str(tmp_path / "no" / "such" / "dir.txt")], capsys)
    assert code == 2 and "cannot write here" in err and "Traceback" not in err


def test_output_to_a_directory_is_bad_input_and_leaves_nothing_behind(tmp_path, capsys):
    code, _, err = run_cli(["assess", str(ROOT / "examples/202425093-clarion.yaml"), "-o", str(tmp_path), "--force"],
                           capsys)
    assert code == 2 and "is a directory" in err
    assert list(tmp_path.iterdir()) == []


def test_code_breaches_with_no_element_to_receive_them_are_noted(tmp_path, library):
    text = (ROOT / "examples/202425093-clarion.yaml").read_text().replace(
        "topic: complaint_handling", "topic: communication")
    path = tmp_path / "facts.yaml"
    path.write_text(text)
    notes = assess_path(path, library)["notes"]
    assert any("CHC-stage1-late applies, but no element in jurisdiction has topic 'complaint_handling'" in n
               for n in notes)


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_every_rendering_carries_the_notes(fmt, tmp_path, capsys):
    path = tmp_path / "heat.yaml"
    path.write_text("case: {reference: T, landlord: example-homes, decided_on: 2026-06-01}\n"
                    "elements: [{id: heating, topic: heating_and_hot_water, failures: "
                    "[{kind: loss_of_heating_and_hot_water, days: 10}]}]\n")
    _, out, _ = run_cli(["assess", str(path), "--format", fmt], capsys)
    assert "were not read in the primary text" in out and "no policy ruleset for landlord" in out
    assert "(fallback)" in out


def test_deductions_are_the_replaced_offers_not_known_unpaid(library):
    a = assess_path(ROOT / "examples/202425093-clarion.yaml", library)
    assert a["deductible_if_paid"] == 100 and a["recorded_as_paid"] == 0
    assert a["payable_if_paid_offers_deducted"] == a["total"] - 100
