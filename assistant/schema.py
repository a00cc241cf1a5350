"""Data shapes shared by ingest, retrieval, answering and the interfaces."""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, Field

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
# The kinds of document the assistant knows; each has its module in assistant/documents/.
DocKind = Literal["plan", "guide", "entry", "document"]
# Where a unit sits in its document: a plan's preamble, sections and numbered tasks; a
# guide or an entry is one unit.
Part = Literal["preamble", "section", "task", "guide", "entry", "document"]


class Sentence(BaseModel):
    """One aligned sentence (or field) of a unit, in each language it has.

    `id` is stable: `plan#22/3` is the third sentence of task 22, `guide:x/fees` a guide's
    fee field. `en` is empty when there is no current English rendering.
    """

    id: str
    zh: str = ""
    en: str = ""

    def text(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.zh


class Unit(BaseModel):
    """One retrievable unit: a plan task or section, a service guide, or an FAQ entry."""

    ref: str  # stable reference: plan#22, guide:company-registration, entry:<slug>
    doc_id: str
    kind: DocKind = "plan"
    part: Part = "task"
    number: int | None = None  # task number, for plan tasks
    title: str  # Chinese title, e.g. 优化用电服务
    title_en: str = ""
    group: str = ""  # action group heading, e.g. (三)实施要素集聚赋能行动
    group_en: str = ""
    text: str  # the whole unit in Chinese, as the source has it
    sentences: list[Sentence] = Field(default_factory=list)
    source_refs: list[str] = Field(default_factory=list)  # plan refs a guide or entry rests on
    # everyday words for what the unit covers, by language (a plan unit's in
    # knowledge_base/aliases.yaml, a guide's, entry's or document's in its own file):
    # searched, never quoted
    aliases: dict[str, list[str]] = Field(default_factory=dict)
    data: dict[str, Any] = Field(default_factory=dict)  # what the kind keeps (a guide's fields)

    def title_for(self, lang: Lang) -> str:
        return (self.title_en or self.title) if lang == "en" else self.title

    @property
    def langs(self) -> list[Lang]:
        """The languages the unit can be quoted in."""
        has_en = bool(self.title_en) and any(s.en for s in self.sentences)
        return ["zh", "en"] if has_en else ["zh"]


class Chunk(BaseModel):
    """A sentence-level piece of a unit in one language; a hit returns the whole unit."""

    id: str  # <ref>:<lang>:<n>
    ref: str
    text: str  # the sentence(s) as they appear in the source (or its English rendering)
    context: str  # heading context prepended for embedding and keyword search
    lang: Lang = "zh"
    tokens: int = 0
    sentence_ids: list[str] = Field(default_factory=list)  # the aligned sentences it holds
    # the unit's aliases, not its text: it finds the unit, and is never quoted
    searched_only: bool = False

    @property
    def indexed_text(self) -> str:
        return f"{self.context}\n{self.text}" if self.context else self.text

    @property
    def vector_id(self) -> str:
        """Its id in the vector store: the chunk id plus a hash of what was embedded, so a
        vector of an older text under the same id (a store that resurrects deleted rows,
        chromadb#4275) can never stand for the current one."""
        digest = hashlib.sha256(self.indexed_text.encode("utf-8")).hexdigest()[:12]
        return f"{self.id}@{digest}"


class Hit(BaseModel):
    """A unit found for a query, with the chunks that matched it."""

    unit: Unit
    score: float
    dense: float = 0.0  # best cosine similarity of the unit's chunks
    lexical: float = 0.0  # best BM25 score of the unit's chunks, normalised to 0..1
    # (chunk, similarity) for every chunk of the unit, best first
    chunks: list[tuple[Chunk, float]] = Field(default_factory=list)

    def chunks_in(self, lang: Lang) -> list[tuple[Chunk, float]]:
        return [(c, s) for c, s in self.chunks if c.lang == lang]


class Citation(BaseModel):
    n: int
    ref: str
    kind: DocKind = "plan"
    title: str
    label: str = ""  # how people see it: "Task 22 · Optimize electricity services"
    score: float
    snippet: str
    lang: Lang = "zh"  # language of the snippet
    quotes: list[str] = Field(default_factory=list)  # sentences the answer quoted, to highlight
    sentence_ids: list[str] = Field(default_factory=list)  # their ids, to highlight both texts
    source_refs: list[str] = Field(default_factory=list)
    source_url: str = ""
    last_checked: str = ""

    def to_public(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ref": self.ref,
            "kind": self.kind,
            "title": self.title,
            "label": self.label or self.title,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "sentence_ids": self.sentence_ids,
        }
        if self.kind != "plan":
            out["source_refs"] = self.source_refs
        if self.source_url:
            out["source_url"] = self.source_url
            out["last_checked"] = self.last_checked
        return out


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
    # A hand-off: in scope, but the cited unit does not state the fee/time/address asked
    # for, so the answer points to it and to people instead of guessing (refused too).
    handoff: bool = False

    def to_public(self) -> dict[str, object]:
        """The stable JSON contract of `assistant ask --json` and the chat API."""
        return {
            "question": self.question,
            "lang": self.lang,
            "answer": self.answer,
            "refused": self.refused,
            "citations": [c.to_public() for c in self.citations],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
