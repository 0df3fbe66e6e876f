"""Assess files one by one in this process or over N worker processes, yielding results in input order.

Each worker holds the library (inherited by fork, or loaded once per worker elsewhere) and its own
compiled durable rulesets; ``Pool.imap`` keeps input order, so any ``--jobs`` gives the same bytes.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator

from .. import assess, engine, guide, report, rulesets, whatif
from ..errors import RemediesError
from ..yamlio import load_file
from . import summary
from .inputs import Source, looks_like_facts


@dataclass(frozen=True)
class Job:
    """What every file of the batch gets: the rulesets, the date, and what to produce."""

    ruleset_dirs: tuple[Path, ...]
    as_of: date | None
    fmt: str            # text, markdown, json, html: the rendered assessment
    summary: str | None  # csv, jsonl, table: summary rows instead
    trace: str = "fired"
    what_if: bool = False  # what would change each finding, by re-assessing one-fact changes


@dataclass(frozen=True)
class Outcome:
    """One file's result: ``ok`` with its output, ``bad`` or ``internal`` with a one-line message, or ``skipped``."""

    source: Source
    status: str
    output: str = ""
    rows: tuple[dict, ...] = ()
    message: str = ""
    model: report.Report | None = None  # for HTML: several cases are rendered as one page at the end


_LIBRARY: rulesets.Library | None = None
_JOB: Job | None = None


def prepare(job: Job, library: rulesets.Library) -> None:
    """Set what this process assesses with (before forking, workers inherit it)."""
    global _LIBRARY, _JOB
    _LIBRARY, _JOB = library, job


def _worker_init(job: Job) -> None:
    if _LIBRARY is None or _JOB != job:  # a spawned worker: load once, from the ruleset cache where valid
        prepare(job, rulesets.load(list(job.ruleset_dirs) or None))


def assess_one(source: Source) -> Outcome:
    """One file, never raising: a bad file becomes its one-line message."""
    assert _LIBRARY is not None and _JOB is not None
    job = _JOB
    try:
        doc = load_file(source.path)
        if source.found and not looks_like_facts(doc.data):
            return Outcome(source, "skipped")
        case = guide.load_case(doc, _LIBRARY, warn=lambda w: print(f"remedies: warning: {w}", file=sys.stderr))
        try:
            trace = "none" if job.summary else job.trace
            run = engine.assess(case, _LIBRARY, job.as_of, keep_quiet=trace != "none")
            a = assess.build(run, trace, advice=not job.summary)
            changes = whatif.explore(case, _LIBRARY, job.as_of, a, run) if job.what_if else None
        except RemediesError as exc:  # say which file could not be assessed
            raise type(exc)(exc.message, file=exc.file or str(source.path), line=exc.line, field=exc.field) from None
    except RemediesError as exc:
        return Outcome(source, "bad", message=str(exc))
    except Exception as exc:  # a bug: reported for this file, the others still run
        if os.environ.get("REMEDIES_DEBUG"):
            raise
        return Outcome(source, "internal", message=f"{source.path}: internal error: {type(exc).__name__}: {exc}")
    if job.summary:
        return Outcome(source, "ok", rows=tuple(summary.rows(a, str(source.path))))
    model = report.build(a, _LIBRARY, run, changes)
    return Outcome(source, "ok", output=report.render([(a, model, changes)], job.fmt), model=model)


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def run(sources: list[Source], job: Job, library: rulesets.Library, jobs: int) -> Iterator[Outcome]:
    """Every source's outcome, in input order."""
    prepare(job, library)
    if jobs <= 1 or len(sources) <= 1:
        yield from map(assess_one, sources)
        return
    method = "fork" if sys.platform == "linux" else None  # fork: workers inherit the loaded library
    import multiprocessing  # here, not at the top: one process needs none of it

    ctx = multiprocessing.get_context(method)
    chunk = max(1, min(64, len(sources) // (jobs * 8)))
    with ctx.Pool(min(jobs, len(sources)), initializer=_worker_init, initargs=(job,)) as pool:
        yield from pool.imap(assess_one, sources, chunksize=chunk)
