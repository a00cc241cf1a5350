"""Data shapes shared by ingest, retrieval, answering and the interfaces."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Lang = Literal["zh", "en"]


class Unit(BaseModel):
    """One retrievable unit of a source document: a numbered task or a whole section."""

    ref: str  # stable reference, e.g. plan#22
    doc_id: str
    kind: Literal["preamble", "section", "task"]
    number: int | None = None  # task number, for tasks
    title: str  # Chinese title, e.g. 优化用电服务
    title_en: str = ""
    group: str = ""  # action group heading, e.g. (三)实施要素集聚赋能行动
    group_en: str = ""
    text: str


class Chunk(BaseModel):
    """A sentence-level piece of a unit; a hit on it returns the whole unit (small-to-big)."""

    id: str  # <ref>:<n>
    ref: str
    text: str  # the sentence(s) as they appear in the source
    context: str  # heading context prepended for embedding and keyword search
    lang: Lang = "zh"
    tokens: int = 0

    @property
    def indexed_text(self) -> str:
        return f"{self.context}\n{self.text}" if self.context else self.text


class Hit(BaseModel):
    """A unit found for a query, with the chunks that matched it."""

    unit: Unit
    score: float
    dense: float = 0.0  # best cosine similarity of the unit's chunks
    lexical: float = 0.0  # best BM25 score of the unit's chunks, normalised to 0..1
    chunks: list[tuple[str, float]] = Field(default_factory=list)  # (chunk text, similarity)


class Citation(BaseModel):
    n: int
    ref: str
    title: str
    score: float
    snippet: str
    lang: Lang = "zh"  # language of the snippet (sources are Chinese)
    quotes: list[str] = Field(default_factory=list)  # sentences the answer quoted, to highlight


class Answer(BaseModel):
    question: str
    lang: Lang
    answer: str
    refused: bool
    citations: list[Citation] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)
    notice: str = ""
    # Internal, not part of the public contract: what retrieval ranked and how sure it was.
    retrieved: list[str] = Field(default_factory=list)
    relevance: float = 0.0

    def to_public(self) -> dict[str, object]:
        """The stable JSON contract of `assistant ask --json` and the chat API."""
        return {
            "question": self.question,
            "lang": self.lang,
            "answer": self.answer,
            "refused": self.refused,
            "citations": [
                {"ref": c.ref, "title": c.title, "score": round(c.score, 4), "snippet": c.snippet}
                for c in self.citations
            ],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
