"""Reports: one model (``model.build``) rendered as text, Markdown, HTML or JSON.

Every format shows the same facts; a test holds them to it.
"""

from __future__ import annotations

import json
from typing import Any

from .. import money
from . import html, markdown, text
from .model import Report, build

FORMATS = ("text", "markdown", "json", "html")

__all__ = ["FORMATS", "Report", "build", "render", "render_json", "json_document"]


def render_json(data: Any) -> str:
    """Deterministic JSON: fixed key order from the builders, sums with pence as their exact digits, UTF-8 as is."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=money.json_default) + "\n"


def json_document(a: dict, report: Report, changes: dict[str, dict] | None) -> dict:
    """The assessment for tools, with "what would change this" on each element and the plain report."""
    elements = [{**e, "what_would_change": (changes or {}).get(e["id"])} for e in a["elements"]]
    return {**a, "elements": elements, "report": report.to_dict()}


def render(items: list[tuple[dict, Report, dict[str, dict] | None]], fmt: str) -> str:
    """Render one or several assessed cases; several cases make one document in every format."""
    if fmt == "json":
        docs = [json_document(a, r, c) for a, r, c in items]
        return render_json(docs[0] if len(docs) == 1 else docs)
    reports = [r for _, r, _ in items]
    if fmt == "html":
        return html.render(reports)
    if fmt == "markdown":
        return "\n".join(markdown.render(r) for r in reports)
    return "\n".join(text.render(r) for r in reports)
