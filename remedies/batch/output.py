"""Assemble a batch's output in input order: streamed to stdout as results arrive, or kept for -o.

For several files, JSON is one list (each case indented as ``json.dumps`` of the list would
indent it, so the bytes are those of dumping the list), other formats are the cases one after
another; a summary is CSV or JSON lines row by row, or a table laid out at the end.
"""

from __future__ import annotations

from typing import TextIO

from ..report import html
from . import summary
from .runner import Job, Outcome


class Sink:
    """Where outcomes go; ``close()`` returns what was not streamed (all of it when writing to a file)."""

    def __init__(self, job: Job, single: bool, stream: TextIO | None) -> None:
        self.job, self.single, self.stream = job, single, stream
        self.kept: list[str] = []
        self.rows: list[dict] = []
        self.models: list = []
        self.count = 0
        if job.summary == "csv":
            self._emit(summary.csv_header())

    def _emit(self, text: str) -> None:
        if self.stream is None:
            self.kept.append(text)
        else:
            self.stream.write(text)
            self.stream.flush()

    def add(self, outcome: Outcome) -> None:
        first = self.count == 0
        self.count += 1
        kind = self.job.summary
        if kind == "csv":
            self._emit(summary.csv_rows(list(outcome.rows)))
        elif kind == "jsonl":
            self._emit(summary.jsonl_rows(list(outcome.rows)))
        elif kind == "table":
            self.rows.extend(outcome.rows)
        elif self.job.fmt == "html" and not self.single:
            self.models.append(outcome.model)  # one page with an index, written at the end
        elif self.job.fmt == "json" and not self.single:
            body = "\n".join("  " + line for line in outcome.output.rstrip("\n").split("\n"))
            self._emit(("[\n" if first else ",\n") + body)
        else:
            self._emit(("" if first else "\n") + outcome.output)

    def close(self) -> str:
        if self.job.summary == "table":
            self._emit(summary.table(self.rows))
        elif self.job.fmt == "json" and not self.single and not self.job.summary:
            self._emit("\n]\n" if self.count else "[]\n")
        elif self.job.fmt == "html" and not self.single and not self.job.summary and self.models:
            self._emit(html.render(self.models))
        return "".join(self.kept)
