"""Vector store seam: Chroma on disk by default, a Chroma server when a host is set."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

    from assistant.config import Settings


class StoreUnavailableError(RuntimeError):
    """The vector store cannot be reached or opened."""


def make_chroma_client(settings: Settings, persist_dir: Path) -> Any:
    """PersistentClient under `persist_dir`, or HttpClient when ASSISTANT_CHROMA_HOST is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    # Telemetry would try the network on every call; the closed networks we run on refuse it.
    cs = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=cs
            )
        except Exception as exc:
            raise StoreUnavailableError(
                f"cannot reach the Chroma server at {settings.chroma_host}:"
                f"{settings.chroma_port} ({type(exc).__name__}); is `chroma run` up?"
            ) from exc
    persist_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(persist_dir), settings=cs)


def make_vectorstore(client: Any, collection: str, embeddings: Embeddings) -> Chroma:
    """A LangChain Chroma over `collection`, always with our embedding function."""
    from langchain_chroma import Chroma

    # Passing our embeddings keeps Chroma from its default function (which downloads).
    return Chroma(
        client=client,
        collection_name=collection,
        embedding_function=embeddings,
        collection_configuration={"hnsw": {"space": "cosine"}},
    )
