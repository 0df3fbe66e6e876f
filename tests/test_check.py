"""`remedies check`: the five published determinations pass as drafts; one deliberate slip each gives its rule."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Callable

import pytest
import yaml

from remedies.check import draft
from remedies.check import review as check
from remedies.cli import main

from conftest import ROOT

DRAFTS = sorted((ROOT / "examples" / "drafts").glob("*.yaml"))
SEEDS = {p.stem.split("-")[0]: p for p in DRAFTS}


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def published(seed: str) -> dict:
    """A published draft as data, its facts path made absolute so it can be written anywhere."""
    path = SEEDS[seed]
    data = yaml.safe_load(path.read_text())
    data["facts"] = str((path.parent / data["facts"]).resolve())
    return data


def write(tmp_path: Path, data: dict, name: str = "draft.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def run_check(path: Path, library, matcher: str = "durable") -> dict:
    return check.run(draft.load(path, library.vocabulary), library, matcher=matcher)


def ids(result: dict, severity: str) -> set[str]:
    return {p["rule"].removeprefix("draft-checks/") for p in result["problems"] if p["severity"] == severity}


def element(data: dict, el_id: str) -> dict:
    return next(e for e in data["elements"] if e["id"] == el_id)


def test_there_is_a_published_draft_for_each_seed():
    assert sorted(SEEDS) == ["202014965", "202113700", "202210730", "202317755", "202425093"]


@pytest.mark.parametrize("path", DRAFTS, ids=lambda p: p.stem)
def test_published_drafts_pass_with_no_error(path: Path, capsys):
    code, out, _ = run_cli(["check", str(path)], capsys)
    assert code == 0, out
    assert "0 errors" in out


def test_the_published_inconsistency_in_202210730_is_a_warning(library):
    result = run_check(SEEDS["202210730"], library)
    assert ids(result, "error") == set()
    assert ids(result, "warning") == {"W-replaced-offers-differ", "W-record-keeping-order-missing"}
    replaced = next(p for p in result["problems"] if p["rule"].endswith("W-replaced-offers-differ"))
    assert replaced["found"] == "replaces £400" and replaced["expected"] == "£500"


# ---- mutations: one deliberate slip in a published draft, and the rule that catches it -------------

def _set(seed_el: str, **values) -> Callable[[dict], None]:
    def edit(d: dict) -> None:
        element(d, seed_el).update(values)
    return edit


def _sum(el_id: str, amount: int, total: int | None = None) -> Callable[[dict], None]:
    def edit(d: dict) -> None:
        element(d, el_id)["sums"][0]["amount"] = amount
        if total is not None:
            d["total"] = total
    return edit


def _pay(**values) -> Callable[[dict], None]:
    def edit(d: dict) -> None:
        d["orders"]["payment"].update(values)
    return edit


def _no_action(kind: str) -> Callable[[dict], None]:
    def edit(d: dict) -> None:
        d["orders"]["actions"] = [a for a in d["orders"]["actions"] if a["kind"] != kind]
    return edit


def _all(*edits: Callable[[dict], None]) -> Callable[[dict], None]:
    def edit(d: dict) -> None:
        for e in edits:
            e(d)
    return edit


def _unpaid_offer(d: dict) -> None:
    element(d, "complaint-handling")["offers"][0]["paid"] = False


def _action_on_excluded_element(d: dict) -> None:
    d["orders"]["actions"].append({"kind": "other", "text": "tell the resident how to complain to the ICO",
                                   "due_weeks": 4, "elements": ["personal-data"]})


def _no_fault_in_complaint_handling(d: dict) -> None:
    el = element(d, "complaint-handling")
    el.update(finding="no_maladministration", sums=[])
    d["total"] = 350
    d["orders"]["payment"].update(replaces_offers=50, deduct_if_paid=50)


def _drop_contractor_visits(d: dict) -> None:
    d["elements"] = [e for e in d["elements"] if e["id"] != "contractor-visits"]
    d["recommendations"] = []


def _reasonable_redress_cited_as_finding(d: dict) -> None:
    el = element(d, "complaint-handling")
    el.update(finding="reasonable_redress", paragraph="52")
    el["sums"][0]["recommended"] = True
    d["total"] = 550
    d["orders"]["actions"][0]["elements"] = ["asb-and-harassment"]


# (name, seed, edit, the exact set of errors, the warnings it adds to the published draft's)
MUTATIONS = [
    ("sum above the band", "202425093", _sum("doors-and-asb", 700, total=800),
     set(), {"W-sum-above-band", "W-sum-far-from-proposal"}),
    ("sum below the severe band", "202014965", _sum("complaint-handling", 800), set(), {"W-sum-below-band"}),
    ("seed 001 exception withdrawn", "202317755", _set("asb-and-harassment", confirms_landlord_offer=False),
     set(), {"W-sum-above-band"}),
    ("confirms an offer that was not made", "202317755", _sum("asb-and-harassment", 600, total=700),
     {"E-confirmed-offer-differs"}, set()),
    ("wrong total", "202425093", lambda d: d.update(total=480), {"E-total-differs"}, set()),
    ("total counts the landlord's offers in", "202425093", lambda d: d.update(total=550),
     set(), {"W-total-differs-by-offers"}),
    ("deducts the window offer too", "202425093", _pay(deduct_if_paid=200), {"E-deduction-wrong"}, set()),
    ("deducts less than the offers replaced", "202425093", _pay(deduct_if_paid=20),
     set(), {"W-deduction-less-than-offers"}),
    ("earlier offers to pay as well are not those listed", "202425093", _pay(in_addition_to_offers=999),
     set(), {"W-in-addition-offers-differ"}),
    ("deducts an offer known to be unpaid", "202113700", _unpaid_offer, {"E-deduction-wrong"}, set()),
    ("deducts the confirmed offers once paid", "202317755", _pay(deduct_if_paid=650), set(), set()),
    ("deducts more than the offers confirmed", "202317755", _pay(deduct_if_paid=700), {"E-deduction-wrong"}, set()),
    ("wrong remaining sum", "202113700", _pay(remaining_if_paid=600), {"E-remaining-wrong"}, set()),
    ("order after reasonable redress", "202317755",
     _set("complaint-handling", finding="reasonable_redress", paragraph="53(b)"),
     {"E-order-without-fault"}, {"W-finding-differs"}),
    ("sum ordered with no maladministration", "202210730", _all(_sum("rent-arrears", 500, total=1400), lambda d:
     element(d, "contractor-visits").update(sums=[{"amount": 100, "for": "inconvenience"}])),
     {"E-order-without-fault"}, set()),
    ("action ordered outside jurisdiction", "202210730", _action_on_excluded_element,
     {"E-order-without-fault"}, set()),
    ("finding for an element outside jurisdiction", "202210730",
     _set("personal-data", finding="maladministration", paragraph="52"),
     set(), {"W-finding-outside-jurisdiction"}),
    ("jurisdiction paragraph for a finding", "202425093", _set("doors-and-asb", paragraph="42(j)"),
     {"E-paragraph-for-finding"}, set()),
    ("findings paragraph for an exclusion", "202210730", _set("personal-data", paragraph="52"),
     {"E-paragraph-for-jurisdiction"}, set()),
    ("findings paragraph for reasonable redress", "202317755", _reasonable_redress_cited_as_finding,
     {"E-paragraph-for-redress"}, {"W-finding-differs"}),
    ("offset against arrears, agreement not stated", "202210730", _pay(offset_against_arrears="allowed"),
     set(), {"W-offset-agreement-unknown"}),
    ("apology not from senior staff", "202425093",
     lambda d: d["orders"]["apology"].update({"from": "landlord"}), set(), {"W-apology-not-senior"}),
    ("no apology", "202014965", lambda d: d["orders"].pop("apology"), set(), {"W-apology-missing"}),
    ("no record-keeping review", "202425093", _no_action("record_keeping_review"),
     set(), {"W-record-keeping-order-missing"}),
    ("no case review after severe maladministration", "202014965", _no_action("case_review"),
     set(), {"W-case-review-missing"}),
    ("finding harsher than the facts support", "202425093", _set("complaint-handling", finding="maladministration"),
     set(), {"W-finding-differs"}),
    ("sum far below the proposal", "202210730", _sum("rent-arrears", 100, total=900),
     set(), {"W-sum-far-from-proposal"}),
    ("complaint handling without fault despite Code breaches", "202425093", _no_fault_in_complaint_handling,
     set(), {"W-code-breaches-without-fault", "W-finding-differs"}),
    ("no payment period", "202014965", lambda d: d["orders"].pop("payment"), set(), {"W-payment-period-missing"}),
    ("payment due late", "202425093", _pay(due_weeks=12), set(), {"W-payment-period-long"}),
    ("offsetting not addressed despite arrears", "202210730", lambda d: d["orders"]["payment"].pop(
        "offset_against_arrears"), set(), {"W-offset-not-addressed"}),
    ("an element of the facts left out", "202210730", _drop_contractor_visits, set(), {"W-facts-element-missing"}),
    ("offers not those of the facts", "202014965", _set("asb", offers=[{"amount": 200, "stage": 2}]),
     set(), {"W-offers-differ-from-facts"}),
    ("a paragraph the Scheme does not have", "202425093", _set("record-keeping", paragraph="99"),
     set(), {"W-paragraph-unknown"}),
]


@pytest.mark.parametrize("name,seed,edit,errors,warnings", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_a_deliberate_slip_gives_exactly_its_rule(name, seed, edit, errors, warnings, tmp_path, library):
    baseline = ids(run_check(SEEDS[seed], library), "warning")
    data = published(seed)
    edit(data)
    result = run_check(write(tmp_path, data), library)
    assert ids(result, "error") == errors
    assert ids(result, "warning") - baseline == warnings
    assert result["status"] == ("errors" if errors else "ok")


# a sum outside the band is a warning that says by how much, and what might justify it
OUT_OF_BAND = [("sum above the band", "doors-and-asb", "£700 for maladministration, £100 above the band"),
               ("sum below the severe band", "complaint-handling", "below the band"),
               ("seed 001 exception withdrawn", "asb-and-harassment", "£550 for service_failure, £450 above the band")]


@pytest.mark.parametrize("name,el_id,found", OUT_OF_BAND, ids=[o[0] for o in OUT_OF_BAND])
def test_a_sum_outside_the_band_is_a_warning_that_says_by_how_much(name, el_id, found, tmp_path, library):
    _, seed, edit, _, _ = next(m for m in MUTATIONS if m[0] == name)
    data = published(seed)
    edit(data)
    result = run_check(write(tmp_path, data), library)
    problem = next(p for p in result["problems"] if "-band" in p["rule"] and p["element"] == el_id)
    assert problem["severity"] == "warning" and found in problem["found"]
    assert "reasons in the report" in problem["expected"] and problem["expected"].startswith("£")


def test_offsetting_against_a_stated_refusal_is_an_error(tmp_path, library):
    """Unknown is not "no": only facts that say the resident did not agree make offsetting an error."""
    facts = yaml.safe_load((ROOT / "examples" / "202210730-clarion.yaml").read_text())
    data = published("202210730")
    _pay(offset_against_arrears="allowed")(data)
    for agreed, errors, warnings in ((False, {"E-offset-without-agreement"}, set()),
                                     (True, set(), set())):
        facts["resident"]["agreed_to_offset"] = agreed
        (tmp_path / "facts.yaml").write_text(yaml.safe_dump(facts, sort_keys=False))
        data["facts"] = str(tmp_path / "facts.yaml")
        result = run_check(write(tmp_path, data), library)
        assert ids(result, "error") == errors
        assert not {"W-offset-agreement-unknown", "W-offset-not-addressed"} & ids(result, "warning")


def test_at_least_twelve_mutations():
    assert len(MUTATIONS) >= 12 and len({m[0] for m in MUTATIONS}) == len(MUTATIONS)


def test_a_problem_overrides_the_warning_it_makes_redundant(tmp_path, library):
    data = published("202210730")
    _set("personal-data", finding="maladministration", paragraph="52")(data)
    result = run_check(write(tmp_path, data), library)
    on_element = {p["rule"] for p in result["problems"] if p["element"] == "personal-data"}
    assert on_element == {"draft-checks/W-finding-outside-jurisdiction"}  # W-finding-differs is overridden


def test_a_problem_names_rule_element_found_expected_and_source(tmp_path, library):
    data = published("202425093")
    _sum("doors-and-asb", 700, total=800)(data)
    problem = next(p for p in run_check(write(tmp_path, data), library)["problems"] if "band" in p["rule"])
    assert problem["rule"] == "draft-checks/W-sum-above-band" and problem["element"] == "doors-and-asb"
    assert problem["found"] == "£700 for maladministration, £100 above the band"
    assert problem["expected"].startswith("£100–£600 for maladministration (band_maladministration of hos-remedies")
    assert problem["citation"]["source"] and problem["evidence"] == "verified"


def test_the_proposal_s_reasons_come_with_a_differing_finding(tmp_path, library):
    data = published("202425093")
    _set("complaint-handling", finding="maladministration")(data)
    problem = next(p for p in run_check(write(tmp_path, data), library)["problems"]
                   if p["rule"].endswith("W-finding-differs"))
    assert problem["proposal"]["finding"] == "service_failure"
    assert any(w["stage"] == "finding" for w in problem["proposal"]["why"])


def test_checks_without_facts_still_do_the_arithmetic(tmp_path, library):
    data = published("202425093")
    del data["facts"]
    _sum("doors-and-asb", 700)(data)
    result = run_check(write(tmp_path, data), library)
    assert ids(result, "error") == {"E-total-differs"}
    assert ids(result, "warning") == {"W-sum-above-band"} and result["facts"] is None
    assert any("no facts" in n for n in result["notes"])


def test_inline_facts_check_like_a_facts_file(tmp_path, library):
    data = published("202210730")
    data["facts"] = yaml.safe_load(Path(data["facts"]).read_text())
    inline = run_check(write(tmp_path, data), library)
    by_path = run_check(SEEDS["202210730"], library)
    assert inline["facts"] == "inline"
    assert inline["problems"] == by_path["problems"]


def test_durable_and_reference_matchers_agree(tmp_path, library):
    data = published("202210730")
    _all(_pay(offset_against_arrears="allowed"), _set("personal-data", paragraph="52"))(data)
    path = write(tmp_path, data)
    assert run_check(path, library)["problems"] == run_check(path, library, matcher="reference")["problems"]


def test_a_band_edited_in_yaml_moves_the_check(tmp_path, capsys):
    """The band comes from the guidance ruleset, not from Python."""
    copy = tmp_path / "rulesets"
    shutil.copytree(ROOT / "rulesets", copy)
    guidance = copy / "ombudsman" / "remedies-guidance.yaml"
    guidance.write_text(guidance.read_text().replace("min: 100, max: 600", "min: 100, max: 300"))
    code, out, _ = run_cli(["check", str(SEEDS["202425093"]), "--only-rulesets", str(copy), "--format", "json"], capsys)
    result = json.loads(out)
    assert code == 0 and ids(result, "warning") == {"W-sum-above-band"}
    problem = next(p for p in result["problems"] if p["rule"].endswith("W-sum-above-band"))
    assert problem["found"] == "£350 for maladministration, £50 above the band"


def test_exit_code_1_with_errors_and_every_format(tmp_path, capsys):
    data = published("202425093")
    data["total"] = 480
    path = write(tmp_path, data)
    for fmt, marker in (("text", "ERROR   draft-checks/E-total-differs"), ("markdown", "| error | `draft-checks/E-total"),
                        ("json", '"rule": "draft-checks/E-total-differs"')):
        code, out, err = run_cli(["check", str(path), "--format", fmt], capsys)
        assert code == 1 and marker in out and not err


def test_json_shape(capsys):
    code, out, _ = run_cli(["check", str(SEEDS["202210730"]), "--format", "json"], capsys)
    result = json.loads(out)
    assert code == 0 and result["status"] == "ok" and result["check_version"] == 1
    assert result["draft"]["reference"] == "202210730" and result["facts"].endswith("examples/202210730-clarion.yaml")
    assert result["errors"] == 0 and result["warnings"] == len(result["problems"]) == 2
    assert result["checks_considered"] >= 20 and result["checks_without_figure"] == []
    for p in result["problems"]:
        assert set(p) >= {"rule", "severity", "element", "message", "found", "expected", "statement", "citation",
                          "evidence", "ruleset_version", "params"}
        assert p["severity"] in ("error", "warning") and p["citation"]["source"]


def test_two_runs_give_byte_identical_json(capsys):
    args = ["check", str(SEEDS["202425093"]), "--format", "json"]
    assert run_cli(args, capsys)[1] == run_cli(args, capsys)[1]


# ---- bad drafts: one line naming the file, line and field, exit code 2 -------------------------------

BAD = [
    ("unknown field", lambda d: d.update(colour="blue"), "[colour] unknown field"),
    ("money below a penny", lambda d: element(d, "doors-and-asb")["sums"][0].update(amount=350.505),
     "[elements.0.sums.0.amount]"),
    ("unknown finding", _set("doors-and-asb", finding="partly_upheld"), "[elements.0.finding]"),
    ("malformed paragraph", _set("doors-and-asb", paragraph="para 52"), "[elements.0.paragraph]"),
    ("no such facts file", lambda d: d.update(facts="nowhere.yaml"), "[facts] no facts file 'nowhere.yaml'"),
    ("element not in the facts", _set("complaint-handling", id="complaints"),
     "[elements.1.id] 'complaints' is not an element of the facts"),
    ("action on an unknown element", lambda d: d["orders"]["actions"][0].update(elements=["doors"]),
     "[orders.actions.0.elements.0] 'doors' is not an element of this draft"),
    ("another landlord than the facts", lambda d: d.update(landlord="southwark"),
     "[landlord] the draft's landlord 'southwark' is not the facts' 'clarion'"),
    ("unknown topic", _set("doors-and-asb", topic="doors"), "[elements.0.topic] unknown topic 'doors'"),
]


DEADLINE_BAD = [
    ("two deadlines", lambda d: d["orders"]["apology"].update(due_days=28),
     "[orders.apology] Value error, give one deadline, not due_weeks and due_days"),
    ("no deadline", lambda d: d["orders"]["payment"].pop("due_weeks"),
     "[orders.payment] Value error, a deadline is required"),
    ("due before the determination", lambda d: d["orders"]["payment"].update(due="2025-07-01") or
     d["orders"]["payment"].pop("due_weeks"), "[orders.payment.due] due 2025-07-01 is not after"),
    ("unknown action kind", lambda d: d["orders"]["actions"][0].update(kind="survey"),
     "[orders.actions.0.kind]"),
]


@pytest.mark.parametrize("name,edit,fragment", BAD + DEADLINE_BAD, ids=[b[0] for b in BAD + DEADLINE_BAD])
def test_bad_draft_is_one_line_with_exit_code_2(name, edit, fragment, tmp_path, capsys):
    data = published("202425093")
    edit(data)
    path = write(tmp_path, data)
    code, out, err = run_cli(["check", str(path)], capsys)
    assert code == 2 and not out and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert f"{path}:" in err and fragment in err, err


def test_bad_inline_facts_point_into_the_draft(tmp_path, capsys):
    data = published("202425093")
    data["facts"] = yaml.safe_load(Path(data["facts"]).read_text())
    data["facts"]["elements"][0]["failures"][0]["kind"] = "rudeness"
    path = write(tmp_path, data)
    code, _, err = run_cli(["check", str(path)], capsys)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "rudeness" in text)
    assert code == 2 and f"{path}:{line}: [facts.elements.0.failures.0.kind] unknown failure kind 'rudeness'" in err


def test_missing_draft_file(tmp_path, capsys):
    code, _, err = run_cli(["check", str(tmp_path / "nowhere.yaml")], capsys)
    assert code == 2 and "no such file" in err


# ---- drafts as published: every published determination checks without an error -------------------

CALIBRATION_DRAFTS = sorted((ROOT / "tests" / "fidelity" / "calibration").glob("*/draft.yaml"))


def test_there_are_eighteen_calibration_drafts():
    assert len(CALIBRATION_DRAFTS) == 18


@pytest.mark.parametrize("path", CALIBRATION_DRAFTS + DRAFTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_published_determination_draws_an_error(path: Path, library):
    """Each error on a determination the Ombudsman published would be a false alarm."""
    result = run_check(path, library)
    assert [p["rule"] for p in result["problems"] if p["severity"] == "error"] == []


def _deadlines(apology: dict, payment: dict) -> Callable[[dict], None]:
    def edit(d: dict) -> None:
        for key in ("due_weeks", "due_days", "due"):
            d["orders"]["apology"].pop(key, None)
            d["orders"]["payment"].pop(key, None)
        d["orders"]["apology"].update(apology)
        d["orders"]["payment"].update(payment)
    return edit


@pytest.mark.parametrize("apology,payment,warnings", [
    ({"due_days": 28}, {"due": "2025-08-08"}, set()),                       # 28 days after 11 July 2025
    ({"due": "2025-08-08"}, {"due_days": 29}, {"W-payment-period-long"}),   # 29 days: more than 4 weeks
    ({"due_weeks": 4}, {"due": "2025-09-01"}, {"W-payment-period-long"}),
], ids=["days and a date", "29 days", "a date 7 weeks on"])
def test_deadlines_as_a_date_or_days_as_well_as_weeks(apology, payment, warnings, tmp_path, library):
    baseline = ids(run_check(SEEDS["202425093"], library), "warning")
    data = published("202425093")
    _deadlines(apology, payment)(data)
    result = run_check(write(tmp_path, data), library)
    assert ids(result, "error") == set() and ids(result, "warning") - baseline == warnings


def test_a_draft_without_paragraphs_checks_like_one_with_them(tmp_path, library):
    """New-format reports cite no Scheme paragraph: leaving them out loses no other check."""
    data = published("202425093")
    for el in data["elements"]:
        el.pop("paragraph")
    without = run_check(write(tmp_path, data), library)
    assert without["problems"] == run_check(SEEDS["202425093"], library)["problems"]
    _sum("doors-and-asb", 700)(data)
    assert ids(run_check(write(tmp_path, data, "slip.yaml"), library), "error") == {"E-total-differs"}


def test_an_apology_from_a_named_role_and_the_new_kinds_of_action(tmp_path, library):
    data = published("202425093")
    data["orders"]["apology"] = {"role": "chief executive", "due": "2025-08-08"}
    for kind in ("inspection", "schedule_of_works", "works", "rehousing_plan", "vulnerability_records"):
        data["orders"]["actions"].append({"kind": kind, "text": f"an order of kind {kind}", "due_days": 28,
                                          "elements": ["doors-and-asb"]})
    data["orders"]["payment"]["deduct_payments_made"] = True
    result = run_check(write(tmp_path, data), library)
    assert ids(result, "error") == set()
    assert "W-apology-not-senior" not in ids(result, "warning")


def test_a_confirmed_offer_may_mix_judged_and_calculated_sums(tmp_path, library):
    data = published("202317755")
    element(data, "asb-and-harassment")["sums"] = [{"amount": 500, "for": "distress_and_inconvenience"},
                                                   {"amount": 50, "for": "calculated_sum"}]
    assert ids(run_check(write(tmp_path, data), library), "error") == set()
    element(data, "asb-and-harassment")["sums"][1]["amount"] = 60
    data["total"] = 660
    assert ids(run_check(write(tmp_path, data, "slip.yaml"), library), "error") == {"E-confirmed-offer-differs"}


def test_earlier_offers_paid_as_well_stay_out_of_the_total(tmp_path, library):
    """'pay the earlier offer as well as this sum': the total is still the sums ordered."""
    data = published("202425093")
    offers = sum(o["amount"] for el in data["elements"] for o in el.get("offers", []))
    data["orders"]["payment"] = {"due_weeks": 4, "in_addition_to_offers": offers}
    result = run_check(write(tmp_path, data), library)
    assert ids(result, "error") == set()
    assert ids(result, "warning") == ids(run_check(SEEDS["202425093"], library), "warning")






def test_recommended_sums_stay_out_of_the_ordered_total(tmp_path, library):
    """202404522: £1,080 recommended with reasonable redress, £50 ordered; the total is £50."""
    path = ROOT / "tests" / "fidelity" / "calibration" / "202404522" / "draft.yaml"
    assert ids(run_check(path, library), "error") == set()
    data = yaml.safe_load(path.read_text())
    data["facts"] = str(path.parent / data["facts"])
    data["total"] = 1130
    result = run_check(write(tmp_path, data), library)
    assert ids(result, "error") == {"E-total-differs"}
    assert next(p for p in result["problems"] if p["severity"] == "error")["expected"].startswith("£50,")


def test_a_sum_whose_head_is_not_stated_is_judged_against_the_band(tmp_path, library):
    data = published("202425093")
    del element(data, "doors-and-asb")["sums"][0]["for"]
    assert ids(run_check(write(tmp_path, data), library), "warning") == set()
    _sum("doors-and-asb", 700, total=800)(data)
    assert "W-sum-above-band" in ids(run_check(write(tmp_path, data, "slip.yaml"), library), "warning")


@pytest.mark.parametrize("total, errors", [(2881.41, set()), (2881.40, {"E-total-differs"})])
def test_sums_with_pence_add_up_to_the_penny(tmp_path: Path, library, total: float, errors: set[str]):
    """An order of £2,431.41 is checked exactly: a total a penny out is an error, the right one is not."""
    data = published("202425093")
    element(data, "doors-and-asb")["sums"].append({"amount": 2431.41, "for": "out_of_pocket", "note": "receipted"})
    data["total"] = total
    data["orders"]["payment"].pop("remaining_if_paid", None)
    result = run_check(write(tmp_path, data), library)
    assert ids(result, "error") & {"E-total-differs"} == errors
