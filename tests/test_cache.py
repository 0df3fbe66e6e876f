"""The ruleset cache: used when the bytes are the same, never when anything it was built from changed."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from remedies import cache, rulesets

from conftest import ROOT


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("REMEDIES_CACHE_DIR", str(d))
    monkeypatch.delenv("REMEDIES_CACHE", raising=False)
    return d


def _band_max(library: rulesets.Library) -> int:
    return library.get("hos-remedies-guidance").param("band_maladministration", date(2024, 1, 1)).max


def test_a_second_load_reads_the_same_library_from_the_cache(cache_dir):
    first = rulesets.load()
    entries = list(cache_dir.glob("rulesets-*.pickle"))
    assert len(entries) == 1
    second = rulesets.load()
    assert second is not first
    assert [(r.id, r.digest, r.spec) for r in second.rulesets] == [(r.id, r.digest, r.spec) for r in first.rulesets]
    assert second.vocabulary == first.vocabulary
    assert list(cache_dir.glob("rulesets-*.pickle")) == entries


def test_an_edited_user_ruleset_is_read_afresh_never_from_a_stale_entry(cache_dir, tmp_path):
    mine = tmp_path / "rules"
    shutil.copytree(ROOT / "rulesets", mine)
    before = _band_max(rulesets.load([mine]))
    guidance = mine / "ombudsman" / "remedies-guidance.yaml"
    text = guidance.read_text()
    assert f"min: 100, max: {before}, source: band-100-600" in text
    guidance.write_text(text.replace(f"min: 100, max: {before}, source: band-100-600",
                                     f"min: 100, max: {before + 50}, source: band-100-600"))
    assert _band_max(rulesets.load([mine])) == before + 50
    assert len(list(cache_dir.glob("rulesets-*.pickle"))) == 2


def test_a_bad_edit_is_still_reported_after_a_good_load_was_cached(cache_dir, tmp_path):
    mine = tmp_path / "rules"
    shutil.copytree(ROOT / "rulesets", mine)
    rulesets.load([mine])
    guidance = mine / "ombudsman" / "remedies-guidance.yaml"
    guidance.write_text(guidance.read_text().replace("source: band-100-600", "source: nowhere", 1))
    with pytest.raises(rulesets.InputError, match="unknown source 'nowhere'"):
        rulesets.load([mine])


def test_off_switch_and_unreadable_entries(cache_dir, monkeypatch):
    monkeypatch.setenv("REMEDIES_CACHE", "0")
    rulesets.load()
    assert not cache_dir.exists()
    monkeypatch.delenv("REMEDIES_CACHE")
    rulesets.load()
    (entry,) = cache_dir.glob("rulesets-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert rulesets.load().get("hos-remedies-guidance").id == "hos-remedies-guidance"
    assert entry.read_bytes() != b"not a pickle"  # rebuilt


def test_the_key_covers_the_package_code_and_the_inputs(monkeypatch):
    k = cache.key("rulesets", [b"a"])
    assert cache.key("rulesets", [b"b"]) != k and cache.key("rulesets", [b"a", b""]) != k
    monkeypatch.setattr(cache, "_SOURCE_DIGEST", "another version of the code")
    assert cache.key("rulesets", [b"a"]) != k
