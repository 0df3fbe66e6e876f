"""What each endpoint computes, as plain functions of text: the same code paths as the CLI."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import yaml

from .. import engine, guide, report, rulesets, whatif
from ..assess import build as build_proposal
from ..check import draft, review
from ..check import render as check_render
from ..errors import InputError
from ..yamlio import Document, load_text

BODY_NAME = "request body"


class BadBody(InputError):
    """A body that is not parseable YAML or JSON (HTTP 400, where a body that parses but is invalid is 422)."""


def parse(text: str) -> Document:
    """Parse a JSON or YAML body with the same safe loader as files (JSON is read as YAML)."""
    try:
        return load_text(text, BODY_NAME)
    except InputError as exc:
        raise BadBody(exc.message, file=exc.file, line=exc.line, field=exc.field) from None


def assess(doc: Document, library: rulesets.Library, as_of: date | None, trace: str, what_if: bool = True) -> str:
    """The assessment JSON, byte for byte what `remedies assess --format json [--no-what-if]` prints."""
    case = guide.case_from_document(doc, library)
    run = engine.assess(case, library, as_of, keep_quiet=trace != "none")
    a = build_proposal(run, trace)
    changes = whatif.explore(case, library, as_of, a, run) if what_if else None
    return report.render([(a, report.build(a, library, run, changes), changes)], "json")


def report_text(doc: Document, library: rulesets.Library, as_of: date | None, fmt: str) -> str:
    """The report of `remedies assess --format FMT` (what would change this included), for a download."""
    case = guide.case_from_document(doc, library)
    run = engine.assess(case, library, as_of)
    a = build_proposal(run)
    changes = whatif.explore(case, library, as_of, a, run)
    return report.render([(a, report.build(a, library, run, changes), changes)], fmt)


class _FactsDumper(yaml.SafeDumper):
    """Safe YAML whose decimals read back as the same Decimal (the loader reads YAML decimals exactly);
    list items indented under their key, as the seeds are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


_FactsDumper.add_representer(Decimal, lambda d, value: d.represent_scalar("tag:yaml.org,2002:float", str(value)))


def facts_yaml(doc: Document, library: rulesets.Library) -> str:
    """Valid facts as a facts file: checked as `assess` checks them, then written in the model's field order
    with the defaults left out, so `remedies assess` on the file gives the proposal the page showed."""
    case = guide.case_from_document(doc, library)
    data = case.model_dump(mode="python", by_alias=True, exclude_defaults=True)
    reference = " ".join(case.case.reference.split())  # a line break in it would end the comment
    header = f"# Facts of complaint {reference} ({case.case.landlord}), entered at `remedies serve`.\n"
    return header + yaml.dump(data, Dumper=_FactsDumper, sort_keys=False, allow_unicode=True, width=100)


def facts_json(doc: Document, library: rulesets.Library) -> str:
    """Valid facts as JSON, defaults left out: what the page fills its form from when a facts file is opened."""
    case = guide.case_from_document(doc, library)
    return json.dumps(case.model_dump(mode="json", by_alias=True, exclude_defaults=True), ensure_ascii=False) + "\n"


def check_draft(doc: Document, library: rulesets.Library) -> str:
    """The check JSON of `remedies check --format json`; facts must be inline."""
    result = review.run(draft.from_document(doc, library.vocabulary, None), library)
    return check_render.render(result, "json")


def listing(library: rulesets.Library, as_of: date | None) -> str:
    return json.dumps(rulesets.listing(library, as_of), indent=2) + "\n"


def schema(what: str, library: rulesets.Library) -> str | None:
    """The JSON Schema of `remedies schema WHAT`, or None for an unknown WHAT (facts: with the vocabulary)."""
    if what == "facts":
        return json.dumps(guide.facts_schema(library), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    model = {"draft": draft.DraftFile, "ruleset": rulesets.RulesetFile}.get(what)
    return None if model is None else json.dumps(model.model_json_schema(by_alias=True), indent=2, sort_keys=True,
                                                 ensure_ascii=False) + "\n"
