"""The public chat: /api/v1/chat (JSON, or server-sent events streamed as the answer is
made) and the OpenAI-compatible /v1/chat/completions and /v1/models."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sse_starlette.sse import EventSourceResponse

from assistant.answer.suggest import suggestions
from assistant.chat import validate_question
from assistant.index.store import IndexNotReadyError
from assistant.ingest.chunking import count_tokens
from assistant.providers.vectorstore import StoreUnavailableError
from assistant.schema import Answer
from assistant.web.errors import ClientError, error_body
from assistant.web.streaming import pieces

if TYPE_CHECKING:
    from assistant.services import Services

MODEL_ID = "one-window-assistant"
CREATED = 1767225600  # 2026-01-01: the model list's "created", fixed so clients can cache it


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


def split_conversation(
    messages: list[Message], limit: int, max_chars: int = 20000
) -> tuple[str, list[str]]:
    """The question (last user message) and the earlier user turns; the whole conversation
    is bounded, not just its last message."""
    total = sum(len(m.text) for m in messages)
    if total > max_chars:
        raise ClientError(
            413,
            f"the conversation has {total} characters; at most {max_chars} are accepted. "
            "Please start a new conversation.",
        )
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


class ChatRequest(BaseModel):
    messages: list[Message] = Field(min_length=1)
    lang: Literal["zh", "en"] | None = None  # the answer's language, never the scope
    stream: bool = False


class CompletionRequest(BaseModel):
    model: str = MODEL_ID
    messages: list[Message] = Field(min_length=1)
    stream: bool = False


def sse(event: str, data: Any) -> dict[str, str]:
    return {"event": event, "data": json.dumps(data, ensure_ascii=False)}


def make_chat_router(services: Services) -> APIRouter:
    router = APIRouter()
    settings = services.settings

    def run(question: str, history: list[str], lang: Any) -> Iterator[tuple[str, Any]]:
        """The assistant's events; a refused question is queued for staff at the end."""
        services.sync_knowledge()  # what staff published elsewhere, within a second or two
        for event, value in services.assistant.stream(question, lang, history):
            if event == "done" and value.refused and not value.handoff:
                services.queue.record(value.question, value.lang, "refused")
            yield event, value

    def extras(answer: Answer, answer_id: str) -> dict[str, Any]:
        units = services.index.units
        out: dict[str, Any] = {"answer_id": answer_id, "suggestions": suggestions(answer, units)}
        if answer.refused:
            contacts = services.assistant.contacts
            out["contacts"] = contacts.to_public(answer.lang) if contacts else {}
        return out

    @router.post("/api/v1/chat", tags=["chat"], response_model=None)
    def chat(req: ChatRequest) -> Any:
        """Answer the last user message. `stream: true` sends server-sent events as the
        answer is made: `meta` at once, `delta` parts, `replace` (start over), `done`."""
        question, history = split_conversation(
            req.messages, settings.max_history_messages, settings.max_conversation_chars
        )
        validate_question(question, settings.max_question_chars)  # a 400 before any stream
        answer_id = uuid.uuid4().hex
        if not req.stream:
            *_, (_, result) = run(question, history, req.lang)
            return result.to_public()

        def events() -> Iterator[dict[str, str]]:
            yield sse("meta", {"answer_id": answer_id})
            try:
                for event, value in run(question, history, req.lang):
                    if event == "delta":
                        for piece in pieces(value):
                            yield sse("delta", {"text": piece})
                    elif event == "replace":
                        yield sse("replace", {})
                    else:
                        yield sse("done", {**value.to_public(), **extras(value, answer_id)})
            except (IndexNotReadyError, StoreUnavailableError) as exc:
                yield sse("error", error_body(str(exc), "service_unavailable"))

        return EventSourceResponse(events())

    @router.get("/v1/models", tags=["openai"])
    def models() -> dict[str, Any]:
        """The assistant as the one model an OpenAI-compatible client can choose."""
        return {
            "object": "list",
            "data": [
                {"id": MODEL_ID, "object": "model", "created": CREATED, "owned_by": "one-window"}
            ],
        }

    @router.post("/v1/chat/completions", tags=["openai"], response_model=None)
    def completions(req: CompletionRequest) -> Any:
        """OpenAI-compatible chat completion; citations travel in the extra `citations` field."""
        question, history = split_conversation(
            req.messages, settings.max_history_messages, settings.max_conversation_chars
        )
        validate_question(question, settings.max_question_chars)
        cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
        prompt_tokens = sum(count_tokens(m.text) for m in req.messages)

        def usage(text: str) -> dict[str, int]:
            done = count_tokens(text)
            return {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": done,
                "total_tokens": prompt_tokens + done,
            }

        def extra(answer: Answer) -> dict[str, Any]:
            public = answer.to_public()
            return {
                "citations": public["citations"],
                "refused": answer.refused,
                "lang": answer.lang,
            }

        if not req.stream:
            *_, (_, result) = run(question, history, None)
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
                "usage": usage(result.answer),
                **extra(result),
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
            for event, value in run(question, history, None):
                if event == "delta":
                    for piece in pieces(value):
                        yield chunk({"content": piece}, None)
                elif event == "done":
                    yield chunk({}, "stop", usage=usage(value.answer), **extra(value))
            yield {"data": "[DONE]"}

        return EventSourceResponse(events())

    return router
