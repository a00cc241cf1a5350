"""Is a curated item fit to go live? The same checks ingest makes on a YAML file."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from assistant.db.models import Entry
from assistant.documents import CURATED_KINDS, curated_unit
from assistant.documents.base import KnowledgeFileError
from assistant.documents.plan import PlanKind
from assistant.knowledge.store import InvalidEntry


class Validator:
    """Validates a payload fully, and that every source_ref is a plan ref or an item in
    the store (or in the batch being imported)."""

    def __init__(self, kb_dir: Path, engine: Engine) -> None:
        self.kb_dir = kb_dir
        self.engine = engine

    @cached_property
    def plan_refs(self) -> set[str]:
        return {u.ref for u in PlanKind().load(self.kb_dir)[0]}

    def store_refs(self) -> set[str]:
        with Session(self.engine) as s:
            rows = s.execute(select(Entry.kind, Entry.slug).where(Entry.status != "archived"))
            return {f"{CURATED_KINDS.get(k, k)}:{slug}" for k, slug in rows}

    def __call__(self, kind: str, data: dict[str, Any], extra_refs: Iterable[str] = ()) -> None:
        try:
            unit = curated_unit(kind, data, f"{kind}:{data.get('slug', '?')}")
        except KnowledgeFileError as exc:
            raise InvalidEntry(f"{exc.where}: {str(exc).split(': ')[-1]}") from exc
        except ValueError as exc:
            raise InvalidEntry(str(exc)) from exc
        known = self.plan_refs | self.store_refs() | set(extra_refs)
        unknown = [r for r in unit.source_refs if r not in known]
        if unknown:
            raise InvalidEntry(f"source_refs: unknown refs {unknown}")
        if unit.ref in unit.source_refs:
            raise InvalidEntry("source_refs: an item cannot rest on itself")
