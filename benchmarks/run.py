"""Benchmarks for a caseload, each figure printed with its ratio to a baseline measured in the same run.

    make bench                       (or: python benchmarks/run.py [--cases N] [--memory-cases N])

1. One case through the CLI against `python -c "import durable.engine, pydantic, click, yaml"`
   (target: at most 2×), as the assessment alone (`--no-what-if`) and as run by default (with
   "what would change this", which re-assesses the case once per one-fact change).
2. A batch on one core: `remedies assess DIR --summary csv --jobs 1` over a generated caseload
   shaped like the seeds (benchmarks/caseload.py, seeded), in cases per second (target: at least
   500), against today's per-case path: the code this work started from (git commit BASELINE,
   unpacked to a temporary directory), assessing its own seed files the way it could, many files
   in one process with the full JSON (target: at least 5×).
3. Memory over a long run: resident memory after warm-up and after --memory-cases cases
   assessed in one process (target: at most +10 MB).
4. The matchers: seconds per seed case through durable_rules and through the reference
   interpreter (a ratio, no target).
Each command's wall time and its CPU time are both shown: on a shared machine the CPU time is
what it would take on a core of its own. Not a test: nothing here passes or fails, and nothing
in `make test` is timed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import caseload  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "afae7a84da035678c47cacd166c491fade195045"  # main when the caseload work began
SEED = ROOT / "examples" / "202425093-clarion.yaml"


def _env(cache: Path) -> dict[str, str]:
    """Our modules get bytecode like the installed dependencies have; a cache of our own, warmed first."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["REMEDIES_CACHE_DIR"] = str(cache)
    return env


def _timed(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, float]:
    """Wall seconds, and CPU seconds (user + system) of the command: on a shared machine the CPU time
    is what the command would take on a core of its own."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"benchmark command failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _wall(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    return _timed(cmd, env, cwd)[0]


def _median(cmd: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall and median CPU seconds over ``runs``, after a warm-up run."""
    _timed(cmd, env)  # warm: bytecode, the ruleset cache, the page cache
    times = [_timed(cmd, env) for _ in range(runs)]
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def _line(label: str, value: str, ratio: float, target: str, met: bool) -> None:
    print(f"  {label:<44} {value:>14}   ratio {ratio:6.2f}×   target {target:<7} {'met' if met else 'NOT met'}")


def startup(env: dict[str, str], runs: int) -> None:
    """The default run re-assesses the case once per one-fact change ("what would change this", ~170 runs of
    the engine for this seed); `--no-what-if` is the assessment alone. Both are shown against the target."""
    base = _median([sys.executable, "-c", "import durable.engine, pydantic, click, yaml"], env, runs)
    # for scale: pydantic imports most of itself only when a first model is defined
    model = _median([sys.executable, "-c", "import durable.engine, pydantic, click, yaml\n"
                     "class M(pydantic.BaseModel):\n    x: int"], env, runs)
    seed = [sys.executable, "-m", "remedies", "assess", str(SEED), "--format", "json"]
    alone = _median(seed + ["--no-what-if"], env, runs)
    full = _median(seed, env, runs)
    print(f"1. one case through the CLI (median of {runs} runs; wall time, then CPU time)")
    for i, kind in enumerate(("wall", "CPU")):
        print(f"  {f'baseline: import durable.engine, pydantic, click, yaml ({kind})':<44} {base[i] * 1000:>11.0f} ms")
        print(f"  {f'for scale: the same and one pydantic model ({kind})':<44} {model[i] * 1000:>11.0f} ms   "
              f"ratio {model[i] / base[i]:6.2f}×")
        for label, got in (("--format json --no-what-if", alone), ("--format json (with what-if)", full)):
            _line(f"assess SEED {label} ({kind})", f"{got[i] * 1000:.0f} ms", got[i] / base[i], "≤ 2×",
                  got[i] / base[i] <= 2)


def _baseline_rate(work: Path, env: dict[str, str], files: int) -> tuple[float, float] | None:
    """Cases per wall and per CPU second of the code at BASELINE, on copies of its own seed files, one process."""
    old = work / "baseline"
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE, "remedies", "rulesets", "examples"],
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    old.mkdir()
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
    seeds = sorted((old / "examples").glob("*.yaml"))
    paths = []
    for i in range(files):
        p = old / "caseload" / f"{i:05d}-{seeds[i % len(seeds)].name}"
        p.parent.mkdir(exist_ok=True)
        shutil.copyfile(seeds[i % len(seeds)], p)
        paths.append(str(p))
    run = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(old)!r}); import remedies.cli as c; "
           f"assert c.__file__.startswith({str(old)!r}); c.main(sys.argv[1:])",
           "assess", "--rulesets", str(old / "rulesets"), "--format", "json", *paths]
    seconds, cpu = _timed(run, env)
    return files / seconds, files / cpu


def batch(work: Path, env: dict[str, str], n: int, baseline_files: int) -> None:
    folder = work / "caseload"
    start = time.perf_counter()
    caseload.write(folder, n)
    print(f"2. batch on one core, summary output ({n:,} generated cases, written in {time.perf_counter() - start:.1f} s)")
    seconds, cpu = _timed([sys.executable, "-m", "remedies", "assess", str(folder), "--summary", "csv", "--jobs",
                           "1", "-o", str(work / "summary.csv")], env)
    rows = (work / "summary.csv").read_text().count("\n") - 1
    old = _baseline_rate(work, env, baseline_files)
    for kind, rate, old_rate in (("wall", n / seconds, old and old[0]), ("CPU", n / cpu, old and old[1])):
        print(f"  {f'remedies assess DIR --summary csv --jobs 1 ({kind})':<44} {rate:>9.0f} cases/s   "
              f"({rows:,} rows)   target ≥ 500 cases/s {'met' if rate >= 500 else 'NOT met'}")
        if old_rate is None:
            print(f"  today's per-case path: not measured (git commit {BASELINE[:8]} is not available here)")
            continue
        print(f"  {f'baseline: commit {BASELINE[:8]}, {baseline_files} files, json ({kind})':<44} "
              f"{old_rate:>9.1f} cases/s")
        _line(f"batch against the baseline ({kind})", f"{rate:.0f} cases/s", rate / old_rate, "≥ 5×",
              rate / old_rate >= 5)


def _rss() -> int:
    """Resident memory of this process in bytes."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def memory(n: int, warm: int) -> None:
    from remedies import assess, engine, facts, rulesets
    from remedies.batch import summary
    from remedies.yamlio import Document

    library = rulesets.load()
    sink = open(os.devnull, "w")
    before = 0
    start = time.perf_counter()
    for i, case in enumerate(caseload.cases(n + warm, seed=1)):
        if i == warm:
            before = _rss()
        doc = Document(f"case-{i}.yaml", case, {})  # validated as a parsed file is, without the YAML round trip
        run = engine.assess(facts.from_document(doc, library.vocabulary), library, keep_quiet=False)
        sink.write(summary.csv_rows(summary.rows(assess.build(run, "none", advice=False), doc.path)))
        if sys.stderr.isatty() and i % 1000 == 0:
            print(f"\r  {i:,}/{n + warm:,}", end="", file=sys.stderr)
    growth = (_rss() - before) / 2**20
    print(f"\r3. memory over {n:,} cases in one process, after {warm:,} to warm up "
          f"({time.perf_counter() - start:.0f} s)")
    print(f"  {'resident memory growth':<44} {growth:>+11.1f} MB   target ≤ +10 MB {'met' if growth <= 10 else 'NOT met'}")


def matchers(rounds: int) -> None:
    from remedies import assess, engine, facts, rulesets

    library = rulesets.load()
    cases = [facts.load(p, library.vocabulary) for p in sorted((ROOT / "examples").glob("*.yaml"))]

    def per_case(matcher: str) -> float:
        start = time.perf_counter()
        for _ in range(rounds):
            for case in cases:
                assess.build(engine.assess(case, library, matcher=matcher), "full")
        return (time.perf_counter() - start) / (rounds * len(cases))
    per_case("durable")  # compile and register once, outside the timing
    ref, dur = per_case("reference"), per_case("durable")
    print(f"4. matchers, {len(cases)} seed cases × {rounds} rounds, full trace")
    print(f"  reference {ref * 1000:.2f} ms/case, durable_rules {dur * 1000:.2f} ms/case; ratio durable / reference "
          f"{dur / ref:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000, help="generated caseload for the batch (10,000)")
    parser.add_argument("--baseline-files", type=int, default=200, help="files for today's per-case path (200)")
    parser.add_argument("--memory-cases", type=int, default=100_000, help="cases for the memory figure (100,000)")
    parser.add_argument("--runs", type=int, default=9, help="runs of the one-case CLI figure (9)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="remedies-bench-") as tmp:
        work = Path(tmp)
        env = _env(work / "cache")
        os.environ["REMEDIES_CACHE_DIR"] = str(work / "cache")
        startup(env, args.runs)
        batch(work, env, args.cases, args.baseline_files)
        if args.memory_cases > 0:
            memory(args.memory_cases, warm=1_000)
        matchers(rounds=5)


if __name__ == "__main__":
    main()
