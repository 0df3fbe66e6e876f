"""Guided fact entry: the allowed words with their meanings, a schema that names them, and
every mistake in a facts file reported in one run, with "did you mean"."""

from .diagnose import FactsErrors, case_from_document, load_case
from .schema import facts_schema
from .words import WORD_FIELDS, descriptions

__all__ = ["FactsErrors", "case_from_document", "WORD_FIELDS", "descriptions", "facts_schema", "load_case"]
