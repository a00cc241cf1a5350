"""The HTTP API: chat (JSON or server-sent events), OpenAI-compatible chat, sources,
feedback and health. Every client mistake is a 4xx with a JSON message."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sse_starlette.sse import EventSourceResponse

from assistant.chat import InvalidQuestionError
from assistant.index.store import IndexNotReadyError
from assistant.providers.vectorstore import StoreUnavailableError
from assistant.schema import Answer
from assistant.web.errors import ClientError, error_body
from assistant.web.sources import source_view
from assistant.web.streaming import pieces

if TYPE_CHECKING:
    from assistant.services import Services


class TextPart(BaseModel):
    type: Literal["text"]
    text: str = Field(max_length=20000)


class Message(BaseModel):
    role: Literal["user", "assistant", "system", "developer"]
    # OpenAI clients send either a string or a list of text parts.
    content: str | list[TextPart] = Field(max_length=20000)

    @property
    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "\n".join(p.text for p in self.content)


class ChatRequest(BaseModel):
    messages: list[Message] = Field(min_length=1)
    lang: Literal["zh", "en"] | None = None
    stream: bool = False


class CompletionRequest(BaseModel):
    model: str = "one-window-assistant"
    messages: list[Message] = Field(min_length=1)
    stream: bool = False


class FeedbackRequest(BaseModel):
    rating: Literal["up", "down"]
    question: str = Field(min_length=1, max_length=2000)
    answer: str = Field(min_length=1, max_length=20000)
    lang: Literal["zh", "en"] | None = None
    refs: list[str] = Field(default_factory=list, max_length=20)
    comment: str = Field(default="", max_length=2000)


def install_error_handlers(app: FastAPI) -> None:
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
        return JSONResponse(error_body(str(exc), "invalid_request_error"), status_code=400)

    @app.exception_handler(IndexNotReadyError)
    @app.exception_handler(StoreUnavailableError)
    def _unavailable(_: Request, exc: Exception) -> JSONResponse:
        # Not the client's fault: the service is not ready. Say so, and what to do.
        return JSONResponse(error_body(str(exc), "service_unavailable"), status_code=503)


def split_conversation(messages: list[Message], limit: int) -> tuple[str, list[str]]:
    """The question (last user message) and the earlier user turns."""
    if len(messages) > limit:
        raise ClientError(
            413,
            f"the conversation has {len(messages)} messages; at most "
            f"{limit} are accepted. Please start a new conversation.",
        )
    if messages[-1].role != "user":
        raise ClientError(422, "the last message must come from the user")
    # System messages are never followed as instructions; only user turns carry context.
    history = [m.text for m in messages[:-1] if m.role == "user"]
    return messages[-1].text, history


def make_router(services: Services) -> APIRouter:
    router = APIRouter()
    settings = services.settings

    def answer(question: str, history: list[str], lang: Any = None) -> Answer:
        services.sync_knowledge()  # what staff published elsewhere, within a second or two
        result = services.assistant.ask(question, lang=lang, history=history)
        if result.refused and not result.handoff:
            # the unanswered-question loop: staff see it in GET /api/v1/queue
            services.queue.record(result.question, result.lang, "refused")
        return result

    @router.post("/api/v1/chat", tags=["chat"], response_model=None)
    def chat(req: ChatRequest) -> Any:
        """Answer the last user message; `stream: true` sends server-sent events."""
        question, history = split_conversation(req.messages, settings.max_history_messages)
        result = answer(question, history, req.lang)
        public = result.to_public()
        if not req.stream:
            return public

        def events() -> Iterator[dict[str, str]]:
            for piece in pieces(result.answer):
                yield {"event": "delta", "data": json.dumps({"text": piece}, ensure_ascii=False)}
            yield {"event": "done", "data": json.dumps(public, ensure_ascii=False)}

        return EventSourceResponse(events())

    @router.post("/v1/chat/completions", tags=["openai"], response_model=None)
    def completions(req: CompletionRequest) -> Any:
        """OpenAI-compatible chat completion; citations travel in the extra `citations` field."""
        question, history = split_conversation(req.messages, settings.max_history_messages)
        result = answer(question, history)
        public = result.to_public()
        cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
        extra = {"citations": public["citations"], "refused": result.refused, "lang": result.lang}
        if not req.stream:
            return {
                "id": cid,
                "object": "chat.completion",
                "created": created,
                "model": req.model,
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": result.answer},
                    }
                ],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                **extra,
            }

        def chunk(delta: dict[str, str], finish: str | None, **more: Any) -> dict[str, str]:
            body = {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": req.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                **more,
            }
            return {"data": json.dumps(body, ensure_ascii=False)}

        def events() -> Iterator[dict[str, str]]:
            yield chunk({"role": "assistant"}, None)
            for piece in pieces(result.answer):
                yield chunk({"content": piece}, None)
            yield chunk({}, "stop", **extra)
            yield {"data": "[DONE]"}

        return EventSourceResponse(events())

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
        )
        if req.rating == "down":
            services.queue.record(req.question, req.lang or "", "rated_down", req.refs)
        return {"id": fid, "stored": True}

    @router.get("/api/v1/health", tags=["health"], response_model=None)
    def health() -> Any:
        """Checks the index, the vector store and the database, not just the process."""
        checks: dict[str, Any] = {}
        ok = True
        try:
            index = services.index
            checks["index"] = {
                "ok": True,
                "units": len(index.units),
                "chunks": len(index.chunks),
                "embedding_model": index.embedding_model,
                "build": index.manifest.get("build_id"),
            }
            try:
                count = index.vectorstore.count()
                checks["store"] = {"ok": count == len(index.chunks), "vectors": count}
                ok &= count == len(index.chunks)
            except Exception as exc:  # the store is down or the collection is gone
                checks["store"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
                ok = False
        except (IndexNotReadyError, StoreUnavailableError) as exc:
            checks["index"] = {"ok": False, "error": str(exc)}
            ok = False
        try:
            checks["database"] = {"ok": services.feedback.ping()}
        except Exception as exc:
            checks["database"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            ok = False
        body = {"status": "ok" if ok else "unavailable", "checks": checks}
        return JSONResponse(body, status_code=200 if ok else 503)

    return router
