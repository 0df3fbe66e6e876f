"""Fuzz: mutated facts files, drafts and rulesets never give an internal error (exit 3) or hang.

The seeds are the shipped examples; hypothesis mutates their bytes (deletes, inserts, repeats
and swaps lines, flips bytes, splices in YAML's troublesome tokens). Each example runs the real
command in-process; a watchdog ends the whole run if one input hangs. `make test` runs the
bounded "ci" profile; `make fuzz` runs 10,000 mutated facts files (profile "fuzz").
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import shutil
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile_runner import ROOT
from remedies.cli import main

SEEDS = sorted((ROOT / "examples").glob("*.yaml"))
DRAFTS = sorted((ROOT / "examples" / "drafts").glob("*.yaml"))
POLICY = ROOT / "rulesets" / "landlords" / "clarion.yaml"
SECONDS_PER_INPUT = 5
HANG = 120  # the watchdog: no single input may take this long
TOKENS = [b"\x00", b"\x1b[2J", b"\t", b"\r", b"\xff\xfe", b"\xc3", b"1:30", b"010", b"0x1F", b"!!int x", b"!!bool q",
          b"!!binary aGk=", b"!!set {a}", b"!!timestamp 2001-12-14", b"&a [1]", b"*a", b"<<: {a: 1}", b"? [a]",
          b"9" * 40, b"-9", b"1e999", b".nan", b".inf", b"9999-12-31", b"1752192000", b"1990-01-01", b"2100-12-31",
          b"null", b"~", b"yes", b"no", b"[", b"]", b"{", b"}", b"- ", b": ", b"'", b'"', b"#", b"\n", b"  ", b"---",
          b"...", b"%YAML 1.1\n---\n", b"never", b"fully", b"count: 1000000"]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """The seed with 1–4 edits."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "flip", "line", "repeat"]))
        if kind == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif kind == "replace":
            end = data.find(b"\n", at)
            data[at:end if end >= 0 else len(data)] = draw(st.sampled_from(TOKENS))
        elif kind == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind in ("line", "repeat"):
            lines = bytes(data).split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if kind == "line":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines[i:i] = [lines[j]] * draw(st.integers(1, 3))
            data = bytearray(b"\n".join(lines))
    return bytes(data)


def seeded(paths: list[Path]) -> st.SearchStrategy[tuple[Path, bytes]]:
    return st.sampled_from(paths).flatmap(lambda p: st.tuples(st.just(p), mutated(p.read_bytes())))


def run(args: list[str]) -> int:
    """The command's exit code, in-process, its output discarded; an input may not take more than
    SECONDS_PER_INPUT of CPU (the machine may be shared, so not wall time), and a hang ends the run."""
    started = time.process_time()
    faulthandler.dump_traceback_later(HANG, exit=True, file=sys.__stderr__)
    code = 0
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            main(args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    finally:
        faulthandler.cancel_dump_traceback_later()
    spent = time.process_time() - started
    assert spent < SECONDS_PER_INPUT, f"took {spent:.1f} s of CPU"
    assert code != 3, err.getvalue()
    return code


def fuzz_settings() -> settings:
    """The loaded profile's number of examples; no database, so runs do not write files to the checkout."""
    return settings(settings.default, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])


@fuzz_settings()
@given(seeded(SEEDS))
def test_mutated_facts_never_crash_or_hang(tmp_path_factory, seed_and_bytes):
    seed, data = seed_and_bytes
    path = tmp_path_factory.mktemp("facts") / seed.name
    path.write_bytes(data)
    code = run(["assess", str(path), "--format", "json"])
    assert code in (0, 2), f"exit {code} for a mutation of {seed.name}"


@fuzz_settings()
@given(seeded(DRAFTS))
def test_mutated_drafts_never_crash_or_hang(tmp_path_factory, seed_and_bytes):
    seed, data = seed_and_bytes
    folder = tmp_path_factory.mktemp("draft")
    path = folder / "drafts" / seed.name
    path.parent.mkdir()
    path.write_bytes(data)
    shutil.copy(ROOT / "examples" / seed.name, folder / seed.name)  # its facts: ../NAME
    code = run(["check", str(path)])
    assert code in (0, 1, 2), f"exit {code} for a mutation of drafts/{seed.name}"


@fuzz_settings()
@given(mutated(POLICY.read_bytes()))
def test_mutated_rulesets_never_crash_or_hang(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("rulesets")
    shutil.copytree(ROOT / "rulesets", folder, dirs_exist_ok=True)
    (folder / "landlords" / POLICY.name).write_bytes(data)
    code = run(["assess", str(ROOT / "examples" / "202425093-clarion.yaml"), "--rulesets", str(folder)])
    assert code in (0, 2), f"exit {code} for a mutation of the Clarion policy"
