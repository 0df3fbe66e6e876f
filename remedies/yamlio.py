"""Safe YAML loading that remembers where every value came from.

Errors must name the file and line of the offending field, so the loader keeps a
map from each path (tuple of keys/indexes) to its line, and rejects duplicate keys,
which PyYAML would otherwise silently overwrite.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

MAX_BYTES = 2_000_000  # a facts or ruleset file larger than this is refused, not parsed

Location = tuple[Any, ...]


# libyaml's parser where PyYAML was built with it (the usual wheels are): the same nodes, marks and
# constructors, parsed in C, several times faster on a caseload; the pure-Python one otherwise.
_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader that records node lines and refuses duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        line = key_node.start_mark.line + 1
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise InputError(f"duplicate key '{key}' (first given on line {seen[key]})",
                             file=loader.name, line=line, field=str(key))
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Numbers with a decimal point become exact Decimals, never binary floats (money is exact).
def _construct_decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal:
    try:
        value = Decimal(loader.construct_scalar(node).replace("_", ""))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise InputError(f"'{node.value}' is not a finite number", file=loader.name, line=node.start_mark.line + 1)
    return value


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
# Dates stay strings so that pydantic, not the YAML parser, rejects 2024-02-30 with the field's line.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


MAX_DEPTH = 64  # no facts, draft or ruleset file nests anywhere near this; a bound, not a guidance figure


def _line_map(node: yaml.Node, path: Location, out: dict[Location, int], seen: set[int], name: str) -> None:
    """Record the line of every value; refuse aliases, whose repeated expansion can be made to explode,
    and absurd nesting (before anything recursive is built from it)."""
    if len(path) > MAX_DEPTH:
        raise InputError("nested too deeply to be a facts, draft or ruleset file", file=name,
                         line=node.start_mark.line + 1)
    if id(node) in seen:
        raise InputError("YAML aliases (*name) are not supported; write the value out", file=name,
                         line=node.start_mark.line + 1)
    seen.add(id(node))
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError("a key must be a plain word, not a list or mapping", file=name,
                                 line=key_node.start_mark.line + 1)
            key = key_node.value
            out[path + (key,)] = key_node.start_mark.line + 1
            _line_map(value_node, path + (key,), out, seen, name)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, path + (index,), out, seen, name)


class Document:
    """A parsed YAML file: its data and the line of every value in it."""

    def __init__(self, path: str, data: Any, lines: dict[Location, int]) -> None:
        self.path = path
        self.data = data
        self.lines = lines

    def line_of(self, location: Location) -> int | None:
        """Line of the deepest known prefix of ``location`` (pydantic paths may go deeper)."""
        loc = tuple(location)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), None)


def load_text(text: str, name: str) -> Document:
    """Parse YAML text safely; syntax errors become InputError with the line."""
    loader = _Loader(text)
    loader.name = name
    lines: dict[Location, int] = {}
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError("the file is empty", file=name)
        _line_map(node, (), lines, set(), name)
        data = loader.construct_document(node)
    except InputError:
        raise
    except RecursionError:
        raise InputError("nested too deeply to be a facts, draft or ruleset file", file=name) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "malformed YAML"
        raise InputError(f"malformed YAML: {problem}", file=name, line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {exc}", file=name) from None
    finally:
        loader.dispose()
    return Document(name, data, lines)


def load_file(path: str | Path) -> Document:
    """Read and parse one YAML file, with clear errors for missing, huge or binary files."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise InputError("no such file", file=name)
    if p.is_dir():
        raise InputError("is a directory, not a YAML file", file=name)
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"file is {size:,} bytes; the limit is {MAX_BYTES:,}", file=name)
    try:
        text = p.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", file=name) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=name) from None
    if not text.strip():
        raise InputError("the file is empty", file=name)
    return load_text(text, name)


def parse_model(doc: Document, model: type, data: Any = None, base: Location = ()) -> Any:
    """Validate ``data`` (default: the whole document) into a pydantic model.

    The first validation error is reported as ``file:line: [field] message``.
    """
    from pydantic import ValidationError

    payload = doc.data if data is None else data
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = base + tuple(err["loc"])
        # pydantic puts union/tag members in loc as strings that are not keys; keep real keys
        field = ".".join(str(p) for p in loc if _is_key(p)) or None
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field"
        elif err["type"] == "missing":
            message = "required field is missing"
        value = err.get("input")
        if err["type"] not in ("missing", "extra_forbidden") and isinstance(value, (str, int, float)):
            message = f"{message} (got {value!r})"
        raise InputError(message, file=doc.path, line=doc.line_of(loc), field=field) from None


def _is_key(part: Any) -> bool:
    """pydantic puts union members (``date``, ``literal['never']``) in paths; they are not keys."""
    return isinstance(part, int) or not ("[" in part or part in {"date", "function-after"})
