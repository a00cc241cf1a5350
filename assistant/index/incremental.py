"""Change some units of a built index in place: only their chunks are embedded and
rewritten. The result is a new Index object; searches running on the old one finish on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from assistant.index.build import write_tables
from assistant.index.store import Index, chunk_tokens, read_tables
from assistant.ingest.chunking import chunk_unit

if TYPE_CHECKING:
    from assistant.providers.embeddings import BaseEmbeddings
    from assistant.schema import Unit


def apply_changes(
    index: Index,
    upserts: list[Unit],
    removals: set[str],
    embeddings: BaseEmbeddings,
    knowledge_revision: int,
) -> Index:
    """Replace the units in `upserts`, drop those in `removals`; everything else stays."""
    changed = {u.ref for u in upserts} | set(removals)
    kept_units = [index.units[r] for r in index.unit_order if r not in changed]
    kept_chunks = [c for c in index.chunks if c.ref not in changed]
    new_chunks = [c for u in upserts for c in chunk_unit(u)]
    old_ids = [c.vector_id for r in changed for c in index.chunks_of(r)]
    vectors = embeddings.embed_documents([c.indexed_text for c in new_chunks])
    store = index.vectorstore
    # New vectors first, the tables next, old vectors last: a process killed at any point
    # leaves only rows that belong to no chunk (skipped, and deleted by `reindex`), never
    # a chunk without its vector.
    if new_chunks:
        store.upsert(
            [c.vector_id for c in new_chunks],
            np.asarray(vectors, dtype=np.float32),
            [c.indexed_text for c in new_chunks],
            [{"ref": c.ref, "lang": c.lang} for c in new_chunks],
        )
    chunks = kept_chunks + new_chunks
    tokens = [index.tokens_of(c) for c in kept_chunks] + [chunk_tokens(c) for c in new_chunks]
    manifest = write_tables(
        index.root,
        kept_units + upserts,
        chunks,
        tokens,
        {**index.manifest, "knowledge_revision": knowledge_revision},
    )
    store.delete([vid for vid in old_ids if vid not in {c.vector_id for c in new_chunks}])
    units, chunks, lexical = read_tables(index.root, manifest)
    return Index(index.root, manifest, units, chunks, lexical, store)
