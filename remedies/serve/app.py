"""The application factory: one loaded library, one engine thread, the routes."""

from __future__ import annotations

import contextlib
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from ..rulesets import Library
from .engine_thread import EngineThread
from . import page
from .routes import ROUTES


def create_app(library: Library, extra_routes: list[BaseRoute] | None = None) -> Starlette:
    """The service over ``library`` (loaded and validated once, by the caller, before the first request).

    The fact-entry page is at ``/``; ``extra_routes`` are served beside it and the JSON endpoints.
    """
    engine = EngineThread()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        engine.close()

    app = Starlette(routes=[*ROUTES, *page.ROUTES, *(extra_routes or [])], lifespan=lifespan)
    app.state.library = library
    app.state.engine = engine
    return app
