"""Bad input: one line naming the file (and line or field), exit code 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from remedies.cli import main

from conftest import ROOT

GOOD = (ROOT / "examples/202425093-clarion.yaml").read_text()


def run(args: list[str], capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    _, err = capsys.readouterr()
    return exc.value.code, err


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def write(tmp_path: Path, text: str, name: str = "facts.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def assert_one_line_error(code: int, err: str, *fragments: str) -> None:
    assert code == 2
    assert "Traceback" not in err
    # a warning (e.g. a landlord with no policy ruleset) may precede the error, on its own line
    errors = [line for line in err.strip().splitlines() if not line.startswith("remedies: warning: ")]
    assert len(errors) == 1, err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"


def test_malformed_yaml(tmp_path, capsys):
    p = write(tmp_path, "case: {reference: '1', landlord: clarion\nelements: [\n")
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, f"{p}:", "malformed YAML")


# (name, text replaced in a good facts file, its replacement, the line to name (by a fragment), expected words)
EDITS = [
    ("unknown field", "  decided_on: 2025-07-11", "  decided_on: 2025-07-11\n  colour: blue", "colour",
     ["[case.colour]", "unknown field"]),
    ("wrong type", "{amount: 50, stage: 2", "{amount: fifty, stage: 2", "fifty",
     ["elements.0.redress.offers.0.amount", "a number of pounds"]),
    ("money below a penny", "{amount: 50, stage: 2", "{amount: 50.505, stage: 2", "50.505",
     ["elements.0.redress.offers.0.amount", "more than two decimal places"]),
    ("negative money", "{amount: 50, stage: 2", "{amount: -50, stage: 2", "-50",
     ["elements.0.redress.offers.0.amount", "between £0 and"]),
    ("impossible calendar date", "made: 2024-07-18", "made: 2024-02-30", "2024-02-30", ["complaints.0.made"]),
    ("dates out of order", "stage1_response: 2024-09-19", "stage1_response: 2024-06-19", "made: 2024-07-18",
     ["impossible date", "stage1_response"]),
    ("duplicate key", "  landlord: clarion", "  landlord: clarion\n  landlord: southwark", "southwark",
     ["duplicate key 'landlord'"]),
    ("unknown vocabulary word", "kind: misleading_information", "kind: rudeness", "rudeness",
     ["unknown failure kind 'rudeness'", "misleading_information"]),
    ("an offer covering an element not in the case", "{amount: 50, stage: 2", "{amount: 50, stage: 2, also_covers: [lift]",
     "lift", ["elements.0.redress.offers.0.also_covers.0", "names 'lift', which is not another element"]),
    ("an offer at no stage there is", "{amount: 50, stage: 2", "{amount: 50, stage: 3", "stage: 3",
     ["elements.0.redress.offers.0.stage", "after_referral"]),
]


@pytest.mark.parametrize("name, old, new, at, words", EDITS, ids=[e[0] for e in EDITS])
def test_bad_facts_name_file_line_and_field(name, old, new, at, words, tmp_path, capsys):
    text = GOOD.replace(old, new)
    assert text != GOOD
    p = write(tmp_path, text)
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, f"{p}:{line_of(text, at)}:", *words)


def test_empty_file(tmp_path, capsys):
    p = write(tmp_path, "   \n")
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, str(p), "empty")


def test_missing_file(tmp_path, capsys):
    p = tmp_path / "nowhere.yaml"
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, str(p), "no such file")


def test_huge_file(tmp_path, capsys):
    p = write(tmp_path, GOOD + "#" * 2_100_000)
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, str(p), "limit")


def test_yaml_that_is_not_a_mapping(tmp_path, capsys):
    p = write(tmp_path, "- just\n- a list\n")
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, str(p), "mapping")


def test_unsafe_yaml_tags_are_not_executed(tmp_path, capsys):
    p = write(tmp_path, "case: !!python/object/apply:os.system ['echo hacked']\n")
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, str(p))


def test_bad_as_of_date(capsys):
    code, err = run(["assess", str(ROOT / "examples/202425093-clarion.yaml"), "--as-of", "31/12/2024"], capsys)
    assert code == 2 and "YYYY-MM-DD" in err


def assess_with_edited_rules(tmp_path: Path, old: str, new: str, capsys) -> tuple[int, str, Path]:
    """Assess a seed against a copy of the shipped rulesets with one edit; return the edited file."""
    rules = tmp_path / "rules"
    edited = None
    for src in (ROOT / "rulesets").rglob("*.yaml"):
        dest = rules / src.relative_to(ROOT / "rulesets")
        dest.parent.mkdir(parents=True, exist_ok=True)
        text = src.read_text()
        if edited is None and old in text:
            text, edited = text.replace(old, new, 1), dest
        dest.write_text(text)
    assert edited is not None, "the edit did not apply"
    code, err = run(["assess", str(ROOT / "examples/202425093-clarion.yaml"), "--only-rulesets", str(rules)], capsys)
    return code, err, edited


def test_broken_ruleset_reports_file_and_line(tmp_path, capsys):
    code, err, target = assess_with_edited_rules(tmp_path, "when: {fact: failure__misleading_information, gte: 1}",
                                                 "when: {fact: failure__misleading_informaton, gte: 1}", capsys)
    assert_one_line_error(code, err, f"{target}:", "unknown fact 'failure__misleading_informaton'")


HEAD = 'case: {reference: "1", landlord: example-homes, decided_on: 2024-01-01}\n'
# (name, whole file, line to name, expected words)
FILES = [
    ("alias", HEAD + "elements: &e [{id: a, topic: repairs}]\nmore: *e\n", 2, ["aliases"]),
    ("list as a key", HEAD + "? [a, b]\n: 1\n", 2, ["a key must be a plain word"]),
    ("infinite number", HEAD + "elements: [{id: a, topic: repairs, loss_of_amenity: "
     "{weekly_rent: .inf, weeks: 1, percent: 5}}]\n", 2, ["'.inf' is not a finite number"]),
    ("date out of range", HEAD + "complaints: [{made: 9999-12-31}]\nelements: [{id: a, topic: repairs}]\n", 2,
     ["complaints.0.made", "2100-12-31"]),
    ("complaint after the decision", HEAD + "complaints: [{made: 2024-06-01}]\nelements: [{id: a, topic: repairs}]\n",
     2, ["complaints.0.made", "after the case was decided"]),
    ("stage 2 without escalation", HEAD + "complaints: [{made: 2023-01-01, stage2_response: never}]\n"
     "elements: [{id: a, topic: repairs}]\n", 2, ["stage2_response is given but escalation_requested is not"]),
    ("element id twice", HEAD + "elements:\n  - {id: a, topic: repairs}\n  - {id: a, topic: asb}\n", 4,
     ["[elements.1.id]", "used twice"]),
    ("compensated under itself, in a circle", HEAD + "elements:\n  - {id: a, topic: repairs, impact_compensated_under: b}"
     "\n  - {id: b, topic: asb, impact_compensated_under: a}\n", 3, ["circle: a → b → a"]),
]


@pytest.mark.parametrize("name, text, line, words", FILES, ids=[f[0] for f in FILES])
def test_bad_whole_files(name, text, line, words, tmp_path, capsys):
    p = write(tmp_path, text)
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, f"{p}:{line}:", *words)


def test_deep_nesting_is_bad_input_not_a_crash(tmp_path, capsys):
    p = write(tmp_path, "a: " + "[" * 600 + "]" * 600 + "\n")
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, str(p), "nested too deeply")


RULE_EDITS = [
    ("points not a number", "then: {add_points: {points: 2}}}", "then: {add_points: {points: two}}}",
     "points is a whole number"),
    ("every of zero", "per: failure__repair_delay__measure, every: 90, max: 4", "per: failure__repair_delay__measure, every: 0, max: 4",
     "every is a whole number of at least 1"),
    ("a figure without a source", "rate: {param: rate_loss_of_power}", "rate: 10",
     "rate is {param: NAME}, so the figure carries its source"),
    ("a complaint rule with nowhere to go", "onto: complaint_handling, measure: {fact: ack_wd",
     "onto: complaint_handlng, measure: {fact: ack_wd", "needs 'onto'"),
]


@pytest.mark.parametrize("name, old, new, words", RULE_EDITS, ids=[e[0] for e in RULE_EDITS])
def test_malformed_effect_arguments_are_load_errors(name, old, new, words, tmp_path, capsys):
    code, err, target = assess_with_edited_rules(tmp_path, old, new, capsys)
    assert_one_line_error(code, err, f"{target}:", words)


def test_a_rule_reading_another_subjects_fact_is_a_load_error(tmp_path, capsys):
    """An element rule reading a complaint's fact would load, match nothing, and never say so."""
    code, err, target = assess_with_edited_rules(tmp_path, "when: {fact: failure__misleading_information, gte: 1}",
                                                 "when: {fact: chased, gte: 1}", capsys)
    assert_one_line_error(code, err, f"{target}:", "unknown fact 'chased'")
