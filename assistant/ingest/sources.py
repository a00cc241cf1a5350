"""Load the source documents listed in knowledge_base/sources/sources.yaml into units."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.ingest.parser import parse_document
from assistant.schema import Unit


@dataclass(frozen=True)
class SourceDoc:
    id: str
    path: Path
    title: str
    title_en: str
    preamble_slug: str
    preamble_title: str


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def list_sources(kb_dir: Path) -> list[SourceDoc]:
    manifest = kb_dir / "sources" / "sources.yaml"
    data = _read_yaml(manifest)
    docs = []
    for d in data.get("documents", []):
        pre = d.get("preamble") or {}
        docs.append(
            SourceDoc(
                id=d["id"],
                path=kb_dir / "sources" / d["file"],
                title=d.get("title", d["id"]),
                title_en=d.get("title_en", ""),
                preamble_slug=pre.get("slug", "preamble"),
                preamble_title=pre.get("title", "前言"),
            )
        )
    if not docs:
        raise FileNotFoundError(f"no documents listed in {manifest}")
    return docs


def load_titles_en(kb_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """English titles of units (by ref) and of action groups (by Chinese numeral)."""
    data = _read_yaml(kb_dir / "titles_en.yaml")
    units = {ref: v["en"] for ref, v in (data.get("units") or {}).items()}
    groups = {str(k): v["en"] for k, v in (data.get("groups") or {}).items()}
    return units, groups


def load_units(kb_dir: Path) -> list[Unit]:
    """Parse every listed source and attach English titles where the glossary has them."""
    titles, groups = load_titles_en(kb_dir)
    units: list[Unit] = []
    for doc in list_sources(kb_dir):
        text = doc.path.read_text(encoding="utf-8")
        for u in parse_document(text, doc.id, doc.preamble_title, doc.preamble_slug):
            numeral = u.group[1 : u.group.find(")")] if u.group.startswith("(") else ""
            units.append(
                u.model_copy(
                    update={
                        "title_en": titles.get(u.ref, ""),
                        "group_en": groups.get(numeral, ""),
                    }
                )
            )
    return units


def fingerprint(kb_dir: Path, *extra: str) -> str:
    """Hash of everything an index is built from, so an unchanged corpus is not rebuilt."""
    h = hashlib.sha256()
    for doc in list_sources(kb_dir):
        h.update(doc.path.read_bytes())
    for name in ("sources/sources.yaml", "titles_en.yaml"):
        p = kb_dir / name
        if p.exists():
            h.update(p.read_bytes())
    for e in extra:
        h.update(e.encode())
    return h.hexdigest()
