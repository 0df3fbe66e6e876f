"""Which files a batch reads: files as given, directories walked for *.yaml in sorted order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Source:
    """One file to assess; ``found`` if a directory walk found it rather than the user naming it."""

    path: Path
    found: bool


def expand(paths: list[Path]) -> list[Source]:
    """Named files in the order given; each directory's *.yaml, recursively, sorted by path (deterministic).

    A named path that does not exist stays in the list, so that it is reported as a bad file
    in its place instead of stopping the run.
    """
    out: list[Source] = []
    for p in paths:
        if p.is_dir():
            out.extend(Source(f, True) for f in sorted(p.rglob("*.yaml"), key=lambda f: f.as_posix()) if f.is_file())
        else:
            out.append(Source(p, False))
    return out


# Top-level keys that mark another kind of file: a ruleset, a draft determination, a test case.
OTHER_KINDS = {"kind": "ruleset", "determined_on": "draft", "expect": "test case", "facts": "draft or test case"}


def other_kind(data: object) -> str | None:
    """What a YAML file found in a directory walk is instead of facts, if it clearly is something else.

    Facts have a ``case:`` mapping (reference, landlord). A file without one that carries another
    kind's mark (``kind:``, ``determined_on:``, ``expect:``, ``facts:``) is skipped with a note;
    anything else is assessed as facts, so a broken facts file is reported, never skipped.
    """
    if not isinstance(data, dict) or isinstance(data.get("case"), dict):
        return None
    return next((kind for key, kind in OTHER_KINDS.items() if key in data), None)
