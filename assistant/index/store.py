"""The built index: units, chunks, Chroma vectors and BM25, behind one manifest.

Each build goes to builds/<id>/ and becomes current only when complete (an atomic
rename of CURRENT), so an interrupted ingest leaves the previous index usable.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.index.tokenize import tokenize
from assistant.lang import to_simplified
from assistant.schema import Chunk, Unit

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.providers.embeddings import BaseEmbeddings
    from assistant.providers.vectorstore import VectorStore

# 2: units of every kind with aligned bilingual sentences; chunks per language.
FORMAT_VERSION = 2


class IndexNotReadyError(RuntimeError):
    """The index cannot serve queries; the message says how to fix it."""


class IndexMissingError(IndexNotReadyError):
    pass


class IndexMismatchError(IndexNotReadyError):
    pass


Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class LexicalIndex:
    """BM25 over chunk tokens plus document frequencies for query-coverage weighting."""

    bm25: Any
    df: dict[str, int]
    n_docs: int
    tokens: dict[str, list[str]] = field(default_factory=dict)  # by chunk id

    def idf(self, token: str) -> float:
        df = self.df.get(token, 0)
        return math.log(1.0 + (self.n_docs - df + 0.5) / (df + 0.5))

    def scores(self, tokens: list[str]) -> np.ndarray:
        known = [t for t in tokens if t in self.df]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)

    def coverage(self, tokens: list[str]) -> float:
        """Share of the query's information (idf mass) the corpus vocabulary can match."""
        if not tokens:
            return 0.0
        total = sum(self.idf(t) for t in tokens)
        matched = sum(self.idf(t) for t in tokens if t in self.df)
        return matched / total if total else 0.0


class Index:
    """A complete, opened build: look-ups by ref and by chunk id, dense and lexical search."""

    def __init__(
        self,
        root: Path,
        manifest: dict[str, Any],
        units: list[Unit],
        chunks: list[Chunk],
        lexical: LexicalIndex,
        vectorstore: VectorStore,
    ) -> None:
        self.root = root
        self.manifest = manifest
        self.units = {u.ref: u for u in units}
        self.unit_order = [u.ref for u in units]
        self.chunks = chunks
        self.chunk_by_id = {c.id: c for c in chunks}
        self.chunk_by_vector_id = {c.vector_id: c for c in chunks}
        self.position = {c.id: i for i, c in enumerate(chunks)}  # row in the BM25 scores
        self.lexical = lexical
        self.vectorstore = vectorstore
        self._by_ref: dict[str, list[Chunk]] = {}
        for c in chunks:
            self._by_ref.setdefault(c.ref, []).append(c)
        self._vectors: dict[str, np.ndarray] = {}
        self._tokens: dict[str, list[str]] = dict(lexical.tokens)

    def chunks_of(self, ref: str) -> list[Chunk]:
        return self._by_ref.get(ref, [])

    def chunk_vectors(self, refs: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of every chunk of `refs` (fetched from the store once per unit)."""
        missing = [
            r
            for r in refs
            if r in self._by_ref and any(c.id not in self._vectors for c in self._by_ref[r])
        ]
        if missing:
            wanted = [c for r in missing for c in self._by_ref[r]]
            got = self.vectorstore.vectors([c.vector_id for c in wanted])
            self._vectors.update({c.id: got[c.vector_id] for c in wanted if c.vector_id in got})
        return {
            c.id: self._vectors[c.id]
            for r in refs
            for c in self._by_ref.get(r, [])
            if c.id in self._vectors
        }

    @property
    def embedding_model(self) -> str:
        return str(self.manifest["embedding_model"])

    def dense_search(self, vector: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
        """Chunks nearest to `vector` with cosine similarity."""
        found = self.vectorstore.query(vector, k)
        # Only rows that are chunks of this index count; anything else in the store (a
        # resurrected deleted row, a newer index's rows) is ignored.
        return [
            (self.chunk_by_vector_id[vid], sim)
            for vid, sim in found
            if vid in self.chunk_by_vector_id
        ]

    def tokens_of(self, chunk: Chunk) -> list[str]:
        if chunk.id not in self._tokens:
            self._tokens[chunk.id] = chunk_tokens(chunk)
        return self._tokens[chunk.id]


def current_build(index_dir: Path) -> Path | None:
    pointer = index_dir / "CURRENT"
    if not pointer.exists():
        return None
    build = index_dir / "builds" / pointer.read_text().strip()
    return build if (build / "manifest.json").exists() else None


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    build = current_build(index_dir)
    if build is None:
        return None
    data: dict[str, Any] = json.loads((build / "manifest.json").read_text())
    return data


def open_index(settings: Settings, embeddings: BaseEmbeddings) -> Index:
    """Open the current build; refuse one built by another embedding model."""
    from assistant.providers.vectorstore import make_store

    build = current_build(settings.index_dir)
    if build is None:
        raise IndexMissingError(
            f"no index under {settings.index_dir}; build it with `assistant ingest`."
        )
    manifest = json.loads((build / "manifest.json").read_text())
    if manifest.get("format") != FORMAT_VERSION:
        raise IndexMismatchError(
            "the index was built by an older version; rebuild it with `assistant ingest --rebuild`."
        )
    if manifest["embedding_model"] != embeddings.model_id:
        raise IndexMismatchError(
            f"the index was built with the embedding model {manifest['embedding_model']!r} "
            f"but {embeddings.model_id!r} is configured; vectors from different models "
            "cannot be compared. Rebuild with `assistant ingest --rebuild`."
        )
    if bool(manifest.get("chroma_host")) != bool(settings.chroma_host):
        where = "a Chroma server" if manifest.get("chroma_host") else "local disk"
        raise IndexMismatchError(
            f"the index's vectors live on {where}, which is not what is configured now; "
            "rebuild with `assistant ingest --rebuild`."
        )
    units, chunks, lexical = read_tables(build, manifest)
    store = make_store(settings, build / "chroma", manifest["collection"])
    return Index(build, manifest, units, chunks, lexical, store)


def read_tables(
    build: Path, manifest: dict[str, Any]
) -> tuple[list[Unit], list[Chunk], LexicalIndex]:
    """The units, chunks and BM25 a manifest names (one generation of them)."""
    import bm25s

    names = manifest.get("tables") or _FIRST_TABLES
    units = [Unit.model_validate(u) for u in json.loads((build / names["units"]).read_text())]
    chunks = [Chunk.model_validate(c) for c in json.loads((build / names["chunks"]).read_text())]
    df = json.loads((build / names["df"]).read_text())
    bm25 = bm25s.BM25.load(str(build / names["bm25"]), show_progress=False)
    lexical = LexicalIndex(bm25=bm25, df=df, n_docs=len(chunks))
    if "tokens" in names:  # kept so an update need not re-tokenise every chunk
        lexical.tokens = json.loads((build / names["tokens"]).read_text())
    return units, chunks, lexical


_FIRST_TABLES = {"units": "units.json", "chunks": "chunks.json", "df": "df.json", "bm25": "bm25"}


def write_tables(
    root: Path,
    units: list[Unit],
    chunks: list[Chunk],
    tokens: list[list[str]],
    manifest: dict[str, Any],
) -> dict[str, Any]:
    """Write a new generation of units, chunks, df and BM25 beside the old one, then the
    manifest that names it (atomically, last): a reader sees one generation or the other."""
    import bm25s

    gen = int(manifest.get("generation", 0)) + 1
    names = {
        "units": f"units-{gen}.json",
        "chunks": f"chunks-{gen}.json",
        "df": f"df-{gen}.json",
        "bm25": f"bm25-{gen}",
        "tokens": f"tokens-{gen}.json",
    }
    bm25 = bm25s.BM25()
    bm25.index(tokens, show_progress=False)
    bm25.save(str(root / names["bm25"]), show_progress=False)
    df = Counter(t for toks in tokens for t in set(toks))
    _write(root / names["units"], json.dumps([u.model_dump() for u in units], ensure_ascii=False))
    _write(root / names["chunks"], json.dumps([c.model_dump() for c in chunks], ensure_ascii=False))
    _write(root / names["df"], json.dumps(df, ensure_ascii=False))
    _write(
        root / names["tokens"],
        json.dumps({c.id: t for c, t in zip(chunks, tokens, strict=True)}, ensure_ascii=False),
    )
    new = {
        **manifest,
        "generation": gen,
        "tables": names,
        "units": len(units),
        "chunks": len(chunks),
        "updated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    _write(root / "manifest.json", json.dumps(new, indent=1))
    old = manifest.get("tables")
    if old:  # the previous generation is no longer named by anything
        for key, name in old.items():
            if name != names[key]:
                path = root / name
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(
                    missing_ok=True
                )
    return new


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def chunk_tokens(chunk: Chunk) -> list[str]:
    return tokenize(to_simplified(chunk.indexed_text))


def build_index(
    settings: Settings,
    units: list[Unit],
    chunks: list[Chunk],
    embeddings: BaseEmbeddings,
    fingerprint: str,
    progress: Progress = no_progress,
    knowledge_revision: int = 0,
) -> Path:
    """Write a complete new build, then make it current; returns its directory."""
    from assistant.providers.vectorstore import make_store

    index_dir = settings.index_dir
    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    build_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    root = builds / build_id
    root.mkdir()

    texts = [c.indexed_text for c in chunks]
    vectors: list[list[float]] = []
    step = max(1, embeddings.batch_size)
    for i in range(0, len(texts), step):
        vectors.extend(embeddings.embed_documents(texts[i : i + step]))
        progress("embed", min(i + step, len(texts)), len(texts))

    collection = f"{settings.collection_prefix}-{build_id}"
    store = make_store(settings, root / "chroma", collection)
    store.upsert(
        [c.vector_id for c in chunks],
        np.asarray(vectors, dtype=np.float32),
        texts,
        [{"ref": c.ref, "lang": c.lang} for c in chunks],
    )
    progress("store", len(chunks), len(chunks))

    tokens = [chunk_tokens(c) for c in chunks]
    progress("lexical", len(chunks), len(chunks))
    manifest = {
        "format": FORMAT_VERSION,
        "build_id": build_id,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "embedding_model": embeddings.model_id,
        "dim": len(vectors[0]) if vectors else 0,
        "collection": collection,
        "chroma_host": f"{settings.chroma_host}:{settings.chroma_port}"
        if settings.chroma_host
        else "",
        "fingerprint": fingerprint,
        "knowledge_revision": knowledge_revision,
    }
    # The manifest is written last: a build without one is incomplete and never opened.
    write_tables(root, units, chunks, tokens, manifest)
    _make_current(index_dir, build_id)
    _prune(settings, keep=build_id)
    return root


def _make_current(index_dir: Path, build_id: str) -> None:
    tmp = index_dir / f"CURRENT.{uuid.uuid4().hex}"
    tmp.write_text(build_id)
    os.replace(tmp, index_dir / "CURRENT")


def _prune(settings: Settings, keep: str) -> None:
    """Remove older builds (and their server-side collections); best effort."""
    builds = settings.index_dir / "builds"
    for d in builds.iterdir():
        if d.name == keep or not d.is_dir():
            continue
        manifest = d / "manifest.json"
        if settings.chroma_host and manifest.exists():
            try:
                from assistant.providers.vectorstore import make_chroma_client

                name = json.loads(manifest.read_text())["collection"]
                make_chroma_client(settings, d / "chroma").delete_collection(name)
            except Exception:  # an unreachable old collection is only wasted space
                pass
        shutil.rmtree(d, ignore_errors=True)
