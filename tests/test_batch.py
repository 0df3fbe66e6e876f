"""Batch assessment through the real CLI: directories, bad files among good ones, summaries, --jobs."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT

SEEDS = sorted((ROOT / "examples").glob("*.yaml"))


def remedies(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "remedies", *args], capture_output=True, text=True, cwd=ROOT,
                          **kwargs)


def facts_files(*dirs: Path) -> list[Path]:
    """Each facts file once: tests/seeds links to the seeds in examples/."""
    out: list[Path] = []
    for d in dirs:
        for p in sorted(d.rglob("*.yaml")):
            data = yaml.safe_load(p.read_text())
            if isinstance(data, dict) and isinstance(data.get("case"), dict) \
                    and p.resolve() not in {q.resolve() for q in out}:
                out.append(p)
    return out


def test_summary_csv_has_one_row_per_element_of_every_facts_file():
    done = remedies("assess", "examples/", "tests/", "--summary", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    want = [(str(p.relative_to(ROOT)), el["id"]) for p in facts_files(ROOT / "examples", ROOT / "tests")
            for el in yaml.safe_load(p.read_text())["elements"]]
    assert len(want) >= 16
    assert [(r["file"], r["element"]) for r in rows] == want
    assert "skipped" in done.stderr and "error" not in done.stderr
    clarion = [r for r in rows if r["case"] == "202425093"]
    assert {r["total"] for r in clarion} == {str(sum(int(r["amount"]) for r in clarion))}


def test_a_file_reached_twice_is_assessed_once(tmp_path):
    (tmp_path / "cases").mkdir()
    shutil.copy(SEEDS[0], tmp_path / "cases" / "seed.yaml")
    (tmp_path / "cases" / "linked.yaml").symlink_to(tmp_path / "cases" / "seed.yaml")
    once = remedies("assess", str(tmp_path / "cases" / "seed.yaml"), "--summary", "csv")
    twice = remedies("assess", str(tmp_path / "cases"), str(tmp_path / "cases"), "--summary", "csv")
    assert once.returncode == twice.returncode == 0
    assert twice.stdout.replace("linked.yaml", "seed.yaml").count("\n") == once.stdout.count("\n") > 1
    named = remedies("assess", str(tmp_path / "cases" / "seed.yaml"), str(tmp_path / "cases" / "seed.yaml"),
                     "--summary", "csv")
    assert named.stdout.count("\n") == 2 * once.stdout.count("\n") - 1  # files named are assessed as named


def test_a_broken_file_is_named_and_every_other_row_still_written(tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "tests" / "golden", tmp_path / "tests" / "golden")
    good = remedies("assess", str(tmp_path / "examples"), str(tmp_path / "tests"), "--summary", "csv")
    text = SEEDS[0].read_text().replace("topic: asb", "topic: gardening", 1)
    broken = tmp_path / "examples" / "000-broken.yaml"
    broken.write_text(text)
    (tmp_path / "examples" / "zz-not-yaml.yaml").write_text("case: [unclosed\n")
    done = remedies("assess", str(tmp_path / "examples"), str(tmp_path / "tests"), "--summary", "csv")
    assert done.returncode == 2
    assert done.stdout == good.stdout and good.stdout.count("\n") == 17
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert len(errors) == 2
    assert f"{broken}:{text.splitlines().index('    topic: gardening') + 1}:" in errors[0]
    assert "zz-not-yaml.yaml:2: malformed YAML" in errors[1]
    assert "Traceback" not in done.stderr


def test_jobs_2_and_jobs_1_give_the_same_bytes_on_200_files(tmp_path):
    for i in range(40):
        for seed in SEEDS:
            text = seed.read_text()
            ref = yaml.safe_load(text)["case"]["reference"]
            (tmp_path / f"{i:03d}-{seed.name}").write_text(text.replace(str(ref), f"{ref}-{i}", 1))
    (tmp_path / "100-bad.yaml").write_text("case: {reference: x, landlord: clarion}\nelements: []\n")
    one = remedies("assess", str(tmp_path), "--summary", "csv", "--jobs", "1")
    two = remedies("assess", str(tmp_path), "--summary", "csv", "--jobs", "2")
    assert one.returncode == two.returncode == 2
    assert one.stdout == two.stdout and one.stderr == two.stderr
    assert one.stdout.count("\n") == 1 + 40 * 16
    assert "100-bad.yaml" in one.stderr


def test_json_of_several_files_is_the_list_of_each_and_jobs_do_not_change_it(tmp_path):
    three = SEEDS[:3]
    singles = [json.loads(remedies("assess", str(p), "--format", "json").stdout) for p in three]
    args = ["assess", *map(str, three), "--format", "json"]
    one, two = remedies(*args, "--jobs", "1"), remedies(*args, "--jobs", "2")
    assert one.stdout == json.dumps(singles, indent=2, ensure_ascii=False) + "\n"
    assert two.stdout == one.stdout


def test_jsonl_and_table_summaries_and_text_of_several_files():
    jsonl = remedies("assess", *map(str, SEEDS[:2]), "--summary", "jsonl")
    rows = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [r["element"] for r in rows] == [e["id"] for p in SEEDS[:2] for e in yaml.safe_load(p.read_text())["elements"]]
    assert all(isinstance(r["amount"], int) for r in rows)
    table = remedies("assess", *map(str, SEEDS[:2]), "--summary", "table").stdout.splitlines()
    assert table[0].split()[:3] == ["file", "case", "landlord"] and len(table) == 1 + len(rows)
    text = remedies("assess", *map(str, SEEDS[:2])).stdout  # not a terminal: the full text, one case after another
    assert text.count("PROPOSAL, not a determination") == 2


def test_on_a_terminal_several_files_default_to_the_table_with_a_progress_bar():
    master, slave = os.openpty()
    done = subprocess.run([sys.executable, "-m", "remedies", "assess", *map(str, SEEDS)], cwd=ROOT,
                          stdout=slave, stderr=slave, env={**os.environ, "COLUMNS": "200"})
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    out = b"".join(chunks).decode()
    assert done.returncode == 0
    assert "assessing" in out and "5/5" in out  # the bar, on the terminal
    assert "redress_outcome" in out and "PROPOSAL" not in out


def test_bad_usage_and_nothing_to_assess_are_one_line_errors(tmp_path):
    both = remedies("assess", str(SEEDS[0]), "--format", "json", "--summary", "csv")
    assert both.returncode == 2 and "alternatives" in both.stderr
    (tmp_path / "r.yaml").write_text("id: x\nkind: checks\n")
    none = remedies("assess", str(tmp_path))
    assert none.returncode == 2 and "no facts files" in none.stderr
    missing = remedies("assess", str(SEEDS[0]), str(tmp_path / "nope.yaml"), "--summary", "csv")
    assert missing.returncode == 2 and "nope.yaml: no such file" in missing.stderr
    assert missing.stdout.count("\n") == 1 + len(yaml.safe_load(SEEDS[0].read_text())["elements"])


def test_summary_rows_equal_those_of_the_full_assessment(tmp_path):
    """The summary path keeps no trace and no advice: its rows must not differ for it."""
    from remedies import assess, engine, facts, rulesets
    from remedies.batch import summary

    library = rulesets.load()
    paths = [*SEEDS, *sorted((ROOT / "tests" / "fidelity").rglob("facts.yaml"))[:10]]
    want = [row for p in paths for row in summary.rows(
        assess.build(engine.assess(facts.load(p, library.vocabulary), library), "full"), str(p))]
    done = remedies("assess", *map(str, paths), "--summary", "jsonl", "--jobs", "1")
    assert [json.loads(line) for line in done.stdout.splitlines()] == want
    assert any(r["warnings"] for r in want)
