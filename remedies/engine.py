"""Compile rulesets to durable_rules and run a case through the stages.

durable_rules is the matcher; we own the semantics. Each stage's rules compile to one
durable ruleset (named by a hash of its JSON) registered once per process on a single
``Host`` with its timer threads off; each case gets a fresh session that is deleted in
a ``finally``. Actions only record which rule matched which subject; effects are then
applied in rule order with the combination declared in ``effects.REGISTRY``.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable

import durable_rules_engine
from durable import engine as durable_engine

from . import conditions, engine_limits, money
from .effects import DECISION, REGISTRY, ElementState, Firing, effect_of
from .errors import EngineError
from .facts import Case
from .observations import Observed, complaint_facts, element_facts, first_complaint_date
from .rulesets import Library, Resolved, Rule, Ruleset


class _Host(durable_engine.Host):
    """One durable host per process, without background timer threads. Rules are matched by durable's C
    core; matches are read straight from it (see ``match_durable``), so actions are never dispatched."""

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        def unused(c: Any) -> None:
            return None
        return unused

    def _run(self) -> None:  # durable's timer/dispatch threads are not needed for facts
        return None


_HOST: _Host | None = None
_REGISTERED: set[str] = set()
_LOCK = threading.Lock()
_SESSIONS = itertools.count(1)
# durable_rules 2.0.28 segfaults in delete_state for a session in which no rule ever matched;
# every compiled ruleset therefore has this rule, matched by a fact asserted when a session opens.
_SESSION_RULE = "_session_open"
_PARTITIONS: dict[tuple[int, ...], tuple[tuple[Rule, ...], list[list[int]]]] = {}  # by the rules' identities


def _host() -> _Host:
    global _HOST
    if _HOST is None:
        _HOST = _Host()
    return _HOST


@dataclass
class CompiledRule:
    key: str
    ruleset: Ruleset
    rule: Rule
    condition: dict
    param: Callable[[str], Resolved]
    params_read: dict[str, Resolved]
    missing: str | None = None


@dataclass
class Chunk:
    """One durable ruleset: as many of a stage's rules as durable_rules can evaluate together."""

    name: str
    definition: dict
    reads: frozenset[str]  # the only facts durable_rules needs to see for these rules
    sent: tuple[str, ...] = field(init=False, repr=False)  # the fact names sent to durable, in a fixed order

    def __post_init__(self) -> None:
        self.sent = tuple(sorted(self.reads | {"subject"}))


@dataclass
class CompiledStage:
    name: str
    stage: str
    rules: list[CompiledRule]
    chunks: list[Chunk]
    by_key: dict[str, CompiledRule] = field(init=False, repr=False)
    position: dict[str, int] = field(init=False, repr=False)
    without_figure: list[CompiledRule] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_key = {c.key: c for c in self.rules}
        self.position = {c.key: i for i, c in enumerate(self.rules)}
        self.without_figure = [c for c in self.rules if c.missing]

    def considered(self, fired: set[str]) -> list[CompiledRule]:
        """The rules that leave a trace entry when the rules that did not fire are not kept, in rule order."""
        return sorted([*(self.by_key[k] for k in fired), *self.without_figure], key=lambda c: self.position[c.key])


# Compiled stages and figure dates are keyed by each ruleset's file and the digest of its bytes, not by
# the object: a library loaded again in the same process (tests, a long-running caller) reuses them,
# and nothing here keeps old libraries alive.
_STAGES: OrderedDict[tuple, CompiledStage] = OrderedDict()
_BOUNDS: dict[tuple[str, str], list[date]] = {}
MAX_STAGES_KEPT = 512  # compiled stages kept per process (a caseload needs a few dozen)
MAX_BOUNDS_KEPT = 1024  # rulesets whose figure dates are kept


def _edges(rs: Ruleset) -> list[date]:
    """The dates on which any of ``rs``'s figures starts or stops being in force, in order."""
    held = _BOUNDS.get((rs.path, rs.digest))
    if held is None:
        edges = {v.from_ for p in rs.spec.parameters.values() for v in p.values}
        edges |= {v.to + timedelta(days=1) for p in rs.spec.parameters.values() for v in p.values if v.to}
        if len(_BOUNDS) >= MAX_BOUNDS_KEPT:
            _BOUNDS.clear()
        held = _BOUNDS[(rs.path, rs.digest)] = sorted(edges)
    return held


def _epoch(rs: Ruleset, on: date) -> int:
    """The span between two of ``rs``'s figure dates that holds ``on``: on every date of it every
    parameter resolves alike, so the rules compile alike."""
    return bisect.bisect_right(_edges(rs), on)


def _span(rs: Ruleset, on: date) -> str:
    """The span holding ``on``, in words: a missing figure is missing for all of it."""
    edges, i = _edges(rs), _epoch(rs, on)
    first = edges[i - 1] if i > 0 else None
    last = edges[i] - timedelta(days=1) if i < len(edges) else None
    if first and last:
        return f"from {first} to {last}"
    return f"from {first} on" if first else f"up to {last}" if last else "on any date"


def _resolver(ruleset: Ruleset, on: date) -> Callable[[str], Resolved]:
    def param(name: str) -> Resolved:
        r = ruleset.param(name, on)
        if r is None:
            raise EngineError(f"parameter '{name}' of ruleset '{ruleset.id}' has no value in force "
                              f"{_span(ruleset, on)}", file=ruleset.path)
        return r
    return param


def epochs(rulesets: list[Ruleset], dates: Callable[[Ruleset], date]) -> tuple[tuple[str, str, int], ...]:
    """Which compiled stages a case can share: each ruleset with the span of figures its date falls in."""
    return tuple((rs.path, rs.digest, _epoch(rs, dates(rs))) for rs in rulesets)


def compile_stage(stage: str, rulesets: list[Ruleset], dates: Callable[[Ruleset], date],
                  applies_to: str = "element", spans: tuple[tuple[str, str, int], ...] | None = None) -> CompiledStage:
    """Compile one stage's rules, with parameters fixed at the dates that select them; compiled once per
    process for each set of rulesets and spans of in-force figures (``spans``, if the caller has them), then
    reused."""
    key = (stage, applies_to, spans if spans is not None else epochs(rulesets, dates))
    with _LOCK:
        hit = _STAGES.get(key)
        if hit is not None:
            _STAGES.move_to_end(key)
            return hit
    compiled_stage = _compile_stage(stage, rulesets, dates, applies_to)
    with _LOCK:
        _STAGES[key] = compiled_stage
        while len(_STAGES) > MAX_STAGES_KEPT:
            _STAGES.popitem(last=False)
    return compiled_stage


def _compile_stage(stage: str, rulesets: list[Ruleset], dates: Callable[[Ruleset], date],
                   applies_to: str) -> CompiledStage:
    compiled: list[CompiledRule] = []
    for rs in rulesets:
        param = _resolver(rs, dates(rs))
        for rule in rs.spec.rules:
            if rule.stage != stage or rule.applies_to != applies_to:
                continue
            read: dict[str, Resolved] = {}

            def resolve(ref: dict, param=param, read=read) -> Any:
                r = param(ref["param"])
                read[ref["param"]] = r
                return getattr(r, ref["field"]) if "field" in ref else r.value

            key = f"{rs.id}/{rule.id}"
            try:
                cond = conditions.compile_condition(rule.when, resolve)
            except EngineError as exc:  # no figure in force: the rule cannot apply, and says why
                compiled.append(CompiledRule(key, rs, rule, {}, param, read, missing=exc.message))
                continue
            full = {"$and": [{"subject": applies_to}, cond]}
            compiled.append(CompiledRule(key, rs, rule, full, param, read))
    live = [c for c in compiled if not c.missing]
    chunks = []
    for group in _partition([c.rule for c in live]):
        members = [live[i] for i in group]
        definition = {c.key: {"all": [{"m": c.condition}], "run": c.key} for c in members}
        definition[_SESSION_RULE] = {"all": [{"m": {"subject": _SESSION_RULE}}], "run": _SESSION_RULE}
        digest = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()[:16]
        reads = frozenset(name for c in members for name in conditions.referenced_facts(c.rule.when))
        chunks.append(Chunk(f"{stage}-{applies_to}-{digest}", definition, reads))
    return CompiledStage(f"{stage}-{applies_to}", stage, compiled, chunks)


def _partition(rules: list[Rule]) -> list[list[int]]:
    """The stage's rules in groups durable_rules can evaluate (engine_limits), computed once per set of rules."""
    key = tuple(id(rule) for rule in rules)
    cached = _PARTITIONS.get(key)
    if cached is None:
        if len(_PARTITIONS) > 64:  # holds rules alive: a few libraries at most
            _PARTITIONS.clear()
        # the rules are kept with the groups, so that their identities cannot be reused while cached
        cached = _PARTITIONS[key] = (tuple(rules), engine_limits.partition([rule.when for rule in rules]))
    return cached[1]


def _register(chunk: Chunk) -> None:
    with _LOCK:
        if chunk.name not in _REGISTERED:
            # durable mutates the definition it is given: hand it a copy
            _host().register_rulesets({chunk.name: json.loads(json.dumps(chunk.definition))})
            _REGISTERED.add(chunk.name)


# durable's message for a match: {"RULE":{"m":{"_index": N, ...}}} (rule keys are ruleset/rule ids)
_MATCH_HEAD = re.compile(r'\{"([^"\\]+)":\s*\{"m":\s*\{"_index":\s*(\d+)\s*,')


def match_durable(stage: CompiledStage, facts: list[dict]) -> list[tuple[str, int]]:
    """(rule key, index of fact) for every match, found by durable_rules, one chunk of the stage at a time.

    All of a case's facts for a chunk go to durable's C core in one ``assert_facts`` on a fresh
    session; the matches are then taken one by one from its action queue (what durable's Python
    dispatcher does, without building a closure and re-serialising the state for each).
    """
    return [hit for chunk in stage.chunks for hit in _match_chunk(chunk, facts)]


def _match_chunk(chunk: Chunk, facts: list[dict]) -> list[tuple[str, int]]:
    """Each fact is matched alone (every rule reads one fact), so a fact durable has already matched against
    this chunk is answered from ``_MATCHED``; the others go to durable together."""
    keys = [_values(fact, chunk.sent) for fact in facts]
    answers: list[tuple[str, ...] | None] = [_MATCHED.get((chunk.name, k)) for k in keys]
    todo = [i for i, a in enumerate(answers) if a is None]
    if todo:
        found: dict[int, list[str]] = {i: [] for i in todo}
        for key, i in _match_in_durable(chunk, [facts[i] for i in todo]):
            found[todo[i]].append(key)
        with _LOCK:
            for i in todo:
                answers[i] = _MATCHED[(chunk.name, keys[i])] = tuple(found[i])
            while len(_MATCHED) > MAX_MATCHES_KEPT:
                _MATCHED.popitem(last=False)
    return [(key, i) for i, a in enumerate(answers) for key in a or ()]


def _values(fact: dict, names: tuple[str, ...]) -> tuple:
    """What durable sees of a fact, as a key: each value with its type (so that True, 1 and 1.0 stay apart)."""
    try:
        key = tuple((k, type(fact[k]), fact[k]) for k in names if k in fact)
        hash(key)
        return key
    except TypeError:  # a list or mapping among the values: its JSON stands for it
        return (json.dumps([(k, fact[k]) for k in names if k in fact], ensure_ascii=False, default=money.json_default),)


_MATCHED: OrderedDict[tuple[str, tuple], tuple[str, ...]] = OrderedDict()  # (chunk, the fact's values) → rules
MAX_MATCHES_KEPT = 8192  # facts remembered per process: a what-if re-assesses the same elements ~170 times


def _match_in_durable(chunk: Chunk, facts: list[dict]) -> list[tuple[str, int]]:
    _register(chunk)
    handle = _host().get_ruleset(chunk.name)._handle
    sid = f"case-{next(_SESSIONS)}"
    payloads: list[dict] = [{"sid": sid, "subject": _SESSION_RULE}]
    for index, fact in enumerate(facts):
        # only what the stage's conditions read (durable_rules refuses facts with too many keys); the index
        # first, so that a match is read from the head of durable's message without parsing all of it
        payload: dict = {"_index": index, "sid": sid}
        payload.update({k: fact[k] for k in chunk.sent if k in fact})
        payloads.append(payload)
    out: list[tuple[str, int]] = []
    with _LOCK:
        try:
            _, state = durable_rules_engine.assert_facts(handle, json.dumps(payloads, ensure_ascii=False, default=money.json_default))
            started = durable_rules_engine.start_action_for_state(handle, state)
            message = started[1] if started else None
            while message:
                head = _MATCH_HEAD.match(message)
                if head:  # durable_rules can match the session rule to a case fact too (seen with ~300 rules)
                    if head[1] != _SESSION_RULE:
                        out.append((head[1], int(head[2])))
                else:
                    ((key, match),) = json.loads(message).items()
                    if key != _SESSION_RULE:
                        out.append((key, int(match["m"]["_index"])))
                message = durable_rules_engine.complete_and_start_action(handle, state)
        finally:
            durable_rules_engine.delete_state(handle, sid)
    return out


def match_reference(stage: CompiledStage, facts: list[dict]) -> list[tuple[str, int]]:
    """The same matches, found by the pure-Python reference interpreter."""
    return [(c.key, i) for i, fact in enumerate(facts) for c in stage.rules
            if not c.missing and conditions.evaluate(c.condition, fact)]


MATCHERS = {"durable": match_durable, "reference": match_reference}


@dataclass
class Quiet:
    """A rule considered that did not fire, kept cheap: its trace entry is built only if a trace level shows it."""

    rule: CompiledRule
    facts: dict          # the facts as the stage saw them (later stages add to the live dict)
    explain: dict[str, str]
    subject: str | None
    fallback: str | None

    def entry(self, miss: dict | None = None) -> dict:
        e = _entry(self.rule, self.facts, self.explain, "not_applicable", subject=self.subject)
        if self.fallback:
            e["fallback"] = self.fallback
        if miss:
            e["nearest_miss"] = miss
        return e


@dataclass
class Run:
    """Everything the stages produced for a case, before rendering."""

    case: Case
    as_of: date
    rulesets: list[Ruleset]
    states: dict[str, ElementState]
    facts: dict[str, Observed]
    trace: dict[str, list[dict | Quiet]]  # in rule order: entries of rules that fired or changed something, and Quiet ones
    complaints: list[Observed] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    figures_on: Callable[[Ruleset], date] | None = None  # the date each ruleset's figures were read at
    quiet_dropped: dict[str, int] = field(default_factory=dict)  # rules that did not fire, not kept (keep_quiet off)
    unlisted: dict[str, int] = field(default_factory=dict)  # complaints a derive rule did not apply to, beyond those listed


def _entry(c: CompiledRule, fact: dict, explain: dict[str, str], status: str, change: str = "",
           overridden_by: str | None = None, subject: str | None = None,
           effect_params: dict[str, Resolved] | None = None, effect_reads: dict[str, Any] | None = None) -> dict:
    src = c.ruleset.source(c.rule.source)
    reads = {name: fact[name] for name in conditions.referenced_facts(c.rule.when) if name in fact} | (effect_reads or {})
    entry = {
        "stage": c.rule.stage, "rule": c.key, "ruleset": c.ruleset.id, "ruleset_version": c.ruleset.spec.version,
        "statement": c.rule.statement,
        "citation": {"source": src.title, "section": c.rule.section or src.section, "url": src.url},
        "evidence": c.ruleset.rule_evidence(c.rule), "status": status, "reads": reads,
        "params": {k: v.as_dict() for k, v in sorted({**c.params_read, **(effect_params or {})}.items())},
    }
    computed = {k: explain[k] for k in reads if k in explain}
    if computed:
        entry["computed"] = computed
    if subject:
        entry["subject"] = subject
    if change:
        entry["changed"] = change
    if c.missing:
        entry["status"] = "no_figure_in_force"
        entry["why_not"] = c.missing
    if overridden_by:
        entry["overridden_by"] = overridden_by
    return entry


def _resolve_conflicts(firings: list[tuple[CompiledRule, Firing]]) -> None:
    """Apply `overrides`, then refuse two live rules at a `unique` decision."""
    live = {f.key for _, f in firings}
    for c, f in firings:
        for other_c, other in firings:
            if other is not f and f.key in other_c.rule.overrides and other.key in live:
                f.status, f.overridden_by = "overridden", other.key
    by_decision: dict[str, list[str]] = {}
    for c, f in firings:
        name, _ = effect_of(c.rule.then)
        if f.status == "fired" and REGISTRY[name].combine == "unique":
            by_decision.setdefault(DECISION.get(name, name), []).append(f.key)
    for decision, keys in by_decision.items():
        if len(keys) > 1:
            raise EngineError(f"ambiguous decision '{decision}': rules {', '.join(keys)} all apply and none "
                              f"overrides the others; add 'overrides' to the more specific rule")


@dataclass
class _CaseRun:
    """One case on its way through the stages: what each stage reads and writes."""

    case: Case
    library: Library
    decided: date
    active: list[Ruleset]
    fallbacks: dict[str, tuple[Ruleset, date, str]]
    match: Callable[[CompiledStage, list[dict]], list[tuple[str, int]]]
    observed: dict[str, Observed]
    states: dict[str, ElementState]
    trace: dict[str, list[dict | Quiet]]
    complaints: list[Observed]
    notes: list[str]
    keep_quiet: bool = True
    dropped: dict[str, int] = field(default_factory=dict)
    unlisted: dict[str, int] = field(default_factory=dict)
    spans: tuple[tuple[str, str, int], ...] | None = None

    def quiet(self, el_id: str, c: CompiledRule, facts: dict, explain: dict[str, str],
              subject: str | None = None) -> None:
        if not self.keep_quiet:  # no trace wanted: count the rule, build nothing
            self.dropped[el_id] = self.dropped.get(el_id, 0) + 1
            return
        fallback = self.fallbacks[c.ruleset.id][2] if c.ruleset.id in self.fallbacks else None
        self.trace[el_id].append(Quiet(c, facts, explain, subject, fallback))

    def dates_for(self, made_on: date | None) -> Callable[[Ruleset], date]:
        """The date that selects each ruleset's figures: its fallback's last day, the complaint's or the decision's."""
        def on(rs: Ruleset) -> date:
            if rs.id in self.fallbacks:
                return self.fallbacks[rs.id][1]
            return made_on if (rs.spec.in_force_by == "complaint_made" and made_on) else self.decided
        return on

    def record(self, el_id: str, c: CompiledRule, obs: Observed, status: str, change: str = "",
               overridden_by: str | None = None, subject: str | None = None,
               effect_params: dict[str, Resolved] | None = None, why_not: str | None = None,
               effect_reads: dict[str, Any] | None = None) -> None:
        if not self.keep_quiet:  # no trace wanted: only what the evidence warnings read
            params = {**c.params_read, **(effect_params or {})}
            self.trace[el_id].append({
                "rule": c.key, "ruleset": c.ruleset.id, "evidence": c.ruleset.rule_evidence(c.rule),
                "status": "no_figure_in_force" if c.missing else status,
                "params": {k: {"name": v.name, "evidence": v.evidence} for k, v in params.items()}})
            return
        e = _entry(c, obs.facts, obs.explain, status, change, overridden_by, subject, effect_params, effect_reads)
        if c.ruleset.id in self.fallbacks:
            e["fallback"] = self.fallbacks[c.ruleset.id][2]
        if why_not:
            e["why_not"] = why_not
        self.trace[el_id].append(e)

    def run_stage(self, stage: str, ids: list[str]) -> None:
        """Match one stage's rules against the elements, then apply effects in rule order."""
        if self.spans is None:  # the same for every stage of the case
            self.spans = epochs(self.active, self.dates_for(first_complaint_date(self.case)))
        compiled = compile_stage(stage, self.active, self.dates_for(first_complaint_date(self.case)), spans=self.spans)
        hits = self.match(compiled, [self.observed[i].facts for i in ids])
        for idx, el_id in enumerate(ids):
            obs = self.observed[el_id]
            fired = {key for key, j in hits if j == idx}
            if self.keep_quiet:
                seen = dict(obs.facts)  # what this stage read, for the rules that did not fire
                rules = compiled.rules
            else:  # count the rules that did not fire, without visiting each
                seen, rules = obs.facts, compiled.considered(fired)
                self.dropped[el_id] = self.dropped.get(el_id, 0) + len(compiled.rules) - len(rules)
            firings = [(c, Firing(c.key, c.ruleset.id, c.rule, obs.facts, c.param)) for c in rules if c.key in fired]
            _resolve_conflicts(firings)
            done = {f.key: f for _, f in firings}
            for c in rules:
                f = done.get(c.key)
                if f is None:
                    if not c.missing:
                        self.quiet(el_id, c, seen, obs.explain)
                        continue
                    self.record(el_id, c, obs, "not_applicable")
                    continue
                why_not = None
                if f.status == "fired":
                    name, args = effect_of(c.rule.then)
                    try:
                        f.change = REGISTRY[name].apply(self.states[el_id], f, args)
                    except EngineError as exc:  # a figure the effect needs is not in force on that date
                        f.status, why_not = "no_figure_in_force", exc.message
                self.record(el_id, c, obs, f.status, f.change, f.overridden_by,
                            effect_params=f.params_read, why_not=why_not, effect_reads=f.facts_read)

    def derive_from_complaints(self, live: list[str]) -> None:
        """Each complaint is judged by the Code and landlord policy in force when it was made. Complaints
        judged by the same rules are matched together; each rule's trace lists its first
        SHOWN_PER_RULE complaints one by one and counts the rest (a case of thousands stays readable)."""
        topic = {el.id: el.topic for el in self.case.elements}
        stages = [self._derive_stage(self.case.complaints[i].known_start()) for i in range(len(self.complaints))]
        hits: list[set[str]] = [set() for _ in self.complaints]
        together: dict[int, list[int]] = {}
        for i, compiled in enumerate(stages):
            together.setdefault(id(compiled), []).append(i)
        for which in together.values():
            for key, j in self.match(stages[which[0]], [self.complaints[i].facts for i in which]):
                hits[which[j]].add(key)
        shown: dict[tuple[str, str], int] = {}
        folded: dict[tuple[str, str, str], tuple[CompiledRule, list[int]]] = {}
        unreceived: dict[tuple[str, str], list[int]] = {}
        for i, comp in enumerate(self.complaints):
            for c in stages[i].rules:
                name, args = effect_of(c.rule.then)
                receivers = [e for e in live if topic[e] == args["onto"]]
                if c.key in hits[i] and not receivers:
                    unreceived.setdefault((c.key, args["onto"]), []).append(i + 1)
                for el_id in receivers:
                    status = "fired" if c.key in hits[i] else "not_applicable"
                    f = Firing(c.key, c.ruleset.id, c.rule, comp.facts, c.param) if status == "fired" else None
                    change = REGISTRY[name].apply(self.states[el_id], f, args) if f else ""
                    n = shown[(el_id, c.key)] = shown.get((el_id, c.key), 0) + 1
                    if n > SHOWN_PER_RULE:
                        folded.setdefault((el_id, c.key, status), (c, []))[1].append(i + 1)
                    elif f:
                        self.record(el_id, c, comp, "fired", change, subject=f"complaint {i + 1}",
                                    effect_params=f.params_read, effect_reads=f.facts_read)
                    elif c.missing:
                        self.record(el_id, c, comp, "not_applicable", subject=f"complaint {i + 1}")
                    else:
                        self.quiet(el_id, c, comp.facts, comp.explain, subject=f"complaint {i + 1}")
        for (el_id, _, status), (c, numbers) in folded.items():
            listed = status == "fired" or bool(c.missing)  # one entry stands for them; the rest are only counted
            if listed:  # it reads no facts of its own: the complaints listed above show what the rule reads
                what = "applied to each, as to the complaints above" if status == "fired" else "did not apply"
                self.record(el_id, c, Observed({}), status, f"{what}: {_numbers(numbers)}",
                            subject=f"{len(numbers):,} more complaints")
            self.unlisted[el_id] = self.unlisted.get(el_id, 0) + len(numbers) - listed
        for (key, onto), numbers in unreceived.items():
            self.notes.append(f"{_numbers(numbers)}: {key} applies, but no element in jurisdiction has "
                              f"topic '{onto}' to receive it")

    def _derive_stage(self, made: date | None) -> CompiledStage:
        rulesets = _for_assessment(self.library.active(self.decided, made, self.case.case.landlord))
        rulesets += [rs for rs, _, _ in self.library.fallbacks(rulesets).values()]
        return compile_stage("derive", rulesets, self.dates_for(made), applies_to="complaint")


SHOWN_PER_RULE = 20  # complaints listed one by one in each derive rule's trace, per element


def _numbers(numbers: list[int]) -> str:
    """Complaint numbers as runs: "complaint 3", "complaints 1–4, 7"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    text = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs)
    return f"complaint{'s' if len(numbers) > 1 else ''} {text}"


def _for_assessment(rulesets: list[Ruleset]) -> list[Ruleset]:
    """Draft checks judge determinations, not cases: they take no part in an assessment."""
    return [r for r in rulesets if r.spec.kind != "checks"]


def _publish_derived(run: _CaseRun, el_id: str) -> None:
    facts, vocab = run.observed[el_id].facts, run.library.vocabulary
    for kind, d in run.states[el_id].derived.items():
        facts[f"failure__{kind}"] += d["count"]
        facts[f"failure__{kind}__measure"] += d["measure"]
    facts["failure_kinds"] = sum(1 for k in vocab.failure_kinds if facts[f"failure__{k}"])


def _publish_points(run: _CaseRun, el_id: str) -> None:
    run.observed[el_id].facts["points"] = run.states[el_id].points


def _publish_level(run: _CaseRun, el_id: str) -> None:
    if not run.states[el_id].level:
        raise EngineError(f"no finding rule applied to element '{el_id}'; the rulesets must give every "
                          f"element in jurisdiction exactly one finding")
    run.observed[el_id].facts["level"] = run.states[el_id].level


def _publish_proposal(run: _CaseRun, el_id: str) -> None:
    st, facts = run.states[el_id], run.observed[el_id].facts
    if not st.proposed_parts:
        raise EngineError(f"no compensation rule applied to element '{el_id}'")
    facts["proposed_amount"] = st.proposed_amount
    facts["offer_shortfall"] = st.proposed_amount - facts["offered"]
    # how far the offer goes beyond the top of the band used (beyond the proposal where the band has no top)
    top = st.band.get("max") if st.band else None
    facts["offer_over_band_top"] = facts["offered"] - (top if top is not None else st.proposed_amount)


def _publish_finding(run: _CaseRun, el_id: str) -> None:
    st = run.states[el_id]
    if st.redress is None:
        raise EngineError(f"no redress rule applied to element '{el_id}'")
    run.observed[el_id].facts.update(finding=st.finding, amount=st.amount)


_JUDGEMENTS = ("acknowledged", "apologised", "put_right", "learning_shown")


def _unstated_judgements(case: Case, live: list[str]) -> list[str]:
    """Say which redress judgements the facts leave out: they are read as unknown (0.1 read them as 'no')."""
    unstated = [f"{el.id} ({', '.join(j for j in _JUDGEMENTS if j not in el.redress.model_fields_set)})"
                for el in case.elements if el.id in live and not set(_JUDGEMENTS) <= el.redress.model_fields_set]
    if not unstated:
        return []
    return [f"redress judgements not stated are read as unknown, not as 'no' (remedies 0.1 read them as 'no'; "
            f"state them where the report does): {'; '.join(unstated)}"]


def _publish_others(run: _CaseRun, judged: list[str], later: list[str]) -> None:
    """What the elements judged first were found, for the elements that read it (e.g. complaint handling)."""
    findings = [run.states[i].finding for i in judged]
    for el_id in later:
        run.observed[el_id].facts.update(
            others_maladministration=sum(f in ("maladministration", "severe_maladministration") for f in findings),
            others_severe=sum(f == "severe_maladministration" for f in findings))


# after each stage, what it decided becomes a fact the next stages can read
_PUBLISH = (("derive", _publish_derived), ("weigh", _publish_points), ("finding", _publish_level),
            ("compensation", _publish_proposal), ("redress", _publish_finding))


def assess(case: Case, library: Library, as_of: date | None = None, matcher: str = "durable",
           keep_quiet: bool = True) -> Run:
    """Run every stage for one case and return the states and the trace (without the rules that did
    not fire where ``keep_quiet`` is off: a summary or `--trace none` has no use for them)."""
    decided = as_of or case.case.decided_on
    if decided is None:
        raise EngineError("the case has no decided_on date: give case.decided_on (or, on the command line, "
                          "--as-of DATE; over HTTP, ?as_of=DATE)")
    for i, complaint in enumerate(case.complaints):  # as decided_on is checked when the facts load
        start = complaint.known_start()
        if start and start > decided:
            raise EngineError(f"the complaint ({start}) is after the date of the assessment ({decided}, "
                              f"{'--as-of' if as_of else 'case.decided_on'})",
                              field=f"complaints.{i}.{'made' if complaint.made else 'stage1_response'}")
    active = _for_assessment(library.active(decided, first_complaint_date(case), case.case.landlord))
    fallbacks = library.fallbacks(active)
    active += [rs for rs, _, _ in fallbacks.values()]
    if not any(r.spec.kind == "ombudsman_guidance" for r in active):
        raise EngineError(f"no Ombudsman remedies guidance is in force on {decided}; "
                          f"see `remedies rulesets list` for what is loaded")
    notes = [f"{reason} — applying '{rs.id}' ({rs.spec.title}) with its figures as on {last}"
             for rs, last, reason in fallbacks.values()]
    if not any(r.spec.kind == "scheme" for r in active):
        notes.append(f"no Housing Ombudsman Scheme ruleset is in force on {decided}: jurisdiction grounds "
                     f"stated in the facts are not applied")
    if case.case.landlord not in library.landlords():
        notes.append(f"no policy ruleset for landlord '{case.case.landlord}': only the Ombudsman's "
                     f"guidance and the Code are applied")
    run = _CaseRun(case, library, decided, active, fallbacks, MATCHERS[matcher],
                   {el.id: element_facts(case, el, library.vocabulary) for el in case.elements},
                   {el.id: ElementState(el.id) for el in case.elements}, {el.id: [] for el in case.elements},
                   [complaint_facts(i, c) for i, c in enumerate(case.complaints)], notes, keep_quiet)
    ids = [el.id for el in case.elements]
    run.run_stage("jurisdiction", ids)
    for el_id in ids:
        if run.states[el_id].excluded:
            run.states[el_id].finding = "outside_jurisdiction"
            run.observed[el_id].facts.update(excluded=True, finding="outside_jurisdiction")
    live = [i for i in ids if not run.states[i].excluded]
    run.derive_from_complaints(live)
    topic = {el.id: el.topic for el in case.elements}
    last = library.vocabulary.assessed_last
    first_pass = [i for i in live if topic[i] not in last]
    for group in (first_pass, [i for i in live if topic[i] in last]):
        if group and group is not first_pass:
            _publish_others(run, first_pass, group)
        for stage, publish in _PUBLISH:
            run.run_stage(stage, group)
            for el_id in group:
                publish(run, el_id)
    run.run_stage("orders", ids)
    run.notes.extend(_unstated_judgements(case, live))
    return Run(case, decided, active, run.states, run.observed, run.trace, run.complaints, run.notes,
               run.dates_for(first_complaint_date(case)), run.dropped, run.unlisted)
