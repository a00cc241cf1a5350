"""Everything the index is built from: every document kind under knowledge_base/, checked.

The corpus is read whole before anything is built, so a bad file fails ingest (naming the
file and the field) while the previous index keeps serving.
"""

from __future__ import annotations

from collections.abc import Callable
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


def load_corpus(kb_dir: Path, curated: list[Unit] | None = None) -> Corpus:
    """Read every kind; check refs are unique and every source_ref exists.

    `curated`: the guides and entries live in the curated store, which then replaces the
    YAML files under guides/ and entries/ (those are its import/export format).
    """
    units: list[Unit] = []
    warnings: list[str] = []
    for name, kind in KINDS.items():
        if curated is not None and name != "plan":
            continue
        got, warned = kind.load(kb_dir)
        units += got
        warnings += warned
    units += curated or []
    link(units, lambda u: _file_of(kb_dir, u))
    return Corpus(units, warnings)


def link(units: list[Unit], where: Callable[[Unit], Path | str] = lambda u: u.ref) -> None:
    """Check refs are unique and every source_ref exists; label what each unit rests on."""
    by_ref: dict[str, Unit] = {}
    for u in units:
        if u.ref in by_ref:
            raise KnowledgeFileError(u.ref, "slug", "the same ref is defined twice")
        by_ref[u.ref] = u
    for u in units:
        unknown = [r for r in u.source_refs if r not in by_ref]
        if unknown:
            raise KnowledgeFileError(where(u), "source_refs", f"unknown refs {unknown}")
        u.data["rests_on"] = [
            {"ref": r, "label_zh": _short(by_ref[r], "zh"), "label_en": _short(by_ref[r], "en")}
            for r in u.source_refs
        ]


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
