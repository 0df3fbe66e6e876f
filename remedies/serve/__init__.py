"""`remedies serve`: the assessment engine as an HTTP JSON service (Starlette on uvicorn), with a
page at ``/`` where a caseworker enters the facts of a case and sees the proposal as they go.

``create_app(library)`` builds the application; the JSON endpoints live in ``routes.py``, the
page in ``page.py`` (its HTML, script and style in ``static/``).
"""
