"""`remedies serve`: the assessment engine as an HTTP JSON service (Starlette on uvicorn).

``create_app(library)`` builds the application; routes live in ``routes.py`` so another
page (say, a form at ``/``) can be mounted beside them without touching the handlers.
"""
