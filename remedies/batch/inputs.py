"""Which files a batch reads: files as given, directories walked for *.yaml in sorted order."""

from __future__ import annotations

import stat
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
    in its place instead of stopping the run. A file a walk reaches that is already in the list
    (through a link, or a directory given twice) is left out: one case, one set of rows.
    """
    out: list[Source] = []
    seen: set[tuple[int, int]] = set()
    for p in paths:
        try:
            found = sorted(p.rglob("*.yaml"), key=lambda f: f.as_posix()) if p.is_dir() else None
        except OSError:  # a name too long, a loop: the file's own reader says what is wrong with it
            found = None
        if found is None:
            out.append(Source(p, False))  # named: assessed as named, even twice
            if (key := _identity(p)) is not None:
                seen.add(key)
            continue
        for f in found:
            key = _identity(f)
            if key is not None and key not in seen:  # a regular file, not reached before
                out.append(Source(f, True))
                seen.add(key)
    return out


def _identity(path: Path) -> tuple[int, int] | None:
    """The file a path leads to (device, inode), or None if it is not a regular file; one stat."""
    try:
        st = path.stat()
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


FACTS_ONLY_KEYS = ("complaints", "resident")  # top-level keys no other YAML of the project has


def looks_like_facts(data: object) -> bool:
    """Whether a YAML file found in a directory walk is to be assessed as facts.

    Facts have a ``case:`` mapping (reference, landlord), or at least ``complaints:`` or
    ``resident:``. Any other mapping — a ruleset, a draft, a published outcome, a test case — is
    skipped with a note; a file that is not a mapping (or not YAML) is reported as bad, since
    that is what a broken facts file looks like.
    """
    if not isinstance(data, dict):
        return True
    return isinstance(data.get("case"), dict) or any(key in data for key in FACTS_ONLY_KEYS)
