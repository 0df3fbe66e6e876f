"""`remedies verify` output: a line per property and, for each violation, the facts file(s)
that reproduce it and the `remedies assess` command to run them.

Counterexample files are named by a hash of their content, so the same seed writes the
same names, and a file already there is only ever rewritten with identical text.
"""

from __future__ import annotations

import hashlib
import shlex
import tempfile
from pathlib import Path

import yaml

from ..errors import InputError
from .properties import PROPERTIES, Result, Violation

_WIDTH = max(map(len, PROPERTIES))


def _documents(v: Violation, seed: int) -> list[tuple[str, str]]:
    """(file name suffix, YAML text) for each case of a violation, each headed by why it was written."""
    roles = [""] if len(v.cases) == 1 else ["-before", "-after"]
    header = (f"# Counterexample found by `remedies verify --seed {seed}` to the property '{v.prop}':\n"
              f"#   {PROPERTIES[v.prop]}\n# {v.message}\n")
    notes = {"": "# A case that uses the figures concerned: `remedies assess` shows them at work.\n" if v.where else "",
             "-before": "# This is the case before the change; see the matching -after file.\n",
             "-after": "# This is the case after the change; see the matching -before file.\n"}
    return [(role, header + notes[role] + yaml.safe_dump(case, sort_keys=False, allow_unicode=True))
            for role, case in zip(roles, v.cases)]


def write(v: Violation, out_dir: Path, seed: int) -> list[Path]:
    """Write a violation's counterexample(s) as facts files; return their paths."""
    docs = _documents(v, seed)
    digest = hashlib.sha256("".join(text for _, text in docs).encode()).hexdigest()[:10]
    paths = [out_dir / f"{v.prop}-{digest}{role}.yaml" for role, _ in docs]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for path, (_, text) in zip(paths, docs):
            if not path.exists():
                path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write counterexamples here: {exc.strerror}", file=str(out_dir)) from None
    return paths


def render(results: list[Result], out_dir: Path | None, seed: int, examples: int, rulesets: int,
           ruleset_args: list[Path] | None, landlords: list[str] | None) -> tuple[str, bool]:
    """The report, and whether every property holds. Writes counterexamples under ``out_dir``
    (a new temporary directory if None and there is one to write)."""
    whose = f", cases for {', '.join(landlords)}" if landlords else ""
    lines = [f"remedies verify — {rulesets} rulesets, {examples} examples per property, seed {seed}{whose}"]
    failed = [r.prop for r in results if r.violations]
    target = out_dir
    for r in results:
        lines.append(f"  {'FAIL' if r.violations else 'ok':<5} {r.prop:<{_WIDTH}}  {PROPERTIES[r.prop]}")
        for v in r.violations:
            lines.append(f"        ✗ {v.message}")
            if v.where:
                lines.append(f"          at {v.where}")
            if not v.cases:
                lines.append("          (no generated case reaches these figures)")
                continue
            if target is None:
                target = Path(tempfile.mkdtemp(prefix="remedies-verify-"))
            paths = [str(p) for p in write(v, target, seed)]
            lines.append(f"          facts: {' '.join(paths)}")
            command = ["remedies", "assess", *paths]
            for p in ruleset_args or []:
                command += ["--rulesets", str(p)]
            lines.append(f"          run:   {shlex.join(command)}")
    if failed:
        where = f"; counterexamples are in {target}" if target else ""
        lines.append(f"{len(failed)} of {len(results)} properties violated: {', '.join(failed)}{where}")
    else:
        lines.append(f"All {len(results)} properties hold.")
    return "\n".join(lines) + "\n", not failed
