"""Thumbs up/down on answers, kept with question and answer (the shared database)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from assistant.db.models import Feedback


class FeedbackStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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
    ) -> int:
        row = Feedback(
            rating=rating,
            question=question,
            answer=answer,
            lang=lang,
            refs=json.dumps(refs or [], ensure_ascii=False),
            comment=comment,
            channel=channel,
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
                "created": row.created.isoformat(),
            }

    def count(self, rating: str | None = None) -> int:
        stmt = select(func.count(Feedback.id))
        if rating:
            stmt = stmt.where(Feedback.rating == rating)
        with Session(self.engine) as session:
            return int(session.scalar(stmt) or 0)

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
