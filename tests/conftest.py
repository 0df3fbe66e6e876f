"""Shared fixtures, the bounded hypothesis profile, and the YAML case collector.

Case files (tests/golden/*.yaml, tests/cases/*.yaml) read like cases, OpenFisca-style:
input facts (a path or inline) and the expected outcome. Each becomes one pytest item.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, settings

from remedies import assess, engine, facts, rulesets

ROOT = Path(__file__).resolve().parent.parent

# the suite (and the servers and CLIs it starts) caches rulesets in a directory of its own, never the user's
_CACHE = tempfile.mkdtemp(prefix="remedies-test-cache-")
os.environ["REMEDIES_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

_profiles = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["remedies"]["hypothesis"]
for _name, _opts in _profiles.items():
    settings.register_profile(_name, deadline=None, suppress_health_check=[HealthCheck.too_slow], **_opts)
settings.load_profile(os.environ.get("REMEDIES_HYPOTHESIS_PROFILE", "ci"))  # `make fuzz` picks "fuzz"


@pytest.fixture(scope="session")
def library() -> rulesets.Library:
    return rulesets.load()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole run (installed when missing), driven by Playwright."""
    from playwright.sync_api import sync_playwright

    from chromium import LAUNCH_ARGS, ensure_chromium

    path = ensure_chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(path), args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    """Where the browser tests leave their screenshots: REMEDIES_SCREENSHOTS, else a temporary directory."""
    d = Path(os.environ["REMEDIES_SCREENSHOTS"]) if os.environ.get("REMEDIES_SCREENSHOTS") else \
        tmp_path_factory.mktemp("screenshots")
    d.mkdir(parents=True, exist_ok=True)
    return d


def assess_path(path: Path, library: rulesets.Library, as_of=None, matcher: str = "durable") -> dict:
    case = facts.load(path, library.vocabulary)
    return assess.build(engine.assess(case, library, as_of, matcher=matcher))


def pytest_collect_file(parent, file_path: Path):
    if file_path.suffix == ".yaml" and file_path.parent.name in ("golden", "cases") \
            and file_path.parent.parent == ROOT / "tests":
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self):
        spec = yaml.safe_load(self.path.read_text())
        yield CaseItem.from_parent(self, name=self.path.stem, spec=spec)


class CaseItem(pytest.Item):
    def __init__(self, *, spec: dict, **kwargs):
        super().__init__(**kwargs)
        self.spec = spec

    def runtest(self) -> None:
        spec = self.spec
        lib = rulesets.load()
        source = spec["facts"]
        with tempfile.TemporaryDirectory() as tmp:
            path = ROOT / source if isinstance(source, str) else Path(tmp) / "facts.yaml"
            if not isinstance(source, str):
                path.write_text(yaml.safe_dump(source, sort_keys=False))
            result = assess_path(path, lib, spec.get("as_of"))
        check_expectations(result, spec["expect"])

    def reportinfo(self):
        return self.path, 0, f"case: {self.spec.get('case', self.name)}"


def check_expectations(result: dict, expect: dict) -> None:
    tolerance = expect.get("tolerance", 0)
    by_id = {e["id"]: e for e in result["elements"]}
    if "elements" in expect:
        assert set(by_id) == set(expect["elements"]), "the assessment's elements differ from the expected ones"
    for el_id, want in expect.get("elements", {}).items():
        got = by_id[el_id]
        assert got["finding"] == want["finding"], f"{el_id}: finding {got['finding']}, expected {want['finding']}"
        if "amount" in want:  # to the penny: both sides read as exact decimals
            assert abs(Decimal(str(got["amount"])) - Decimal(str(want["amount"]))) <= tolerance, \
                f"{el_id}: amount £{got['amount']}, expected £{want['amount']} ± £{tolerance}"
        for key in ("offered", "points", "level_before_redress"):
            if key in want:
                assert got[key] == want[key], f"{el_id}: {key} {got[key]}, expected {want[key]}"
        for rule in want.get("not_fired", []):
            fired = [t["rule"] for t in got["trace"] if t["status"] == "fired"]
            assert rule not in fired, f"{el_id}: rule {rule} fired, and should not have"
        if "paragraph" in want:
            assert got["paragraph"] == want["paragraph"], f"{el_id}: paragraph {got['paragraph']}"
        for rule in want.get("fired", []):
            fired = [t["rule"] for t in got["trace"] if t["status"] == "fired"]
            assert rule in fired, f"{el_id}: rule {rule} did not fire; fired: {fired}"
        for name, value in want.get("derived", {}).items():
            derived = {d["kind"]: d for d in got["derived_failures"]}
            assert name in derived, f"{el_id}: no derived failure {name}"
            for k, v in value.items():
                assert derived[name][k] == v, f"{el_id}: {name}.{k} = {derived[name][k]}, expected {v}"
    if "total" in expect:
        assert abs(result["total"] - expect["total"]) <= tolerance, \
            f"total £{result['total']}, expected £{expect['total']} ± £{tolerance}"
    orders = {o["id"] for o in result["orders"]}
    for order in expect.get("orders_include", []):
        assert order in orders, f"order {order} missing; orders: {sorted(orders)}"
    for order in expect.get("orders_exclude", []):
        assert order not in orders, f"order {order} should not be made"
