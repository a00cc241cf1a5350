"""Writing builds: a new build in full, or a new generation of an open build's tables,
each made current atomically; builds no process is serving are pruned."""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.index.store import (
    _HELD,
    FORMAT_VERSION,
    Progress,
    _in_use,
    _sha,
    chunk_tokens,
    no_progress,
)
from assistant.schema import Chunk, Unit

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.providers.embeddings import BaseEmbeddings


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
        "checksums": {key: _sha(root / name) for key, name in names.items()},
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
    prune(settings, keep=build_id)
    return root


def _make_current(index_dir: Path, build_id: str) -> None:
    tmp = index_dir / f"CURRENT.{uuid.uuid4().hex}"
    tmp.write_text(build_id)
    os.replace(tmp, index_dir / "CURRENT")


def prune(settings: Settings, keep: str) -> None:
    """Remove older builds (and their server-side collections) that no process is
    serving, and builds an interrupted ingest left half-written; best effort."""
    builds = settings.index_dir / "builds"
    for d in builds.iterdir():
        if d.name == keep or not d.is_dir() or _in_use(d) or str(d) in _HELD:
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
