"""`remedies fidelity`: its figures follow from its own rows, its rows from `assess` and the outcomes."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from remedies.cli import main

from conftest import ROOT, assess_path

CORPUS = ROOT / "tests" / "fidelity" / "calibration"
FINDINGS = ["no_maladministration", "service_failure", "maladministration", "severe_maladministration",
            "reasonable_redress", "outside_jurisdiction"]
LEVELS = FINDINGS[:4]


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def _measure(args: list[str]) -> tuple[int, str]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), pytest.raises(SystemExit) as exc:
        main(args)
    return exc.value.code, buf.getvalue()


@pytest.fixture(scope="module")
def corpus_run() -> tuple[int, dict, int, str]:
    code, out = _measure(["fidelity", str(CORPUS), "--format", "json"])
    text_code, text = _measure(["fidelity", str(CORPUS)])
    return code, json.loads(out), text_code, text


# ---- independent recomputation from the rows ---------------------------------------------------

def near(proposed, ordered) -> bool:
    """The tolerance as the issue states it: within £100, or within 25% for sums ordered over £400."""
    gap = abs(Decimal(proposed) - Decimal(ordered))
    return gap <= 100 or (Decimal(ordered) > 400 and gap <= Decimal(ordered) / 4)


def one_level(published: str, proposed: str | None) -> bool:
    if published == proposed:
        return True
    return published in LEVELS and proposed in LEVELS and abs(LEVELS.index(published) - LEVELS.index(proposed)) == 1


def recompute(cases: list[dict]) -> dict:
    measured = [c for c in cases if c["status"] == "measured"]
    rows = [r for c in measured for r in c["elements"]]
    counted = [r for r in rows if r["ordered"] is not None
               or r["published"] in ("no_maladministration", "reasonable_redress", "outside_jurisdiction")]
    totals = [c for c in measured if c["total"]["ordered"] is not None]
    drafts = [c for c in measured if c["draft"] and "errors" in c["draft"]]
    return {
        "elements": len(rows),
        "exact": (sum(r["published"] == r["proposed"] for r in rows), len(rows)),
        "within_one": (sum(one_level(r["published"], r["proposed"]) for r in rows), len(rows)),
        "amounts": (sum(r["proposed_amount"] is not None and near(r["proposed_amount"], r["ordered"] or 0)
                        for r in counted), len(counted)),
        "totals": (sum(near(c["total"]["proposed"], c["total"]["ordered"]) for c in totals), len(totals)),
        "recall": {f: (sum(r["published"] == f == r["proposed"] for r in rows),
                       sum(r["published"] == f for r in rows)) for f in FINDINGS},
        "confusion": {(p, q): sum(r["published"] == p and (r["proposed"] or "none") == q for r in rows)
                      for p in FINDINGS for q in FINDINGS + ["none"]},
        "drafts_with_errors": sorted(c["case"] for c in drafts if c["draft"]["errors"] > 0),
        "drafts": len(drafts),
    }


def pair(r: dict) -> tuple[int, int]:
    return r["count"], r["of"]


def assert_figures(figures: dict, cases: list[dict]) -> None:
    want = recompute(cases)
    assert figures["elements"] == want["elements"]
    assert pair(figures["finding_exact"]) == want["exact"]
    assert pair(figures["within_one_level"]) == want["within_one"]
    assert pair(figures["amounts_within_tolerance"]) == want["amounts"]
    assert pair(figures["totals_within_tolerance"]) == want["totals"]
    assert {f: pair(r) for f, r in figures["recall"].items()} == want["recall"]
    assert {(p, q): n for p, row in figures["confusion"].items() for q, n in row.items()} == want["confusion"]
    assert sorted(d["case"] for d in figures["drafts"]["cases_with_errors"]) == want["drafts_with_errors"]
    assert figures["drafts"]["checked"] == want["drafts"]
    exact, of = want["exact"]
    assert figures["finding_exact"]["percent"] == (round(100 * exact / of, 1) if of else None)


def text_block(text: str, title: str) -> str:
    start = text.index(f"\n{title}:")
    end = text.find("\n\n", start + 1)
    return text[start:] if end == -1 else text[start:end]


# ---- the shipped corpus -----------------------------------------------------------------------------

def test_the_shipped_corpus_is_measured_whole(corpus_run):
    code, result, text_code, _ = corpus_run
    assert code == text_code == 0 and result["bad_input"] == []
    groups = {g["group"]: g["cases"] for g in result["groups"]}
    assert groups == {"calibration": 18, "calibration/case-studies": 16}
    assert all(c["draft"] for c in result["cases"] if c["group"] == "calibration")


def test_the_shipped_corpus_agrees_as_far_as_the_readme_says(corpus_run):
    """A floor, not a fit: a rule change that loses agreement on the shipped corpus fails here and
    must say why in the README's figures (issue 8's targets, where the shipped encoding meets them)."""
    _, result, _, _ = corpus_run
    groups = {g["group"]: g for g in result["groups"]}
    determinations, studies = groups["calibration"], groups["calibration/case-studies"]
    assert determinations["finding_exact"]["percent"] >= 75
    assert determinations["amounts_within_tolerance"]["percent"] >= 75
    assert determinations["drafts"]["with_errors"] == 0
    severe, of = pair(studies["recall"]["severe_maladministration"])
    assert severe / of >= 0.6


def test_the_seeds_corpus_is_the_golden_files_and_reproduces(capsys):
    """tests/seeds (for `--fit-hold`) says what the golden files say, and every seed agrees through fidelity."""
    for golden in sorted((ROOT / "tests" / "golden").glob("*.yaml")):
        spec = yaml.safe_load(golden.read_text())
        seed = ROOT / "tests" / "seeds" / golden.stem.split("-")[0]
        assert (seed / "facts.yaml").resolve() == (ROOT / spec["facts"]).resolve()
        ids = [e["id"] for e in yaml.safe_load((seed / "facts.yaml").read_text())["elements"]]
        outcome = yaml.safe_load((seed / "outcome.yaml").read_text())
        assert [(e["finding"], e["ordered_compensation"]) for e in outcome["elements"]] == \
            [(spec["expect"]["elements"][i]["finding"], spec["expect"]["elements"][i].get("amount")) for i in ids]
        assert outcome["total_ordered"] == spec["expect"]["total"]
    code, out, _ = run_cli(["fidelity", str(ROOT / "tests" / "seeds"), "--format", "json"], capsys)
    seeds = json.loads(out)["overall"]
    assert code == 0 and pair(seeds["finding_exact"]) == pair(seeds["amounts_within_tolerance"]) == (16, 16)


def test_every_figure_follows_from_the_rows(corpus_run):
    _, result, _, _ = corpus_run
    assert_figures(result["overall"], result["cases"])
    for g in result["groups"]:
        assert_figures(g, [c for c in result["cases"] if c["group"] == g["group"]])


def test_the_text_prints_the_json_figures(corpus_run):
    _, result, _, text = corpus_run
    for title, f in [("Overall", result["overall"])] + [(f"Group {g['group']}", g) for g in result["groups"]]:
        block = text_block(text, title)
        for label, key in (("finding exact", "finding_exact"), ("finding within one level", "within_one_level"),
                           ("amounts within tolerance", "amounts_within_tolerance"),
                           ("totals within tolerance", "totals_within_tolerance")):
            count, of = pair(f[key])
            pct = "n/a" if f[key]["percent"] is None else f"{f[key]['percent']:.1f}%"
            assert f"  {label:<28} {count}/{of}  {pct}" in block, (title, label)
        assert f"drafts with a check error    {f['drafts']['with_errors']}/{f['drafts']['checked']}" in block


def test_rows_are_the_outcomes_and_what_assess_proposes(corpus_run, library):
    """Published findings and sums come from outcome.yaml; proposals from the same code as `remedies assess`."""
    _, result, _, _ = corpus_run
    for case in result["cases"]:
        folder = CORPUS.parent / case["case"]
        outcome = yaml.safe_load((folder / "outcome.yaml").read_text())
        proposal = assess_path(folder / "facts.yaml", library)
        assert [(r["published"], r["ordered"]) for r in case["elements"]] == \
            [(e["finding"], e["ordered_compensation"]) for e in outcome["elements"]]
        assert [(r["element"], r["proposed"], r["proposed_amount"]) for r in case["elements"]] == \
            [(e["id"], e["finding"], e["amount"]) for e in proposal["elements"]]
        assert case["total"] == {"ordered": outcome["total_ordered"], "proposed": proposal["total"],
                                 "counted": outcome["total_ordered"] is not None,
                                 "within": None if outcome["total_ordered"] is None
                                 else near(proposal["total"], outcome["total_ordered"])}


# ---- a small corpus whose every figure is known ------------------------------------------------------

def _case(folder: Path, seed: str, outcome: dict, draft_edit=None) -> None:
    folder.mkdir(parents=True)
    shutil.copy(next((ROOT / "examples").glob(f"{seed}-*.yaml")), folder / "facts.yaml")
    (folder / "outcome.yaml").write_text(yaml.safe_dump(outcome, sort_keys=False))
    if draft_edit is not None:
        data = yaml.safe_load(next((ROOT / "examples" / "drafts").glob(f"{seed}-*.yaml")).read_text())
        data["facts"] = "facts.yaml"
        draft_edit(data)
        (folder / "draft.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """Two seeds. 202425093 with its published outcome (tests/golden): every figure agrees. 202113700,
    nested a folder deeper, with an outcome altered element by element, and a draft with a wrong total."""
    root = tmp_path / "corpus"
    _case(root / "clarion", "202425093", {
        "elements": [{"finding": "maladministration", "ordered_compensation": 350},
                     {"finding": "service_failure", "ordered_compensation": 100},
                     {"finding": "service_failure", "ordered_compensation": 0}],
        "total_ordered": 450}, draft_edit=lambda d: None)
    _case(root / "nested" / "southwark", "202113700", {
        "elements": [  # proposed: service failure ~£0, maladministration ~£500, maladministration ~£100
            {"finding": "reasonable_redress", "ordered_compensation": None},      # off; null read as £0: within
            {"finding": "maladministration", "ordered_compensation": 5000},       # exact; sum outside
            {"finding": "severe_maladministration", "ordered_compensation": None}],  # within one; not counted
        "total_ordered": None}, draft_edit=lambda d: d.update(total=999))
    return root


def test_a_known_corpus_gives_known_counts(small, capsys):
    code, out, err = run_cli(["fidelity", str(small), "--format", "json"], capsys)
    result = json.loads(out)
    assert code == 0 and not err
    groups = {g["group"]: g for g in result["groups"]}
    assert set(groups) == {"corpus", "corpus/nested"}
    top, nested, overall = groups["corpus"], groups["corpus/nested"], result["overall"]
    assert (pair(top["finding_exact"]), pair(top["within_one_level"])) == ((3, 3), (3, 3))
    assert (pair(top["amounts_within_tolerance"]), pair(top["totals_within_tolerance"])) == ((3, 3), (1, 1))
    assert (pair(nested["finding_exact"]), pair(nested["within_one_level"])) == ((1, 3), (2, 3))
    assert pair(nested["amounts_within_tolerance"]) == (1, 2) and nested["amounts_within_tolerance"]["not_counted"] == 1
    assert pair(nested["totals_within_tolerance"]) == (0, 0) and nested["totals_within_tolerance"]["not_counted"] == 1
    assert (pair(overall["finding_exact"]), pair(overall["within_one_level"])) == ((4, 6), (5, 6))
    assert overall["finding_exact"]["percent"] == 66.7
    assert pair(overall["amounts_within_tolerance"]) == (4, 5)
    assert pair(overall["recall"]["maladministration"]) == (2, 2)
    assert pair(overall["recall"]["reasonable_redress"]) == (0, 1)
    assert overall["confusion"]["reasonable_redress"]["service_failure"] == 1
    assert overall["confusion"]["severe_maladministration"]["maladministration"] == 1
    assert overall["drafts"]["checked"] == 2 and overall["drafts"]["with_errors"] == 1
    assert overall["drafts"]["cases_with_errors"] == [{"case": "corpus/nested/southwark",
                                                       "rules": ["draft-checks/E-total-differs"]}]
    assert_figures(overall, result["cases"])


def test_the_outcome_is_not_read_to_assess(small, capsys):
    first = json.loads(run_cli(["fidelity", str(small), "--format", "json"], capsys)[1])
    outcome = small / "clarion" / "outcome.yaml"
    data = yaml.safe_load(outcome.read_text())
    for el in data["elements"]:
        el.update(finding="outside_jurisdiction", ordered_compensation=9999)
    outcome.write_text(yaml.safe_dump(data))
    second = json.loads(run_cli(["fidelity", str(small), "--format", "json"], capsys)[1])
    proposed = [[(r["proposed"], r["proposed_amount"]) for r in c["elements"]] for c in first["cases"]]
    assert proposed == [[(r["proposed"], r["proposed_amount"]) for r in c["elements"]] for c in second["cases"]]
    assert pair(second["overall"]["finding_exact"]) == (1, 6)


def test_a_broken_case_is_one_named_line_and_the_others_still_count(small, capsys):
    broken = small / "nested" / "broken"
    _case(broken, "202425093", {"elements": [{"finding": "maladministration", "ordered_compensation": 1}]})
    facts = broken / "facts.yaml"
    lines = facts.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("landlord:"))
    lines.insert(at + 1, "  colour: blue")
    facts.write_text("\n".join(lines) + "\n")
    for fmt in ("text", "json"):
        code, out, err = run_cli(["fidelity", str(small), "--format", fmt], capsys)
        assert code == 2 and "Traceback" not in out + err
        assert f"{facts}:{at + 2}: [case.colour] unknown field" in out
    result = json.loads(out)
    assert result["overall"]["cases"] == 2 and result["overall"]["bad_input"] == 1
    assert result["overall"]["elements"] == 6
    assert result["bad_input"] == [{"case": "corpus/nested/broken", "error": f"{facts}:{at + 2}: [case.colour] unknown field"}]


def test_a_bad_outcome_or_draft_is_bad_input_too(small, capsys):
    (small / "clarion" / "outcome.yaml").write_text("elements:\n  - finding: partly_upheld\n")
    (small / "nested" / "southwark" / "draft.yaml").write_text("reference: x\n")
    code, out, _ = run_cli(["fidelity", str(small), "--format", "json"], capsys)
    result = json.loads(out)
    assert code == 2
    errors = [b["error"] for b in result["bad_input"]]
    assert any(e.startswith(f"{small / 'clarion' / 'outcome.yaml'}:2: [elements.0.finding]") for e in errors)
    assert any(e.startswith(f"{small / 'nested' / 'southwark' / 'draft.yaml'}:") for e in errors)
    assert result["overall"]["cases"] == 1  # the southwark case is measured; only its draft is unreadable


def test_no_cases_is_a_usage_error(tmp_path, capsys):
    code, out, err = run_cli(["fidelity", str(tmp_path)], capsys)
    assert code == 2 and not out and len(err.strip().splitlines()) == 1 and "no case folders" in err


def test_min_exact_sets_the_exit_code(small, capsys):
    assert run_cli(["fidelity", str(small), "--min-exact", "66"], capsys)[0] == 0
    assert run_cli(["fidelity", str(small), "--min-exact", "67"], capsys)[0] == 1


def test_output_is_deterministic(small, capsys):
    for fmt in ("text", "json"):
        args = ["fidelity", str(small), "--format", fmt]
        assert run_cli(args, capsys)[1] == run_cli(args, capsys)[1]


def test_the_tolerance_is_an_option(small, capsys):
    loose = json.loads(run_cli(["fidelity", str(small), "--format", "json", "--tolerance", "5000"], capsys)[1])
    assert pair(loose["overall"]["amounts_within_tolerance"]) == (5, 5)
    assert loose["tolerance"] == {"pounds": 5000, "percent": 25, "percent_above": 400}
    # 25% of £5,000 is £1,250: the £500-odd proposed for it is outside either way, unless the share is wide
    wide = json.loads(run_cli(["fidelity", str(small), "--format", "json", "--tolerance-percent", "100"], capsys)[1])
    assert pair(wide["overall"]["amounts_within_tolerance"]) == (5, 5)


def test_sums_in_pence_are_exact(small, capsys):
    outcome = small / "clarion" / "outcome.yaml"
    outcome.write_text(outcome.read_text().replace("ordered_compensation: 350", "ordered_compensation: 350.41")
                       .replace("total_ordered: 450", "total_ordered: 450.41"))
    code, out, _ = run_cli(["fidelity", str(small), "--format", "json"], capsys)
    case = json.loads(out)["cases"][0]
    assert code == 0 and case["elements"][0]["ordered"] == "350.41" and case["total"]["ordered"] == "450.41"
    assert "ordered  £350.41" in run_cli(["fidelity", str(small)], capsys)[1]
