"""What would change this: every change shown is confirmed by assessing a facts file written
with that one change, through the ordinary loader and engine."""

from __future__ import annotations

import json
from datetime import date

import pytest
import yaml

from remedies import facts
from remedies.whatif.candidates import generate

from conftest import ROOT, assess_path
from test_assess import run_cli

RANK = ["no_maladministration", "reasonable_redress", "service_failure", "maladministration",
        "severe_maladministration"]


def _assess_json(name: str, capsys) -> dict:
    code, out, _ = run_cli(["assess", str(ROOT / "examples" / f"{name}.yaml"), "--format", "json"], capsys)
    assert code == 0
    return json.loads(out)


def _confirm(name: str, element: dict, library, tmp_path) -> None:
    """Write each change shown as its own facts file and assess it again."""
    path = ROOT / "examples" / f"{name}.yaml"
    case = facts.load(path, library.vocabulary)
    base = case.model_dump(mode="python", by_alias=True, exclude_none=True)
    least = {element["id"]: ((element["offer_advice"] or {}).get("least_proportionate_offer"), element["offered"])}
    by_change = {(c.element, c.change): c for c in generate(base, library, least)}
    w = element["what_would_change"]
    for way in ("up", "down", "sum_only"):
        for n, move in enumerate(w[way]):
            changed = by_change[(move["element"], move["change"])].facts
            assert changed != base
            out = tmp_path / f"{way}-{n}.yaml"
            out.write_text(yaml.safe_dump(changed, sort_keys=False, allow_unicode=True))
            got = next(e for e in assess_path(out, library)["elements"] if e["id"] == element["id"])
            assert (got["finding"], got["amount"]) == (move["finding"], move["amount"]), move["change"]
            step = RANK.index(got["finding"]) - RANK.index(element["finding"])
            assert {"up": step > 0, "down": step < 0, "sum_only": step == 0}[way], move["change"]


def test_complaint_handling_moves_up_and_down_by_one_fact(library, tmp_path, capsys):
    a = _assess_json("202317755-clarion", capsys)
    ch = next(e for e in a["elements"] if e["id"] == "complaint-handling")
    w = ch["what_would_change"]
    assert w["up"] and w["down"], w
    assert w["considered"] > 50
    _confirm("202317755-clarion", ch, library, tmp_path)


def test_distance_is_in_the_finding_rules_own_points(library, tmp_path, capsys):
    a = _assess_json("202425093-clarion", capsys)
    ch = next(e for e in a["elements"] if e["id"] == "complaint-handling")
    d = ch["what_would_change"]["distance"]
    threshold = library.get("hos-remedies-guidance").param(
        "points_maladministration_complaint_handling", date.fromisoformat(a["as_of"])).value
    assert d["points"] == ch["points"] and d["up"]["level"] == "maladministration"
    assert d["up"]["threshold"] == threshold and d["up"]["points_needed"] == threshold - ch["points"]
    # known failings hold it at service failure whatever the points (F-failing-admitted)
    assert d["down"] is None and d["held_without_points"]
    # a change to the complaint's own dates and steps is the cliff the caseworker could not see
    assert any(m["change"].startswith("the complaint: ") for m in ch["what_would_change"]["up"])
    _confirm("202425093-clarion", ch, library, tmp_path)


@pytest.mark.parametrize("name", ["202014965-paragon-asra"])
def test_every_change_shown_for_a_seed_is_confirmed(name, library, tmp_path, capsys):
    a = _assess_json(name, capsys)
    for e in a["elements"]:
        if e["what_would_change"]["distance"] is not None:
            (tmp_path / e["id"]).mkdir()
            _confirm(name, e, library, tmp_path / e["id"])


def test_no_what_if_leaves_it_out(capsys):
    code, out, _ = run_cli(["assess", str(ROOT / "examples/202425093-clarion.yaml"), "--format", "json",
                            "--no-what-if"], capsys)
    assert code == 0 and all(e["what_would_change"] is None for e in json.loads(out)["elements"])


def test_failure_kinds_said_to_weigh_alike_do(library, tmp_path):
    """Kinds grouped as alike stand for each other: adding any one gives the same assessment."""
    path = ROOT / "examples/202425093-clarion.yaml"
    case = facts.load(path, library.vocabulary)
    base = case.model_dump(mode="python", by_alias=True, exclude_none=True)
    grouped = [c for c in generate(base, library, {}) if c.element == "record-keeping" and "weigh them alike" in c.change]
    assert grouped
    for n, c in enumerate(grouped[:3]):
        first = c.facts["elements"][2]["failures"][-1]["kind"]
        other = c.change.split("(or ")[1].split(",")[0].split(":")[0].strip().replace(" ", "_")
        outcomes = []
        for kind in (first, other):
            data = yaml.safe_load(yaml.safe_dump(c.facts))
            data["elements"][2]["failures"][-1]["kind"] = kind
            out = tmp_path / f"{n}-{kind}.yaml"
            out.write_text(yaml.safe_dump(data, sort_keys=False))
            a = assess_path(out, library)
            outcomes.append([(e["finding"], e["amount"], e["points"]) for e in a["elements"]])
        assert outcomes[0] == outcomes[1], (first, other)
