"""The HTTP API (FastAPI): ``create_app()`` with one router per resource under ``/v1``."""
