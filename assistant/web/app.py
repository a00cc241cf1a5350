"""create_app(services): the FastAPI app — the API, the staff pages at /staff/ and the
public chat page at /. Both pages are static files that talk to the JSON API."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from assistant import __version__
from assistant.web.api import install_error_handlers, make_router
from assistant.web.chat_api import make_chat_router
from assistant.web.docs import install_docs
from assistant.web.guards import Guards
from assistant.web.staff_api import install_store_errors, make_staff_router

if TYPE_CHECKING:
    from assistant.services import Services

PAGES = Path(__file__).resolve().parent
STAFF_PAGES = PAGES / "staff"
CHAT_PAGES = PAGES / "chat"
COMMON = PAGES / "common"  # what both pages share (base.css)


def create_app(services: Services, with_ui: bool = True) -> FastAPI:
    app = FastAPI(
        docs_url=None,  # served from local assets below: the default loads from a CDN
        redoc_url=None,
        title="One-Window Assistant API",
        version=__version__,
        description="Cited, bilingual answers about Haikou's business-environment plan, "
        "service guides and FAQs. Answers are AI-generated; the official documents prevail.",
    )
    settings = services.settings
    app.add_middleware(
        Guards,
        max_body=settings.max_body_bytes,
        max_upload=settings.max_upload_bytes,
        per_minute=settings.rate_limit_per_minute,
        max_in_flight=settings.max_answers_in_flight,
    )
    install_docs(app)
    install_error_handlers(app)
    install_store_errors(app)
    app.include_router(make_router(services))
    app.include_router(make_chat_router(services))
    app.include_router(make_staff_router(services))
    if with_ui:
        app.mount("/common", StaticFiles(directory=COMMON), name="common")
        app.mount("/staff", StaticFiles(directory=STAFF_PAGES, html=True), name="staff")
        # Mounted last: the API routes above take precedence over the page's catch-all.
        app.mount("/", StaticFiles(directory=CHAT_PAGES, html=True), name="chat")
    return app
