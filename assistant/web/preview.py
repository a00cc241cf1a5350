"""How a curated item will answer, in both languages, before it is published."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.answer.extractive import ExtractiveComposer
from assistant.asks import asked
from assistant.documents import CURATED_KINDS, curated_unit
from assistant.documents.base import KnowledgeFileError
from assistant.ingest.chunking import chunk_unit
from assistant.ingest.corpus import link
from assistant.retrieve import Retrieval
from assistant.schema import LANGS, Hit

if TYPE_CHECKING:
    from assistant.services import Services


def render_preview(
    services: Services, kind: str, data: dict[str, Any], question: str
) -> dict[str, Any]:
    """{"ok", "problems", "answers": {"zh", "en"}}; problems are what blocks publishing."""
    data = {k: v for k, v in data.items() if k not in ("kind", "version")}
    try:
        unit = curated_unit(kind, {**data, "slug": data.get("slug") or "preview"})
    except (KnowledgeFileError, ValueError) as exc:
        return {"ok": False, "problems": [str(exc).split(": ", 1)[-1]], "answers": {}}
    plan = [u for u in services.index.units.values() if u.kind == "plan"]
    known = {u.ref for u in services.index.units.values()}
    missing = [r for r in unit.source_refs if r not in known]
    unit = unit.model_copy(update={"source_refs": [r for r in unit.source_refs if r in known]})
    link([*plan, unit])
    chunks = chunk_unit(unit)
    answers = {}
    for lang in LANGS:
        q = question or unit.title_for(lang)
        qvec = services.embeddings.embed_query_array(q)
        vecs = services.embeddings.embed_documents([c.indexed_text for c in chunks])
        scored = sorted(
            ((c, float(np.asarray(v) @ qvec)) for c, v in zip(chunks, vecs, strict=True)),
            key=lambda x: -x[1],
        )
        hit = Hit(unit=unit, score=1.0, dense=1.0, chunks=scored)
        retrieval = Retrieval(query=q, lang=lang, hits=[hit], relevance=1.0, coverage=1.0)
        answer = ExtractiveComposer().compose(retrieval, asked(q, lang))
        answers[lang] = answer.answer
    problems = [f"source_refs: unknown refs {missing}"] if missing else []
    return {
        "ok": not problems,
        "problems": problems,
        "answers": answers,
        "kind": CURATED_KINDS[kind],
    }
