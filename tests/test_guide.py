"""Guided fact entry: every mistake in one run, "did you mean", the vocabulary in the schema and
on the command line, an unknown landlord as a warning, and --rulesets adding to the shipped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from remedies import rulesets
from remedies.guide import descriptions

from conftest import ROOT
from test_assess import run_cli

FIVE_MISTAKES = """\
case:
  reference: "T-5"
  landlord: clarion
  decided_on: 2025-10-20
complaints:
  - made: 30/09/2025
elements:
  - id: damp
    topic: damp_and_mould
    sumary: damp and mould in the bedroom
    impacts: [distres]
    redress:
      acknowledged: ful
  - topic: complaint_handling
"""
LINE = re.compile(r"^remedies: error: (?P<file>[^:]+):(?P<line>\d+): \[(?P<field>[^\]]+)\] (?P<message>.+)$")


def _write(tmp_path: Path, text: str, name: str = "facts.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_five_mistakes_give_five_messages_in_one_run(tmp_path, capsys):
    path = _write(tmp_path, FIVE_MISTAKES)
    code, _, err = run_cli(["assess", str(path)], capsys)
    assert code == 2 and "Traceback" not in err
    lines = [m.groupdict() for m in map(LINE.match, err.splitlines()) if m]
    assert len(lines) == 5, err
    assert all(x["file"] == str(path) for x in lines)
    got = {(int(x["line"]), x["field"]): x["message"] for x in lines}
    assert "use YYYY-MM-DD" in got[(6, "complaints.0.made")] and "write 2025-09-30" in got[(6, "complaints.0.made")]
    assert "did you mean 'summary'?" in got[(10, "elements.0.sumary")]
    assert "did you mean 'distress'?" in got[(11, "elements.0.impacts.0")]
    assert "did you mean 'fully'?" in got[(13, "elements.0.redress.acknowledged")]
    assert got[(14, "elements.1.id")] == "required field is missing"
    assert err.strip().endswith(f"5 problems in {path}; nothing was assessed")


def test_a_misspelt_word_names_the_nearest(tmp_path, capsys):
    text = FIVE_MISTAKES.replace("30/09/2025", "2025-09-30").replace("sumary", "summary").replace(
        "distres", "distress").replace("ful\n", "fully\n").replace("  - topic: complaint_handling\n", "").replace(
        "damp_and_mould", "damp_and_mold")
    code, _, err = run_cli(["assess", str(_write(tmp_path, text))], capsys)
    assert code == 2 and "unknown topic 'damp_and_mold'; did you mean 'damp_and_mould'?" in err
    assert len(err.strip().splitlines()) == 1


def test_an_unknown_landlord_is_a_warning_naming_the_nearest(tmp_path, capsys):
    seed = (ROOT / "examples/202425093-clarion.yaml").read_text()
    path = _write(tmp_path, seed.replace("landlord: clarion", "landlord: clarion-housing"))
    code, out, err = run_cli(["assess", str(path), "--format", "json", "--no-what-if"], capsys)
    assert code == 0
    (warning,) = err.strip().splitlines()
    assert warning.startswith(f"remedies: warning: {path}:") and "[case.landlord]" in warning
    assert "'clarion-housing'" in warning and "nearest known: clarion" in warning
    assert "no landlord policy is applied" in warning
    a = json.loads(out)
    assert not any(r["kind"] == "landlord_policy" for r in a["rulesets"])
    assert any("clarion-housing" in n for n in a["notes"])


def test_the_schema_names_every_word_with_its_meaning(library, capsys):
    code, out, _ = run_cli(["schema", "facts"], capsys)
    schema = json.loads(out)
    assert code == 0
    words = descriptions(library)
    failure_kind = schema["$defs"]["Failure"]["properties"]["kind"]["oneOf"]
    assert {x["const"]: x["description"] for x in failure_kind} == words["failure_kinds"]
    impacts = schema["$defs"]["Element"]["properties"]["impacts"]["items"]["oneOf"]
    assert {x["const"] for x in impacts} == set(library.vocabulary.impacts)
    topic = schema["$defs"]["Element"]["properties"]["topic"]["oneOf"]
    assert {x["const"] for x in topic} == set(library.vocabulary.topics)
    vulnerabilities = schema["$defs"]["Resident"]["properties"]["vulnerabilities"]["items"]["oneOf"]
    assert {x["const"] for x in vulnerabilities} == set(library.vocabulary.vulnerabilities)
    assert schema["$defs"]["CaseInfo"]["properties"]["landlord"]["examples"] == library.landlords()


def test_a_new_vocabulary_word_reaches_the_schema_and_the_listing(tmp_path, capsys):
    extra = tmp_path / "more-words.yaml"
    vocab = yaml.safe_load((ROOT / "rulesets/vocabulary.yaml").read_text())
    vocab["vocabulary"]["impacts"]["lost_sleep"] = "the resident lost sleep"
    extra.write_text(yaml.safe_dump(vocab, sort_keys=False, allow_unicode=True))
    _, out, _ = run_cli(["schema", "facts", "--rulesets", str(extra)], capsys)
    impacts = json.loads(out)["$defs"]["Element"]["properties"]["impacts"]["items"]["oneOf"]
    assert {"const": "lost_sleep", "description": "the resident lost sleep"} in impacts
    _, out, _ = run_cli(["vocabulary", "impacts", "--rulesets", str(extra)], capsys)
    assert re.search(r"^  lost_sleep +the resident lost sleep$", out, re.M)


def test_vocabulary_lists_every_word(library, capsys):
    code, out, _ = run_cli(["vocabulary", "--format", "json"], capsys)
    assert code == 0 and json.loads(out) == descriptions(library)
    _, text, _ = run_cli(["vocabulary"], capsys)
    for key in ("topics", "failure_kinds", "impacts", "vulnerabilities", "other_bodies"):
        for word in getattr(library.vocabulary, key):
            assert re.search(rf"^  {word} ", text, re.M), word
    code, _, err = run_cli(["vocabulary", "colours"], capsys)
    assert code == 2 and "kinds: topics" in err


def _policy(tmp_path: Path) -> Path:
    data = yaml.safe_load((ROOT / "rulesets/landlords/clarion.yaml").read_text())
    data.update(id="my-homes", landlord="my-homes", title="My Homes — complaints policy")
    path = tmp_path / "my-policy.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def test_rulesets_adds_and_only_rulesets_replaces(tmp_path, capsys):
    shipped = {r.id for r in rulesets.load().rulesets}
    policy = _policy(tmp_path)
    _, out, _ = run_cli(["rulesets", "list", "--format", "json", "--rulesets", str(policy)], capsys)
    assert {r["id"] for r in json.loads(out)} == shipped | {"my-homes"}
    vocabulary = ROOT / "rulesets/vocabulary.yaml"
    _, out, _ = run_cli(["rulesets", "list", "--format", "json", "--only-rulesets", str(policy),
                         "--only-rulesets", str(vocabulary)], capsys)
    assert {r["id"] for r in json.loads(out)} == {"my-homes", "vocabulary"}
    code, _, err = run_cli(["rulesets", "list", "--rulesets", str(policy), "--only-rulesets", str(policy)], capsys)
    assert code == 2 and "not both" in err
    # the added policy applies to its landlord's case, with no warning
    seed = (ROOT / "examples/202425093-clarion.yaml").read_text().replace("landlord: clarion", "landlord: my-homes")
    code, out, err = run_cli(["assess", str(_write(tmp_path, seed)), "--rulesets", str(policy), "--format", "json",
                              "--no-what-if"], capsys)
    assert code == 0 and err == "" and "my-homes" in {r["id"] for r in json.loads(out)["rulesets"]}


def test_an_added_file_with_a_shipped_id_replaces_that_ruleset(tmp_path, capsys):
    guidance = tmp_path / "guidance.yaml"
    text = (ROOT / "rulesets/ombudsman/remedies-guidance.yaml").read_text()
    data = yaml.safe_load(text)
    band = data["parameters"]["band_maladministration"]["values"][0]
    band.update(min=band["min"] + 100, max=band["max"] + 100)
    guidance.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    seed = str(ROOT / "examples/202425093-clarion.yaml")
    _, before, _ = run_cli(["assess", seed, "--format", "json", "--no-what-if"], capsys)
    _, after, _ = run_cli(["assess", seed, "--format", "json", "--no-what-if", "--rulesets", str(guidance)], capsys)
    b, a = json.loads(before), json.loads(after)
    assert [r["id"] for r in a["rulesets"]] == [r["id"] for r in b["rulesets"]]
    assert a["elements"][0]["band"]["min"] == b["elements"][0]["band"]["min"] + 100
