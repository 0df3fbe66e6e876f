"""Benchmark: the cost of assessing the seed cases through durable_rules, as a ratio.

The baseline is the pure-Python reference interpreter of the same compiled conditions,
measured in the same run on the same machine, so the ratio means something anywhere:
    make bench            (or: python benchmarks/run.py [--repeat N])
Prints seconds per case for each matcher and the ratio durable / reference. Not a test:
nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from remedies import assessment, engine, facts, rulesets

ROOT = Path(__file__).resolve().parent.parent


def _time(cases: list, library: rulesets.Library, matcher: str, repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for case in cases:
            assessment.build(engine.assess(case, library, matcher=matcher))
        runs.append((time.perf_counter() - start) / len(cases))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20, help="timed rounds over all seed cases (default 20)")
    args = parser.parse_args()
    library = rulesets.load()
    cases = [facts.load(p, library.vocabulary) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    start = time.perf_counter()
    library_again = rulesets.load()
    load_seconds = time.perf_counter() - start
    _time(cases, library, "durable", 1)  # compile and register once, outside the timing
    results = {m: _time(cases, library, m, args.repeat) for m in ("reference", "durable")}
    med = {m: statistics.median(r) for m, r in results.items()}
    print(f"rulesets loaded and validated in {load_seconds * 1000:.1f} ms ({len(library_again.rulesets)} files)")
    print(f"{len(cases)} seed cases × {args.repeat} rounds; median seconds per case:")
    for m in ("reference", "durable"):
        print(f"  {m:<10} {med[m] * 1000:8.2f} ms   (min {min(results[m]) * 1000:.2f}, max {max(results[m]) * 1000:.2f})")
    print(f"ratio durable / reference: {med['durable'] / med['reference']:.2f}×")


if __name__ == "__main__":
    main()
