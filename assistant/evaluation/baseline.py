"""The plain pipeline a user would build from the LangChain docs, measured beside ours.

RecursiveCharacterTextSplitter (500 characters, overlap 50) over the raw source files (the
plan as text, each guide and entry file as it is), the same embedding model, Chroma
top-k; no structure, no keywords, no refusal. Its answer is the best chunk, as found.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.documents.plan import list_sources
from assistant.schema import Unit

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.providers.embeddings import BaseEmbeddings


def unit_spans(text: str, units: list[Unit]) -> list[tuple[int, int, str]]:
    """Character spans of each unit in the raw document, in order."""
    spans: list[tuple[int, int, str]] = []
    cursor = 0
    for u in units:
        lines = u.text.split("\n")
        start = text.find(lines[0], cursor)
        end = text.find(lines[-1], max(start, cursor))
        if start < 0 or end < 0:
            continue
        end += len(lines[-1])
        spans.append((0 if u.part == "preamble" else start, end, u.ref))
        cursor = end
    return spans


def refs_for(start: int, length: int, spans: list[tuple[int, int, str]]) -> list[str]:
    """Units a character range overlaps, largest overlap first."""
    overlaps = [(min(e, start + length) - max(s, start), ref) for s, e, ref in spans]
    return [ref for ov, ref in sorted(overlaps, reverse=True) if ov > 0]


class BaselinePipeline:
    def __init__(
        self,
        settings: Settings,
        embeddings: BaseEmbeddings,
        units: list[Unit],
        workdir: Path,
        k: int = 5,
    ) -> None:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from assistant.providers.vectorstore import make_chroma_client, make_vectorstore

        self.k = k
        self.embeddings = embeddings
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=500, chunk_overlap=50, add_start_index=True
        )
        by_doc: dict[str, list[Unit]] = {}
        for u in units:
            if u.kind == "plan":
                by_doc.setdefault(u.doc_id, []).append(u)
        docs = []
        for src in list_sources(settings.kb_dir):
            text = src.path.read_text(encoding="utf-8")
            spans = unit_spans(text, by_doc.get(src.id, []))
            for d in splitter.create_documents([text]):
                start = int(d.metadata["start_index"])
                d.metadata["refs"] = ",".join(refs_for(start, len(d.page_content), spans))
                docs.append(d)
        for kind, folder in (("guide", "guides"), ("entry", "entries")):
            for path in sorted((settings.kb_dir / folder).glob("*.yaml")):
                ref = f"{kind}:{path.stem}"
                for d in splitter.create_documents([path.read_text(encoding="utf-8")]):
                    d.metadata["refs"] = ref
                    docs.append(d)
        self.chunks = len(docs)
        client = make_chroma_client(settings.model_copy(update={"chroma_host": ""}), workdir)
        name = f"baseline-{abs(hash(embeddings.model_id)) % 10**8}"
        with contextlib.suppress(Exception):  # absent on the first run
            client.delete_collection(name)
        self.store = make_vectorstore(client, name, embeddings)
        self.store.add_documents(docs, ids=[f"b{i}" for i in range(len(docs))])

    def ask(self, question: str) -> dict[str, Any]:
        t = time.perf_counter()
        found = self.store.similarity_search(question, k=self.k)
        ranked: list[str] = []
        for d in found:
            for ref in str(d.metadata.get("refs", "")).split(","):
                if ref and ref not in ranked:
                    ranked.append(ref)
        return {
            "ranked": ranked,
            "answer": found[0].page_content if found else "",
            "latency_ms": (time.perf_counter() - t) * 1000.0,
        }
