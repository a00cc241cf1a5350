"""What the assistant could not answer: refused questions and answers rated down, grouped
by meaning so staff see each need once, with how often it came up."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from assistant.db.models import QueueItem, utcnow

# Two questions are the same need when their e5 query vectors are at least this close
# (e5 cosines of paraphrases run 0.9+; different topics in this domain sit around 0.8).
SAME_NEED = 0.9
MAX_ITEMS = 2000  # the newest unhandled items grouped per listing


@dataclass
class Group:
    id: int  # the newest item's id; POST /api/v1/queue/{id}/draft turns the group into a draft
    question: str
    lang: str
    count: int
    reasons: dict[str, int] = field(default_factory=dict)
    last_seen: str = ""
    item_ids: list[int] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)


class Queue:
    def __init__(
        self,
        engine: Engine,
        embed: Callable[[str], np.ndarray],
        redact: Callable[[str], str] = lambda t: t,
    ) -> None:
        self.engine = engine
        self.embed = embed
        self.redact = redact  # personal data never reaches the table
        self._vectors: dict[str, np.ndarray] = {}

    def record(self, question: str, lang: str, reason: str, refs: list[str] | None = None) -> int:
        with Session(self.engine) as s, s.begin():
            item = QueueItem(
                question=self.redact(question),
                lang=lang,
                reason=reason,
                refs=json.dumps(refs or [], ensure_ascii=False),
            )
            s.add(item)
            s.flush()
            return item.id

    def purge(self, older_than_days: int) -> int:
        cutoff = utcnow() - timedelta(days=older_than_days)
        with Session(self.engine) as s, s.begin():
            done = s.execute(delete(QueueItem).where(QueueItem.created < cutoff))
            return int(getattr(done, "rowcount", 0) or 0)

    def groups(self) -> list[Group]:
        with Session(self.engine) as s:
            items = s.scalars(
                select(QueueItem)
                .where(QueueItem.handled_by == "")
                .order_by(QueueItem.id.desc())
                .limit(MAX_ITEMS)
            ).all()
            rows = [(i.id, i.question, i.lang, i.reason, i.created.isoformat()) for i in items]
        groups: list[Group] = []
        centroids: list[np.ndarray] = []
        for item_id, question, lang, reason, created in rows:
            vec = self._vector(question)
            best = int(np.argmax([c @ vec for c in centroids])) if centroids else -1
            if best >= 0 and float(centroids[best] @ vec) >= SAME_NEED:
                g = groups[best]
                g.count += 1
                g.item_ids.append(item_id)
                if question not in g.examples and len(g.examples) < 5:
                    g.examples.append(question)
                n = g.count
                centroids[best] = (centroids[best] * (n - 1) + vec) / n
                centroids[best] /= np.linalg.norm(centroids[best]) or 1.0
            else:
                g = Group(item_id, question, lang, 1, {}, created, [item_id], [question])
                groups.append(g)
                centroids.append(vec)
            g.reasons[reason] = g.reasons.get(reason, 0) + 1
        return sorted(groups, key=lambda g: (-g.count, -g.id))

    def group_of(self, item_id: int) -> Group | None:
        return next((g for g in self.groups() if item_id in g.item_ids), None)

    def mark_handled(self, item_ids: list[int], slug: str) -> None:
        with Session(self.engine) as s, s.begin():
            s.execute(update(QueueItem).where(QueueItem.id.in_(item_ids)).values(handled_by=slug))

    def _vector(self, question: str) -> np.ndarray:
        if question not in self._vectors:
            self._vectors[question] = np.asarray(self.embed(question), dtype=np.float32)
        return self._vectors[question]

    def to_public(self, g: Group) -> dict[str, Any]:
        return {**g.__dict__}
