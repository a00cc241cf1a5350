"""(Re)index pipeline: every document kind → units → chunks → embeddings → Chroma + BM25."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.index.build import build_index
from assistant.index.store import FORMAT_VERSION, Progress, no_progress, read_manifest
from assistant.index.tokenize import TOKENIZER_VERSION
from assistant.ingest.chunking import chunk_unit
from assistant.ingest.corpus import load_corpus
from assistant.schema import Chunk, Unit

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.providers.embeddings import BaseEmbeddings


def fingerprint(units: list[Unit], chunks: list[Chunk], *extra: str) -> str:
    """Hash of exactly what the index holds, so an unchanged corpus is not rebuilt and any
    change (to a file, or to how the code reads or chunks it) is."""
    h = hashlib.sha256()
    for u in units:
        h.update(u.model_dump_json().encode())
    for c in chunks:
        h.update(c.model_dump_json().encode())
    for e in extra:
        h.update(e.encode())
    return h.hexdigest()


@dataclass
class IngestReport:
    skipped: bool
    units: int
    chunks: int
    seconds: float
    embedded: int = 0  # passages actually run through the model (cache misses)
    build: str = ""
    warnings: list[str] = field(default_factory=list)  # e.g. stale English renderings


def make_chunks(units: list[Unit]) -> list[Chunk]:
    return [c for u in units for c in chunk_unit(u)]


def ingest(
    settings: Settings,
    embeddings: BaseEmbeddings,
    rebuild: bool = False,
    progress: Progress = no_progress,
    curated: Callable[[list[Unit]], tuple[list[Unit], list[str]]] | None = None,
    knowledge_revision: int = 0,
) -> IngestReport:
    """Build the index unless an identical one is already current (or `rebuild`).

    `curated`: given the plan's units, the live guides and entries from the curated store
    (and warnings); without it, they are read from their YAML files.
    """
    t0 = time.perf_counter()
    if curated is None:
        corpus = load_corpus(settings.kb_dir)
    else:
        plan = load_corpus(settings.kb_dir, curated=[])
        live, skipped = curated(plan.units)
        corpus = load_corpus(settings.kb_dir, curated=live)
        corpus.warnings += [f"not indexed: {s}" for s in skipped]
    chunks = make_chunks(corpus.units)
    fp = fingerprint(
        corpus.units,
        chunks,
        embeddings.model_id,
        TOKENIZER_VERSION,
        settings.chroma_host,
        str(settings.chroma_port),
        str(FORMAT_VERSION),
    )
    manifest = read_manifest(settings.index_dir)
    n_units = len(corpus.units)
    if not rebuild and manifest and manifest.get("fingerprint") == fp and _intact(settings):
        return IngestReport(
            True,
            n_units,
            len(chunks),
            time.perf_counter() - t0,
            build=str(manifest.get("build_id")),
            warnings=corpus.warnings,
        )
    misses_before = getattr(embeddings, "misses", 0)
    root = build_index(settings, corpus.units, chunks, embeddings, fp, progress, knowledge_revision)
    embedded = getattr(embeddings, "misses", len(chunks)) - misses_before
    return IngestReport(
        False,
        n_units,
        len(chunks),
        time.perf_counter() - t0,
        embedded=embedded,
        build=root.name,
        warnings=corpus.warnings,
    )


def _intact(settings: Settings) -> bool:
    """Is the current build whole: its files match their checksums and its vector store
    answers with every vector? An unreachable store is an error, not "up to date"."""
    from assistant.index.store import current_build, verify_tables
    from assistant.providers.vectorstore import make_store

    build = current_build(settings.index_dir)
    manifest = read_manifest(settings.index_dir)
    if build is None or manifest is None or verify_tables(build, manifest):
        return False
    store = make_store(settings, build / "chroma", manifest["collection"])
    return store.count() == manifest.get("chunks")
