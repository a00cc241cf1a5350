"""(Re)index pipeline: sources → units → chunks → embeddings → Chroma + BM25."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.index.store import FORMAT_VERSION, Progress, build_index, no_progress, read_manifest
from assistant.ingest.chunking import chunk_unit
from assistant.ingest.sources import fingerprint, load_units
from assistant.schema import Chunk, Unit

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.providers.embeddings import BaseEmbeddings

CHUNKER_VERSION = "sentences-v2"


@dataclass
class IngestReport:
    skipped: bool
    units: int
    chunks: int
    seconds: float
    embedded: int = 0  # passages actually run through the model (cache misses)
    build: str = ""


def make_chunks(units: list[Unit]) -> list[Chunk]:
    # English titles are shown, not indexed: measured on the dev set, short English
    # chunks drew English queries by language alone ("Smart Haikou" matched any question
    # naming Haikou); English queries reach the Chinese text through the glossary instead.
    return [c for u in units for c in chunk_unit(u)]


def ingest(
    settings: Settings,
    embeddings: BaseEmbeddings,
    rebuild: bool = False,
    progress: Progress = no_progress,
) -> IngestReport:
    """Build the index unless an identical one is already current (or `rebuild`)."""
    t0 = time.perf_counter()
    units = load_units(settings.kb_dir)
    chunks = make_chunks(units)
    fp = fingerprint(
        settings.kb_dir,
        embeddings.model_id,
        CHUNKER_VERSION,
        settings.chroma_host,
        str(settings.chroma_port),
        str(FORMAT_VERSION),
    )
    manifest = read_manifest(settings.index_dir)
    if not rebuild and manifest and manifest.get("fingerprint") == fp:
        return IngestReport(
            True,
            len(units),
            len(chunks),
            time.perf_counter() - t0,
            build=str(manifest.get("build_id")),
        )
    misses_before = getattr(embeddings, "misses", 0)
    root = build_index(settings, units, chunks, embeddings, fp, progress)
    embedded = getattr(embeddings, "misses", len(chunks)) - misses_before
    return IngestReport(
        False, len(units), len(chunks), time.perf_counter() - t0, embedded=embedded, build=root.name
    )
