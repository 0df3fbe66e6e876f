"""Rulesets: one YAML file per instrument, with dated parameters and cited rules.

The loader validates every file (unknown or duplicate keys, bad references, unknown
facts in conditions) and reports ``file:line: message``. Selection picks the
instruments in force on a date; parameters resolve to the value in force on a date,
each value carrying its own source and evidence level (the OpenFisca way).
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from . import conditions, engine_limits
from .effects import check_effect
from .errors import InputError
from .facts import Vocabulary
from .observations import COMPLAINT_FACTS, DRAFT_ELEMENT_FACTS, DRAFT_FACTS, ELEMENT_FACTS, fact_names, subject_facts
from .ruleset_schema import (EVIDENCE_NOTE, LEVELS, Evidence, Fallback, Parameter, ParamValue,  # noqa: F401
                             Resolved, Rule, RulesetFile, Scale, Source)
from .yamlio import Document, load_file, os_problem, parse_model, read_bytes

@dataclass
class Ruleset:
    """A loaded, validated ruleset file."""

    spec: RulesetFile
    path: str
    digest: str
    doc: Document = field(repr=False)

    @property
    def id(self) -> str:
        return self.spec.id

    def in_force(self, on: date) -> bool:
        s = self.spec
        return s.effective_from <= on and (s.effective_to is None or on <= s.effective_to)

    def source(self, source_id: str) -> Source:
        return self._sources[source_id]

    @functools.cached_property
    def _sources(self) -> dict[str, Source]:
        return {s.id: s for s in self.spec.sources}

    def param(self, name: str, on: date) -> Resolved | None:
        """The value of ``name`` in force on ``on``, or None where none is."""
        p = self.spec.parameters.get(name)
        if p is None:
            return None
        for i, v in enumerate(p.values):
            if v.from_ <= on and (v.to is None or on <= v.to):
                key = (name, i)  # asked thousands of times a case: each dated value is resolved once
                if key not in self._resolved:
                    src = self.source(v.source)
                    self._resolved[key] = Resolved(name, v.value, v.min, v.max, src, v.evidence or src.evidence,
                                                   v.from_, v.to)
                return self._resolved[key]
        return None

    @functools.cached_property
    def _resolved(self) -> dict[tuple[str, int], Resolved]:
        return {}

    def rule_evidence(self, rule: Rule) -> str:
        return rule.evidence or self.source(rule.source).evidence


@dataclass
class Library:
    """All loaded rulesets, plus the vocabulary they declare."""

    rulesets: list[Ruleset]
    vocabulary: Vocabulary
    notes: tuple[str, ...] = ()  # what loading upgraded (a renamed rule named by its former id), to tell the user

    def get(self, ruleset_id: str) -> Ruleset:
        for r in self.rulesets:
            if r.id == ruleset_id:
                return r
        raise InputError(f"no ruleset with id '{ruleset_id}'; loaded: {', '.join(r.id for r in self.rulesets)}")

    def landlords(self) -> list[str]:
        return sorted({r.spec.landlord for r in self.rulesets if r.spec.landlord})

    def active(self, decided_on: date, complaint_made: date | None, landlord: str) -> list[Ruleset]:
        """Rulesets in force for a case: by determination date or by complaint date, as each declares."""
        out = []
        for r in self.rulesets:
            if r.spec.kind == "vocabulary":
                continue
            if r.spec.landlord and r.spec.landlord != landlord:
                continue
            when = complaint_made if (r.spec.in_force_by == "complaint_made" and complaint_made) else decided_on
            if r.in_force(when):
                out.append(r)
        return out

    def fallbacks(self, active: list[Ruleset]) -> dict[str, tuple[Ruleset, date, str]]:
        """Instruments an active one falls back to, with the date whose figures are used.

        An earlier instrument lends its figures as they stood on its last day; a later one, as
        on its first. Every rule of it that applies is marked in the trace with the reason.
        """
        ids = {r.id for r in active}
        out: dict[str, tuple[Ruleset, date, str]] = {}
        for r in active:
            fb = r.spec.fallback
            if fb and fb.ruleset not in ids:
                target = self.get(fb.ruleset)
                ended = target.spec.effective_to is not None and target.spec.effective_to < r.spec.effective_from
                on = target.spec.effective_to if ended else target.spec.effective_from
                out[target.id] = (target, on, f"{r.id}: {fb.reason}")
        return out


def listing(library: Library, as_of: date | None = None) -> list[dict]:
    """One row per loaded ruleset (optionally those in force on ``as_of``): `rulesets list` and GET /rulesets."""
    rows = []
    for r in library.rulesets:
        if as_of and not r.in_force(as_of):
            continue
        s = r.spec
        rows.append({"id": r.id, "kind": s.kind, "title": s.title, "version": s.version,
                     "landlord": s.landlord, "effective_from": s.effective_from.isoformat(),
                     "effective_to": s.effective_to.isoformat() if s.effective_to else None,
                     "selected_by": s.in_force_by, "rules": len(s.rules), "parameters": len(s.parameters),
                     "evidence": sorted({src.evidence for src in s.sources}), "sha256": r.digest})
    return rows


VOCAB_KEYS = ("topics", "failure_kinds", "impacts", "vulnerabilities", "other_bodies", "mitigations",
              "assessed_last")


def _fact_types(vocab: Vocabulary) -> dict[str, type]:
    """The type of every fact, so that a condition comparing across types fails to load."""
    tables = (ELEMENT_FACTS, COMPLAINT_FACTS, DRAFT_ELEMENT_FACTS, DRAFT_FACTS)
    types = {name: type(value) for table in tables for name, value in table.items()}
    for kind in vocab.failure_kinds:
        types[f"failure__{kind}"] = types[f"failure__{kind}__measure"] = int
    types.update({f"impact__{w}": bool for w in vocab.impacts})
    types.update({f"vulnerability__{w}": bool for w in vocab.vulnerabilities})
    return types


def _fact_catalogue(vocab: Vocabulary) -> set[str]:
    """Every flat fact name a condition may read (see observations.py)."""
    return fact_names(vocab)


def shipped_dir() -> Path:
    """Where the rulesets shipped with the package live."""
    return Path(str(resources.files("remedies.shipped_rulesets")))


MAX_FILES = 500  # ruleset files in one load: a bound on what a folder can make us read


def files(dirs: list[Path]) -> list[Path]:
    """The ruleset files named, and the *.yaml files under the folders named (each read by yamlio,
    which refuses anything but a regular file of bounded size, so a link to /dev/zero is an error)."""
    out: list[Path] = []
    for d in dirs:
        try:
            if d.is_dir():
                out.extend(sorted(d.rglob("*.yaml")))
            elif os.path.lexists(d):
                out.append(d)
            else:
                raise InputError("no such file or directory", file=str(d))
        except ValueError:
            raise InputError("the path contains a NUL character", file=str(d).replace("\0", "\\0")) from None
        except OSError as exc:
            raise InputError(os_problem(exc), file=str(d)) from None
        if len(out) > MAX_FILES:
            raise InputError(f"more than {MAX_FILES} ruleset files", file=str(d))
    return out


def load(dirs: list[Path] | None = None, strict: bool = True) -> Library:
    """Load and cross-check every ruleset under ``dirs`` (default: the shipped ones).

    ``strict=False`` keeps rulesets with inverted bands or overlapping dated values, so
    that `remedies verify` can report each as a violation of the band properties.
    A library validated by an earlier process from the same bytes is read from the cache.
    """
    paths = files(dirs or [shipped_dir()])
    try:
        parts = [b"strict" if strict else b"lenient"] + [str(p).encode() + b"\0" + read_bytes(p) for p in paths]
    except (OSError, InputError):  # unreadable: let the loader say so, file by file
        return _load(paths, strict)
    from . import cache

    return cache.cached("rulesets", parts, lambda: _load(paths, strict))


def _load(paths: list[Path], strict: bool) -> Library:
    loaded: list[Ruleset] = []
    for p in paths:
        doc = load_file(p)
        if not isinstance(doc.data, dict):
            raise InputError("a ruleset file must be a mapping", file=str(p), line=1)
        spec = parse_model(doc, RulesetFile)
        digest = doc.sha256[:16]
        loaded.append(Ruleset(spec, str(p), digest, doc))
    seen: dict[str, str] = {}
    for r in loaded:
        if r.id in seen:
            raise InputError(f"ruleset id '{r.id}' is also used by {seen[r.id]}", file=r.path,
                             line=r.doc.line_of(("id",)), field="id")
        seen[r.id] = r.path
    vocab = _vocabulary(loaded)
    catalogue = _fact_catalogue(vocab)
    types = _fact_types(vocab)
    notes = _follow_renamed_rules(loaded)
    for r in loaded:
        problems = [e for _, _, e in inverted_bands(r) + overlapping_values(r)]
        if strict and problems:
            raise problems[0]
        _check(r, catalogue, types, loaded, vocab)
    _check_engine_limits(loaded)
    return Library(loaded, vocab, tuple(notes))


def _qualified(r: Ruleset, target: str) -> str:
    """A rule named in ``overrides`` as ruleset/rule (a bare rule id is one of ``r``'s own)."""
    return target if "/" in target else f"{r.id}/{target}"


def _follow_renamed_rules(loaded: list[Ruleset]) -> list[str]:
    """A ruleset written before a rule was renamed keeps working: an override naming the rule's former
    id is read as naming it, and the note says so (the file itself is not touched)."""
    renamed = {f"{r.id}/{old}": f"{r.id}/{rule.id}" for r in loaded for rule in r.spec.rules for old in rule.formerly}
    notes: list[str] = []
    for r in loaded:
        rules = list(r.spec.rules)
        for i, rule in enumerate(rules):
            targets = [_qualified(r, t) for t in rule.overrides]
            if not any(t in renamed for t in targets):
                continue
            for t in targets:
                if t in renamed:
                    notes.append(f"{r.path}:{r.doc.line_of(('rules', i, 'overrides'))}: rule {r.id}/{rule.id} overrides "
                                 f"{t}, now called {renamed[t]}; read as overriding {renamed[t]}")
            rules[i] = rule.model_copy(update={"overrides": [renamed.get(t, t) for t in targets]})
        if rules != list(r.spec.rules):
            r.spec = r.spec.model_copy(update={"rules": rules})
    return notes


def inverted_bands(r: Ruleset) -> list[tuple[str, date, InputError]]:
    """(parameter, date from which it applies, error) for each band value whose min is above its max."""
    return [(name, v.from_, _err(r, ("parameters", name, "values", i), f"inverted band: min {v.min} > max {v.max}"))
            for name, p in r.spec.parameters.items() for i, v in enumerate(p.values)
            if v.min is not None and v.max is not None and v.min > v.max]


def overlapping_values(r: Ruleset) -> list[tuple[str, date, InputError]]:
    """(parameter, first date both apply, error) for each two dated values in force on one date."""
    out = []
    for name, p in r.spec.parameters.items():
        spans = sorted(enumerate(p.values), key=lambda iv: iv[1].from_)
        for (_, a), (j, b) in zip(spans, spans[1:]):
            if a.to is None or a.to >= b.from_:
                out.append((name, b.from_, _err(r, ("parameters", name, "values", j), f"dated values overlap: one "
                            f"from {a.from_} runs to {a.to or 'no end'}, the next starts {b.from_}")))
    return out


def _vocabulary(loaded: list[Ruleset]) -> Vocabulary:
    words: dict[str, set[str]] = {k: set() for k in VOCAB_KEYS}
    for r in loaded:
        for key, entries in r.spec.vocabulary.items():
            if key not in words:
                raise InputError(f"unknown vocabulary '{key}'; known: {', '.join(VOCAB_KEYS)}",
                                 file=r.path, line=r.doc.line_of(("vocabulary", key)), field=f"vocabulary.{key}")
            words[key] |= set(entries)
    return Vocabulary(**{k: frozenset(v) for k, v in words.items()})


def _err(r: Ruleset, loc: tuple, message: str) -> InputError:
    return InputError(message, file=r.path, line=r.doc.line_of(loc), field=".".join(str(p) for p in loc))


def _check(r: Ruleset, catalogue: set[str], types: dict[str, type], loaded: list[Ruleset],
           vocab: Vocabulary) -> None:
    """Cross-references a schema cannot see: sources, parameters, facts and their types, overrides, effects."""
    spec = r.spec
    source_ids = {s.id for s in spec.sources}
    for name, p in spec.parameters.items():
        for i, v in enumerate(p.values):
            if v.source not in source_ids:
                raise _err(r, ("parameters", name, "values", i, "source"),
                           f"unknown source '{v.source}'; declared: {', '.join(sorted(source_ids))}")

    def operands(ref: dict) -> list[Any]:
        p = spec.parameters.get(ref["param"])
        return [getattr(v, ref.get("field", "value")) for v in p.values] if p else []
    for name, scale in spec.scales.items():
        for band in scale.bands:
            if band not in spec.parameters:
                raise _err(r, ("scales", name), f"scale names unknown parameter '{band}'")
    if spec.fallback and spec.fallback.ruleset not in {x.id for x in loaded}:
        raise _err(r, ("fallback", "ruleset"), f"falls back to unknown ruleset '{spec.fallback.ruleset}'")
    ids = [rule.id for rule in spec.rules]
    all_ids = {f"{x.id}/{rule.id}" for x in loaded for rule in x.spec.rules} | set(ids)
    for i, rule in enumerate(spec.rules):
        loc = ("rules", i)
        if ids.count(rule.id) > 1:
            raise _err(r, loc + ("id",), f"rule id '{rule.id}' is used twice in this ruleset")
        if rule.source not in source_ids:
            raise _err(r, loc + ("source",), f"unknown source '{rule.source}'")
        try:
            readable = subject_facts(rule.applies_to, vocab)
            conditions.validate(rule.when, lambda f: f in readable, types.get, operands)
        except conditions.ConditionError as exc:
            raise _err(r, loc + ("when",), str(exc)) from None
        for pname in conditions.referenced_params(rule.when):
            if pname not in spec.parameters:
                raise _err(r, loc + ("when",), f"unknown parameter '{pname}'")
        message = check_effect(rule.then, spec, catalogue, rule.stage)
        onto = rule.then.get("derive_failure", {}).get("onto") if isinstance(rule.then.get("derive_failure"), dict) else None
        if not message and rule.applies_to == "complaint" and "derive_failure" in rule.then and onto not in vocab.topics:
            message = (f"a complaint rule's derived failure needs 'onto', the topic of the element that receives "
                       f"it; known topics: {', '.join(sorted(vocab.topics))}")
        if message:
            raise _err(r, loc + ("then",), message)
        for target in rule.overrides:
            if target not in all_ids:
                raise _err(r, loc + ("overrides",), f"overrides unknown rule '{target}'")


def with_shipped(added: list[Path]) -> list[Path]:
    """The shipped ruleset files with the given files and directories added: `--rulesets my-policy.yaml`
    adds a policy; a given file with a shipped ruleset's id takes that one's place."""
    def ruleset_id(path: Path) -> object:
        data = load_file(path).data
        return data.get("id") if isinstance(data, dict) else None

    given = [(ruleset_id(p), p) for p in files(added)]
    out: list[Path] = []
    for p in files([shipped_dir()]):
        same = next((g for g in given if g[0] == ruleset_id(p)), None)
        if same:
            given.remove(same)
        out.append(same[1] if same else p)
    return out + [p for _, p in given]  # two given files with one id stay two: the loader refuses them


def _check_engine_limits(loaded: list[Ruleset]) -> None:
    """Refuse a rule no durable ruleset could hold, and rules that override each other round a circle."""
    for r in loaded:
        for i, rule in enumerate(r.spec.rules):
            problem = engine_limits.Budget().problem(rule.when)
            if problem:
                raise InputError(f"rule '{rule.id}' has {problem}: durable_rules 2.0.28 cannot evaluate it; "
                                 f"split it into several rules", file=r.path, line=r.doc.line_of(("rules", i)),
                                 field=f"rules.{i}.when")
    _check_override_cycles(loaded)


def _check_override_cycles(loaded: list[Ruleset]) -> None:
    """Rules that override each other (directly or round a circle) cannot both give way: a load error."""
    where: dict[str, tuple[Ruleset, int]] = {}
    edges: dict[str, list[str]] = {}
    for r in loaded:
        for i, rule in enumerate(r.spec.rules):
            key = f"{r.id}/{rule.id}"
            where[key] = (r, i)
            edges[key] = [_qualified(r, t) for t in rule.overrides]
    done: set[str] = set()
    for start in edges:
        path: list[str] = []
        on_path: set[str] = set()
        stack = [(start, iter(edges[start]))]
        if start in done:
            continue
        path.append(start)
        on_path.add(start)
        while stack:
            node, targets = stack[-1]
            target = next(targets, None)
            if target is None:
                stack.pop()
                path.pop()
                on_path.discard(node)
                done.add(node)
                continue
            if target in on_path:
                circle = path[path.index(target):] + [target]
                r, i = where[circle[0]]
                raise InputError(f"rules override each other in a circle: "
                                 f"{' overrides '.join(circle)}; one of them must not override the other",
                                 file=r.path, line=r.doc.line_of(("rules", i, "overrides")),
                                 field=f"rules.{i}.overrides")
            if target in edges and target not in done:
                stack.append((target, iter(edges[target])))
                path.append(target)
                on_path.add(target)
