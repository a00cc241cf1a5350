"""Read curated entries from knowledge_base/entries/*.yaml: slug and the plan refs they rest on."""

from __future__ import annotations

from pathlib import Path

import yaml


def load_entry_refs(entries_dir: Path) -> dict[str, list[str]]:
    """entry:<slug> → its source_refs, for every entry file."""
    out: dict[str, list[str]] = {}
    if not entries_dir.is_dir():
        return out
    for path in sorted(entries_dir.glob("*.y*ml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        items = data if isinstance(data, list) else [data]
        for item in items:
            if isinstance(item, dict) and item.get("slug"):
                out[f"entry:{item['slug']}"] = list(item.get("source_refs") or [])
    return out
