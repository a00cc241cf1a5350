"""create_app(services): the FastAPI app with the API routes and the gradio UI at /."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from assistant import __version__
from assistant.web.api import install_error_handlers, make_router
from assistant.web.staff_api import install_store_errors, make_staff_router

STAFF_PAGES = Path(__file__).resolve().parent / "staff"

if TYPE_CHECKING:
    from assistant.services import Services


def create_app(services: Services, with_ui: bool = True) -> FastAPI:
    app = FastAPI(
        title="One-Window Assistant API",
        version=__version__,
        description="Cited, bilingual answers about Haikou's business-environment plan. "
        "Answers are AI-generated; the official documents prevail.",
    )
    install_error_handlers(app)
    install_store_errors(app)
    app.include_router(make_router(services))
    app.include_router(make_staff_router(services))
    app.mount("/staff", StaticFiles(directory=STAFF_PAGES, html=True), name="staff")
    if with_ui:
        import gradio as gr

        from assistant.web.ui import CSS, build_ui, make_theme

        # Mounted last: the API routes above take precedence over the UI's catch-all.
        app = gr.mount_gradio_app(
            app, build_ui(services), path="/", theme=make_theme(), css=CSS, footer_links=["api"]
        )
    return app
