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
    assert len(err.strip().splitlines()) == 1, err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"


def test_malformed_yaml(tmp_path, capsys):
    p = write(tmp_path, "case: {reference: '1', landlord: clarion\nelements: [\n")
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, f"{p}:", "malformed YAML")


def test_unknown_field(tmp_path, capsys):
    text = GOOD.replace("  decided_on: 2025-07-11", "  decided_on: 2025-07-11\n  colour: blue")
    p = write(tmp_path, text)
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, f"{p}:{line_of(text, 'colour')}:", "[case.colour]", "unknown field")


def test_wrong_type(tmp_path, capsys):
    p = write(tmp_path, GOOD.replace("{amount: 50, stage: 2", "{amount: fifty, stage: 2"))
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, f"{p}:", "elements.0.redress.offers.0.amount", "integer")


def test_money_as_a_float_is_refused(tmp_path, capsys):
    p = write(tmp_path, GOOD.replace("{amount: 50, stage: 2", "{amount: 50.5, stage: 2"))
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, "elements.0.redress.offers.0.amount")


def test_negative_money(tmp_path, capsys):
    p = write(tmp_path, GOOD.replace("{amount: 50, stage: 2", "{amount: -50, stage: 2"))
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, "elements.0.redress.offers.0.amount", "greater than or equal to 0")


def test_impossible_calendar_date(tmp_path, capsys):
    text = GOOD.replace("made: 2024-07-18", "made: 2024-02-30")
    p = write(tmp_path, text)
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, f"{p}:{line_of(text, '2024-02-30')}:", "complaints.0.made")


def test_dates_out_of_order(tmp_path, capsys):
    p = write(tmp_path, GOOD.replace("stage1_response: 2024-09-19", "stage1_response: 2024-06-19"))
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, f"{p}:", "impossible date", "stage1_response")


def test_empty_file(tmp_path, capsys):
    p = write(tmp_path, "   \n")
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, str(p), "empty")


def test_missing_file(tmp_path, capsys):
    p = tmp_path / "nowhere.yaml"
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, str(p), "no such file")


def test_duplicate_key(tmp_path, capsys):
    text = GOOD.replace("  landlord: clarion", "  landlord: clarion\n  landlord: southwark")
    p = write(tmp_path, text)
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, f"{p}:{line_of(text, 'southwark')}:", "duplicate key 'landlord'")


def test_unknown_vocabulary_word_lists_the_known_ones(tmp_path, capsys):
    p = write(tmp_path, GOOD.replace("kind: misleading_information", "kind: rudeness"))
    code, err = run(["assess", str(p)], capsys)
    assert_one_line_error(code, err, f"{p}:", "unknown failure kind 'rudeness'", "misleading_information")


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


def test_broken_ruleset_reports_file_and_line(tmp_path, capsys):
    rules = tmp_path / "rules"
    rules.mkdir()
    for src in (ROOT / "rulesets").rglob("*.yaml"):
        dest = rules / src.relative_to(ROOT / "rulesets")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(src.read_text())
    target = rules / "ombudsman" / "remedies-guidance.yaml"
    target.write_text(target.read_text().replace("when: {fact: failure__misleading_information, gte: 1}",
                                                 "when: {fact: failure__misleading_informaton, gte: 1}"))
    code, err = run(["assess", str(ROOT / "examples/202425093-clarion.yaml"), "--rulesets", str(rules)], capsys)
    assert_one_line_error(code, err, f"{target}:", "unknown fact 'failure__misleading_informaton'")
