"""`remedies verify`: the shipped rulesets pass; each broken policy is caught with the right
message and a counterexample that reproduces the violation when assessed."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from hypothesis import find

from remedies import engine, facts, rulesets
from remedies.verify import generate
from remedies.verify import properties as verify
from remedies.verify import render as verifyreport
from remedies.cli import main

EXAMPLES = "20"

# A landlord's draft policy: two bands on one scale, each reported against the guidance's finding.
POLICY = """\
id: draft-policy
title: A landlord's draft compensation policy
kind: landlord_policy
publisher: Draft Homes
landlord: draft-homes
version: draft
effective_from: 2019-01-01
in_force_by: decided_on
sources:
  - {{id: draft, title: Draft compensation policy, evidence: verified}}
parameters:
  band_minor:
    description: a minor failure
    unit: pounds
    level: service_failure
    values:
      - {{from: 2019-01-01, min: {minor_min}, max: {minor_max}, source: draft}}
  band_major:
    description: a failure that affected the resident
    unit: pounds
    level: maladministration
    values:
      - {{from: 2019-01-01, min: {major_min}, max: 500, source: draft}}
  rate_delay:
    description: pounds a day of repair delay
    unit: pounds_per_day
    values:
      - {{from: 2019-01-01, value: -1, source: draft}}
scales:
  compensation: {{bands: [band_minor, band_major], contiguous: {contiguous}}}
rules:
  - {{id: P-minor, stage: compensation, source: draft, statement: A service failure is a minor failure.,
     when: {{fact: level, eq: service_failure}}, then: {{policy_band: {{band: {{param: band_minor}}, label: minor}}}}}}
  - {{id: P-major, stage: compensation, source: draft, statement: Maladministration is a major failure.,
     when: {{fact: level, in: [maladministration, severe_maladministration]}},
     then: {{policy_band: {{band: {{param: band_major}}, label: major}}}}}}
{extra}"""
DELAY_RULE = """\
  - {id: P-delay, stage: compensation, source: draft, statement: Each day of repair delay takes £1 off the award.,
     when: {all: [{fact: failure__repair_delay__measure, gt: 0}, {fact: level, ne: no_maladministration}]},
     then: {add_sum: {label: delay deduction, rate: {param: rate_delay}, per: failure__repair_delay__measure}}}
"""
VULNERABLE_RULE = """\
  - {{id: P-vulnerable, stage: weigh, source: draft, statement: A vulnerable resident's case weighs more.,
     when: {when}, then: {{add_points: {{points: 5}}}}}}
"""


def draft(tmp_path: Path, minor: tuple[int, int] = (0, 100), major_min: int = 100, contiguous: bool = True,
          extra: str = "") -> Path:
    path = tmp_path / "draft-policy.yaml"
    path.write_text(POLICY.format(minor_min=minor[0], minor_max=minor[1], major_min=major_min,
                                  contiguous=str(contiguous).lower(), extra=extra))
    return path


def line_of(path: Path, fragment: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if fragment in line)


def run(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


@pytest.fixture(autouse=True)
def quick_shrinking(monkeypatch):
    """Shrinking stops sooner in the suite: any counterexample reproduces, the plainest is for users."""
    monkeypatch.setattr(verify, "SHRINK_BUDGET", 40)


def verify_draft(path: Path, out: Path, capsys) -> tuple[int, str]:
    code, text, err = run(["verify", str(path), "--examples", EXAMPLES, "--out", str(out)], capsys)
    assert not err
    return code, text


def reproduce(text: str, marker: str, capsys, *extra: str) -> tuple[int, str, str]:
    """Run the `remedies assess` command printed under the violation whose message has ``marker``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "✗" in line and marker in line)
    command = next(line for line in lines[start:] if line.strip().startswith("run:")).split("run:", 1)[1]
    args = shlex.split(command)
    assert args[:2] == ["remedies", "assess"]
    return run([*args[1:], *extra], capsys)


def bands_in_use(assessment: dict) -> dict[str, dict]:
    return {name: p for e in assessment["elements"] for t in e["trace"] if t["status"] == "fired"
            for name, p in t["params"].items() if "min" in p}


def test_the_shipped_rulesets_pass(capsys):
    code, out, err = run(["verify"], capsys)
    assert not err and code == 0, out
    assert out.count("  ok ") == 8 and "FAIL " not in out


def test_a_consistent_draft_policy_passes(tmp_path, capsys):
    code, out = verify_draft(draft(tmp_path), tmp_path / "out", capsys)
    assert code == 0, out
    assert "cases for draft-homes" in out and not (tmp_path / "out").exists()


def test_an_inverted_band_is_a_violation_and_assess_refuses_it(tmp_path, capsys):
    path = draft(tmp_path, minor=(100, 50), contiguous=False)
    code, out = verify_draft(path, tmp_path / "out", capsys)
    assert code == 1
    assert "FAIL  bands" in out and "band_minor: inverted band: min 100 > max 50" in out
    line = line_of(path, "min: 100, max: 50")
    assert f"at {path}:{line}" in out
    code, _, err = reproduce(out, "inverted band", capsys)
    assert code == 2 and f"{path}:{line}:" in err and "inverted band: min 100 > max 50" in err


def test_overlapping_bands_are_a_violation_and_the_counterexample_uses_them(tmp_path, capsys):
    code, out = verify_draft(draft(tmp_path, minor=(50, 150), contiguous=False), tmp_path / "out", capsys)
    assert code == 1
    assert ("bands overlap in scale 'compensation': band_minor £50–£150 and band_major £100–£500 "
            "both cover £100–£150, from 2019-01-01") in out
    code, shown, _ = reproduce(out, "bands overlap", capsys, "--format", "json")
    used = bands_in_use(json.loads(shown))
    assert code == 0 and {"band_minor", "band_major"} & set(used)
    assert {(p["min"], p["max"]) for name, p in used.items() if name.startswith("band_m")} <= {(50, 150), (100, 500)}


def test_a_gap_in_a_contiguous_scale_is_a_violation_and_the_counterexample_uses_the_band(tmp_path, capsys):
    code, out = verify_draft(draft(tmp_path, minor=(0, 50)), tmp_path / "out", capsys)
    assert code == 1
    assert ("gap in contiguous scale 'compensation': nothing between band_minor's top £50 and "
            "band_major's bottom £100, from 2019-01-01") in out
    code, shown, _ = reproduce(out, "gap in contiguous scale", capsys, "--format", "json")
    used = bands_in_use(json.loads(shown))
    assert code == 0 and (used.get("band_minor", {}).get("max") == 50 or used.get("band_major", {}).get("min") == 100)


def test_a_rule_that_lowers_the_sum_as_a_delay_grows_is_caught_with_the_two_cases(tmp_path, capsys):
    # One seed's luck changes with the code itself (hypothesis also draws the constants it finds in
    # the loaded modules), so the search must find the violation with one of a few seeds.
    path = draft(tmp_path, extra=DELAY_RULE)
    for seed in ("0", "1", "2", "3"):
        code, out, err = run(["verify", str(path), "--examples", EXAMPLES, "--out", str(tmp_path / "out"),
                              "--seed", seed], capsys)
        assert code == 1 and not err
        if any("✗" in line and "lengthening" in line for line in out.splitlines()):
            break
    line = next(line for line in out.splitlines() if "✗" in line and "lengthening" in line)
    assert "FAIL  monotonicity" in out and "the delay 'repair_delay'" in line and "lowered" in line
    element = line.split("of element ", 1)[1].split()[0]
    code, shown, _ = reproduce(out, "lengthening the delay", capsys, "--format", "json")
    before, after = json.loads(shown)
    proposed = [{e["id"]: e["proposed"] for e in a["elements"]}[element] for a in (before, after)]
    assert code == 0 and proposed[1] < proposed[0]


def test_a_second_rule_deciding_the_finding_is_caught(tmp_path, capsys):
    extra = """\
  - {id: P-stands, stage: redress, source: draft, statement: A service failure always stands.,
     when: {fact: level, eq: service_failure}, then: {redress: {outcome: stands, pay: proposal}}}
"""
    code, out = verify_draft(draft(tmp_path, extra=extra), tmp_path / "out", capsys)
    assert code == 1 and "FAIL  one-finding" in out
    assert "ambiguous decision 'redress'" in out and "draft-policy/P-stands" in out
    code, _, err = reproduce(out, "ambiguous decision", capsys)
    assert code == 2 and "ambiguous decision 'redress'" in err


def test_a_condition_the_matchers_would_judge_differently_is_refused_at_load(tmp_path, capsys):
    path = draft(tmp_path, extra=VULNERABLE_RULE.format(when="{fact: vulnerable, eq: 1}"))
    code, out, err = run(["verify", str(path)], capsys)
    assert code == 2 and not out
    assert err.strip().splitlines() == [f"remedies: error: {path}:{line_of(path, 'when: {fact: vulnerable')}: "
                                        f"[rules.2.when] 'vulnerable' is a yes/no fact and cannot be compared "
                                        f"with 1, a value of another type"]


def test_engine_disagreement_is_caught_with_a_case_that_shows_it(tmp_path):
    """The loader refuses the conditions known to split the matchers, so this one is put in
    behind its back, as a future difference between them would be."""
    paths, landlords = verify.selection([draft(tmp_path, extra=VULNERABLE_RULE.format(when="{fact: vulnerable, "
                                                                                           "eq: true}"))])
    library = rulesets.load(paths)
    policy = library.get("draft-policy")
    rules = [r.model_copy(update={"when": {"fact": "vulnerable", "eq": 1}}) if r.id == "P-vulnerable" else r
             for r in policy.spec.rules]
    policy.spec = policy.spec.model_copy(update={"rules": rules})
    results = {r.prop: r for r in verify.run(library, int(EXAMPLES), 0, landlords)}
    (violation,) = results["agreement"].violations
    assert "under durable_rules but" in violation.message and "under the reference interpreter" in violation.message
    (path,) = verifyreport.write(violation, tmp_path / "out", 0)
    case = facts.load(path, library.vocabulary)
    durable, reference = (engine.assess(case, library, matcher=m) for m in ("durable", "reference"))
    assert [s.points for s in durable.states.values()] != [s.points for s in reference.states.values()]


def test_the_same_seed_gives_the_same_report_and_files(tmp_path, capsys):
    path = draft(tmp_path, minor=(0, 50))
    first = verify_draft(path, tmp_path / "out", capsys)
    second = verify_draft(path, tmp_path / "out", capsys)
    assert first == second and first[0] == 1
    assert len(list((tmp_path / "out").iterdir())) == 1


@pytest.mark.parametrize("args, message", [
    (["verify", "nowhere.yaml"], "nowhere.yaml: no such file"),
    (["verify", "--examples", "0"], "Invalid value for '--examples'"),
])
def test_bad_input_is_one_line_and_exit_2(args, message, capsys):
    code, _, err = run(args, capsys)
    assert code == 2 and message in err and "Traceback" not in err


def test_an_out_directory_that_cannot_be_written_is_bad_input(tmp_path, capsys):
    (tmp_path / "a-file").write_text("")
    code, out, err = run(["verify", str(draft(tmp_path, minor=(0, 50))), "--examples", "5",
                          "--out", str(tmp_path / "a-file" / "out")], capsys)
    assert code == 2 and not out and err.count("\n") == 1 and "cannot write counterexamples here" in err


def test_a_generated_case_is_written_as_a_facts_file_that_assess_reads(tmp_path):
    library = rulesets.load()
    case = find(generate.cases(library), lambda c: True)
    violation = verify.Violation("totals", "a message", cases=(case,))
    (path,) = verifyreport.write(violation, tmp_path, 7)
    assert path.read_text().startswith("# Counterexample found by `remedies verify --seed 7` to the property 'totals'")
    assert facts.load(path, library.vocabulary).case.reference == "generated"


def test_verify_leaves_nothing_in_the_working_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, _ = run(["verify", "--examples", "3"], capsys)
    assert code == 0 and list(tmp_path.iterdir()) == []
