"""Where a facts file uses the vocabulary's words, and what each word means."""

from __future__ import annotations

from ..rulesets import Library

# (path through the facts file, vocabulary key): "*" is any list index
WORD_FIELDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("resident", "vulnerabilities", "*"), "vulnerabilities"),
    (("elements", "*", "topic"), "topics"),
    (("elements", "*", "also_topics", "*"), "topics"),
    (("elements", "*", "failures", "*", "kind"), "failure_kinds"),
    (("elements", "*", "impacts", "*"), "impacts"),
    (("elements", "*", "mitigations", "*"), "mitigations"),
    (("elements", "*", "jurisdiction", "other_body"), "other_bodies"),
)
# what one word of each kind is called in a message
SINGULAR = {"topics": "topic", "failure_kinds": "failure kind", "impacts": "impact",
            "vulnerabilities": "vulnerability", "other_bodies": "body", "mitigations": "mitigation"}


def descriptions(library: Library) -> dict[str, dict[str, str]]:
    """Every vocabulary word with its description, by kind, in the order the rulesets declare them."""
    out: dict[str, dict[str, str]] = {key: {} for key in SINGULAR}
    for rs in library.rulesets:
        for key, entries in rs.spec.vocabulary.items():
            out.setdefault(key, {}).update(entries)
    return out
