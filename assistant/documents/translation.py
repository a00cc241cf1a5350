"""The English text of a Chinese document, aligned sentence by sentence by a stable id.

knowledge_base/translations/<doc_id>/*.yaml map each unit ref to its sentences
(`id`, the Chinese `zh` the rendering was made from, and `en`). A rendering is served
only while its `zh` still equals the sentence in the source: when the Chinese changes,
the rendering is reported stale and left out, never silently served.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents.base import KnowledgeFileError, read_yaml
from assistant.schema import Sentence


@dataclass
class Rendering:
    id: str
    zh: str
    en: str
    path: Path


@dataclass
class Alignment:
    """The sentences of one document with their English, and what did not line up."""

    sentences: dict[str, list[Sentence]] = field(default_factory=dict)  # by unit ref
    missing: list[str] = field(default_factory=list)  # sentence ids with no rendering
    stale: list[str] = field(default_factory=list)  # renderings of a changed sentence
    orphans: list[str] = field(default_factory=list)  # renderings of no current sentence

    def warnings(self) -> list[str]:
        out = []
        if self.stale:
            out.append(
                f"{len(self.stale)} English rendering(s) are stale (their Chinese sentence "
                f"changed) and are not served: {', '.join(self.stale[:8])}"
                + (" …" if len(self.stale) > 8 else "")
            )
        if self.missing:
            out.append(
                f"{len(self.missing)} sentence(s) have no English rendering: "
                f"{', '.join(self.missing[:8])}" + (" …" if len(self.missing) > 8 else "")
            )
        if self.orphans:
            out.append(
                f"{len(self.orphans)} English rendering(s) match no sentence: "
                f"{', '.join(self.orphans[:8])}" + (" …" if len(self.orphans) > 8 else "")
            )
        return out


def translation_files(kb_dir: Path, doc_id: str) -> list[Path]:
    folder = kb_dir / "translations" / doc_id
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def load_renderings(kb_dir: Path, doc_id: str) -> dict[str, Rendering]:
    """Every rendering of `doc_id`, by sentence id; a malformed file names itself."""
    out: dict[str, Rendering] = {}
    for path in translation_files(kb_dir, doc_id):
        data = read_yaml(path) or {}
        if not isinstance(data, dict):
            raise KnowledgeFileError(path, "", "expected a mapping of unit refs to sentences")
        for ref, items in data.items():
            if not isinstance(items, list):
                raise KnowledgeFileError(path, str(ref), "expected a list of sentences")
            for i, item in enumerate(items):
                if not isinstance(item, dict) or not {"id", "zh", "en"} <= set(item):
                    raise KnowledgeFileError(path, f"{ref}[{i}]", "needs id, zh and en")
                unknown = set(item) - {"id", "zh", "en"}
                if unknown:
                    raise KnowledgeFileError(path, f"{ref}[{i}].{min(unknown)}", "unknown field")
                sid = str(item["id"])
                if sid in out:
                    raise KnowledgeFileError(path, sid, "sentence id given twice")
                out[sid] = Rendering(sid, str(item["zh"]), str(item["en"] or "").strip(), path)
    return out


def align(units_sentences: dict[str, list[str]], renderings: dict[str, Rendering]) -> Alignment:
    """Pair each source sentence with the rendering made from exactly that sentence.

    A rendering is found by its id, or, when sentences moved within the unit, by its
    Chinese text; one whose Chinese no longer matches is stale.
    """
    result = Alignment()
    used: set[str] = set()
    for ref, sentences in units_sentences.items():
        mine = {sid: r for sid, r in renderings.items() if sid.startswith(f"{ref}/") and r.en}
        by_text = {r.zh: r for r in mine.values()}
        current = set(sentences)
        aligned = []
        for i, zh in enumerate(sentences, start=1):
            sid = f"{ref}/{i}"
            r = mine.get(sid)
            en = ""
            if r is not None and r.zh == zh:
                en = r.en
                used.add(sid)
            elif zh in by_text:  # the sentence moved: its rendering still fits
                en = by_text[zh].en
                used.add(by_text[zh].id)
            elif r is not None and r.zh not in current:  # this sentence was rewritten
                result.stale.append(sid)
            else:  # new, or its id now belongs to a sentence that moved here
                result.missing.append(sid)
            aligned.append(Sentence(id=sid, zh=zh, en=en))
        result.sentences[ref] = aligned
    result.orphans = sorted(
        sid
        for sid in renderings
        if sid not in used and sid not in result.stale and renderings[sid].en
    )
    return result
