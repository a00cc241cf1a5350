"""`assistant reindex --verify`: the derived index against its sources of truth.

Sources of truth are the files under knowledge_base/ and the curated store; Chroma and
BM25 are derived. Checks: the plan units against the files, the live curated items
against the store, and the vector store's rows against the index's chunks. Repairs touch
only what differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from assistant.ingest.corpus import load_corpus

if TYPE_CHECKING:
    from assistant.services import Services


@dataclass
class VerifyReport:
    problems: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return len(self.problems) == len(self.repaired)

    def lines(self) -> list[str]:
        head = "index verified" if not self.problems else "drift found"
        out = [f"{head}: " + ", ".join(f"{k} {v}" for k, v in self.counts.items())]
        out += [f"  problem: {p}" for p in self.problems]
        out += [f"  repaired: {r}" for r in self.repaired]
        if not self.ok:
            out.append("  not repaired; run `assistant ingest --rebuild`")
        return out


def verify_index(services: Services, repair: bool = True) -> VerifyReport:
    report = VerifyReport()
    index = services.index
    files = {u.ref: u for u in load_corpus(services.settings.kb_dir, curated=[]).units}
    indexed_plan = {r: u for r, u in index.units.items() if u.kind == "plan"}
    stale_plan = sorted(
        r
        for r in set(files) | set(indexed_plan)
        if r not in files
        or r not in indexed_plan
        or files[r].model_dump_json(exclude={"data"})
        != indexed_plan[r].model_dump_json(exclude={"data"})
    )
    if stale_plan:
        report.problems.append(f"plan units differ from the files: {', '.join(stale_plan[:8])}")
        if repair:
            services.ingest()
            report.repaired.append("rebuilt from the files and the store")
            index = services.index

    sync = services.knowledge_sync
    before = {r for r, u in index.units.items() if u.kind != "plan"}
    result = sync.sync() if repair else None
    if result and (result.changed or result.removed):
        report.problems.append(
            f"curated items out of step with the store: {len(result.changed)} changed, "
            f"{len(result.removed)} removed"
        )
        report.repaired.append(
            f"re-embedded {', '.join(result.changed) or 'none'}; dropped "
            f"{', '.join(result.removed) or 'none'}"
        )
    index = services.index

    expected = {c.vector_id: c for c in index.chunks}
    present = set(index.vectorstore.ids())
    missing = [expected[v] for v in expected if v not in present]
    extra = sorted(present - set(expected))
    if missing:
        report.problems.append(f"{len(missing)} chunk vectors missing from the vector store")
        if repair:
            vectors = services.embeddings.embed_documents([c.indexed_text for c in missing])
            index.vectorstore.upsert(
                [c.vector_id for c in missing],
                np.asarray(vectors, dtype=np.float32),
                [c.indexed_text for c in missing],
                [{"ref": c.ref, "lang": c.lang} for c in missing],
            )
            report.repaired.append(f"re-embedded {len(missing)} missing vectors")
    if extra:
        report.problems.append(f"{len(extra)} vectors in the store belong to no chunk")
        if repair:
            index.vectorstore.delete(extra)
            report.repaired.append(f"deleted {len(extra)} stray vectors")
    if index.lexical.n_docs != len(index.chunks):
        report.problems.append("the keyword index does not match the chunks")
    report.counts = {
        "units": len(index.units),
        "curated": len(before),
        "chunks": len(index.chunks),
        "vectors": index.vectorstore.count(),
    }
    return report
