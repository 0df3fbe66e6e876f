"""Run the real command in a child process with bounded memory and time, as a user would."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "202425093-clarion.yaml"
DRAFT = ROOT / "examples" / "drafts" / "202425093-clarion.yaml"
MEMORY = 300 * 1024 * 1024  # address space of the child: the bound
CPU_SECONDS = 5  # the bound on the work done for one input
WALL_SECONDS = 30  # only to catch a hang on a machine shared with others; CPU time is what is asserted


@dataclass
class Result:
    code: int
    out: str
    err: str
    cpu: float


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    # a child that runs past the bound is stopped (SIGXCPU), so a slow case fails fast
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS + 1, CPU_SECONDS + 1))


def remedies(*args: str, cwd: Path | None = None, env: dict | None = None, prefix: tuple[str, ...] = ()) -> Result:
    """``remedies ARGS`` in a child limited to MEMORY; its CPU time is measured, a hang times out."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([*prefix, sys.executable, "-m", "remedies", *args], capture_output=True, text=True,
                          timeout=WALL_SECONDS, preexec_fn=_limits, cwd=cwd or ROOT,
                          env={**os.environ, **(env or {})}, errors="replace")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Result(proc.returncode, proc.stdout, proc.stderr, cpu)


def assert_bad_input(result: Result, *fragments: str) -> None:
    """Exit 2, one line on stderr naming what is wrong, nothing on stdout, within the bounds."""
    assert result.code == 2, f"exit {result.code}: {result.err[-500:]}"
    assert "Traceback" not in result.err and "internal error" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err[-800:]
    assert lines[0].startswith("remedies"), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0][:600]!r}"
    assert result.cpu < CPU_SECONDS, f"took {result.cpu:.1f} s of CPU"
