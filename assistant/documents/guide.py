"""The guide kind: service guides (办事指南) with structured, sourced fields in zh and en.

A guide answers "which materials, where, how long, how much": the answer gives the part
the question asks for (materials as a list; where as address + window + hours + phone),
says plainly which asked-for facts the guide does not give, marks facts that rest only on
a non-official source, and shows the guide's source and the day it was last checked.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from assistant.asks import STATES
from assistant.documents.base import (
    Aliases,
    Group,
    Quoted,
    read_yaml,
    validate_as,
    validation_error,
)
from assistant.documents.handoff import handoff_sentence
from assistant.schema import DocKind, Hit, Lang, Sentence, Unit

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Names(_Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Text(Names):
    source: str | None = None  # a key of other_sources when the fact does not rest on source_url


class TextList(_Strict):
    zh: list[str] = Field(min_length=1)
    en: list[str] = Field(min_length=1)
    source: str | None = None

    @model_validator(mode="after")
    def _same_length(self) -> TextList:
        if len(self.zh) != len(self.en):
            raise ValueError(f"zh has {len(self.zh)} items but en has {len(self.en)}")
        if not all(s.strip() for s in [*self.zh, *self.en]):
            raise ValueError("an item is empty")
        return self


class Online(Text):
    url: str = ""


class OtherSource(_Strict):
    url: str = Field(pattern=r"^https?://")
    name: Names
    official: bool = True


class Fields(_Strict):
    audience: Text | None = None
    conditions: Text | None = None
    materials: TextList | None = None
    steps: TextList | None = None
    time_limit: Text | None = None
    fees: Text | None = None
    address: Text | None = None
    window: Text | None = None
    hours: Text | None = None
    phone: Text | None = None
    online: Online | None = None
    legal_basis: Text | None = None


class GuideDoc(_Strict):
    """One guide file, as documented in knowledge_base/guides/README.md."""

    slug: str = Field(pattern=SLUG)
    title: Names
    source_url: str = Field(pattern=r"^https?://")
    source_name: Names | None = None
    source_official: bool = True
    last_checked: date
    other_sources: dict[str, OtherSource] = Field(default_factory=dict)
    source_refs: list[str] = Field(default_factory=list)
    fields: Fields
    effective_from: date | None = None  # not retrievable before / after these days
    effective_until: date | None = None
    aliases: Aliases | None = None  # users' words for it: searched, never quoted

    @field_validator("source_refs")
    @classmethod
    def _refs_look_right(cls, refs: list[str]) -> list[str]:
        bad = [
            r for r in refs if not re.match(r"^(plan#[\w-]+|guide:[a-z0-9-]+|entry:[a-z0-9-]+)$", r)
        ]
        if bad:
            raise ValueError(f"not a ref: {bad}")
        return refs

    @model_validator(mode="after")
    def _sources_known(self) -> GuideDoc:
        for name in FIELD_ORDER:
            f = getattr(self.fields, name)
            if f is not None and f.source and f.source not in self.other_sources:
                raise ValueError(f"fields.{name}.source {f.source!r} is not in other_sources")
        return self


# Reading order, and each field's label in both languages.
FIELD_LABELS: dict[str, dict[Lang, str]] = {
    "audience": {"zh": "适用对象", "en": "Who it is for"},
    "conditions": {"zh": "办理条件", "en": "Conditions"},
    "materials": {"zh": "所需材料", "en": "Documents required"},
    "steps": {"zh": "办理流程", "en": "Steps"},
    "time_limit": {"zh": "办理时限", "en": "Time limit"},
    "fees": {"zh": "收费标准", "en": "Fees"},
    "address": {"zh": "办理地点", "en": "Address"},
    "window": {"zh": "办理窗口", "en": "Window"},
    "hours": {"zh": "办公时间", "en": "Opening hours"},
    "phone": {"zh": "咨询电话", "en": "Phone"},
    "online": {"zh": "网上办理", "en": "Online"},
    "legal_basis": {"zh": "办理依据", "en": "Legal basis"},
}
FIELD_ORDER = list(FIELD_LABELS)
# What a question asks for (answer/asks.py) → the fields that answer it.
ASK_FIELDS: dict[str, list[str]] = {
    "fee": ["fees"],
    "time": ["time_limit"],
    "hours": ["hours"],
    "address": ["address", "window", "hours", "phone"],
    "window": ["window", "address"],
    "phone": ["phone"],
    "materials": ["materials"],
    "steps": ["steps", "online"],
    "conditions": ["conditions", "audience"],
    "online": ["online"],
    "legal": ["legal_basis"],
}
# A specific stated in another field: stricter than a plan task's (asks.STATES), since a
# guide's fields carry dates (2024年, 9月6日) that say nothing of how long a step takes.
IN_PASSING: dict[str, re.Pattern[str]] = {
    **STATES,
    "time": re.compile(
        r"(?<![\d年月.])\d{1,3}\s*(个)?(工作日|自然日|天|日|小时|个月|周)|(?<![\d.])\d{1,2}\s*年(?![\d月])"
    ),
    "hours": re.compile(r"\d{1,2}[::]\d{2}|7×24|24小时"),
}
OVERVIEW_FIELDS = 2  # with no specific ask, the best-matching fields are shown


def parse_guide(data: Any, path: Path | str) -> GuideDoc:
    """Validate one guide's data (from YAML or the store); errors name the file and field."""
    return validate_as(GuideDoc, data, path)


def guide_unit(doc: GuideDoc) -> Unit:
    """A guide as one unit: a sentence per field (a list field: one per item)."""
    ref = f"guide:{doc.slug}"
    sentences: list[Sentence] = []
    text_lines = [doc.title.zh]
    for name in FIELD_ORDER:
        f = getattr(doc.fields, name)
        if f is None:
            continue
        if isinstance(f, TextList):
            for i, (zh, en) in enumerate(zip(f.zh, f.en, strict=True), start=1):
                sentences.append(Sentence(id=f"{ref}/{name}/{i}", zh=zh.strip(), en=en.strip()))
            text_lines.append(f"{FIELD_LABELS[name]['zh']}:" + ";".join(f.zh))
        else:
            sentences.append(Sentence(id=f"{ref}/{name}", zh=f.zh.strip(), en=f.en.strip()))
            text_lines.append(f"{FIELD_LABELS[name]['zh']}:{f.zh.strip()}")
    return Unit(
        ref=ref,
        doc_id="guide",
        kind="guide",
        part="guide",
        title=doc.title.zh,
        title_en=doc.title.en,
        text="\n".join(text_lines),
        sentences=sentences,
        source_refs=list(doc.source_refs),
        aliases=doc.aliases.by_lang() if doc.aliases else {},
        data=doc.model_dump(mode="json"),
    )


def field_of(sentence_id: str) -> str:
    """guide:x/materials/2 → materials."""
    return sentence_id.split("/")[1]


class GuideKind:
    name: DocKind = "guide"

    def files(self, kb_dir: Path) -> list[Path]:
        folder = kb_dir / "guides"
        return sorted(folder.glob("*.yaml")) if folder.is_dir() else []

    def load(self, kb_dir: Path) -> tuple[list[Unit], list[str]]:
        units = []
        for path in self.files(kb_dir):
            doc = parse_guide(read_yaml(path), path)
            if doc.slug != path.stem:
                raise validation_error(
                    path, ValueError(f"slug {doc.slug!r} differs from the file name")
                )
            units.append(guide_unit(doc))
        return units, []

    def groups(self, unit: Unit) -> list[Group]:
        by_field: dict[str, list[Sentence]] = {}
        for s in unit.sentences:
            by_field.setdefault(field_of(s.id), []).append(s)
        return [
            Group(
                sents,
                {
                    lang: f"{unit.title_for(lang)} / {FIELD_LABELS[name][lang]}"
                    for lang in ("zh", "en")
                },
            )
            for name, sents in by_field.items()
        ]

    def label(self, unit: Unit, lang: Lang) -> str:
        return (
            f"办事指南“{unit.title}”"
            if lang == "zh"
            else f'the service guide "{unit.title_for("en")}"'
        )

    def present(self, unit: Unit) -> set[str]:
        return {field_of(s.id) for s in unit.sentences}

    def unfilled(self, unit: Unit, asks: list[str]) -> list[str]:
        """What was asked for whose own fields this guide leaves empty."""
        have = self.present(unit)
        return [a for a in asks if a in ASK_FIELDS and not set(ASK_FIELDS[a]) & have]

    def _stating(self, unit: Unit, ask: str) -> list[str]:
        """Other fields that state a specific its own field lacks: a guide without a time
        limit may still say "apply within 30 days" under its conditions."""
        pattern = IN_PASSING.get(ask)
        if pattern is None:
            return []
        return list(dict.fromkeys(field_of(s.id) for s in unit.sentences if pattern.search(s.zh)))

    def missing(self, unit: Unit, asks: list[str], lang: Lang) -> list[str]:
        return [a for a in self.unfilled(unit, asks) if not self._stating(unit, a)]

    def wanted_fields(self, hit: Hit, lang: Lang, asks: list[str]) -> list[str]:
        have = self.present(hit.unit)
        wanted = [f for a in asks for f in ASK_FIELDS.get(a, []) if f in have]
        wanted += [f for a in self.unfilled(hit.unit, asks) for f in self._stating(hit.unit, a)]
        if not wanted:  # no particular ask: the fields that match the question best
            ranked = [field_of(c.sentence_ids[0]) for c, _ in hit.chunks_in(lang) if c.sentence_ids]
            wanted = list(dict.fromkeys(ranked))[:OVERVIEW_FIELDS]
        return [f for f in FIELD_ORDER if f in wanted]

    def quote(self, hit: Hit, n: int, lang: Lang, asks: list[str], primary: bool) -> Quoted:
        unit = hit.unit
        data = unit.data
        fields = self.wanted_fields(hit, lang, asks)
        if not primary:
            fields = fields[:1]
        label = self.label(unit, lang)
        lines = [f"根据{label}[{n}]:" if lang == "zh" else f"From {label} [{n}]:"]
        if not primary:
            lines = [f"另见{label}[{n}]:" if lang == "zh" else f"See also {label} [{n}]:"]
        ids: list[str] = []
        quotes: list[str] = []
        colon = ":" if lang == "zh" else ": "
        for name in fields:
            sents = [s for s in unit.sentences if field_of(s.id) == name]
            ids += [s.id for s in sents]
            texts = [s.text(lang) for s in sents]
            quotes += texts
            head = FIELD_LABELS[name][lang]
            note = _third_party_note(data, name, lang)
            if name in ("materials", "steps"):
                lines.append(f"{head}{colon}{note}")
                lines += [f"{i}. {t} [{n}]" for i, t in enumerate(texts, start=1)]
            else:
                url = (data["fields"].get(name) or {}).get("url", "") if name == "online" else ""
                extra = f" ({url})" if url else ""
                lines.append(f"{head}{colon}{texts[0]}{extra} [{n}]{note}")
        # A specific stated only in passing (a deadline under the conditions) is quoted,
        # and the empty field it belongs to is still named.
        gaps = self.unfilled(unit, asks)
        if gaps and primary:
            lines.append(handoff_sentence(label, gaps, lang))
        if primary:
            lines.append(_provenance(unit, lang))
        return Quoted(lines, ids, quotes, snippet=quotes[0] if quotes else unit.title_for(lang))

    def context_text(self, unit: Unit, lang: Lang) -> str:
        return "\n".join(
            f"{FIELD_LABELS[field_of(s.id)][lang]}: {s.text(lang)}" for s in unit.sentences
        )


def _third_party_note(data: dict[str, Any], name: str, lang: Lang) -> str:
    key = (data["fields"].get(name) or {}).get("source")
    src = data.get("other_sources", {}).get(key) if key else None
    official = src["official"] if src else data.get("source_official", True)
    if official:
        return ""
    who = (src or {}).get("name", {}).get(lang) or (data.get("source_name") or {}).get(lang, "")
    if lang == "zh":
        return f"(此项仅见于非官方来源“{who}”,请以官方渠道为准)"
    return (
        f" (this rests only on a non-official source, {who}; "
        "please confirm with the official channels)"
    )


def _provenance(unit: Unit, lang: Lang) -> str:
    data = unit.data
    name = (data.get("source_name") or {}).get(lang, "")
    where = f"{name} {data['source_url']}".strip()
    rests = unit.data.get("rests_on") or []
    if lang == "zh":
        tasks = "、".join(r["label_zh"] for r in rests)
        line = f"指南来源:{where},核对日期 {data['last_checked']}。"
        return line + (f"相关方案任务:{tasks}。" if tasks else "")
    tasks = "; ".join(r["label_en"] for r in rests)
    line = f"Guide source: {where}, last checked {data['last_checked']}."
    return line + (f" Related plan tasks: {tasks}." if tasks else "")
