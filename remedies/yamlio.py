"""Safe YAML reading that remembers where every value came from.

Every facts, draft and ruleset file is read here, through one reader: only regular files,
at most ``MAX_BYTES`` (checked before and while reading, so a FIFO, a device or a file that
grows cannot hang or exhaust memory). The YAML is parsed with a restricted schema: plain
decimal integers and decimals only (YAML 1.1's sexagesimal ``1:30``, octal ``010``, hex and
binary forms are refused as ambiguous, not silently read as 90 or 8), dates stay text for
the models to check, no tags beyond the core ones, no control characters, no integer longer
than ``MAX_DIGITS``. The loader keeps a map from each path (tuple of keys/indexes) to its
line, and rejects duplicate keys, which PyYAML would otherwise silently overwrite.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

MAX_BYTES = 2_000_000  # a facts, draft or ruleset file larger than this is refused, not parsed
MAX_DIGITS = 15  # no figure in a facts, draft or ruleset file needs more digits than this
MAX_DEPTH = 64  # far deeper than any facts, draft or ruleset file nests
MAX_EVENTS = 300_000  # YAML events (about one per value): 11,000 complaints take 132,000; memory stays bounded
_CHUNK = 1 << 16

Location = tuple[Any, ...]

# What may appear in a file: tab, newline, carriage return and printable text (YAML's own rule,
# plus no C1 controls, which terminals also obey).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_DECIMAL = re.compile(r"^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?$")
_NON_FINITE = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
# YAML 1.1 numbers a reader cannot take at face value: 1:30 (= 90), 010 (= 8), 0x1F, 0b101, 0o17.
_AMBIGUOUS = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|0[0-9_]+(?:\.[0-9_]*)?"
                        r"|0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+)$")
_AMBIGUOUS_TAG = "tag:remedies,2025:ambiguous-number"
_BOOL = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser where PyYAML was built with it


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader with a restricted schema; records node lines and refuses duplicate keys."""

    name = "<yaml>"


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _refuse(loader: _Loader, node: yaml.Node, message: str) -> InputError:
    return InputError(message, file=loader.name, line=_line(node))


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise InputError(f"duplicate key '{key}' (first given on line {seen[key]})",
                             file=loader.name, line=_line(key_node), field=str(key))
        seen[key] = _line(key_node)
    return loader.construct_mapping(node, deep=deep)


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> str:
    """Text, without control characters (a quoted "\\e[31m" would otherwise reach a terminal). Only a
    double-quoted scalar can hold one: a raw one anywhere in the file is refused before parsing."""
    value = loader.construct_scalar(node)
    bad = _CONTROL.search(value) if node.style == '"' else None
    if bad:
        raise _refuse(loader, node, f"control character U+{ord(bad.group()):04X} in text; write plain text")
    return value


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if not _INT.match(text):
        raise _refuse(loader, node, f"'{text[:40]}' is not a whole number written in decimal digits")
    digits = text.lstrip("+-").replace("_", "")
    if len(digits) > MAX_DIGITS:
        raise _refuse(loader, node, f"a number of {len(digits)} digits is too large (at most {MAX_DIGITS})")
    return int(text.replace("_", ""))


def _construct_decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal:
    """Numbers with a decimal point become exact Decimals, never binary floats (money is exact)."""
    text = loader.construct_scalar(node)
    try:
        value = Decimal(text.replace("_", "")) if _DECIMAL.match(text) else Decimal("NaN")
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise _refuse(loader, node, f"'{text[:40]}' is not a finite number")
    if len(value.as_tuple().digits) > MAX_DIGITS or abs(value.adjusted()) > MAX_DIGITS:
        raise _refuse(loader, node, f"'{text[:40]}' has too many digits (at most {MAX_DIGITS})")
    return value


def _construct_bool(loader: _Loader, node: yaml.ScalarNode) -> bool:
    text = loader.construct_scalar(node)
    if text.lower() not in _BOOL:
        raise _refuse(loader, node, f"'{text[:40]}' is not true or false")
    return _BOOL[text.lower()]


def _construct_ambiguous(loader: _Loader, node: yaml.ScalarNode) -> None:
    text = loader.construct_scalar(node)
    raise _refuse(loader, node, f"'{text}' is ambiguous: YAML 1.1 reads it as a number in another base "
                  f"(1:30 as 90, 010 as 8); write a plain decimal number, or quote it as text")


def _construct_unsupported(loader: _Loader, node: yaml.Node) -> None:
    tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
    raise _refuse(loader, node, f"the tag {tag} is not supported; write plain values")


_Loader.yaml_constructors = dict(_Base.yaml_constructors)
for _tag in ("binary", "timestamp", "omap", "pairs", "set"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _construct_unsupported)
_Loader.add_constructor(None, _construct_unsupported)  # any tag not listed here
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
_Loader.add_constructor(_AMBIGUOUS_TAG, _construct_ambiguous)

# The implicit types of plain scalars. Dates stay strings, so that the models, not the parser,
# reject 2024-02-30 with the field's line; yes/no/on/off stay booleans, as files already use them.
_Loader.yaml_implicit_resolvers = {}
for _tag, _rx, _first in (
        ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]),
        ("tag:yaml.org,2002:bool", re.compile(r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE"
                                              r"|on|On|ON|off|Off|OFF)$"), list("yYnNtTfFoO")),
        (_AMBIGUOUS_TAG, _AMBIGUOUS, list("-+0123456789")),
        ("tag:yaml.org,2002:int", _INT, list("-+0123456789")),
        ("tag:yaml.org,2002:float", _DECIMAL, list("-+.0123456789")),
        ("tag:yaml.org,2002:float", _NON_FINITE, list("-+.")),
        ("tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"])):
    _Loader.add_implicit_resolver(_tag, _rx, _first)


def _line_map(node: yaml.Node, path: Location, out: dict[Location, int], seen: set[int], name: str) -> None:
    """Record the line of every value; refuse aliases, whose repeated expansion can be made to explode."""
    if id(node) in seen:
        raise InputError("YAML aliases (*name) are not supported; write the value out", file=name,
                         line=_line(node))
    seen.add(id(node))
    if len(path) > MAX_DEPTH:
        raise InputError(f"nested too deeply (over {MAX_DEPTH} levels) to be a facts, draft or ruleset file",
                         file=name, line=_line(node))
    out[path] = _line(node)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError("a key must be a plain word, not a list or mapping", file=name,
                                 line=_line(key_node))
            key = key_node.value
            out[path + (key,)] = _line(key_node)
            _line_map(value_node, path + (key,), out, seen, name)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, path + (index,), out, seen, name)


class Document:
    """A parsed YAML file: its data, the line of every value in it, and the digest of its bytes."""

    def __init__(self, path: str, data: Any, lines: dict[Location, int], sha256: str = "") -> None:
        self.path = path
        self.data = data
        self.lines = lines
        self.sha256 = sha256

    def line_of(self, location: Location) -> int | None:
        """Line of the deepest known prefix of ``location`` (pydantic paths may go deeper)."""
        loc = tuple(location)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), None)


def _check_characters(text: str, name: str) -> None:
    """A control character (a NUL, an escape sequence) is a clear error with its line, not a parser crash."""
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise InputError(f"control character U+{ord(bad.group()):04X} at column {column}; "
                         f"only tabs, newlines and printable text are allowed", file=name, line=line)


def _count_events(text: str, name: str) -> None:
    """Refuse a file of too many values before building them (a 2 MB flow list holds a million). A text
    of fewer than MAX_EVENTS // 2 characters cannot hold that many (each value takes a character and
    its separator), so only a longer one is parsed twice."""
    if len(text) < MAX_EVENTS // 2:
        return
    counter = _Loader(text)
    try:
        for _ in range(MAX_EVENTS + 1):
            if not counter.check_event():
                return
            counter.get_event()
        raise InputError(f"more than {MAX_EVENTS:,} values; too many for a facts, draft or ruleset file",
                         file=name)
    finally:
        counter.dispose()


def load_text(text: str, name: str) -> Document:
    """Parse YAML text safely; syntax errors become InputError with the line."""
    _check_characters(text, name)
    loader = _Loader(text)
    loader.name = name
    lines: dict[Location, int] = {}
    try:
        _count_events(text, name)
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
        raise InputError(f"malformed YAML: {str(exc).splitlines()[0]}", file=name) from None
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        # PyYAML's own constructors (e.g. merge keys) raise these on values they cannot build
        raise InputError(f"malformed YAML: cannot read a value ({type(exc).__name__})", file=name) from None
    finally:
        loader.dispose()
    return Document(name, data, lines)


_OS_PROBLEMS = {errno.ENOENT: "no such file", errno.EACCES: "permission denied",
                errno.EPERM: "permission denied", errno.ENAMETOOLONG: "the path is too long for this system",
                errno.ELOOP: "too many levels of symbolic links", errno.ENOTDIR: "a part of the path is not a directory",
                errno.EISDIR: "is a directory, not a YAML file"}


def os_problem(exc: OSError) -> str:
    """A short reason for a failed file operation, without Python's ``[Errno n]`` prefix."""
    return _OS_PROBLEMS.get(exc.errno or 0) or exc.strerror or type(exc).__name__


def _kind(mode: int) -> str:
    for test, kind in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "not a regular file"


def _too_big(size: int, name: str) -> InputError:
    return InputError(f"the file is over {MAX_BYTES:,} bytes ({size:,}); the limit is {MAX_BYTES:,}", file=name)


def read_bytes(path: str | Path) -> bytes:
    """The bytes of a regular file, refusing anything else (FIFO, device, directory) and anything too big.

    The size is checked before reading and while reading, so a file that grows, or a
    device that never ends, costs at most ``MAX_BYTES``; the file is opened non-blocking so a
    FIFO swapped in after the check cannot block.
    """
    name = str(path)
    try:
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode):
            raise InputError(f"is {_kind(before.st_mode)}; only regular files are read", file=name)
        if before.st_size > MAX_BYTES:
            raise _too_big(before.st_size, name)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
        try:
            opened = os.fstat(fd)
            if not stat.S_ISREG(opened.st_mode):
                raise InputError(f"is {_kind(opened.st_mode)}; only regular files are read", file=name)
            chunks: list[bytes] = []
            total = 0
            while chunk := os.read(fd, _CHUNK):
                total += len(chunk)
                if total > MAX_BYTES:
                    raise _too_big(total, name)
                chunks.append(chunk)
        finally:
            os.close(fd)
    except ValueError:  # a NUL in the path
        raise InputError("the path contains a NUL character", file=name.replace("\0", "\\0")) from None
    except OSError as exc:
        known = exc.errno in _OS_PROBLEMS
        raise InputError(os_problem(exc) if known else f"cannot read: {os_problem(exc)}", file=name) from None
    return b"".join(chunks)


def load_file(path: str | Path) -> Document:
    """Read and parse one YAML file, with clear errors for missing, huge, special or binary files."""
    name = str(path)
    raw = read_bytes(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError("not UTF-8 text", file=name, line=line) from None
    if not text.strip():
        raise InputError("the file is empty", file=name)
    doc = load_text(text, name)
    doc.sha256 = hashlib.sha256(raw).hexdigest()
    return doc


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
            shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
            message = f"{message} (got {shown})"
        raise InputError(message, file=doc.path, line=doc.line_of(loc), field=field) from None


def _is_key(part: Any) -> bool:
    """pydantic puts union members (``date``, ``literal['never']``) in paths; they are not keys."""
    return isinstance(part, int) or not ("[" in part or part in {"date", "function-after"})
