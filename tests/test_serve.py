"""`remedies serve`: a real uvicorn server on a free 127.0.0.1 port, called over HTTP with httpx."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import yaml

from conftest import ROOT
from server import running

SEEDS = sorted((ROOT / "examples").glob("*.yaml"))


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "remedies", *args], capture_output=True, text=True, cwd=ROOT,
                          env=os.environ.copy())


@pytest.fixture(scope="module")
def server():
    with running() as url:
        yield url


@pytest.fixture(scope="module")
def cli_json() -> dict[str, str]:
    return {p.name: cli("assess", str(p), "--format", "json").stdout for p in SEEDS}


def test_health_binds_loopback(server):
    r = httpx.get(f"{server}/health")
    assert r.json()["status"] == "ok" and r.json()["rulesets"] > 0
    assert server.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_assess_yaml_and_json_bodies_match_the_cli(server, cli_json, seed: Path):
    want = cli_json[seed.name]
    assert json.loads(want)["elements"]
    r = httpx.post(f"{server}/assess", content=seed.read_bytes(), headers={"content-type": "application/yaml"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.text == want
    as_json = json.dumps(yaml.safe_load(seed.read_text()), default=str)
    r = httpx.post(f"{server}/assess", content=as_json, headers={"content-type": "application/json"})
    assert r.text == want


def test_200_concurrent_requests_give_the_cli_results(server, cli_json):
    bodies = [SEEDS[i % len(SEEDS)] for i in range(200)]

    async def go() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=200)
        async with httpx.AsyncClient(timeout=300, limits=limits) as client:
            return await asyncio.gather(*(client.post(f"{server}/assess", content=p.read_bytes()) for p in bodies))

    with ThreadPoolExecutor(1) as pool:  # a loop of its own: the session's browser runs one on this thread
        responses = pool.submit(asyncio.run, go()).result()
    assert [r.status_code for r in responses] == [200] * 200
    assert all(r.text == cli_json[p.name] for r, p in zip(responses, bodies))


def test_invalid_facts_are_422_with_the_cli_message(server, tmp_path):
    bad = (ROOT / "examples/202425093-clarion.yaml").read_text().replace("topic: repairs", "topic: plumbing", 1)
    path = tmp_path / "bad.yaml"
    path.write_text(bad)
    done = cli("assess", str(path))
    assert done.returncode == 2
    message = done.stderr.strip().removeprefix(f"remedies: error: {path}")
    r = httpx.post(f"{server}/assess", content=bad)
    assert r.status_code == 422
    assert r.json() == {"error": f"request body{message}"}
    assert "plumbing" in message


def test_malformed_oversized_and_bad_dates_never_show_a_traceback(server):
    r = httpx.post(f"{server}/assess", content="case: [unclosed")
    assert r.status_code == 400 and "malformed YAML" in r.json()["error"]
    r = httpx.post(f"{server}/assess", content=b"\xff\xfe")
    assert r.status_code == 400 and "UTF-8" in r.json()["error"]
    r = httpx.post(f"{server}/assess", content=b"a" * 2_000_001)
    assert r.status_code == 413
    r = httpx.post(f"{server}/assess?as_of=31-12-2025", content=SEEDS[0].read_bytes())
    assert r.status_code == 422 and "YYYY-MM-DD" in r.json()["error"]


def test_check_with_inline_facts_matches_the_cli(server, tmp_path):
    draft = yaml.safe_load((ROOT / "examples/drafts/202425093-clarion.yaml").read_text())
    draft["facts"] = yaml.safe_load((ROOT / "examples/202425093-clarion.yaml").read_text())
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(draft, sort_keys=False))
    want = json.loads(cli("check", str(path), "--format", "json").stdout)
    r = httpx.post(f"{server}/check", content=path.read_text())
    got = r.json()
    assert got["draft"]["file"] == "request body" and want["draft"]["file"] == str(path)
    got["draft"]["file"] = want["draft"]["file"]
    assert got == want and got["problems"] is not None


def test_a_draft_naming_a_facts_file_is_refused(server):
    r = httpx.post(f"{server}/check", content=(ROOT / "examples/drafts/202425093-clarion.yaml").read_bytes())
    assert r.status_code == 422 and "inline" in r.json()["error"]


def test_rulesets_and_schemas_match_the_cli(server):
    assert httpx.get(f"{server}/rulesets").text == cli("rulesets", "list", "--format", "json").stdout
    assert httpx.get(f"{server}/rulesets?as_of=2020-01-01").json() != httpx.get(f"{server}/rulesets").json()
    for what in ("facts", "draft", "ruleset"):
        assert httpx.get(f"{server}/schema/{what}").text == cli("schema", what).stdout
    assert httpx.get(f"{server}/schema/other").status_code == 404


def test_trace_levels_match_the_cli(server):
    seed = SEEDS[1]
    for level in ("full", "none"):
        want = cli("assess", str(seed), "--format", "json", "--trace", level).stdout
        assert httpx.post(f"{server}/assess?trace={level}", content=seed.read_bytes()).text == want
    r = httpx.post(f"{server}/assess?trace=everything", content=seed.read_bytes())
    assert r.status_code == 422 and "fired, full, none" in r.json()["error"]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_facts_as_json_come_back_as_a_facts_file_that_assesses_the_same(server, cli_json, seed: Path, tmp_path):
    as_json = json.dumps(yaml.safe_load(seed.read_text()), default=str)
    r = httpx.post(f"{server}/facts.yaml", content=as_json)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/yaml")
    path = tmp_path / "entered.yaml"
    path.write_text(r.text)
    assert r.text.startswith("# Facts of complaint") and "decided_on: 20" in r.text  # dates as YAML dates
    assert cli("assess", str(path), "--format", "json").stdout == cli_json[seed.name]
    opened = httpx.post(f"{server}/facts.json", content=seed.read_bytes())  # what the page fills its form from
    assert opened.status_code == 200 and opened.json()["case"]["reference"] == seed.stem.split("-")[0]
    assert httpx.post(f"{server}/assess", content=opened.text).text == cli_json[seed.name]


def test_facts_yaml_keeps_a_decimal_rent_and_a_line_break_in_the_reference(server, tmp_path):
    facts = {"case": {"reference": "A\nb: c", "landlord": "clarion", "decided_on": "2025-01-06"},
             "elements": [{"id": "a", "topic": "repairs", "impacts": ["distress"],
                           "failures": [{"kind": "repair_delay", "days": 120}],
                           "loss_of_amenity": {"weekly_rent": 123.45, "weeks": 10, "percent": 20}}]}
    r = httpx.post(f"{server}/facts.yaml", content=json.dumps(facts))
    assert r.status_code == 200 and "weekly_rent: 123.45\n" in r.text
    path = tmp_path / "entered.yaml"
    path.write_text(r.text)
    want = httpx.post(f"{server}/assess", content=json.dumps(facts)).text
    assert "123.45" in want
    assert cli("assess", str(path), "--format", "json").stdout == want


@pytest.mark.parametrize("endpoint", ["facts.yaml", "facts.json"])
def test_facts_conversions_refuse_invalid_facts_with_every_problem(server, endpoint):
    bad = {"case": {"reference": "1", "landlord": "clarion"}, "elements": [{"topic": "repairz"}]}
    r = httpx.post(f"{server}/{endpoint}", content=json.dumps(bad))
    assert r.status_code == 422
    assert "[elements.0.id] required field is missing" in r.json()["error"]
    assert "did you mean 'repairs'" in r.json()["error"]


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
def test_report_download_is_the_cli_report(server, fmt):
    seed = SEEDS[-1]
    r = httpx.post(f"{server}/report?format={fmt}", content=seed.read_bytes(), timeout=120)
    assert r.status_code == 200
    assert r.text == cli("assess", str(seed), "--format", fmt).stdout
    assert "What would change this" in r.text or "what would change this" in r.text.lower()


def test_report_refuses_an_unknown_format(server):
    r = httpx.post(f"{server}/report?format=pdf", content=SEEDS[0].read_bytes())
    assert r.status_code == 422 and "html" in r.json()["error"]


def test_the_page_and_its_files_are_served(server):
    page = httpx.get(f"{server}/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for asset in ("static/facts-form.js", "static/page.css"):
        assert f'"{asset}"' in page.text
        r = httpx.get(f"{server}/{asset}")
        assert r.status_code == 200 and len(r.text) > 1000


def test_what_if_is_on_by_default_as_in_the_cli_and_can_be_turned_off(server, cli_json):
    seed = SEEDS[-1]
    assert json.loads(cli_json[seed.name])["elements"][0]["what_would_change"]["up"]
    assert httpx.post(f"{server}/assess?what_if=true", content=seed.read_bytes(), timeout=120).text == cli_json[seed.name]
    without = cli("assess", str(seed), "--format", "json", "--no-what-if").stdout
    assert all(e["what_would_change"] is None for e in json.loads(without)["elements"])
    assert httpx.post(f"{server}/assess?what_if=false", content=seed.read_bytes()).text == without
    r = httpx.post(f"{server}/assess?what_if=yes", content=seed.read_bytes())
    assert r.status_code == 422 and "true or false" in r.json()["error"]
