"""The one error shape: {"error": {"message", "type"}} with a 4xx (or 503)."""

from __future__ import annotations

from typing import Any


class ClientError(Exception):
    def __init__(self, status: int, message: str, kind: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind


def error_body(message: str, kind: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind}}
