"""The HTML report in a real browser: headless Chromium at 400 px and 1280 px, printed to A4,
and checked by axe-core. Screenshots go to REMEDIES_SCREENSHOTS (default: pytest's tmp dir)."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from remedies.cli import main

from conftest import ROOT, assess_path

SEED = ROOT / "examples/202425093-clarion.yaml"
OTHER = ROOT / "examples/202210730-clarion.yaml"
WIDTHS = (400, 1280)


def _write_html(out: Path, *facts_files: Path) -> Path:
    with pytest.raises(SystemExit) as exc:
        main(["assess", *map(str, facts_files), "--format", "html", "-o", str(out)])
    assert exc.value.code == 0
    return out


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("html")
    return {"one": _write_html(d / "one.html", SEED), "two": _write_html(d / "two.html", SEED, OTHER)}


def _open(browser, url: Path, width: int) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(url.as_uri())
    return page


def _no_horizontal_overflow(page: Page) -> None:
    wide = page.evaluate("""() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,
        [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right >
            document.documentElement.clientWidth + 1).map(e => e.tagName + ' ' + e.textContent.slice(0, 40))]""")
    assert wide[0] <= wide[1] and not wide[2], f"overflows: {wide}"


@pytest.fixture(scope="module")
def total(library) -> str:
    return f"£{assess_path(SEED, library)['total']:,}"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_page_is_readable_at_each_width(width, browser, pages, shots, total):
    page = _open(browser, pages["one"], width)
    _no_horizontal_overflow(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Proposal for complaint 202425093")
    expect(page.get_by_text(f"In all the landlord would pay {total}, within 4 weeks (by 8 August 2025).")).to_be_visible()
    summary = page.get_by_role("table").first
    expect(summary.get_by_role("row", name="response to reports of broken communal entrance doors")) \
        .to_contain_text("maladministration")
    expect(summary.get_by_role("row", name="Total proposed")).to_contain_text(total)
    expect(page.get_by_role("heading", name="What the landlord must do")).to_be_visible()
    orders = page.get_by_role("table").nth(1)
    expect(orders.get_by_role("columnheader", name="By when")).to_be_visible()
    expect(orders.get_by_role("row").filter(has_text="Pay the resident")).to_contain_text(f"({total})")
    expect(orders.get_by_role("row").filter(has_text="Pay the resident")).to_contain_text("by 8 August 2025")
    element = page.get_by_role("heading", name="2. the landlord's handling of the complaint")
    element.scroll_into_view_if_needed()
    expect(element).to_be_visible()
    expect(page.get_by_role("heading", name="What would change this").nth(1)).to_be_visible()
    # the trace is folded away until asked for
    trace = page.locator("details").first
    expect(trace.locator("ol.trace")).to_be_hidden()
    trace.locator("summary").click()
    expect(trace.locator("ol.trace")).to_be_visible()
    _no_horizontal_overflow(page)
    page.screenshot(path=str(shots / f"report-{width}.png"))
    page.screenshot(path=str(shots / f"report-{width}-full.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_serious_accessibility_violation(width, browser, pages):
    for name in ("one", "two"):
        page = _open(browser, pages[name], width)
        page.locator("details").first.locator("summary").click()  # check the folded trace too
        result = Axe().run(page)
        bad = [(v["id"], v["impact"], v["nodes"][0]["html"][:80]) for v in result.response["violations"]
               if v["impact"] in ("serious", "critical")]
        assert not bad, bad
        page.close()


def test_printed_to_a4_the_trace_unfolds_and_nothing_overflows(browser, pages, tmp_path):
    page = _open(browser, pages["one"], 680)  # A4 less 15 mm margins is about 680 CSS px wide
    page.emulate_media(media="print")
    expect(page.locator("details ol.trace").first).to_be_visible()
    _no_horizontal_overflow(page)
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    page.close()


def test_several_cases_are_one_page_with_a_working_index(browser, pages, shots):
    page = _open(browser, pages["two"], 400)
    assert page.locator("h1").count() == 1
    nav = page.get_by_role("navigation", name="Cases")
    expect(nav.get_by_role("link")).to_have_count(2)
    nav.get_by_role("link", name="Complaint 202210730 (clarion)").click()
    heading = page.get_by_role("heading", name="Proposal for complaint 202210730 (clarion)")
    expect(heading).to_be_in_viewport()
    _no_horizontal_overflow(page)
    page.screenshot(path=str(shots / "two-cases-400.png"))
    page.close()
