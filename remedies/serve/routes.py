"""The service's endpoints: POST /assess, POST /report, POST /facts.yaml, POST /facts.json, POST /check,
GET /rulesets, GET /schema/{what}, GET /health.

Bad input is 400 (a body that does not parse) or 422 (one that parses but is not valid
facts or a valid draft), with the CLI's one-line message as ``{"error": ...}``; anything
else is a 500 with one line, never a stack trace.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import __version__, report
from ..assess import TRACE_LEVELS
from ..errors import RemediesError
from ..yamlio import MAX_BYTES
from . import work

REPORT_TYPES = {"html": "text/html", "markdown": "text/markdown",
                "text": "text/plain", "json": "application/json"}
Endpoint = Callable[[Request], Awaitable[Response]]


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _json(text: str) -> Response:
    return Response(text, media_type="application/json")


def _as_of(request: Request) -> date | None:
    value = request.query_params.get("as_of")
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise RemediesError(f"as_of: '{value}' is not a date as YYYY-MM-DD") from None


class TooLarge(Exception):
    """A request body over the bound."""


async def _body(request: Request) -> str:
    """The body as text, refused past MAX_BYTES whether or not Content-Length says so."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BYTES:
        raise TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise TooLarge
        chunks.append(chunk)
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError:
        raise work.BadBody("not UTF-8 text", file=work.BODY_NAME) from None


def guarded(handler: Callable[[Request], Awaitable[Response]]) -> Endpoint:
    """Turn the errors a user can act on into 400/413/422 and a bug into a one-line 500."""
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except TooLarge:
            return _error(413, f"{work.BODY_NAME}: larger than the limit of {MAX_BYTES:,} bytes")
        except work.BadBody as exc:
            return _error(400, str(exc))
        except RemediesError as exc:
            return _error(422, str(exc))
        except Exception as exc:  # a bug: one line, as the CLI's exit code 3
            return _error(500, f"internal error: {type(exc).__name__}: {exc}")
    return endpoint


async def assess(request: Request) -> Response:
    state: Any = request.app.state
    as_of = _as_of(request)
    trace = request.query_params.get("trace", "fired")
    if trace not in TRACE_LEVELS:
        raise RemediesError(f"trace: '{trace}' is not one of {', '.join(TRACE_LEVELS)}")
    what_if = request.query_params.get("what_if", "true")  # as `remedies assess` does; false: --no-what-if
    if what_if not in ("true", "false"):
        raise RemediesError(f"what_if: '{what_if}' is not true or false")
    doc = work.parse(await _body(request))
    return _json(await state.engine.run(work.assess, doc, state.library, as_of, trace, what_if == "true"))


async def report_download(request: Request) -> Response:
    """The report in a format of `remedies assess --format`, what would change this included."""
    state: Any = request.app.state
    fmt = request.query_params.get("format", "html")
    if fmt not in report.FORMATS:
        raise RemediesError(f"format: '{fmt}' is not one of {', '.join(report.FORMATS)}")
    doc = work.parse(await _body(request))
    text = await state.engine.run(work.report_text, doc, state.library, _as_of(request), fmt)
    return Response(text, media_type=REPORT_TYPES[fmt])


async def facts_yaml(request: Request) -> Response:
    """Facts (JSON or YAML) as a facts file for `remedies assess`: 422 with every problem if they are not valid."""
    state: Any = request.app.state
    doc = work.parse(await _body(request))
    return Response(await state.engine.run(work.facts_yaml, doc, state.library), media_type="application/yaml")


async def facts_json(request: Request) -> Response:
    """A facts file (YAML or JSON) as checked JSON, for the page to open: 422 with every problem if it is not valid."""
    state: Any = request.app.state
    doc = work.parse(await _body(request))
    return _json(await state.engine.run(work.facts_json, doc, state.library))


async def check_draft(request: Request) -> Response:
    state: Any = request.app.state
    doc = work.parse(await _body(request))
    return _json(await state.engine.run(work.check_draft, doc, state.library))


async def rulesets(request: Request) -> Response:
    return _json(work.listing(request.app.state.library, _as_of(request)))


async def schema(request: Request) -> Response:
    text = work.schema(request.path_params["what"], request.app.state.library)
    return _json(text) if text else _error(404, "no such schema; known: facts, draft, ruleset")


async def health(request: Request) -> Response:
    library = request.app.state.library
    return _json(json.dumps({"status": "ok", "version": __version__, "rulesets": len(library.rulesets)}) + "\n")


ROUTES = [
    Route("/assess", guarded(assess), methods=["POST"]),
    Route("/report", guarded(report_download), methods=["POST"]),
    Route("/facts.yaml", guarded(facts_yaml), methods=["POST"]),
    Route("/facts.json", guarded(facts_json), methods=["POST"]),
    Route("/check", guarded(check_draft), methods=["POST"]),
    Route("/rulesets", guarded(rulesets), methods=["GET"]),
    Route("/schema/{what}", guarded(schema), methods=["GET"]),
    Route("/health", health, methods=["GET"]),
]
