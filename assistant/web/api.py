"""The HTTP API: chat (JSON or server-sent events), OpenAI-compatible chat, sources,
feedback and health. Every client mistake is a 4xx with a JSON message."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.chat import InvalidQuestionError
from assistant.index.store import IndexNotReadyError
from assistant.providers.vectorstore import StoreUnavailableError
from assistant.web.errors import ClientError, error_body
from assistant.web.health import health_checks
from assistant.web.sources import source_view

if TYPE_CHECKING:
    from assistant.services import Services


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: Literal["up", "down"]
    question: str = Field(min_length=1, max_length=2000)
    answer: str = Field(min_length=1, max_length=20000)
    lang: Literal["zh", "en"] | None = None
    refs: list[str] = Field(default_factory=list, max_length=20)
    comment: str = Field(default="", max_length=2000)
    answer_id: str = Field(default="", max_length=64, pattern=r"^[A-Za-z0-9_-]*$")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        # 404 for an unknown route, 405 for a wrong method: the same envelope as the rest.
        kind = "not_found" if exc.status_code == 404 else "invalid_request_error"
        return JSONResponse(
            error_body(str(exc.detail), kind), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(ClientError)
    def _client(_: Request, exc: ClientError) -> JSONResponse:
        return JSONResponse(error_body(exc.message, exc.kind), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for e in exc.errors()[:5]:
            if e.get("type") == "json_invalid":
                problems.append("the request body is not valid JSON")
                continue
            where = ".".join(str(p) for p in e.get("loc", []) if p != "body")
            problems.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
        return JSONResponse(
            error_body("invalid request: " + "; ".join(problems), "invalid_request_error"),
            status_code=422,
        )

    @app.exception_handler(InvalidQuestionError)
    def _question(_: Request, exc: InvalidQuestionError) -> JSONResponse:
        body = error_body(str(exc), "invalid_request_error")
        body["error"]["code"] = exc.code
        return JSONResponse(body, status_code=400)

    @app.exception_handler(IndexNotReadyError)
    @app.exception_handler(StoreUnavailableError)
    def _unavailable(_: Request, exc: Exception) -> JSONResponse:
        # Not the client's fault: the service is not ready. Say so, and what to do.
        return JSONResponse(error_body(str(exc), "service_unavailable"), status_code=503)


def make_router(services: Services) -> APIRouter:
    router = APIRouter()

    @router.get("/api/v1/sources/{ref:path}", tags=["sources"])
    def source(ref: str, highlight: str = Query("", max_length=4000)) -> dict[str, Any]:
        """A unit in both languages, sentence by sentence; `highlight` takes comma-separated
        sentence ids (a citation's `sentence_ids`) to mark in both texts."""
        unit = services.index.units.get(ref)
        if unit is None:
            raise ClientError(
                404,
                f"unknown ref {ref!r}; refs look like plan#22, guide:<slug> or entry:<slug>",
                "not_found",
            )
        return source_view(unit, {h.strip() for h in highlight.split(",") if h.strip()})

    @router.post("/api/v1/feedback", tags=["feedback"], status_code=201)
    def feedback(req: FeedbackRequest) -> dict[str, Any]:
        """Thumbs up/down on an answer, with an optional comment."""
        unknown = [r for r in req.refs if r not in services.known_refs()]
        if unknown:
            raise ClientError(422, f"unknown refs {unknown}")
        fid = services.feedback.add(
            rating=req.rating,
            question=req.question,
            answer=req.answer,
            lang=req.lang or "",
            refs=req.refs,
            comment=req.comment,
            answer_id=req.answer_id,
        )
        if req.rating == "down":
            services.queue.record(req.question, req.lang or "", "rated_down", req.refs)
        return {"id": fid, "stored": True}

    @router.get("/api/v1/health", tags=["health"], response_model=None)
    def health() -> Any:
        """Whether the index, the vector store and the database all work (details, which
        may name files and servers, are for staff at /api/v1/staff/health)."""
        ok, checks = health_checks(services)
        body = {
            "status": "ok" if ok else "unavailable",
            "checks": {k: v["ok"] for k, v in checks.items()},
        }
        return JSONResponse(body, status_code=200 if ok else 503)

    return router
