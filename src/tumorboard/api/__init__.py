"""The HTTP API (FastAPI): ``create_app()`` with one router per resource under ``/v1``."""

from tumorboard.api.app import create_app

__all__ = ["create_app"]
