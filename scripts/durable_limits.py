"""Measure what durable_rules (the installed version) can compile and evaluate.

Each probe builds a ruleset shaped like the ones engine.compile_stage makes, registers it on
a fresh host and asserts one fact, in a child process with a timeout (durable_rules hangs or
crashes beyond some sizes). A binary search finds the largest size that works.
Run: .venv/bin/python scripts/durable_limits.py [probe ...]
"""

from __future__ import annotations

import json
import multiprocessing as mp
import sys

TIMEOUT = 8


def definition(probe: str, n: int) -> tuple[dict, dict]:
    """(durable ruleset, one fact) for a probe of size n."""
    rules: dict = {}
    fact: dict = {"subject": "element", "sid": "s1", "_index": 0}
    def rule(key: str, cond: dict) -> None:
        rules[key] = {"all": [{"m": {"$and": [{"subject": "element"}, cond]}}], "run": key}
    if probe == "rules_same_fact":          # n rules, each one comparison of one shared fact
        for i in range(n):
            rule(f"r{i}", {"$gte": {"x": i}})
        fact["x"] = 5
    elif probe == "rules_eq":               # n rules, each an equality on one shared fact
        for i in range(n):
            rule(f"r{i}", {"x": i})
        fact["x"] = 5
    elif probe == "rules_distinct_facts":   # n rules, each reading its own fact
        for i in range(n):
            rule(f"r{i}", {"$gte": {f"f{i}": 1}})
            fact[f"f{i}"] = 1
    elif probe == "facts_one_rule":         # one rule reading n distinct facts (all)
        rule("r", {"$and": [{"$gte": {f"f{i}": 0}} for i in range(n)]})
        fact.update({f"f{i}": 1 for i in range(n)})
    elif probe == "facts_in_fact":          # n distinct facts asserted, one rule reading one
        rule("r", {"f0": 1})
        fact.update({f"f{i}": 1 for i in range(n)})
    elif probe == "in_list":                # one rule: fact in a list of n values
        rule("r", {"$or": [{"x": i} for i in range(n)]})
        fact["x"] = n - 1
    elif probe == "any_width":              # one rule: any of n comparisons of distinct facts
        rule("r", {"$or": [{"$gte": {f"f{i % 50}": i}} for i in range(n)]})
        fact.update({f"f{i}": 10 ** 6 for i in range(50)})
    elif probe == "all_width":              # one rule: all of n comparisons
        rule("r", {"$and": [{"$gte": {f"f{i % 50}": -i}} for i in range(n)]})
        fact.update({f"f{i}": 1 for i in range(50)})
    elif probe == "long_keys":             # n rules with long names (like ruleset-id/rule-id), one shared fact
        for i in range(n):
            rule(f"hos-remedies-guidance-2022/W-repair-delay-length-{i:05d}", {"$gte": {"x": i}})
        fact["x"] = 5
    elif probe == "long_facts":            # n rules, each reading its own long-named fact; the fact carries 20
        for i in range(n):
            rule(f"r{i}", {"$gte": {f"failure__loss_of_heating_and_hot_water_{i:05d}__measure": 1}})
        fact.update({f"failure__loss_of_heating_and_hot_water_{i:05d}__measure": 1 for i in range(min(n, 20))})
    elif probe == "string_values":         # n rules, each an equality with its own word
        for i in range(n):
            rule(f"r{i}", {"topic": f"complaint_handling_and_record_keeping_{i:05d}"})
        fact["topic"] = "complaint_handling_and_record_keeping_00000"
    elif probe == "matches_per_fact":      # n rules that all match one fact
        for i in range(n):
            rule(f"r{i}", {"$gte": {"x": 0}})
        fact["x"] = 5
    else:
        raise SystemExit(f"unknown probe {probe}")
    rules["_session_open"] = {"all": [{"m": {"subject": "_session_open"}}], "run": "_session_open"}
    return rules, fact


def _child(probe: str, n: int, out: mp.Queue) -> None:
    from durable import engine

    class Host(engine.Host):
        def __init__(self):
            self.hits = []
            super().__init__()

        def get_action(self, name):
            return lambda c: self.hits.append(name)

        def _run(self):
            return None

    rules, fact = definition(probe, n)
    host = Host()
    try:
        host.register_rulesets({"probe": json.loads(json.dumps(rules))})
    except Exception as exc:  # noqa: BLE001 - we report what durable says
        out.put(f"compile: {exc}"[:200])
        return
    try:
        host.assert_fact("probe", {"sid": "s1", "subject": "_session_open"})
        host.assert_fact("probe", fact)
    except Exception as exc:  # noqa: BLE001
        out.put(f"assert: {exc}"[:200])
        return
    out.put("ok" if len(host.hits) >= 2 else f"no match ({host.hits})")


def works(probe: str, n: int) -> tuple[bool, str]:
    q: mp.Queue = mp.Queue()
    p = mp.Process(target=_child, args=(probe, n, q))
    p.start()
    p.join(TIMEOUT)
    if p.is_alive():
        p.kill()
        p.join()
        return False, "hangs"
    if p.exitcode != 0:
        return False, f"crashed (exit {p.exitcode})"
    result = q.get() if not q.empty() else "no result"
    return result == "ok", result


def largest(probe: str, lo: int = 1, hi: int = 4096) -> int:
    ok, why = works(probe, hi)
    if ok:
        print(f"{probe}: {hi} works (no limit found up to {hi})", flush=True)
        return hi
    print(f"{probe}: {hi} -> {why}", flush=True)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        ok, why = works(probe, mid)
        print(f"  {probe} {mid}: {'ok' if ok else why}", flush=True)
        lo, hi = (mid, hi) if ok else (lo, mid)
    print(f"{probe}: largest working size {lo}", flush=True)
    return lo


if __name__ == "__main__":
    mp.set_start_method("fork")
    probes = sys.argv[1:] or ["rules_same_fact", "rules_eq", "rules_distinct_facts", "facts_one_rule",
                              "facts_in_fact", "in_list", "any_width", "all_width"]
    print(json.dumps({p: largest(p) for p in probes}))
