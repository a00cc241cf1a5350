"""create_app(services): the FastAPI app with the API routes and the gradio UI at /."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI

from assistant import __version__
from assistant.web.api import install_error_handlers, make_router

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
    app.include_router(make_router(services))
    if with_ui:
        import gradio as gr

        from assistant.web.ui import CSS, build_ui, make_theme

        # Mounted last: the API routes above take precedence over the UI's catch-all.
        app = gr.mount_gradio_app(
            app, build_ui(services), path="/", theme=make_theme(), css=CSS, footer_links=["api"]
        )
    return app
