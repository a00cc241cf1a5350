"""YAML files are the curated store's import and export format (and how the project ships
its guides and entries): guides/<slug>.yaml, entries/<slug>.yaml, documents/<slug>.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.documents import CURATED_KINDS
from assistant.documents.base import read_yaml
from assistant.knowledge.store import CurationStore, StoreError, check_shape

FOLDERS = {"guide": "guides", "faq": "entries", "document": "documents"}
# Keys first in this order when written, so exported files read like the shipped ones.
ORDER = [
    "slug",
    "title",
    "question",
    "answer",
    "source_url",
    "source_name",
    "source_official",
    "last_checked",
    "other_sources",
    "source_refs",
    "effective_from",
    "effective_until",
    "lang",
    "filename",
    "fields",
    "text",
    "aliases",
]


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def read_items(folder: Path) -> list[tuple[str, dict[str, Any], Path]]:
    """(kind, data, path) for every item file under a knowledge folder; dates as text."""
    items = []
    for kind, name in FOLDERS.items():
        for path in sorted((folder / name).glob("*.yaml")) if (folder / name).is_dir() else []:
            data = read_yaml(path)
            if isinstance(data, dict):
                items.append((kind, _plain(data), path))
    return items


def _plain(value: Any) -> Any:
    """YAML dates become ISO text, as the store keeps them."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def import_folder(store: CurationStore, folder: Path, actor: str, publish: bool) -> ImportReport:
    """Create or update every item; all are checked first, so a bad file imports nothing."""
    items = read_items(folder)
    batch = {f"{CURATED_KINDS[kind]}:{data.get('slug')}" for kind, data, _ in items}
    for kind, data, path in items:
        try:
            check_shape(kind, dict(data))
            store.validate(kind, data, batch)  # type: ignore[call-arg]
        except StoreError as exc:
            raise StoreError(f"{path}: {exc}") from exc
    report = ImportReport()
    for kind, data, _ in items:
        slug, what = store.import_item(kind, data, actor, publish)
        getattr(report, what).append(slug)
    return report


def export_folder(store: CurationStore, folder: Path, live_only: bool = True) -> list[Path]:
    """Write each item (its live version, or with live_only=False its latest) as YAML."""
    written = []
    views = store.entries(limit=100000)
    live = {data["slug"]: (kind, data) for kind, data in store.live()} if live_only else {}
    for view in views:
        if live_only and view.slug not in live:
            continue
        kind, data = live[view.slug] if live_only else (view.kind, view.data)
        path = folder / FOLDERS[kind] / f"{view.slug}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(data), encoding="utf-8")
        written.append(path)
    return written


def dump(data: dict[str, Any]) -> str:
    ordered = {k: data[k] for k in ORDER if k in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    return yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=100)
