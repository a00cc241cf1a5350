"""Vector store seam: Chroma on disk by default, a Chroma server when a host is set.

The index talks to a small protocol (`VectorStore`), never to a library's private parts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

    from assistant.config import Settings

UPSERT_BATCH = 256  # rows per Chroma write (its server caps a request's size)


class StoreUnavailableError(RuntimeError):
    """The vector store cannot be reached or opened."""


@contextmanager
def unavailable(what: str) -> Iterator[None]:
    """A store that is down, gone or corrupted is one error the callers know (a 503)."""
    try:
        yield
    except StoreUnavailableError:
        raise
    except Exception as exc:
        raise StoreUnavailableError(
            f"the vector store failed to {what} ({type(exc).__name__}); if it is a Chroma "
            "server, is it up? Otherwise repair the index with `assistant reindex` or "
            "`assistant ingest --rebuild`."
        ) from exc


class VectorStore(Protocol):
    """What the index needs from a vector store."""

    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        documents: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
    ) -> None: ...

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """(id, cosine similarity) of the `k` nearest rows, best first."""
        ...

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]: ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def ids(self) -> list[str]: ...

    def count(self) -> int: ...


class ChromaStore:
    """One Chroma collection, cosine space, vectors always supplied by our embeddings."""

    def __init__(self, client: Any, name: str) -> None:
        # embedding_function=None, not omitted: omitted, Chroma installs its default
        # function, which downloads a model. Every vector here comes from our embeddings.
        try:
            self.collection = client.get_or_create_collection(
                name=name,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
            )
        except Exception as exc:
            raise StoreUnavailableError(
                f"cannot open the vector collection {name!r} ({type(exc).__name__}: {exc})"
            ) from exc
        self.name = name

    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        documents: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        for i in range(0, len(ids), UPSERT_BATCH):
            self.collection.upsert(
                ids=list(ids[i : i + UPSERT_BATCH]),
                embeddings=np.asarray(vectors[i : i + UPSERT_BATCH], dtype=np.float32),
                documents=list(documents[i : i + UPSERT_BATCH]),
                metadatas=list(metadatas[i : i + UPSERT_BATCH]),
            )

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        with unavailable("search"):
            return self._query(vector, k)

    def _query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        if k <= 0:
            return []
        # Chroma 1.5 returns fewer rows when the collection holds fewer (none when empty),
        # so no count() round trip per question.
        got = self.collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=k,
            include=["distances"],
        )
        return [
            (cid, 1.0 - float(d)) for cid, d in zip(got["ids"][0], got["distances"][0], strict=True)
        ]

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        with unavailable("read"):
            got = self.collection.get(ids=list(ids), include=["embeddings"])
        return {
            cid: np.asarray(v, dtype=np.float32)
            for cid, v in zip(got["ids"], got["embeddings"], strict=True)
        }

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self.collection.delete(ids=list(ids))

    def ids(self) -> list[str]:
        return list(self.collection.get(include=[])["ids"])

    def count(self) -> int:
        with unavailable("count"):
            return int(self.collection.count())


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
    try:
        return chromadb.PersistentClient(path=str(persist_dir), settings=cs)
    except Exception as exc:  # a damaged chroma.sqlite3 fails here, inside Chroma's bindings
        raise StoreUnavailableError(
            f"cannot open the vector store in {persist_dir} ({type(exc).__name__}); repair "
            "the index with `assistant ingest --rebuild`."
        ) from exc


def make_store(settings: Settings, persist_dir: Path, name: str) -> ChromaStore:
    return ChromaStore(make_chroma_client(settings, persist_dir), name)


def make_vectorstore(client: Any, collection: str, embeddings: Embeddings) -> Chroma:
    """A LangChain Chroma over `collection` (the plain baseline uses it), with our embeddings."""
    from langchain_chroma import Chroma

    # Passing our embeddings keeps Chroma from its default function (which downloads).
    return Chroma(
        client=client,
        collection_name=collection,
        embedding_function=embeddings,
        collection_configuration={"hnsw": {"space": "cosine"}},
    )
