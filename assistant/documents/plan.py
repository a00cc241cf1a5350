"""The plan kind: government documents listed in sources/sources.yaml, parsed by their
numbering into tasks and sections, with an aligned English rendering of every sentence."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from assistant.asks import unstated
from assistant.documents.base import (
    Aliases,
    Group,
    KnowledgeFileError,
    Quoted,
    read_yaml,
    validate_as,
)
from assistant.documents.parser import parse_document
from assistant.documents.sentences import merge_short_sentences, split_sentences
from assistant.documents.translation import align, load_renderings, translation_files
from assistant.schema import Chunk, DocKind, Hit, Lang, Unit

MAX_SENTENCES = 3  # quoted from the best unit; one from each further unit
NEAR_BEST = 0.03  # a sentence is quoted when its score is this close to the best one's
UNOFFICIAL = {
    "zh": "",
    "en": "quoted in an unofficial English rendering (the Chinese original prevails)",
}


@dataclass(frozen=True)
class SourceDoc:
    id: str
    path: Path
    title: str
    title_en: str
    name: str
    name_en: str
    preamble_slug: str
    preamble_title: str


def list_sources(kb_dir: Path) -> list[SourceDoc]:
    manifest = kb_dir / "sources" / "sources.yaml"
    data = read_yaml(manifest) if manifest.exists() else None
    if not isinstance(data, dict) or not data.get("documents"):
        raise KnowledgeFileError(manifest, "documents", "no documents listed")
    docs = []
    for i, d in enumerate(data["documents"]):
        if not isinstance(d, dict) or not d.get("id") or not d.get("file"):
            raise KnowledgeFileError(manifest, f"documents[{i}]", "needs id and file")
        pre = d.get("preamble") or {}
        docs.append(
            SourceDoc(
                id=d["id"],
                path=kb_dir / "sources" / d["file"],
                title=str(d.get("title") or d["id"]),
                title_en=d.get("title_en", ""),
                name=d.get("name") or f"《{d.get('title', d['id'])}》",
                name_en=str(d.get("name_en") or d.get("title_en") or d["id"]),
                preamble_slug=pre.get("slug", "preamble"),
                preamble_title=pre.get("title", "前言"),
            )
        )
    return docs


def load_titles_en(kb_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """English titles of units (by ref) and of action groups (by Chinese numeral)."""
    path = kb_dir / "titles_en.yaml"
    data = (read_yaml(path) or {}) if path.exists() else {}
    units = {ref: v["en"] for ref, v in (data.get("units") or {}).items()}
    groups = {str(k): v["en"] for k, v in (data.get("groups") or {}).items()}
    return units, groups


def _group_numeral(group: str) -> str:
    return group[1 : group.find(")")] if group.startswith("(") else ""


class AliasFile(BaseModel):
    """aliases.yaml: everyday words per plan unit and language."""

    model_config = ConfigDict(extra="forbid")
    units: dict[str, Aliases]


def load_aliases(kb_dir: Path, refs: set[str]) -> dict[str, dict[str, list[str]]]:
    """Everyday words per unit and language; a malformed file or an unknown ref fails,
    naming the file and the field."""
    path = kb_dir / "aliases.yaml"
    if not path.exists():
        return {}
    aliases = validate_as(AliasFile, read_yaml(path), path).units
    for ref in aliases:
        if ref not in refs:
            raise KnowledgeFileError(path, f"units.{ref}", "no such plan unit")
    return {ref: words.by_lang() for ref, words in aliases.items()}


class PlanKind:
    name: DocKind = "plan"

    def files(self, kb_dir: Path) -> list[Path]:
        paths = [
            kb_dir / name for name in ("sources/sources.yaml", "titles_en.yaml", "aliases.yaml")
        ]
        for doc in list_sources(kb_dir):
            paths += [doc.path, *translation_files(kb_dir, doc.id)]
        return [p for p in paths if p.exists()]

    def load(self, kb_dir: Path) -> tuple[list[Unit], list[str]]:
        titles, groups = load_titles_en(kb_dir)
        units: list[Unit] = []
        warnings: list[str] = []
        for doc in list_sources(kb_dir):
            if not doc.path.exists():
                raise KnowledgeFileError(doc.path, "", "listed in sources.yaml but missing")
            parsed = parse_document(
                doc.path.read_text(encoding="utf-8"), doc.id, doc.preamble_title, doc.preamble_slug
            )
            alignment = align(
                {u.ref: split_sentences(u.text) for u in parsed}, load_renderings(kb_dir, doc.id)
            )
            warnings += [f"{doc.id}: {w}" for w in alignment.warnings()]
            for u in parsed:
                units.append(
                    u.model_copy(
                        update={
                            "kind": "plan",
                            "title_en": titles.get(u.ref, ""),
                            "group_en": groups.get(_group_numeral(u.group), ""),
                            "sentences": alignment.sentences[u.ref],
                            "data": {"doc_name": doc.name, "doc_name_en": doc.name_en},
                        }
                    )
                )
        aliases = load_aliases(kb_dir, {u.ref for u in units})
        units = [u.model_copy(update={"aliases": aliases.get(u.ref, {})}) for u in units]
        return units, warnings

    def groups(self, unit: Unit) -> list[Group]:
        context = {
            "zh": " / ".join(p for p in (unit.group, unit.title) if p),
            # with the action group, as for Chinese: title-only English context was
            # measured on dev (en recall@1 0.87 -> 0.84) and saved only ~5% of ingest time
            "en": " / ".join(p for p in (unit.group_en, unit.title_en) if p),
        }
        return [Group(g, context) for g in merge_short_sentences(unit.sentences)]

    def label(self, unit: Unit, lang: Lang) -> str:
        if lang == "zh":
            if unit.part == "task":
                return f"第{unit.number}项“{unit.title}”"
            return f"“{unit.title}”部分"
        title = unit.title_for("en")
        if unit.part == "task":
            return f'task {unit.number}, "{title}"'
        return f'the section "{title}"'

    def missing(self, unit: Unit, asks: list[str], lang: Lang) -> list[str]:
        return unstated(asks, unit.text)

    def quote(self, hit: Hit, n: int, lang: Lang, asks: list[str], primary: bool) -> Quoted:
        unit = hit.unit
        chosen = pick_chunks(hit, lang, MAX_SENTENCES if primary else 1)
        by_id = {s.id: s for s in unit.sentences}
        quotes: list[str] = []
        ids: list[str] = []
        for chunk in chosen:
            ids += [i for i in chunk.sentence_ids if i not in ids]
            if chunk.lang == lang:
                quotes.append(chunk.text)
            else:  # no English for this passage: quote the Chinese and say so
                sents = [by_id[i] for i in chunk.sentence_ids if i in by_id]
                quotes.append(" ".join(s.en or s.zh for s in sents) or chunk.text)
        name = unit.data.get("doc_name_en" if lang == "en" else "doc_name", "")
        label = self.label(unit, lang)
        english = lang == "en" and all(
            by_id[i].en for c in chosen for i in c.sentence_ids if i in by_id
        )
        if lang == "zh":
            lead = f"根据{name}{label}:" if primary else f"另见{label}:"
            lines = [lead, *(f"{q}[{n}]" for q in quotes)]
        else:
            how = UNOFFICIAL["en"] if english else "quoted in the original Chinese"
            lead = (
                f"This is covered by {label} of {name} [{n}], {how}:"
                if primary
                else f"See also {label} [{n}], {how}:"
            )
            lines = [lead, *(f"> {q} [{n}]" for q in quotes)]
        return Quoted(lines, ids, quotes, snippet=quotes[0] if quotes else "")

    def context_text(self, unit: Unit, lang: Lang) -> str:
        if lang == "en" and unit.sentences and all(s.en for s in unit.sentences):
            return " ".join(s.en for s in unit.sentences)
        return unit.text


def pick_chunks(hit: Hit, lang: Lang, limit: int) -> list[Chunk]:
    """The unit's most relevant passages in `lang` (or Chinese when it has no English),
    close to the best one, in reading order."""
    scored = hit.chunks_in(lang) or hit.chunks_in("zh") or hit.chunks
    if not scored:
        return []
    top = scored[0][1]
    chosen = [c for c, s in scored[:limit] if s >= top - NEAR_BEST]
    return sorted(chosen, key=lambda c: int(c.id.rsplit(":", 1)[1]))
