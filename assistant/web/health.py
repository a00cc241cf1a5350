"""Health: the index (and its integrity), the vector store, the database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.index.store import IndexNotReadyError
from assistant.providers.vectorstore import StoreUnavailableError

if TYPE_CHECKING:
    from assistant.services import Services


def health_checks(services: Services) -> tuple[bool, dict[str, dict[str, Any]]]:
    checks: dict[str, dict[str, Any]] = {}
    try:
        index = services.index
        problems = index.verify()
        checks["index"] = {
            "ok": not problems,
            "units": len(index.units),
            "chunks": len(index.chunks),
            "embedding_model": index.embedding_model,
            "build": index.manifest.get("build_id"),
            "problems": problems,
        }
        try:
            count = index.vectorstore.count()
            checks["store"] = {"ok": count == len(index.chunks), "vectors": count}
        except StoreUnavailableError as exc:
            checks["store"] = {"ok": False, "error": str(exc)}
    except (IndexNotReadyError, StoreUnavailableError) as exc:
        checks["index"] = {"ok": False, "error": str(exc)}
        checks["store"] = {"ok": False, "error": "no index to check it against"}
    try:
        checks["database"] = {"ok": services.feedback.ping()}
    except Exception as exc:  # any driver error: the database is what is down
        checks["database"] = {"ok": False, "error": type(exc).__name__}
    return all(c["ok"] for c in checks.values()), checks
