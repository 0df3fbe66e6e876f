"""The fact-entry page of `remedies serve` in a real browser (headless Debian Chromium).

A seed case is typed into the page through its controls, as a caseworker would (no JSON is
injected): the proposal the page gets must be the seed file's, and so must the facts file it
downloads. A word added to the vocabulary appears in the page with no code change.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from remedies.cli import main

from conftest import ROOT
from server import running

SEED = ROOT / "examples/202425093-clarion.yaml"  # complaint dates, three elements, failures, impacts, offers


def label(key: str) -> str:
    """A field's label as the page shows it: stage1_response → Stage 1 response."""
    text = re.sub(r"([a-z])(\d)", r"\1 \2", key.replace("_", " "))
    return text[:1].upper() + text[1:]


def _set(scope: Locator, key: str, value: Any) -> None:
    """One field, through the control the page shows for it."""
    name = label(key)
    if isinstance(value, dict):
        _fill(scope.get_by_role("group", name=name, exact=True), value)
    elif isinstance(value, list):
        _set_list(scope, key, value)
    elif value == "never":
        scope.get_by_label(f"{name}: never", exact=True).check()
    else:
        control = scope.get_by_label(name, exact=True)
        tag = control.evaluate("e => e.tagName + ':' + e.type")
        if tag == "INPUT:checkbox":
            control.set_checked(bool(value))
        elif tag.startswith("SELECT"):
            control.select_option(str(value).lower() if isinstance(value, bool) else str(value))
        else:
            control.fill(value.isoformat() if isinstance(value, date) else str(value))


def _set_list(scope: Locator, key: str, values: list) -> None:
    name = label(key)
    fold = scope.locator("summary").filter(has_text=re.compile(rf"^{re.escape(name)}:"))
    if fold.count():  # words of the vocabulary: tick them, in order
        if values:
            fold.click()
            words = scope.get_by_role("group", name=name, exact=True)
            for word in values:
                words.get_by_role("checkbox", name=re.compile(rf"^{re.escape(word)}\b")).check()
            expect(fold).to_have_text(f"{name}: {', '.join(values)}")
        return
    group = scope.get_by_role("group", name=name, exact=True)
    box = group if group.count() else scope  # a step of the form is a region, not a group
    for n, value in enumerate(values, 1):
        if isinstance(value, dict):
            noun = name.removesuffix("s")
            item = box.get_by_role("group", name=f"{noun} {n}", exact=True)
            if not item.count():  # the page starts with as many as the schema requires
                box.get_by_role("button", name=re.compile(rf"^Add an? {noun.lower()}$")).click()
            _fill(item, value)
        else:
            box.get_by_role("button", name=re.compile(rf"^Add an? \w+ \({re.escape(name)}\)$")).click()
            box.get_by_label(f"{name} {n}", exact=True).fill(value.isoformat() if isinstance(value, date) else str(value))


def _fill(scope: Locator, data: dict) -> None:
    for key, value in data.items():
        _set(scope, key, value)


def enter(page: Page, facts: dict) -> None:
    """Type the facts into the page step by step: each top-level key is a numbered step."""
    for key, value in facts.items():
        step = page.get_by_role("region", name=re.compile(rf"^\d+\. {re.escape(label(key))}$"))
        if isinstance(value, dict):
            _fill(step, value)
        else:
            _set_list(step, key, value)


def proposal(page: Page) -> dict:
    """The assessment the page obtained for what is in the form now."""
    expect(page.locator("body")).to_have_attribute("data-assessed", "ok", timeout=30_000)
    return json.loads(page.locator("#assessment-json").text_content())


def cli_json(path: Path, capsys) -> dict:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(["assess", str(path), "--format", "json"])  # what would change each finding included
    assert exc.value.code == 0
    return json.loads(capsys.readouterr().out)


def _no_horizontal_overflow(page: Page) -> None:
    wide = page.evaluate("""() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,
        [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right >
            document.documentElement.clientWidth + 1 && e.getClientRects().length).map(e => e.tagName + ' ' + e.textContent.slice(0, 40))]""")
    assert wide[0] <= wide[1] and not wide[2], f"overflows: {wide}"


def _serious(page: Page) -> list:
    result = Axe().run(page)
    return [(v["id"], v["impact"], v["nodes"][0]["html"][:100]) for v in result.response["violations"]
            if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="module")
def server():
    with running() as url:
        yield url


def open_page(browser, url: str, width: int) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.errors = errors  # type: ignore[attr-defined]
    return page


def test_a_seed_typed_into_the_page_gives_the_seed_files_proposal(browser, server, capsys, tmp_path, shots):
    page = open_page(browser, server, 1280)
    facts = yaml.safe_load(SEED.read_text())
    want = cli_json(SEED, capsys)
    enter(page, facts)
    got = proposal(page)
    assert got == want
    # the proposal is on the page in words: the finding, sum and band of each part, the orders, the total
    result = page.locator("#result")
    for e in want["elements"]:
        part = result.get_by_role("region", name=re.compile(rf"^\d+\. {re.escape(e['summary'])}$"))
        expect(part).to_contain_text(e["finding"].replace("_", " "))
        expect(part).to_contain_text(f"£{e['amount']:,}")
        if e["band"]:
            expect(part).to_contain_text(f"£{e['band']['min']:,}–£{e['band']['max']:,}")
        expect(part.get_by_role("heading", name="Why")).to_be_visible()
        report = next(r for r in want["report"]["elements"] if r["id"] == e["id"])
        for move in report["moves"][:3]:
            expect(part.get_by_role("listitem").filter(has_text=move["text"]).first).to_be_visible()
    expect(result).to_contain_text(f"Total proposed: £{want['total']:,}")
    expect(result.get_by_role("listitem").filter(has_text="Pay the resident")).to_contain_text(f"£{want['total']:,}")

    page.get_by_role("group", name="Element 3", exact=True).scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "page-1280.png"))
    page.set_viewport_size({"width": 400, "height": 900})
    page.locator("#proposal").screenshot(path=str(shots / "page-400-proposal.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    # the facts file it downloads is assessed by the CLI to the same proposal
    with page.expect_download() as dl:
        page.get_by_role("button", name="Facts (YAML)").click()
    saved = tmp_path / dl.value.suggested_filename
    dl.value.save_as(saved)
    assert saved.name == "202425093.yaml"
    assert cli_json(saved, capsys) == want
    with page.expect_download() as dl:
        page.get_by_role("button", name="Report (HTML)").click()
    report = dl.value.path().read_text()
    assert "<h1" in report and "Proposal for complaint 202425093" in report and f"£{want['total']:,}" in report

    # axe on the filled-in page, every fold open, at both widths
    for fold in page.locator("details").all():
        fold.evaluate("d => d.open = true")
    for width in (1280, 400):
        page.set_viewport_size({"width": width, "height": 900})
        assert _serious(page) == [], width
    _no_horizontal_overflow(page)
    assert page.errors == []
    page.close()


def test_another_seed_typed_into_the_page_gives_its_proposal(browser, server, capsys):
    """Two complaints, vulnerabilities, arrears, another body's jurisdiction, counts (with SEED, every kind of
    control the seeds need: 202014965's Ombudsman interventions and failure order are dates like these)."""
    seed = ROOT / "examples/202210730-clarion.yaml"
    page = open_page(browser, server, 1280)
    enter(page, yaml.safe_load(seed.read_text()))
    assert proposal(page) == cli_json(seed, capsys)
    assert page.errors == []
    page.close()


def test_a_facts_file_opened_in_the_page_fills_the_form(browser, server, capsys, tmp_path):
    seed = ROOT / "examples/202014965-paragon-asra.yaml"  # Ombudsman interventions, a failure order
    page = open_page(browser, server, 400)
    page.get_by_label("open its facts file").set_input_files(str(seed))
    assert proposal(page) == cli_json(seed, capsys)
    complaint = page.get_by_role("group", name="Complaint 1", exact=True)
    expect(complaint.get_by_label("Failure order", exact=True)).to_have_value("2021-06-29")
    expect(complaint.get_by_label("Ombudsman interventions 4", exact=True)).to_have_value("2022-10-26")
    expect(page.get_by_role("group", name="Element 1", exact=True).locator("summary").first) \
        .to_have_text("Also topics: none chosen")
    expect(page.get_by_text("Impacts: distress, frustration, feeling_unsafe, health_affected")).to_have_count(1)
    # a change made after opening is assessed as typed
    complaint.get_by_role("button", name="Remove ombudsman interventions 4").click()
    facts = yaml.safe_load(seed.read_text())
    facts["complaints"][0]["ombudsman_interventions"].pop()
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(facts, sort_keys=False))
    assert proposal(page) == cli_json(edited, capsys)
    # a file with mistakes is not opened: its problems are listed, with its name and lines
    bad = tmp_path / "bad.yaml"
    bad.write_text(seed.read_text().replace("topic: asb", "topic: asbb"))
    page.get_by_label("open its facts file").set_input_files(str(bad))
    expect(page.locator("body")).to_have_attribute("data-assessed", "problems")
    expect(page.locator("#problems")).to_contain_text(re.compile(r"bad\.yaml:\d+: \[elements\.0\.topic\] .*did you mean 'asb'"))
    expect(complaint.get_by_label("Failure order", exact=True)).to_have_value("2021-06-29")  # the form is as it was
    assert page.errors == []
    page.close()


def test_mistakes_are_listed_with_a_link_to_each_field(browser, server):
    page = open_page(browser, server, 400)
    _no_horizontal_overflow(page)
    assert _serious(page) == []
    step = page.get_by_role("region", name="1. Case")
    step.get_by_label("Reference", exact=True).fill("1")
    step.get_by_label("Landlord", exact=True).fill("clarion")
    step.get_by_label("Decided on", exact=True).fill("2025-07-11")
    element = page.get_by_role("group", name="Element 1", exact=True)
    element.get_by_label("Id", exact=True).fill("repairs")
    expect(page.locator("body")).to_have_attribute("data-assessed", "problems")
    problems = page.get_by_role("list").filter(has_text="Topic")
    link = problems.get_by_role("link", name="Element 1 › Topic")
    expect(link).to_be_visible()
    link.click()
    expect(element.get_by_label("Topic", exact=True)).to_be_focused()
    expect(element.get_by_label("Topic", exact=True)).to_have_attribute("aria-invalid", "true")
    element.get_by_label("Topic", exact=True).select_option("repairs")
    assert proposal(page)["case"]["reference"] == "1"
    expect(page.get_by_role("link", name=re.compile(r"^Proposal: £\d+ in all"))).to_be_visible()  # the bar on a phone
    # by keyboard: a button adds a failure and moves to it; removing it goes back to the button
    add = element.get_by_role("button", name="Add a failure")
    add.focus()
    page.keyboard.press("Enter")
    failure = element.get_by_role("group", name="Failure 1", exact=True)
    expect(failure.get_by_label("Kind", exact=True)).to_be_focused()
    failure.get_by_role("button", name="Remove failure 1").focus()
    page.keyboard.press("Enter")
    expect(failure).to_have_count(0)
    expect(add).to_be_focused()
    assert page.errors == []
    page.close()


def test_a_word_added_to_the_vocabulary_appears_in_the_page(browser, server, tmp_path):
    extra = tmp_path / "more-words.yaml"
    vocab = yaml.safe_load((ROOT / "rulesets/vocabulary.yaml").read_text())
    vocab["vocabulary"]["impacts"]["lost_sleep"] = "the resident lost sleep over it"
    vocab["vocabulary"]["failure_kinds"]["lift_out_of_service"] = "the lift was out of service"
    extra.write_text(yaml.safe_dump(vocab, sort_keys=False, allow_unicode=True))
    with running("--rulesets", str(extra)) as url:
        page = open_page(browser, url, 400)
        element = page.get_by_role("group", name="Element 1", exact=True)
        element.locator("summary").filter(has_text="Impacts:").click()
        word = element.get_by_role("checkbox", name="lost_sleep the resident lost sleep over it")
        expect(word).to_be_visible()
        element.get_by_role("button", name="Add a failure").click()
        kind = element.get_by_role("group", name="Failure 1", exact=True).get_by_label("Kind", exact=True)
        kind.select_option("lift_out_of_service")
        word.check()
        page.get_by_label("Reference", exact=True).fill("1")
        page.get_by_label("Landlord", exact=True).fill("clarion")
        page.get_by_label("Decided on", exact=True).fill("2025-07-11")
        element.get_by_label("Id", exact=True).fill("lift")
        element.get_by_label("Topic", exact=True).select_option("repairs")
        got = proposal(page)
        assert got["elements"][0]["id"] == "lift"
        page.close()
    # the page served with the shipped vocabulary does not offer them
    page = open_page(browser, server, 400)
    assert page.get_by_role("checkbox", name=re.compile("^lost_sleep"), include_hidden=True).count() == 0
    assert page.locator("option[value=lift_out_of_service]").count() == 0
    assert page.get_by_role("checkbox", name=re.compile("^distress"), include_hidden=True).count() == 1
    page.close()
