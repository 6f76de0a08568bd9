"""The web application: server-rendered pages (Jinja2) with htmx for live updates. ``mount(app)`` adds them."""

from __future__ import annotations

from fastapi import FastAPI


def mount(app: FastAPI) -> None:
    from tumorboard.web.pages import attach

    attach(app)
