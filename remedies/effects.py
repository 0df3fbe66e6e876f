"""The fixed vocabulary of effects a rule's `then` may name, in one registry.

Each effect says which stage it belongs to, how several firing rules combine at that
decision point (``collect``, ``sum``, ``max`` or ``unique``), how its arguments are
checked at load time, and how it changes an element's state, returning a sentence for
the trace. ``unique`` decisions take exactly one rule: a more specific rule names the
rule it overrides, and two unrelated rules firing together is an error, not a pick.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable

from . import money
from .observations import PENCE_PER_POUND
from .ruleset_schema import LEVELS, Resolved, RulesetFile

FINDINGS = LEVELS + ("reasonable_redress", "outside_jurisdiction", "mediation", "withdrawn")


@dataclass
class ElementState:
    """What the stages have decided so far about one element."""

    id: str
    excluded: list[dict] = field(default_factory=list)
    derived: dict[str, dict] = field(default_factory=dict)
    points: int = 0
    level: str = ""
    band: dict | None = None
    proposed_parts: list[dict] = field(default_factory=list)
    redress: dict | None = None
    finding: str = ""
    amount: int = 0
    orders: list[dict] = field(default_factory=list)
    recommendations: list[dict] = field(default_factory=list)
    policy: list[dict] = field(default_factory=list)

    @property
    def proposed_amount(self) -> int:
        return sum(p["amount"] for p in self.proposed_parts)


@dataclass
class CheckState:
    """The problems the check stage found in one draft or draft element."""

    flags: list[dict] = field(default_factory=list)


@dataclass
class Firing:
    """One rule that matched one subject, with the parameters in force for it."""

    key: str
    ruleset_id: str
    rule: Any
    fact: dict
    param: Callable[[str], Resolved]
    status: str = "fired"
    overridden_by: str | None = None
    change: str = ""
    params_read: dict[str, Resolved] = field(default_factory=dict)
    facts_read: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        """A fact the effect reads, remembered so the trace shows it beside the condition's facts."""
        self.facts_read[name] = self.fact[name]
        return self.fact[name]

    def resolved(self, name: str) -> Resolved:
        """A parameter in force, remembered so the trace can show it."""
        r = self.param(name)
        self.params_read[name] = r
        return r

    def value(self, arg: Any) -> Any:
        """An effect argument: a literal, {param: NAME[, field]} or {fact: NAME}."""
        if isinstance(arg, dict) and "param" in arg:
            r = self.resolved(arg["param"])
            return getattr(r, arg["field"]) if "field" in arg else r.value
        if isinstance(arg, dict) and "fact" in arg:
            return self.get(arg["fact"])
        return arg


@dataclass(frozen=True)
class Effect:
    stage: str
    combine: str
    check: Callable[[dict, RulesetFile, set[str]], str | None]
    apply: Callable[[ElementState, Firing, dict], str]


def _needs(*keys: str, optional: tuple[str, ...] = ()) -> Callable[[dict, RulesetFile, set[str]], str | None]:
    def check(args: dict, spec: RulesetFile, facts: set[str]) -> str | None:
        if not isinstance(args, dict):
            return "arguments must be a mapping"
        missing = [k for k in keys if k not in args]
        extra = [k for k in args if k not in keys + optional]
        if missing or extra:
            return f"needs {list(keys)}" + (f", may have {list(optional)}" if optional else "") + \
                   (f"; unknown {extra}" if extra else "")
        for k, v in args.items():
            if isinstance(v, dict) and "param" in v and v["param"] not in spec.parameters:
                return f"'{k}' names unknown parameter '{v['param']}'"
            if isinstance(v, dict) and "fact" in v and v["fact"] not in facts:
                return f"'{k}' names unknown fact '{v['fact']}'"
        return None
    return check


def _exclude(state: ElementState, f: Firing, args: dict) -> str:
    state.excluded.append({"ground": args["ground"], "paragraph": f.value(args["paragraph"]), "rule": f.key})
    return f"outside jurisdiction under paragraph {f.value(args['paragraph'])} ({args['ground']})"


def _derive_failure(state: ElementState, f: Firing, args: dict) -> str:
    """Record a failure derived from dates; the same failure on one complaint counts once."""
    kind = args["kind"]
    measure = 0
    if "measure" in args:
        m = args["measure"]
        measure = max(0, int(f.value({"fact": m["fact"]})) - int(f.value(m.get("minus", 0))))
    entry = state.derived.setdefault(kind, {"count": 0, "measure": 0, "bases": {}, "subjects": {}})
    subject = f.fact.get("complaint", 0)
    if subject not in entry["subjects"]:
        entry["count"] += 1
        entry["subjects"][subject] = 0
    previous = entry["subjects"][subject]
    if measure > previous:
        entry["measure"] += measure - previous
        entry["subjects"][subject] = measure
    entry["bases"].setdefault(args["basis"], []).append(f.key)
    where = f" (complaint {subject})" if subject else ""
    if args["basis"] == "guidance":
        extent = f", {measure} time{'s' if measure != 1 else ''}" if "measure" in args else ""
        return f"derived failure '{kind}'{where}{extent}"
    extent = f", {measure} working days over the limit" if "measure" in args else ""
    basis = {"code": "the Complaint Handling Code", "policy": "the landlord's own policy"}[args["basis"]]
    return f"derived failure '{kind}'{where}: breaches {basis}{extent}"


def _add_points(state: ElementState, f: Firing, args: dict) -> str:
    points = int(f.value(args["points"]))
    how = f"{points}"
    if "per" in args:
        value = int(f.get(args["per"]))
        every = int(f.value(args.get("every", 1)))
        units = -(-max(0, value) // every)  # whole periods, a part counting as one
        total = points * units
        how = f"{points} × {units} (for {args['per']} = {value}" + (f", per {every}" if every != 1 else "") + ")"
    else:
        total = points
    if "max" in args and total > int(f.value(args["max"])):
        total = int(f.value(args["max"]))
        how += f", capped at {total}"
    state.points += total
    return f"+{total} point{'s' if total != 1 else ''} [{how}]; running total {state.points}"


def _set_level(state: ElementState, f: Firing, args: Any) -> str:
    level = args
    if not state.level or LEVELS.index(level) > LEVELS.index(state.level):
        state.level = level
        return f"level raised to {level}"
    return f"level {level} (already {state.level})"


def _band(f: Firing, name: str) -> dict:
    r = f.resolved(name)
    return {"name": name, "min": r.min, "max": r.max, "evidence": r.evidence, "source": r.source.id,
            "ruleset": f.ruleset_id}


def _band_amount(state: ElementState, f: Firing, args: dict) -> str:
    band = _band(f, args["band"]["param"])
    start = int(f.value(args["from_points"]))
    step = int(f.value(args["step"]))
    over = max(0, state.points - start)
    # where the band's sums usually begin, if the ruleset says (never below the band's minimum)
    base = max(band["min"], int(f.value(args["start"]))) if "start" in args else band["min"]
    amount = base + over * step
    floor = int(f.value(args["floor"])) if "floor" in args else 0
    floored = amount < floor
    if floored:  # the least the band's sums usually come to, whatever the weight
        amount = floor
    capped = band["max"] is not None and amount > band["max"]
    if capped:
        amount = band["max"]
    state.band = band
    state.proposed_parts.append({"label": "distress and inconvenience, time and trouble", "amount": amount,
                                 "rule": f.key, "kind": "judged"})
    top = "no upper figure" if band["max"] is None else f"£{band['max']}"
    start_words = "" if base == band["min"] else f" (its usual starting point £{base})"
    text = (f"{band['name'].removeprefix('band_').replace('_', ' ')} band £{band['min']}–{top} "
            f"[{band['evidence']}]{start_words}; £{base} + "
            f"{over} points over {start} × £{step} = £{base + over * step}")
    return text + (f", raised to its usual least £{floor}" if floored and not capped else "") + \
        (f", capped at the band's top £{amount}" if capped else "") + f" → £{amount}"


def _no_award(state: ElementState, f: Firing, args: dict) -> str:
    state.proposed_parts.append({"label": args["reason"], "amount": 0, "rule": f.key, "kind": "judged"})
    return f"no sum for this element: {args['reason']}"


def _rate_amount(f: Firing, args: dict) -> tuple[int, str, str]:
    """base + rate × ceil(units / every), capped: the shape of every per-day, per-week or per-item sum."""
    r = f.resolved(args["rate"]["param"])
    rate, value = int(r.value), int(f.get(args["per"]))
    every = int(f.value(args.get("every", 1)))
    units = -(-max(0, value) // every)  # whole periods, a part counting as one
    base = int(f.value(args["base"])) if "base" in args else 0
    amount = base + rate * units
    how = (f"£{base} + " if base else "") + f"£{rate} × {units}"
    how += f" ({args['per']} = {value}" + (f", per {every}" if every != 1 else "") + ")"
    evidence = {r.evidence} | ({f.resolved(args["base"]["param"]).evidence} if "base" in args else set())
    if "max" in args and amount > int(f.value(args["max"])):
        amount = int(f.value(args["max"]))
        how += f", capped at £{amount}"
        evidence.add(f.resolved(args["max"]["param"]).evidence)
    worst = max(evidence, key=["verified", "decision", "secondary", "unverified"].index)
    return amount, how, worst


def _add_sum(state: ElementState, f: Firing, args: dict) -> str:
    amount, how, evidence = _rate_amount(f, args)
    state.proposed_parts.append({"label": args["label"], "amount": amount, "rule": f.key,
                                 "kind": "calculated", "evidence": evidence})
    return f"calculated sum '{args['label']}': {how} = £{amount} [{evidence}]"


def _add_amount(state: ElementState, f: Firing, args: dict) -> str:
    amount = money.exact(f.get(args["fact"]))
    state.proposed_parts.append({"label": args["label"], "amount": amount, "rule": f.key, "kind": "calculated"})
    return f"calculated sum '{args['label']}': {args['fact']} = £{amount:,}"


def _amenity_sum(state: ElementState, f: Firing, args: dict) -> str:
    """Weekly rent × weeks × percentage lost, in exact decimal arithmetic, rounded half up to the penny."""
    rent = Decimal(f.get("amenity_weekly_rent_pence")) / PENCE_PER_POUND
    weeks, percent = f.get("amenity_weeks"), f.get("amenity_percent")
    amount = money.exact((rent * weeks * percent / 100).quantize(money.PENNY, rounding=ROUND_HALF_UP))
    state.proposed_parts.append({"label": args["label"], "amount": amount, "rule": f.key, "kind": "calculated",
                                 "inputs": {"weekly_rent": str(rent), "weeks": weeks, "percent": percent}})
    return f"calculated sum '{args['label']}': £{rent} a week × {weeks} weeks × {percent}% = £{amount:,}"


def _policy_band(state: ElementState, f: Firing, args: dict) -> str:
    band = _band(f, args["band"]["param"])
    band["description"] = args.get("label", "")
    state.policy.append({"kind": "band", "rule": f.key, **band})
    top = "no upper figure" if band["max"] is None else f"£{band['max']}"
    return f"landlord's own band '{band['description'] or band['name']}': £{band['min']}–{top} [{band['evidence']}]"


def _policy_sum(state: ElementState, f: Firing, args: dict) -> str:
    amount, how, evidence = _rate_amount(f, args)
    state.policy.append({"kind": "sum", "rule": f.key, "ruleset": f.ruleset_id, "label": args["label"],
                         "amount": amount, "evidence": evidence})
    return f"landlord's own policy would pay '{args['label']}': {how} = £{amount} [{evidence}]"


def _redress(state: ElementState, f: Firing, args: dict) -> str:
    proposed, offered = f.get("proposed_amount"), f.get("offered")
    outcome = args["outcome"]
    pay = {"proposal": proposed, "offer": offered, "greater": max(proposed, offered), "nothing": 0}[args["pay"]]
    finding = {"reasonable_redress": "reasonable_redress", "stands": state.level,
               "reduced": args.get("to_level", state.level)}[outcome]
    state.redress = {"outcome": outcome, "rule": f.key, "pay": args["pay"]}
    state.finding = finding
    state.amount = pay
    return (f"{outcome.replace('_', ' ')}: finding {finding}; proposed £{proposed}, offered £{offered} "
            f"→ pays the {args['pay']} (£{pay})")


def _order(state: ElementState, f: Firing, args: dict) -> str:
    due = f.value(args["due_weeks"]) if "due_weeks" in args else None
    state.orders.append({"id": args["id"], "text": args["text"], "due_weeks": due, "rule": f.key})
    return f"order '{args['id']}'" + (f" within {due} weeks" if due else "")


def _recommend(state: ElementState, f: Firing, args: dict) -> str:
    state.recommendations.append({"id": args["id"], "text": args["text"], "rule": f.key})
    return f"recommendation '{args['id']}'"


def _check_level(args: Any, spec: RulesetFile, facts: set[str]) -> str | None:
    return None if args in LEVELS else f"set_level takes one of {', '.join(LEVELS)}"


def _check_redress(args: dict, spec: RulesetFile, facts: set[str]) -> str | None:
    msg = _needs("outcome", "pay", optional=("to_level",))(args, spec, facts)
    if msg:
        return msg
    if args["outcome"] not in ("reasonable_redress", "stands", "reduced"):
        return "outcome is one of reasonable_redress, stands, reduced"
    if args["pay"] not in ("proposal", "offer", "greater", "nothing"):
        return "pay is one of proposal, offer, greater, nothing"
    if (args["outcome"] == "reduced") != ("to_level" in args) or args.get("to_level", LEVELS[0]) not in LEVELS:
        return "a 'reduced' outcome names to_level (a finding level), and only it does"
    return None


def _check_band(args: dict, spec: RulesetFile, facts: set[str]) -> str | None:
    msg = _needs("band", "from_points", "step", optional=("start", "floor"))(args, spec, facts)
    if msg:
        return msg
    if not isinstance(args["band"], dict) or "param" not in args["band"]:
        return "band is {param: NAME}"
    return _number_or_param(args, "start", 0, figures_need_source=True) or \
        _number_or_param(args, "floor", 0, figures_need_source=True)


def _number_or_param(args: dict, key: str, least: int, figures_need_source: bool = False) -> str | None:
    """An argument that is a whole number (at least ``least``) or a parameter reference."""
    value = args.get(key)
    if value is None or (isinstance(value, dict) and "param" in value):
        return None
    if figures_need_source:
        return f"{key} is {{param: NAME}}, so the figure carries its source"
    if type(value) is not int or value < least:
        return f"{key} is a whole number of at least {least}, or {{param: NAME}}"
    return None


def _check_sum(args: dict, spec: RulesetFile, facts: set[str]) -> str | None:
    msg = _needs("label", "rate", "per", optional=("every", "base", "max"))(args, spec, facts)
    if msg:
        return msg
    for key in ("rate", "base", "max"):
        msg = _number_or_param(args, key, 0, figures_need_source=True)
        if msg:
            return msg
    if args["per"] not in facts:
        return f"per names unknown fact '{args['per']}'"
    return _number_or_param(args, "every", 1)


def _check_amount(args: dict, spec: RulesetFile, facts: set[str]) -> str | None:
    msg = _needs("label", "fact")(args, spec, facts)
    if msg:
        return msg
    return None if args["fact"] in facts else f"fact names unknown fact '{args['fact']}'"


def _check_policy_band(args: dict, spec: RulesetFile, facts: set[str]) -> str | None:
    msg = _needs("band", optional=("label",))(args, spec, facts)
    if msg:
        return msg
    if not isinstance(args["band"], dict) or args["band"].get("param") not in spec.parameters:
        return "band is {param: NAME} naming one of this ruleset's parameters"
    return None


def _check_points(args: dict, spec: RulesetFile, facts: set[str]) -> str | None:
    msg = _needs("points", optional=("per", "every", "max"))(args, spec, facts)
    if msg:
        return msg
    if "per" in args and args["per"] not in facts:
        return f"per names unknown fact '{args['per']}'"
    if not (isinstance(args["points"], dict) or type(args["points"]) is int):
        return "points is a whole number (it may be negative) or {param: NAME}"
    return _number_or_param(args, "every", 1) or _number_or_param(args, "max", 0)


def _check_derive(args: dict, spec: RulesetFile, facts: set[str]) -> str | None:
    msg = _needs("kind", "basis", optional=("measure", "onto"))(args, spec, facts)
    if msg:
        return msg
    if args["basis"] not in ("code", "policy", "guidance"):
        return "basis is one of code, policy, guidance"
    m = args.get("measure")
    if m is not None and (not isinstance(m, dict) or m.get("fact") not in facts):
        return "measure is {fact: NAME, minus: {param: NAME}}"
    return None


_FIELD = re.compile(r"\{([a-z0-9_]+)\}")


def fill(text: str, fact: dict) -> str:
    """A flag's text with each {fact} replaced by its value (pounds with thousands separators)."""
    def show(m: re.Match) -> str:
        v = fact[m.group(1)]
        if isinstance(v, bool):
            return "yes" if v else "no"
        return f"{v:,}" if isinstance(v, (int, Decimal)) else (v or "—")
    return _FIELD.sub(show, text)


def _flag(state: CheckState, f: Firing, args: dict) -> str:
    state.flags.append({"rule": f.key, "severity": args["severity"], "message": fill(args["message"], f.fact),
                        "found": fill(args["found"], f.fact), "expected": fill(args["expected"], f.fact),
                        "show": args.get("show")})
    return f"{args['severity']}: {state.flags[-1]['message']}"


def _check_flag(args: dict, spec: RulesetFile, facts: set[str]) -> str | None:
    msg = _needs("severity", "message", "found", "expected", optional=("show",))(args, spec, facts)
    if msg:
        return msg
    if args["severity"] not in ("error", "warning"):
        return "severity is error or warning"
    if args.get("show", "proposal") != "proposal":
        return "show is 'proposal' (the proposal's reasons are shown with the problem)"
    for key in ("message", "found", "expected"):
        if not isinstance(args[key], str):
            return f"{key} is text, with {{fact}} for a fact's value"
        unknown = [name for name in _FIELD.findall(args[key]) if name not in facts]
        if unknown:
            return f"{key} names unknown fact '{unknown[0]}'"
    return None


REGISTRY: dict[str, Effect] = {
    "exclude": Effect("jurisdiction", "collect", _needs("ground", "paragraph"), _exclude),
    "derive_failure": Effect("derive", "collect", _check_derive, _derive_failure),
    "add_points": Effect("weigh", "sum", _check_points, _add_points),
    "set_level": Effect("finding", "max", _check_level, _set_level),
    "band_amount": Effect("compensation", "unique", _check_band, _band_amount),
    "no_award": Effect("compensation", "unique", _needs("reason"), _no_award),
    "add_sum": Effect("compensation", "sum", _check_sum, _add_sum),
    "add_amount": Effect("compensation", "sum", _check_amount, _add_amount),
    "amenity_sum": Effect("compensation", "sum", _needs("label"), _amenity_sum),
    "policy_band": Effect("compensation", "collect", _check_policy_band, _policy_band),
    "policy_sum": Effect("compensation", "collect", _check_sum, _policy_sum),
    "redress": Effect("redress", "unique", _check_redress, _redress),
    "order": Effect("orders", "collect", _needs("id", "text", optional=("due_weeks",)), _order),
    "recommend": Effect("orders", "collect", _needs("id", "text"), _recommend),
    "flag": Effect("check", "collect", _check_flag, _flag),
}
# band_amount and no_award decide the same thing: the judged sum for the element
DECISION = {"band_amount": "judged_sum", "no_award": "judged_sum"}


def effect_of(then: dict) -> tuple[str, Any]:
    ((name, args),) = then.items()
    return name, args


def check_effect(then: dict, spec: RulesetFile, facts: set[str], stage: str | None = None) -> str | None:
    """Load-time check of a rule's `then`: one known effect, well-formed arguments."""
    if len(then) != 1:
        return f"'then' names exactly one effect; known: {', '.join(REGISTRY)}"
    name, args = effect_of(then)
    if name not in REGISTRY:
        return f"unknown effect '{name}'; known: {', '.join(REGISTRY)}"
    if stage is not None and REGISTRY[name].stage != stage:
        return f"effect '{name}' belongs to stage '{REGISTRY[name].stage}', not '{stage}'"
    return REGISTRY[name].check(args, spec, facts)
