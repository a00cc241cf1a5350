"""Thumbs up/down on answers, kept with question and answer (the shared database)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from assistant.db.models import Feedback, utcnow


class FeedbackStore:
    def __init__(self, engine: Engine, redact: Callable[[str], str] = lambda t: t) -> None:
        self.engine = engine
        self.redact = redact  # personal data never reaches the table

    def add(
        self,
        *,
        rating: str,
        question: str,
        answer: str,
        lang: str = "",
        refs: list[str] | None = None,
        comment: str = "",
        channel: str = "api",
        answer_id: str = "",
    ) -> int:
        row = Feedback(
            rating=rating,
            question=self.redact(question),
            answer=self.redact(answer),
            lang=lang,
            refs=json.dumps(refs or [], ensure_ascii=False),
            comment=self.redact(comment),
            channel=channel,
            answer_id=answer_id,
        )
        with Session(self.engine) as session:
            session.add(row)
            session.commit()
            return row.id

    def get(self, feedback_id: int) -> dict[str, Any] | None:
        with Session(self.engine) as session:
            row = session.get(Feedback, feedback_id)
            if row is None:
                return None
            return {
                "id": row.id,
                "rating": row.rating,
                "question": row.question,
                "answer": row.answer,
                "lang": row.lang,
                "refs": json.loads(row.refs),
                "comment": row.comment,
                "channel": row.channel,
                "answer_id": row.answer_id,
                "created": row.created.isoformat(),
            }

    def count(self, rating: str | None = None) -> int:
        stmt = select(func.count(Feedback.id))
        if rating:
            stmt = stmt.where(Feedback.rating == rating)
        with Session(self.engine) as session:
            return int(session.scalar(stmt) or 0)

    def purge(self, older_than_days: int) -> int:
        """Delete feedback older than the retention period; returns how many rows went."""
        cutoff = utcnow() - timedelta(days=older_than_days)
        with Session(self.engine) as session, session.begin():
            done = session.execute(delete(Feedback).where(Feedback.created < cutoff))
            return int(getattr(done, "rowcount", 0) or 0)

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
