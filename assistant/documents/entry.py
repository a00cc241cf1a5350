"""The entry kind: FAQ entries, a question and its answer in zh and en, resting on refs."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assistant.asks import unstated
from assistant.documents.base import (
    Aliases,
    Group,
    Quoted,
    read_yaml,
    validate_as,
    validation_error,
)
from assistant.documents.guide import SLUG, Names
from assistant.schema import DocKind, Hit, Lang, Sentence, Unit


class EntryDoc(BaseModel):
    """One FAQ entry file, as documented in knowledge_base/entries/README.md."""

    model_config = ConfigDict(extra="forbid")

    slug: str = Field(pattern=SLUG)
    question: Names
    answer: Names
    source_refs: list[str] = Field(min_length=1)
    effective_from: date | None = None  # not retrievable before / after these days
    effective_until: date | None = None
    aliases: Aliases | None = None  # users' words for it: searched, never quoted


def parse_entry(data: Any, path: Path | str) -> EntryDoc:
    return validate_as(EntryDoc, data, path)


def entry_unit(doc: EntryDoc) -> Unit:
    ref = f"entry:{doc.slug}"
    return Unit(
        ref=ref,
        doc_id="entry",
        kind="entry",
        part="entry",
        title=doc.question.zh.strip(),
        title_en=doc.question.en.strip(),
        text=f"{doc.question.zh.strip()}\n{doc.answer.zh.strip()}",
        sentences=[
            Sentence(id=f"{ref}/q", zh=doc.question.zh.strip(), en=doc.question.en.strip()),
            Sentence(id=f"{ref}/a", zh=doc.answer.zh.strip(), en=doc.answer.en.strip()),
        ],
        source_refs=list(doc.source_refs),
        aliases=doc.aliases.by_lang() if doc.aliases else {},
        data=doc.model_dump(mode="json"),
    )


class EntryKind:
    name: DocKind = "entry"

    def files(self, kb_dir: Path) -> list[Path]:
        folder = kb_dir / "entries"
        return sorted(folder.glob("*.yaml")) if folder.is_dir() else []

    def load(self, kb_dir: Path) -> tuple[list[Unit], list[str]]:
        units = []
        for path in self.files(kb_dir):
            doc = parse_entry(read_yaml(path), path)
            if doc.slug != path.stem:
                raise validation_error(
                    path, ValueError(f"slug {doc.slug!r} differs from the file name")
                )
            units.append(entry_unit(doc))
        return units, []

    def groups(self, unit: Unit) -> list[Group]:
        question, answer = unit.sentences
        # One chunk per language: the answer under its question. A question indexed on
        # its own matched other questions by their phrasing alone (dev recall@1 of guide
        # questions 0.45), pulling entries in for topics they do not cover.
        return [Group([answer], {"zh": question.zh, "en": question.en})]

    def label(self, unit: Unit, lang: Lang) -> str:
        return f"常见问答“{unit.title}”" if lang == "zh" else f'the FAQ "{unit.title_for("en")}"'

    def missing(self, unit: Unit, asks: list[str], lang: Lang) -> list[str]:
        return unstated(asks, unit.text)

    def quote(self, hit: Hit, n: int, lang: Lang, asks: list[str], primary: bool) -> Quoted:
        unit = hit.unit
        answer = unit.sentences[1]
        text = answer.text(lang) or answer.zh
        label = self.label(unit, lang)
        rests = unit.data.get("rests_on") or []
        if lang == "zh":
            lines = [f"{'根据' if primary else '另见'}{label}[{n}]:", f"{text}[{n}]"]
            if primary and rests:
                lines.append("依据:" + "、".join(r["label_zh"] for r in rests) + "。")
        else:
            lines = [f"{'From' if primary else 'See also'} {label} [{n}]:", f"{text} [{n}]"]
            if primary and rests:
                lines.append("Based on: " + "; ".join(r["label_en"] for r in rests) + ".")
        return Quoted(lines, [answer.id], [text], snippet=text)

    def context_text(self, unit: Unit, lang: Lang) -> str:
        q, a = unit.sentences
        return f"{q.text(lang) or q.zh}\n{a.text(lang) or a.zh}"
