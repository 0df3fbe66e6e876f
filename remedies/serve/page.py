"""The fact-entry page at ``/``: one static HTML page, its script and style, shipped as package data.

The page holds no list of fields or words: its script builds the form from ``GET /schema/facts``
(whose word lists come from the vocabulary), so a word added to a ruleset appears with no code change.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).with_name("static")


async def index(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", media_type="text/html")


ROUTES: list[BaseRoute] = [
    Route("/", index, methods=["GET"]),
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]
