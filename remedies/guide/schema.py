"""The facts JSON Schema with the vocabulary in it, so an editor completes and checks the words."""

from __future__ import annotations

from typing import Any

from ..facts import Case
from ..rulesets import Library
from .words import WORD_FIELDS, descriptions

# the model behind each step of a path, as pydantic names it in $defs
_DEFS = {("resident",): "Resident", ("elements", "*"): "Element", ("elements", "*", "failures", "*"): "Failure",
         ("elements", "*", "jurisdiction"): "Jurisdiction"}


def _words(known: dict[str, str]) -> dict[str, Any]:
    return {"oneOf": [{"const": word, "description": text} for word, text in sorted(known.items())]}


def _ordered(model: dict[str, Any]) -> None:
    """Number each property in the order a facts file gives them (the JSON is printed with sorted keys);
    ``propertyOrder`` is the keyword form builders read, e.g. the page of `remedies serve`."""
    for n, prop in enumerate(model.get("properties", {}).values(), 1):
        prop["propertyOrder"] = n


def facts_schema(library: Library) -> dict[str, Any]:
    """Case.model_json_schema() with each word field replaced by the words it may take, each described,
    and each property numbered in the model's order."""
    schema = Case.model_json_schema(by_alias=True)
    for model in [schema, *schema["$defs"].values()]:
        _ordered(model)
    words = descriptions(library)
    for path, key in WORD_FIELDS:
        is_list = path[-1] == "*"
        field_path = path[:-1] if is_list else path
        owner = _DEFS[field_path[:-1]]
        prop = schema["$defs"][owner]["properties"][field_path[-1]]
        choice = _words(words.get(key, {}))
        if is_list:
            prop["items"] = choice
        elif "anyOf" in prop:  # optional: the words, or null
            prop["anyOf"] = [choice, {"type": "null"}]
        else:
            prop.pop("type", None)
            prop.update(choice)
    landlords = library.landlords()
    info = schema["$defs"]["CaseInfo"]["properties"]["landlord"]
    info["examples"] = landlords
    info["description"] = (f"{info.get('description', '')}; landlords with a policy ruleset: {', '.join(landlords)} "
                           f"(another id is allowed, with a warning: no landlord policy is then applied)").lstrip("; ")
    return schema
