"""On an empty store, the shipped guides and entries become its first, published versions."""

from __future__ import annotations

from pathlib import Path

from assistant.knowledge.store import CurationStore
from assistant.knowledge.yaml_io import ImportReport, import_folder

SYSTEM = "system"


def seed_if_empty(store: CurationStore, kb_dir: Path) -> ImportReport | None:
    if store.count():
        return None
    return import_folder(store, kb_dir, actor=SYSTEM, publish=True)
