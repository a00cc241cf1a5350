"""The document kind: a service-guide document staff uploaded (Markdown, .docx, .pdf),
kept as its text in the language it was written in, split into sentences."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.asks import unstated
from assistant.documents.base import Aliases, Group, Quoted, validate_as
from assistant.documents.guide import SLUG, Names
from assistant.documents.plan import pick_chunks
from assistant.documents.sentences import merge_short_sentences, split_sentences
from assistant.schema import DocKind, Hit, Lang, Sentence, Unit

MAX_QUOTED = 3


class UploadedDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str = Field(pattern=SLUG)
    title: Names
    text: str = Field(min_length=1)
    lang: Literal["zh", "en"]
    filename: str = ""
    source_refs: list[str] = Field(default_factory=list)
    effective_from: date | None = None
    effective_until: date | None = None
    aliases: Aliases | None = None  # users' words for it: searched, never quoted


def parse_uploaded(data: Any, where: str) -> UploadedDoc:
    return validate_as(UploadedDoc, data, where)


def document_unit(doc: UploadedDoc) -> Unit:
    ref = f"document:{doc.slug}"
    parts = split_sentences(doc.text)
    return Unit(
        ref=ref,
        doc_id="document",
        kind="document",
        part="document",
        title=doc.title.zh,
        title_en=doc.title.en,
        text=doc.text,
        sentences=[
            Sentence(id=f"{ref}/{i}", **{doc.lang: s}) for i, s in enumerate(parts, start=1)
        ],
        source_refs=list(doc.source_refs),
        aliases=doc.aliases.by_lang() if doc.aliases else {},
        data=doc.model_dump(mode="json"),
    )


class DocumentKind:
    name: DocKind = "document"

    def files(self, kb_dir: Path) -> list[Path]:
        return []  # uploads live in the curated store only

    def load(self, kb_dir: Path) -> tuple[list[Unit], list[str]]:
        return [], []

    def groups(self, unit: Unit) -> list[Group]:
        lang = unit.data.get("lang", "zh")
        key: Lang = "zh" if lang == "zh" else "en"
        merged = merge_short_sentences([Sentence(id=s.id, zh=s.text(key)) for s in unit.sentences])
        by_id = {s.id: s for s in unit.sentences}
        context = {"zh": unit.title, "en": unit.title_for("en")}
        return [Group([by_id[s.id] for s in g], context) for g in merged]

    def label(self, unit: Unit, lang: Lang) -> str:
        return f"文件“{unit.title}”" if lang == "zh" else f'the document "{unit.title_for("en")}"'

    def missing(self, unit: Unit, asks: list[str], lang: Lang) -> list[str]:
        return unstated(asks, unit.text)

    def quote(self, hit: Hit, n: int, lang: Lang, asks: list[str], primary: bool) -> Quoted:
        chosen = pick_chunks(hit, lang, MAX_QUOTED if primary else 1)
        quotes = [c.text for c in chosen]
        ids = [i for c in chosen for i in c.sentence_ids]
        label = self.label(hit.unit, lang)
        original = hit.unit.data.get("lang", "zh")
        if lang == "zh":
            lead = f"{'根据' if primary else '另见'}{label}[{n}]:"
            lines = [lead, *(f"{q}[{n}]" for q in quotes)]
        else:
            how = "" if original == "en" else ", quoted in the original Chinese"
            lead = f"{'From' if primary else 'See also'} {label} [{n}]{how}:"
            lines = [lead, *(f"> {q} [{n}]" for q in quotes)]
        return Quoted(lines, ids, quotes, snippet=quotes[0] if quotes else hit.unit.title)

    def context_text(self, unit: Unit, lang: Lang) -> str:
        return unit.text
