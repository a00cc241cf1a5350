"""Keep the index in step with the curated store, in every process that serves it.

Publishing, archiving or restoring bumps the store's revision. Each serving process
polls it (a one-row read, at most every POLL_S seconds, on the request path) and on a
change re-embeds and rewrites only the changed units' chunks. Expiry needs no event: the
next day an effective date starts or ends is a boundary that forces the same check.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from assistant.db.models import utcnow
from assistant.documents import curated_unit
from assistant.documents.base import KnowledgeFileError
from assistant.ingest.corpus import link

if TYPE_CHECKING:
    from collections.abc import Callable

    from assistant.index.store import Index
    from assistant.knowledge.store import CurationStore
    from assistant.providers.embeddings import BaseEmbeddings
    from assistant.schema import Unit

log = logging.getLogger(__name__)
# How often a serving process looks for published changes: well inside the 2 s within
# which a change made elsewhere must be answerable, and a one-row read costs ~0.2 ms.
POLL_S = 0.5


@dataclass
class SyncReport:
    revision: int
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # live items that do not validate


def live_units(
    store: CurationStore, plan_units: list[Unit], today: date | None = None
) -> tuple[list[Unit], list[str]]:
    """Units for every live item, linked to the plan; an item that no longer validates
    is skipped (and reported), never served half-formed."""
    units: list[Unit] = []
    skipped: list[str] = []
    for kind, data in store.live(today):
        try:
            units.append(curated_unit(kind, data))
        except KnowledgeFileError as exc:
            skipped.append(f"{data.get('slug')}: {exc}")
    known = {u.ref for u in plan_units} | {u.ref for u in units}
    usable = [u for u in units if all(r in known for r in u.source_refs)]
    skipped += [f"{u.ref}: unknown source_refs" for u in units if u not in usable]
    link([*plan_units, *usable])
    return usable, skipped


class KnowledgeSync:
    """Polls the store and swaps in an updated index through `swap`."""

    def __init__(
        self,
        store: CurationStore,
        get_index: Callable[[], Index],
        swap: Callable[[Index], None],
        embeddings: BaseEmbeddings,
    ) -> None:
        self.store = store
        self.get_index = get_index
        self.swap = swap
        self.embeddings = embeddings
        self._lock = threading.Lock()
        self._last_poll = 0.0
        self._boundary: date | None = None

    def maybe_sync(self) -> SyncReport | None:
        now = time.monotonic()
        if now - self._last_poll < POLL_S:
            return None
        self._last_poll = now
        index = self.get_index()
        due = self._boundary is not None and utcnow().date() >= self._boundary
        if not due and self.store.revision() == index.manifest.get("knowledge_revision"):
            return None
        return self.sync()

    def sync(self) -> SyncReport:
        from assistant.index.incremental import apply_changes

        with self._lock:
            index: Index = self.get_index()
            revision = self.store.revision()
            plan = [u for u in index.units.values() if u.kind == "plan"]
            desired, skipped = live_units(self.store, plan)
            current = {r: u for r, u in index.units.items() if u.kind != "plan"}
            changed = [
                u
                for u in desired
                if u.ref not in current or current[u.ref].model_dump_json() != u.model_dump_json()
            ]
            removed = set(current) - {u.ref for u in desired}
            report = SyncReport(revision, [u.ref for u in changed], sorted(removed), skipped)
            if changed or removed or index.manifest.get("knowledge_revision") != revision:
                new = apply_changes(index, changed, removed, self.embeddings, revision)
                self.swap(new)
            self._boundary = self.store.next_boundary()
            for item in skipped:
                log.warning("live item not served: %s", item)
            return report
