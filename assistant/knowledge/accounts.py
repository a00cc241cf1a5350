"""Staff accounts: argon2 password hashes, roles, and expiring session tokens.

A token is shown once (login) and stored only as its SHA-256, so a copy of the database
does not log anyone in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from assistant.db.models import StaffSession, User, utcnow

ROLES = ("editor", "reviewer", "admin")  # each role has every right of the ones before it
MIN_PASSWORD = 10
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


class AccountError(ValueError):
    pass


@dataclass(frozen=True)
class Staff:
    username: str
    role: str

    def can(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(self, engine: Engine, session_hours: float = 8.0) -> None:
        self.engine = engine
        self.session_ttl = timedelta(hours=session_hours)
        self._hasher = PasswordHasher()

    def add(self, username: str, password: str, role: str) -> None:
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        name = username.strip().lower()
        if not name or len(name) > 64 or not set(name) <= USERNAME_CHARS:
            raise AccountError("a username is 1-64 of a-z, 0-9, dot, underscore or hyphen")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
        with Session(self.engine) as s, s.begin():
            if s.scalar(select(User.id).where(User.username == name)) is not None:
                raise AccountError(f"user {name!r} exists already")
            s.add(User(username=name, password_hash=self._hasher.hash(password), role=role))

    def login(self, username: str, password: str) -> str | None:
        """A new session token, or None (the same answer for unknown users and bad passwords)."""
        name = username.strip().lower()
        with Session(self.engine) as s, s.begin():
            user = s.scalar(select(User).where(User.username == name, User.disabled.is_(False)))
            if user is None:
                self._hasher.hash(password)  # the same work, so timing does not tell
                return None
            try:
                self._hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                return None
            if self._hasher.check_needs_rehash(user.password_hash):
                user.password_hash = self._hasher.hash(password)
            token = secrets.token_urlsafe(32)
            now = utcnow()
            s.execute(delete(StaffSession).where(StaffSession.expires < now))
            s.add(
                StaffSession(
                    token_hash=_digest(token), user_id=user.id, expires=now + self.session_ttl
                )
            )
            return token

    def staff_for(self, token: str | None) -> Staff | None:
        if not token:
            return None
        with Session(self.engine) as s:
            row = s.execute(
                select(User.username, User.role, StaffSession.expires)
                .join(StaffSession, StaffSession.user_id == User.id)
                .where(StaffSession.token_hash == _digest(token), User.disabled.is_(False))
            ).first()
            if row is None or row.expires < utcnow():
                return None
            return Staff(row.username, row.role)

    def logout(self, token: str) -> None:
        with Session(self.engine) as s, s.begin():
            s.execute(delete(StaffSession).where(StaffSession.token_hash == _digest(token)))
