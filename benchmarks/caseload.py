"""A seeded caseload shaped like the seed cases: each one a seed with its dates moved and its reference renamed.

Moving every date of a seed by the same number of days keeps it a valid, coherent case while
changing which Code, Scheme, guidance and landlord policy are in force, and the bank holidays
its working days cross; the same seed number gives the same caseload, byte for byte.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterator

import yaml

ROOT = Path(__file__).resolve().parent.parent
SHIFT_DAYS = 400  # dates move up to this many days either way
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def seeds() -> list[dict]:
    return [yaml.safe_load(p.read_text()) for p in sorted((ROOT / "examples").glob("*.yaml"))]


def _shift(value: Any, delta: timedelta) -> Any:
    if isinstance(value, date):
        return value + delta
    if isinstance(value, dict):
        return {k: _shift(v, delta) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, delta) for v in value]
    return value


def cases(n: int, seed: int = 0) -> Iterator[dict]:
    """``n`` facts mappings, in a fixed order for a given ``seed``."""
    base = seeds()
    rng = random.Random(seed)
    for i in range(n):
        case = _shift(base[i % len(base)], timedelta(days=rng.randint(-SHIFT_DAYS, SHIFT_DAYS)))
        case["case"]["reference"] = f"{case['case']['reference']}-{i}"
        yield case


def write(directory: Path, n: int, seed: int = 0) -> list[Path]:
    """The caseload as facts files, named so that sorted order is generation order."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, case in enumerate(cases(n, seed)):
        path = directory / f"{i:06d}.yaml"
        path.write_text(yaml.dump(case, Dumper=_DUMPER, sort_keys=False, allow_unicode=True))
        paths.append(path)
    return paths
