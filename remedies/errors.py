"""Errors a user can act on: each names the file, and the line and field where known."""

from __future__ import annotations


class RemediesError(Exception):
    """Base class for errors reported to the user (exit code 2), never as a traceback."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where = f"{where}:{self.line}"
        field = f" [{self.field}]" if self.field else ""
        prefix = f"{where}:{field} " if where else (f"{field.strip()} " if field else "")
        return f"{prefix}{self.message}".strip()


class InputError(RemediesError):
    """A facts, draft or ruleset file that cannot be read or does not validate."""


class EngineError(RemediesError):
    """The rule engine failed while evaluating a case (an effect raised, or rules conflict)."""
