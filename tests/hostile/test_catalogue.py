"""A catalogue of hostile inputs: each is bad input (exit 2, one line naming the file, and the line
and field where there is one), refused within 5 s of CPU and 300 MB, leaving nothing on disk.

Large inputs are generated into tmp_path, never committed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from hostile_runner import DRAFT, EXAMPLE, ROOT, assert_bad_input, remedies

FACTS = EXAMPLE.read_text()


def facts_with(tmp_path: Path, old: str, new: str | bytes, name: str = "facts.yaml") -> Path:
    """The seed facts with one edit, written as bytes (so NULs and escapes go in as they are)."""
    assert old in FACTS
    text = FACTS.replace(old, new if isinstance(new, str) else new.decode("latin-1"), 1)
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(new, str) else text.encode("latin-1"))
    return path


def line_of(path: Path, fragment: str) -> int:
    return next(i for i, line in enumerate(path.read_text(errors="replace").splitlines(), 1) if fragment in line)


# (name, text replaced in the seed facts, replacement, fragments of the message; {line} is the edited line)
FACTS_EDITS = [
    ("NUL byte", "reference: \"202425093\"", b"reference: \"2024\x0025093\"", ["control character U+0000"]),
    ("raw escape sequence", "  landlord: clarion", b"  landlord: clar\x1b[31mion", ["control character U+001B"]),
    ("quoted escape sequence", "summary: response to reports", "summary: \"\\e[2Jresponse\" #",
     ["control character U+001B in text"]),
    ("integer of 5000 digits", "decided_on: 2025-07-11", "decided_on: " + "9" * 5000, ["5000 digits is too large"]),
    ("junk !!int tag", "decided_on: 2025-07-11", "decided_on: !!int abc", ["'abc' is not a whole number"]),
    ("junk !!bool tag", "decided_on: 2025-07-11", "decided_on: !!bool maybe", ["'maybe' is not true or false"]),
    ("!!binary tag", "decided_on: 2025-07-11", "decided_on: !!binary aGVsbG8=", ["tag !!binary is not supported"]),
    ("!!python tag", "decided_on: 2025-07-11", "decided_on: !!python/object:os.system x",
     ["is not supported"]),
    ("sexagesimal 1:30", "vulnerabilities: []", "vulnerabilities: [1:30]", ["'1:30' is ambiguous"]),
    ("octal 010", "vulnerabilities: []", "vulnerabilities: [010]", ["'010' is ambiguous"]),
    ("integer as a date", "decided_on: 2025-07-11", "decided_on: 1752192000",
     ["[case.decided_on]", "is not a date: use YYYY-MM-DD"]),
    ("quoted integer as a date", "decided_on: 2025-07-11", "decided_on: '1752192000'",
     ["[case.decided_on]", "is not a date: use YYYY-MM-DD"]),
    ("date 9999-12-31", "decided_on: 2025-07-11", "decided_on: 9999-12-31",
     ["[case.decided_on]", "between 1990-01-01 and 2100-12-31"]),
    ("date before 1990", "  - made: 2024-07-18", "  - made: 1899-07-18", ["[complaints.0.made]", "1990-01-01"]),
    ("huge decimal", "vulnerabilities: []", "vulnerabilities: [1.5e999999]", ["too many digits"]),
    ("a key with brackets", "summary: response to reports", "sum[mary]: response to reports",
     ["unknown field 'sum[mary]'", "did you mean 'summary'?"]),  # found by `make fuzz`: was an IndexError
    ("nested too deeply", "vulnerabilities: []", "vulnerabilities: " + "[" * 200 + "]" * 200, ["nested too deeply"]),
]


@pytest.mark.parametrize("old, new, fragments", [e[1:] for e in FACTS_EDITS], ids=[e[0] for e in FACTS_EDITS])
def test_hostile_facts_text(tmp_path, old, new, fragments):
    path = facts_with(tmp_path, old, new)
    marker = (new if isinstance(new, str) else new.decode("latin-1")).splitlines()[0][:12]
    result = remedies("assess", str(path))
    assert_bad_input(result, f"{path}:{line_of(path, marker)}:", *fragments)


def test_money_written_as_sexagesimal_is_not_ninety_pounds(tmp_path):
    """YAML 1.1 reads `amount: 1:30` as £90: refused instead, at its line."""
    path = facts_with(tmp_path, "{amount: 50, stage: 2", "{amount: 1:30, stage: 2")
    assert_bad_input(remedies("assess", str(path)), f"{path}:{line_of(path, 'amount: 1:30')}:", "'1:30' is ambiguous")


def test_dev_zero_and_urandom_are_refused_without_reading(tmp_path):
    for device in ("/dev/zero", "/dev/urandom"):
        assert_bad_input(remedies("assess", device), f"{device}: is a device; only regular files are read")


def test_a_fifo_does_not_block(tmp_path):
    fifo = tmp_path / "facts.yaml"
    os.mkfifo(fifo)
    assert_bad_input(remedies("assess", str(fifo)), f"{fifo}: is a FIFO")


def test_a_directory(tmp_path):
    """A directory with no facts files in it is named, not silently passed over."""
    assert_bad_input(remedies("assess", str(tmp_path)), f"{tmp_path}: no facts files")


def test_a_file_over_the_size_bound(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text(FACTS + "# padding\n" * 250_000)
    assert_bad_input(remedies("assess", str(path)), f"{path}: the file is over 2,000,000 bytes")


def test_a_million_values_in_two_megabytes(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text("case: [" + ",".join(["1"] * 990_000) + "]\n")
    assert_bad_input(remedies("assess", str(path)), f"{path}: more than 300,000 values")


def test_a_path_longer_than_the_system_allows(tmp_path):
    long = str(tmp_path / ("x" * 5000 + ".yaml"))
    assert_bad_input(remedies("assess", long), "the path is too long for this system")
    assert_bad_input(remedies("assess", str(EXAMPLE), "--rulesets", long), "the path is too long")
    assert_bad_input(remedies("assess", str(EXAMPLE), "-o", long), "cannot write here: the path is too long")
    assert_bad_input(remedies("verify", long), "the path is too long")
    assert list(tmp_path.iterdir()) == []


def test_an_unreadable_facts_file_is_one_line_not_click_usage(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text(FACTS)
    path.chmod(0)
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:  # root reads anything: drop the capabilities that let it
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv to drop CAP_DAC_OVERRIDE")
        prefix = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search",
                  "--inh-caps", "-dac_override,-dac_read_search")
    assert_bad_input(remedies("assess", str(path), prefix=prefix), f"{path}: permission denied")


# --- dates given as options ------------------------------------------------------------------

def test_as_of_before_the_complaint_was_made():
    result = remedies("assess", str(EXAMPLE), "--as-of", "2024-01-01")
    assert_bad_input(result, f"{EXAMPLE}:", "[complaints.0.made]", "the complaint (2024-07-18) is after",
                     "2024-01-01, --as-of")


def test_as_of_out_of_range():
    assert_bad_input(remedies("assess", str(EXAMPLE), "--as-of", "9999-12-31"),
                     "--as-of", "9999-12-31 is outside 1990–2100")


# --- drafts ----------------------------------------------------------------------------------

def draft_with(tmp_path: Path, old: str, new: str) -> Path:
    text = DRAFT.read_text()
    assert old in text
    path = tmp_path / "draft.yaml"
    path.write_text(text.replace(old, new, 1).replace("facts: ../", f"facts: {ROOT}/examples/"))
    return path


@pytest.mark.parametrize("old, new, fragments", [
    ("determined_on: 2025-07-11", "determined_on: 9999-12-31", ["[determined_on]", "2100-12-31"]),
    ("determined_on: 2025-07-11", "determined_on: 1752192000", ["[determined_on]", "YYYY-MM-DD"]),
    ("facts: ../202425093-clarion.yaml", "facts: /dev/zero", ["[facts]", "is a device"]),
    ("facts: ../202425093-clarion.yaml", "facts: " + "y" * 5000, ["[facts]", "the path is too long"]),
    ("reference: \"202425093\"", "reference: " + "9" * 4400, ["too large"]),
], ids=["dated 9999-12-31", "integer date", "facts /dev/zero", "facts path too long", "huge integer"])
def test_hostile_drafts(tmp_path, old, new, fragments):
    path = draft_with(tmp_path, old, new)
    assert_bad_input(remedies("check", str(path)), f"{path}:{line_of(path, new[:12])}:", *fragments)


# --- rulesets --------------------------------------------------------------------------------

def rulesets_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rulesets"
    shutil.copytree(ROOT / "rulesets", target)
    return target


def add_policy(folder: Path, rules: str, extra: str = "", name: str = "hostile.yaml") -> Path:
    path = folder / "landlords" / name
    path.write_text(f"""id: hostile
title: A hostile policy
kind: landlord_policy
publisher: Hostile
landlord: clarion
version: "1"
effective_from: 2018-01-01
in_force_by: complaint_made
sources:
  - {{id: s, title: a source, evidence: unverified}}
{extra}rules:
{rules}""")
    return path


def rule(i: int, when: str, stage: str = "weigh", then: str = "{add_points: {points: 1}}") -> str:
    return f"  - {{id: H-{i}, stage: {stage}, source: s, statement: rule {i}., when: {when}, then: {then}}}\n"


def test_a_band_of_ten_to_the_twentieth(tmp_path):
    folder = rulesets_copy(tmp_path)
    path = add_policy(folder, "", extra="parameters:\n  band_huge:\n    description: huge\n    unit: pounds\n"
                                         "    values:\n      - {from: 2018-01-01, min: 0, max: 100000000000000000000, "
                                         "source: s}\n")
    result = remedies("assess", str(EXAMPLE), "--rulesets", str(folder))
    assert_bad_input(result, f"{path}:", "too large")
    path.write_text(path.read_text().replace("100000000000000000000", "100000000000"))
    assert_bad_input(remedies("assess", str(EXAMPLE), "--rulesets", str(folder)),
                     f"{path}:", "[parameters.band_huge]", "not a plausible figure in pounds")


def test_a_yaml_link_to_dev_zero_or_a_fifo_in_a_rulesets_folder(tmp_path):
    folder = rulesets_copy(tmp_path)
    (folder / "landlords" / "zero.yaml").symlink_to("/dev/zero")
    assert_bad_input(remedies("assess", str(EXAMPLE), "--rulesets", str(folder)), "zero.yaml: is a device")
    (folder / "landlords" / "zero.yaml").unlink()
    os.mkfifo(folder / "landlords" / "pipe.yaml")
    assert_bad_input(remedies("assess", str(EXAMPLE), "--rulesets", str(folder)), "pipe.yaml: is a FIFO")


@pytest.mark.parametrize("rules", [
    "".join(rule(i, f"{{fact: failure__repair_delay__measure, eq: {i}}}") for i in range(460)),
    "".join(rule(i, "{fact: failure__repair_delay__measure, gte: 1}") for i in range(310)),
    "".join(rule(i, f"{{fact: failure__repair_delay__measure, gte: {i}}}") for i in range(300)),
], ids=["460 rules", "310 rules with one condition", "300 rules all true at once"])
def test_many_rules_in_one_stage_are_valid_and_run(tmp_path, rules):
    """More rules than one durable_rules ruleset can hold: the engine splits the stage, so they run."""
    folder = rulesets_copy(tmp_path)
    add_policy(folder, rules)
    result = remedies("assess", str(EXAMPLE), "--rulesets", str(folder), "--format", "json")
    assert result.code == 0, result.err[-500:]
    assert result.cpu < 5, f"took {result.cpu:.1f} s of CPU"
    assert "hostile/H-" in result.out


@pytest.mark.parametrize("rules, fragments", [
    (rule(0, "{fact: failure__repair_delay__measure, in: [" + ", ".join(str(i) for i in range(460)) + "]}"),
     ["rule 'H-0' has 460 alternatives", "at most 450"]),
    (rule(0, "{any: [" + ", ".join(f"{{fact: failure__repair_delay__measure, gte: {i}}}" for i in range(600)) + "]}"),
     ["rule 'H-0' has 600 comparisons"]),
    (rule(0, "{any: [" + ", ".join(f"{{fact: failure__repair_delay__measure, gte: {i}}}" for i in range(70)) + "]}"),
     ["rule 'H-0' has 70 comparisons that can hold of one case at once", "at most 64"]),
    (rule(0, "{any: [" + ", ".join("{fact: failure__repair_delay__measure, gte: 1}" for i in range(300)) + "]}"),
     ["rule 'H-0' has 300 alternatives with the same condition", "at most 256"]),
    (rule(0, "{all: [" + ", ".join(f"{{fact: failure__repair_delay__measure, gte: {i}}}" for i in range(20000)) + "]}"),
     ["rule 'H-0' has 20000 comparisons (at most 450 in one rule)"]),
], ids=["in of 460 values", "any of 600", "any of 70", "any of 300 the same", "all of 20,000"])
def test_a_rule_durable_rules_cannot_run_is_refused_at_load(tmp_path, rules, fragments):
    folder = rulesets_copy(tmp_path)
    path = add_policy(folder, rules)
    assert_bad_input(remedies("assess", str(EXAMPLE), "--rulesets", str(folder)),
                     f"{path}:{line_of(path, 'id: H-0')}: [rules.0.when]", *fragments)


def test_three_hundred_distinct_facts_in_one_stage(tmp_path):
    folder = rulesets_copy(tmp_path)
    words = [f"hostile_kind_{i}" for i in range(300)]
    vocab = "vocabulary:\n  failure_kinds:\n" + "".join(f"    {w}: a hostile failure\n" for w in words)
    when = "{all: [" + ", ".join(f"{{fact: failure__{w}, eq: 1}}" for w in words) + "]}"
    path = add_policy(folder, rule(0, when), extra=vocab)
    assert_bad_input(remedies("assess", str(EXAMPLE), "--rulesets", str(folder)), f"{path}:", "rule 'H-0'",
                     "300 distinct facts read (at most 250)")


def test_rules_that_override_each_other_name_both(tmp_path):
    folder = rulesets_copy(tmp_path)
    rules = (rule(0, "{fact: failure__repair_delay__measure, gte: 1}").replace("}\n", ", overrides: [hostile/H-1]}\n")
             + rule(1, "{fact: failure__repair_delay__measure, gte: 2}").replace("}\n", ", overrides: [hostile/H-0]}\n"))
    path = add_policy(folder, rules)
    assert_bad_input(remedies("assess", str(EXAMPLE), "--rulesets", str(folder)), f"{path}:",
                     "hostile/H-0 overrides hostile/H-1 overrides hostile/H-0")


def test_a_ruleset_with_a_huge_integer(tmp_path):
    folder = rulesets_copy(tmp_path)
    path = add_policy(folder, rule(0, "{fact: failure__repair_delay__measure, gte: " + "7" * 5000 + "}"))
    assert_bad_input(remedies("assess", str(EXAMPLE), "--rulesets", str(folder)), f"{path}:", "too large")


# --- output ----------------------------------------------------------------------------------

def test_a_dangling_symlink_as_output_is_not_replaced_without_force(tmp_path):
    link = tmp_path / "out.txt"
    link.symlink_to(tmp_path / "nowhere")
    assert_bad_input(remedies("assess", str(EXAMPLE), "-o", str(link)), f"{link}: exists; refusing")
    assert link.is_symlink() and not (tmp_path / "nowhere").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_symlink_to_a_file_is_neither_followed_nor_replaced_without_force(tmp_path):
    target = tmp_path / "mine.txt"
    target.write_text("my own work\n")
    link = tmp_path / "out.txt"
    link.symlink_to(target)
    assert_bad_input(remedies("assess", str(EXAMPLE), "-o", str(link)), "exists; refusing")
    assert target.read_text() == "my own work\n"
    ok = remedies("assess", str(EXAMPLE), "-o", str(link), "--force")
    assert ok.code == 0, ok.err
    assert not link.is_symlink() and "PROPOSAL" in link.read_text() and target.read_text() == "my own work\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt", "out.txt"]


def test_control_characters_in_messages_are_escaped(tmp_path):
    name = tmp_path / "evil\x1b[2J.yaml"
    result = remedies("assess", str(name))
    assert_bad_input(result, "evil\\x1b[2J.yaml: no such file")
    assert "\x1b" not in result.err


def test_a_case_with_every_failure_impact_and_vulnerability_runs(tmp_path):
    """More weigh comparisons hold of this case at once than one durable ruleset can evaluate
    (error 303, an internal error before the engine split stages): it must simply be assessed."""
    import yaml

    from remedies import rulesets

    vocab = rulesets.load().vocabulary
    facts = {"case": {"reference": "everything", "landlord": "clarion", "decided_on": "2025-07-11"},
             "resident": {"vulnerabilities": sorted(vocab.vulnerabilities)},
             "complaints": [{"made": "2024-01-02"}],
             "elements": [{"id": "e", "topic": "repairs", "impacts": sorted(vocab.impacts),
                           "failures": [{"kind": k, "from": "2023-01-01", "to": "2024-12-01", "count": 5}
                                        for k in sorted(vocab.failure_kinds)],
                           "redress": {"offers": [{"amount": 100, "stage": 1}]}}]}
    path = tmp_path / "everything.yaml"
    path.write_text(yaml.safe_dump(facts))
    result = remedies("assess", str(path), "--format", "json")
    assert result.code == 0, result.err[-500:]
    assert result.cpu < 5


def test_three_hundred_distinct_facts_read_by_several_rules_run(tmp_path):
    """One durable ruleset takes at most 250 facts (error 302): the stage is split, and the case runs."""
    folder = rulesets_copy(tmp_path)
    words = [f"hostile_kind_{i}" for i in range(300)]
    vocab = "vocabulary:\n  failure_kinds:\n" + "".join(f"    {w}: a hostile failure\n" for w in words)
    add_policy(folder, "".join(rule(i, f"{{fact: failure__{w}, gte: 1}}") for i, w in enumerate(words)), extra=vocab)
    result = remedies("assess", str(EXAMPLE), "--rulesets", str(folder), "--format", "json")
    assert result.code == 0, result.err[-500:]
    assert result.cpu < 5, f"took {result.cpu:.1f} s of CPU"
