"""What every request passes through: a body-size bound enforced before parsing, a
per-client rate limit, a bound on answers in flight, security headers, and a JSON access
log line (no question text, no personal data). Pure ASGI, so a refused request costs
almost nothing."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("assistant.access")
log = logging.getLogger(__name__)

# Routes that make an answer: bounded in flight and rate-limited per client.
ANSWER_ROUTES = ("/api/v1/chat", "/v1/chat/completions")
UPLOAD_ROUTES = ("/api/v1/uploads",)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The API docs page starts Swagger UI with an inline script of FastAPI's.
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


async def _reply(
    send: Send,
    status: int,
    message: str,
    kind: str,
    headers: list[tuple[bytes, bytes]] = (),  # type: ignore[assignment]
) -> None:
    body = json.dumps({"error": {"message": message, "type": kind}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _too_large(send: Send, limit: int) -> None:
    """413: declared or found while reading, the same answer."""
    await _reply(
        send, 413, f"the request body is over the {limit // 1024} KB limit", "invalid_request_error"
    )


async def _read_bounded(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


class Guards:
    """One middleware for the request-level protections, in the order they must apply."""

    def __init__(
        self,
        app: App,
        max_body: int,
        max_upload: int,
        per_minute: int,
        max_in_flight: int,
        retry_after: int = 1,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload
        self.limit = RateLimitItemPerMinute(per_minute) if per_minute > 0 else None
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.max_in_flight = max_in_flight
        self.retry_after = retry_after
        self._in_flight = 0
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = uuid.uuid4().hex[:16]
        path: str = scope.get("path", "")
        status_box = {"status": 0}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_box["status"] = message["status"]
                csp = DOCS_CSP if path == "/docs" else CSP
                message["headers"] = [
                    *message.get("headers", []),
                    (b"content-security-policy", csp.encode()),
                    *SECURITY_HEADERS,
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self._guarded(scope, receive, send_with_headers, path)
        except RecursionError:  # JSON nested deeper than the parser goes
            if not status_box["status"]:
                await _reply(
                    send_with_headers, 400, "the JSON is nested too deeply", "invalid_request_error"
                )
        except Exception as exc:
            # Whatever escaped the handlers: a 503 in the envelope, never a 500 or the
            # exception's text (it may echo what the user typed); the log keeps its type.
            log.error("request %s to %s failed: %s", request_id, path, type(exc).__name__)
            if not status_box["status"]:
                await _reply(
                    send_with_headers,
                    503,
                    f"the service hit an internal problem (request {request_id}); please try again",
                    "service_unavailable",
                )
        finally:
            access_log.info(
                json.dumps(
                    {
                        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                        "request_id": request_id,
                        "method": scope.get("method", ""),
                        "route": path,  # the path only: never the query string or body
                        "status": status_box["status"],
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                    }
                )
            )

    async def _guarded(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        limit = self.max_upload if path.startswith(UPLOAD_ROUTES) else self.max_body
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                await _reply(send, 400, "content-length is not a number", "invalid_request_error")
                return
            if too_big:
                await _too_large(send, limit)
                return
        answering = path in ANSWER_ROUTES and scope.get("method") == "POST"
        if answering and self.limit is not None:
            client = (scope.get("client") or ("unknown", 0))[0]
            if not self.limiter.hit(self.limit, client):
                await _reply(
                    send,
                    429,
                    "too many questions from this address; please wait a moment",
                    "rate_limited",
                    [(b"retry-after", str(60 // max(1, self.limit.amount) + 1).encode())],
                )
                return
        if answering:
            with self._lock:
                full = self._in_flight >= self.max_in_flight
                if not full:
                    self._in_flight += 1
            if full:
                await _reply(
                    send,
                    503,
                    "the assistant is busy; please try again in a moment",
                    "overloaded",
                    [(b"retry-after", str(self.retry_after).encode())],
                )
                return
        try:
            if declared is None and scope.get("method") in ("POST", "PUT", "PATCH"):
                # No length declared (chunked): read at most `limit` bytes, then replay.
                body = await _read_bounded(receive, limit)
                if body is None:
                    await _too_large(send, limit)
                    return
                receive = _replay(body)
            await self.app(scope, receive, send)
        finally:
            if answering:
                with self._lock:
                    self._in_flight -= 1
