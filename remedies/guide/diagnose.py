"""Every mistake in a facts file in one run, each as file:line: [field] message.

A caseworker writing a file by hand should not need five runs for five typos. Messages say
what to write instead: "did you mean" for a misspelt key, word or landlord, and the date
format with the date they meant (30/09/2025 → 2025-09-30). An unknown landlord is a warning,
not an error: the case is assessed without a landlord policy, and the warning says so.
"""

from __future__ import annotations

import difflib
import re
import types
from typing import Any, Callable, Iterator, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .. import facts
from ..errors import InputError
from ..rulesets import Library
from ..yamlio import Document
from .words import SINGULAR, WORD_FIELDS

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


class FactsErrors(InputError):
    """Several problems in one facts file; printed one a line."""

    def __init__(self, errors: list[InputError]) -> None:
        super().__init__(errors[0].message, file=errors[0].file, line=errors[0].line, field=errors[0].field)
        self.errors = errors

    def __str__(self) -> str:
        lines = [InputError.__str__(e) for e in self.errors]
        return "\nremedies: error: ".join(lines) + \
            f"\nremedies: {len(self.errors)} problems in {self.file}; nothing was assessed"


def _close(word: str, options: list[str]) -> str | None:
    found = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return found[0] if found else None


def _is_key(part: Any) -> bool:
    """pydantic puts union members (``date``, ``literal['never']``) in paths; they are not keys."""
    return isinstance(part, int) or not ("[" in part or part in {"date", "function-after", "bool", "int", "str"})


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType, list) or get_args(annotation):
        for arg in get_args(annotation):
            found = _model_of(arg)
            if found:
                return found
    return None


def _fields_at(loc: tuple) -> list[str]:
    """The keys allowed at ``loc`` in a facts file."""
    model: type[BaseModel] | None = facts.Case
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = next((f for name, f in model.model_fields.items() if part in (name, f.alias)), None)
        model = _model_of(field.annotation) if field else None
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _message(group: list[dict], loc: tuple) -> str:
    types_ = [e["type"] for e in group]
    value = group[0].get("input")
    if any(t.startswith("date_") for t in types_):
        also = " (or 'never')" if any("never" in e["msg"] for e in group if e["type"] == "literal_error") else ""
        m = _DMY.match(str(value)) if isinstance(value, str) else None
        example = f"for {value} write {m[3]}-{int(m[2]):02}-{int(m[1]):02}" if m else "e.g. 2025-09-30"
        return f"{value!r} is not a date: use YYYY-MM-DD{also}, {example}"
    err = group[0]
    if err["type"] == "extra_forbidden":
        allowed = _fields_at(loc[:-1])
        guess = _close(str(loc[-1]), allowed)
        where = f"did you mean '{guess}'?" if guess else f"allowed here: {', '.join(allowed)}"
        return f"unknown field '{loc[-1]}'; {where}"
    if err["type"] == "missing":
        return "required field is missing"
    if err["type"] == "literal_error" and isinstance(value, str):
        allowed = re.findall(r"'([^']*)'", err["msg"])
        guess = _close(value, allowed)
        return f"{err['msg']} (got {value!r}" + (f"; did you mean '{guess}'?)" if guess else ")")
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return f"{err['msg']} (got {value!r})"
    return err["msg"]


def _pydantic(doc: Document, exc: ValidationError) -> list[InputError]:
    groups: dict[tuple, list[dict]] = {}
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if _is_key(p))
        if err["type"] == "extra_forbidden" and err["loc"] and loc[-1:] != err["loc"][-1:]:
            loc += (err["loc"][-1],)  # the unknown key itself, whatever it looks like (e.g. "c[ase")
        groups.setdefault(loc, []).append(err)
    return [InputError(_message(group, loc), file=doc.path, line=doc.line_of(loc),
                       field=".".join(str(p) for p in loc) or None) for loc, group in groups.items()]


def _at(data: Any, path: tuple[str, ...], loc: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(location, value) for each value at ``path`` ("*": every list item) that the file has."""
    if not path:
        yield loc, data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from _at(item, rest, loc + (i,))
    elif isinstance(data, dict) and head in data:
        yield from _at(data[head], rest, loc + (head,))


def _words(doc: Document, library: Library) -> list[InputError]:
    out = []
    vocab = library.vocabulary
    for path, key in WORD_FIELDS:
        known = sorted(getattr(vocab, key))
        for loc, value in _at(doc.data, path):
            if not isinstance(value, str) or value in known:
                continue
            guess = _close(value, known)
            message = f"unknown {SINGULAR[key]} '{value}'"
            if guess:
                message += f"; did you mean '{guess}'?"
            message += f"; known: {', '.join(known)} (`remedies vocabulary {key}` gives their meanings)"
            out.append(InputError(message, file=doc.path, line=doc.line_of(loc), field=".".join(map(str, loc))))
    return out


def _landlord(doc: Document, library: Library) -> list[str]:
    case = doc.data.get("case") if isinstance(doc.data, dict) else None
    landlord = case.get("landlord") if isinstance(case, dict) else None
    known = library.landlords()
    if not isinstance(landlord, str) or landlord in known:
        return []
    near = difflib.get_close_matches(landlord, known, n=3, cutoff=0.4)
    near += [k for k in known if k not in near and (k in landlord or landlord in k)]
    where = InputError("", file=doc.path, line=doc.line_of(("case", "landlord")), field="case.landlord")
    nearest = f"nearest known: {', '.join(near)}" if near else f"landlords with a policy: {', '.join(known)}"
    return [f"{str(where).strip()} no policy ruleset for landlord '{landlord}' ({nearest}); "
            f"no landlord policy is applied, only the Ombudsman's guidance and the Code"]


def _diagnosed(doc: Document, library: Library) -> tuple[facts.Case | None, list[InputError], list[str]]:
    """(the case if it is sound, errors, warnings) for parsed facts (a file, or a request body): the facts
    are validated once, and every problem is found, not the first."""
    if not isinstance(doc.data, dict):
        raise InputError("a facts file must be a mapping with 'case' and 'elements'", file=doc.path, line=1)
    errors: list[InputError] = []
    case = None
    try:
        case = facts.Case.model_validate(doc.data)
    except ValidationError as exc:
        errors += _pydantic(doc, exc)
    errors += _words(doc, library)
    if case is not None and not errors:
        try:  # what one field cannot check alone: ids, references, dates against the decision
            facts.check_vocabulary(doc, case, library.vocabulary)
        except InputError as exc:
            errors.append(exc)
    errors.sort(key=lambda e: e.line or 0)
    return (None if errors else case), errors, _landlord(doc, library)


def load_case(doc: Document, library: Library, warn: Callable[[str], None]) -> facts.Case:
    """Parsed facts as a Case, every problem reported at once; warnings go to ``warn``."""
    case, errors, warnings = _diagnosed(doc, library)
    for w in warnings:
        warn(w)
    if case is None:
        raise errors[0] if len(errors) == 1 else FactsErrors(errors)
    return case


def case_from_document(doc: Document, library: Library) -> facts.Case:
    """Parsed facts (e.g. a request body) as a Case, every problem reported at once; warnings are dropped
    (the assessment's notes say that no landlord policy applied)."""
    return load_case(doc, library, warn=lambda _: None)
