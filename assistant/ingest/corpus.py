"""Everything the index is built from: every document kind under knowledge_base/, checked.

The corpus is read whole before anything is built, so a bad file fails ingest (naming the
file and the field) while the previous index keeps serving.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents import KINDS
from assistant.documents.base import KnowledgeFileError
from assistant.schema import Unit


@dataclass
class Corpus:
    units: list[Unit]
    warnings: list[str] = field(default_factory=list)

    @property
    def by_ref(self) -> dict[str, Unit]:
        return {u.ref: u for u in self.units}


def source_files(kb_dir: Path) -> list[Path]:
    """Every file any kind reads, in a stable order."""
    return [p for kind in KINDS.values() for p in kind.files(kb_dir)]


def load_corpus(kb_dir: Path, extra_units: list[Unit] | None = None) -> Corpus:
    """Read every kind; check refs are unique and every source_ref exists."""
    units: list[Unit] = []
    warnings: list[str] = []
    for kind in KINDS.values():
        got, warned = kind.load(kb_dir)
        units += got
        warnings += warned
    units += extra_units or []
    by_ref: dict[str, Unit] = {}
    for u in units:
        if u.ref in by_ref:
            raise KnowledgeFileError(u.ref, "slug", "the same ref is defined twice")
        by_ref[u.ref] = u
    for u in units:
        unknown = [r for r in u.source_refs if r not in by_ref]
        if unknown:
            raise KnowledgeFileError(_file_of(kb_dir, u), "source_refs", f"unknown refs {unknown}")
        u.data["rests_on"] = [
            {"ref": r, "label_zh": _short(by_ref[r], "zh"), "label_en": _short(by_ref[r], "en")}
            for r in u.source_refs
        ]
    return Corpus(units, warnings)


def _short(unit: Unit, lang: str) -> str:
    """第22项“优化用电服务” / Task 22 (Optimize electricity services), for "rests on" lines."""
    if unit.kind == "plan" and unit.part == "task":
        if lang == "zh":
            return f"第{unit.number}项“{unit.title}”"
        return f"Task {unit.number} ({unit.title_for('en')})"
    return unit.title if lang == "zh" else unit.title_for("en")


def _file_of(kb_dir: Path, unit: Unit) -> Path | str:
    folder = {"guide": "guides", "entry": "entries"}.get(unit.kind)
    if folder is None:
        return unit.ref
    return kb_dir / folder / f"{unit.ref.split(':', 1)[1]}.yaml"
