"""`remedies fidelity --fit`: leave one case out gives the honest figure, never the flattering one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from remedies.cli import main

from conftest import ROOT

SEED = next((ROOT / "examples").glob("202425093-*.yaml"))


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def _case(folder: Path, doors_finding: str) -> None:
    """Seed 202425093, whose doors element weighs 14 points, with the doors finding given."""
    folder.mkdir(parents=True)
    shutil.copy(SEED, folder / "facts.yaml")
    outcome = {"elements": [{"finding": doors_finding, "ordered_compensation": None},
                            {"finding": "service_failure", "ordered_compensation": None},
                            {"finding": "service_failure", "ordered_compensation": None}]}
    (folder / "outcome.yaml").write_text(yaml.safe_dump(outcome))


@pytest.fixture
def disagreeing(tmp_path: Path) -> Path:
    """Two decisions on the same facts that want different thresholds: at 4 points the doors are
    maladministration (case a agrees), at 20 service failure (case b agrees)."""
    _case(tmp_path / "a", "maladministration")
    _case(tmp_path / "b", "service_failure")
    return tmp_path


def _fit(corpus: Path, capsys, *specs: str) -> dict:
    """The fit's JSON; each spec is a --fit value, or an option written out (--name=value)."""
    args = ["fidelity", str(corpus), "--format", "json"] + [a for s in specs
                                                            for a in ((s,) if s.startswith("--") else ("--fit", s))]
    code, out, _ = run_cli(args, capsys)
    assert code == 0
    return json.loads(out)["fit"]


def test_leave_one_out_scores_each_case_with_values_chosen_without_it(disagreeing, capsys):
    fit = _fit(disagreeing, capsys, "points_maladministration=4,20")
    # in-sample, 4 and 20 tie (3 + 2 = 2 + 3) and the first is kept; left out, each case is scored with
    # the value the other case prefers, so each loses its doors element
    assert fit["elements"] == 6
    assert fit["in_sample_best"] == {"values": {"points_maladministration": 4}, "exact": 5}
    assert fit["leave_one_out_exact"] == 4
    assert [c["left_out"] for c in fit["per_case"]] == [2, 2]
    assert fit["shipped_exact"] == 5


def test_one_candidate_equal_to_the_shipped_value_changes_nothing(disagreeing, capsys):
    fit = _fit(disagreeing, capsys, "points_maladministration=4")
    assert fit["shipped_exact"] == fit["in_sample_best"]["exact"] == fit["leave_one_out_exact"] == 5


def test_the_text_names_the_figure_to_quote(disagreeing, capsys):
    code, out, _ = run_cli(["fidelity", str(disagreeing), "--fit", "points_maladministration=4,20"], capsys)
    assert code == 0
    assert "finding exact, leave one case out    4/6  66.7%" in out
    assert "points_maladministration=4" in out


@pytest.mark.parametrize("spec, message", [
    ("points_maladministration", "give NAME=V1,V2,... with whole numbers"),
    ("points_maladministration=four", "give NAME=V1,V2,... with whole numbers"),
    ("no_such_parameter=1,2", "has no numeric parameter 'no_such_parameter'"),
])
def test_a_bad_fit_is_one_line_and_exit_2(disagreeing, capsys, spec, message):
    code, _, err = run_cli(["fidelity", str(disagreeing), "--fit", spec], capsys)
    assert code == 2 and message in err and "Traceback" not in err


def test_sums_are_fitted_and_left_out_on_their_own(tmp_path: Path, capsys):
    """Two decisions on the same facts, one ordering the sum the shipped start gives, one a higher one:
    in-sample one start serves one case; left out, each case gets the start the other prefers."""
    for name in ("a", "b"):
        _case(tmp_path / name, "maladministration")
    shipped = _fit(tmp_path, capsys, "start_maladministration=175")
    doors = json.loads(run_cli(["fidelity", str(tmp_path), "--format", "json"], capsys)[1])["cases"][0]["elements"][0]
    low = doors["proposed_amount"]
    for name, ordered in (("a", low), ("b", low + 250)):
        outcome = yaml.safe_load((tmp_path / name / "outcome.yaml").read_text())
        outcome["elements"][0]["ordered_compensation"] = ordered
        (tmp_path / name / "outcome.yaml").write_text(yaml.safe_dump(outcome))
    fit = _fit(tmp_path, capsys, "start_maladministration=175,425")
    assert shipped["sums_counted"] == 0 and fit["sums_counted"] == 2
    assert fit["amounts"]["shipped"] == 1
    assert fit["amounts"]["in_sample_best"] == {"values": {"start_maladministration": 175}, "count": 1}
    assert fit["amounts"]["leave_one_out"] == 0
    assert [(c["sums_shipped"], c["sums_left_out"]) for c in fit["per_case"]] == [(1, 0), (0, 0)]
    code, out, _ = run_cli(["fidelity", str(tmp_path), "--fit", "start_maladministration=175,425"], capsys)
    assert "sums within tolerance, leave one case out    0/2  0.0%" in out


def test_held_cases_set_aside_values_that_lose_them(disagreeing, tmp_path_factory, capsys):
    """Held: a decision that wants the doors as maladministration (so threshold 4, not 20). Only 4 may be
    chosen, so the left-out scores are what 4 gives; a grid with nothing that keeps it is refused."""
    held = tmp_path_factory.mktemp("held")
    _case(held / "a", "maladministration")
    fit = _fit(disagreeing, capsys, "points_maladministration=4,20", f"--fit-hold={held}")
    assert fit["held"] == {"cases": 1, "combinations_kept": 1}
    assert fit["in_sample_best"] == {"values": {"points_maladministration": 4}, "exact": 5}
    assert fit["leave_one_out_exact"] == 5 and [c["left_out"] for c in fit["per_case"]] == [3, 2]
    code, _, err = run_cli(["fidelity", str(disagreeing), "--fit", "points_maladministration=20",
                            "--fit-hold", str(held)], capsys)
    assert code == 2 and "no combination agrees with the held cases" in err
    code, _, err = run_cli(["fidelity", str(disagreeing), "--fit-hold", str(held)], capsys)
    assert code == 2 and "--fit NAME=V1" in err
