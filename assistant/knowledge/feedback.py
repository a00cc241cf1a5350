"""Thumbs up/down on answers, kept with question and answer (SQLAlchemy: SQLite or PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, create_engine, func, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created: Mapped[datetime] = mapped_column(DateTime, default=lambda: datetime.now(UTC))
    rating: Mapped[str] = mapped_column(String(8))  # up | down
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8), default="")
    refs: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of cited refs
    comment: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(16), default="api")  # api | web


class FeedbackStore:
    def __init__(self, url: str) -> None:
        kwargs: dict[str, Any] = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False}
        self.engine = create_engine(url, **kwargs)
        Base.metadata.create_all(self.engine)

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
