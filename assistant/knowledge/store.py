"""The curated store: FAQ entries and guides, every version, the review workflow, audit.

draft → in_review → published → archived. Every save is a new version (never changed
afterwards); a save carries the version it was based on and is refused with a conflict
when someone saved in between, so nobody overwrites another's work. What is live is the
published version within its effective dates; editing a published entry makes a new
draft while the published version keeps answering until the next one is published.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from assistant.db.models import Audit, Entry, EntryVersion, Meta, utcnow
from assistant.documents.document import UploadedDoc
from assistant.documents.entry import EntryDoc
from assistant.documents.guide import GuideDoc

KINDS = ("faq", "guide", "document")
SLUG_PATTERN = r"[a-z0-9]+(-[a-z0-9]+)*"
STATUSES = ("draft", "in_review", "published", "archived")
REVISION = "knowledge_revision"
# Top-level keys a payload may hold, per kind (a draft may lack any of them but slug):
# the fields of the kind's file format.
PAYLOAD_KEYS: dict[str, set[str]] = {
    "faq": set(EntryDoc.model_fields),
    "guide": set(GuideDoc.model_fields),
    "document": set(UploadedDoc.model_fields),
}
Validator = Callable[..., None]  # (kind, data[, extra refs]); raises InvalidEntry


class StoreError(Exception):
    status = 400
    kind = "invalid_request_error"


class NotFound(StoreError):
    status = 404
    kind = "not_found"


class Conflict(StoreError):
    status = 409
    kind = "conflict"

    def __init__(self, message: str, current: int | None = None) -> None:
        super().__init__(message)
        self.current = current


class InvalidEntry(StoreError):
    status = 422


class _Stale(Exception):
    """Internal: the compare-and-set of a save found a newer version."""


class BadTransition(StoreError):
    status = 409
    kind = "conflict"


@dataclass
class EntryView:
    slug: str
    kind: str
    status: str
    version: int
    published_version: int | None
    author: str
    reviewer: str
    created: str
    updated: str
    data: dict[str, Any] = field(default_factory=dict)
    review_comment: str = ""  # why a reviewer last sent it back, for its editors

    def to_public(self) -> dict[str, Any]:
        return {**self.__dict__}


def _parse_day(value: Any, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidEntry(f"{name}: not a date (YYYY-MM-DD)") from exc


def check_shape(kind: str, data: Any) -> dict[str, Any]:
    """What every save must have: a known kind, a mapping of known keys, a slug."""
    if kind not in KINDS:
        raise InvalidEntry(f"kind: must be one of {', '.join(KINDS)}")
    if not isinstance(data, dict):
        raise InvalidEntry("the entry must be a JSON object")
    unknown = sorted(set(data) - PAYLOAD_KEYS[kind])
    if unknown:
        raise InvalidEntry(f"{unknown[0]}: unknown field for a {kind}")
    slug = data.get("slug")
    if not isinstance(slug, str) or not slug:
        raise InvalidEntry("slug: required")
    if not re.fullmatch(SLUG_PATTERN, slug) or len(slug) > 120:
        raise InvalidEntry("slug: lowercase letters, digits and single hyphens (durian-export)")
    for name in ("effective_from", "effective_until"):
        day = _parse_day(data.get(name), name)
        if day is not None:
            data[name] = day.isoformat()
    return data


class CurationStore:
    def __init__(self, engine: Engine, validate: Validator | None = None) -> None:
        self.engine = engine
        self.validate = validate or (lambda kind, data: None)

    # -- reading ---------------------------------------------------------------------

    def revision(self) -> int:
        with Session(self.engine) as s:
            row = s.get(Meta, REVISION)
            return row.value if row else 0

    def count(self) -> int:
        with Session(self.engine) as s:
            return int(s.scalar(select(func.count(Entry.id))) or 0)

    def get(self, slug: str) -> EntryView:
        with Session(self.engine) as s:
            entry = self._entry(s, slug)
            return self._view(s, entry)

    def entries(
        self,
        status: str | None = None,
        kind: str | None = None,
        q: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[EntryView]:
        with Session(self.engine) as s:
            stmt = select(Entry).order_by(Entry.updated.desc(), Entry.id.desc())
            if status:
                stmt = stmt.where(Entry.status == status)
            if kind:
                stmt = stmt.where(Entry.kind == kind)
            if q:
                stmt = stmt.join(
                    EntryVersion,
                    (EntryVersion.entry_id == Entry.id) & (EntryVersion.version == Entry.version),
                ).where(or_(Entry.slug.contains(q), EntryVersion.data.contains(q)))
            entries = s.scalars(stmt.limit(limit).offset(offset)).all()
            return [self._view(s, e) for e in entries]

    def versions(self, slug: str) -> list[dict[str, Any]]:
        with Session(self.engine) as s:
            entry = self._entry(s, slug)
            rows = s.scalars(
                select(EntryVersion)
                .where(EntryVersion.entry_id == entry.id)
                .order_by(EntryVersion.version)
            ).all()
            return [
                {
                    "version": r.version,
                    "status": r.status,
                    "author": r.author,
                    "comment": r.comment,
                    "created": r.created.isoformat(),
                    "live": r.version == entry.published_version,
                    "data": json.loads(r.data),
                }
                for r in rows
            ]

    def live(self, today: date | None = None) -> list[tuple[str, dict[str, Any]]]:
        """(kind, payload) of every published version in force today."""
        today = today or utcnow().date()
        out = []
        with Session(self.engine) as s:
            rows = s.execute(
                select(Entry.kind, EntryVersion)
                .join(EntryVersion, EntryVersion.entry_id == Entry.id)
                .where(Entry.published_version == EntryVersion.version)
                .order_by(Entry.slug)
            ).all()
            for kind, v in rows:
                if v.effective_from and v.effective_from > today:
                    continue
                if v.effective_until and v.effective_until < today:
                    continue
                out.append((kind, json.loads(v.data)))
        return out

    def next_boundary(self, today: date | None = None) -> date | None:
        """The next day on which what is live changes by the calendar alone."""
        today = today or utcnow().date()
        days: list[date] = []
        with Session(self.engine) as s:
            rows = s.scalars(
                select(EntryVersion)
                .join(Entry, EntryVersion.entry_id == Entry.id)
                .where(Entry.published_version == EntryVersion.version)
            ).all()
            for v in rows:
                if v.effective_from and v.effective_from > today:
                    days.append(v.effective_from)
                if v.effective_until and v.effective_until >= today:
                    days.append(v.effective_until)
        return min(days) if days else None

    def audit_log(
        self, limit: int = 200, offset: int = 0, slug: str | None = None
    ) -> list[dict[str, Any]]:
        with Session(self.engine) as s:
            stmt = select(Audit).order_by(Audit.id.desc())
            if slug:
                stmt = stmt.where(Audit.slug == slug)
            return [
                {
                    "id": a.id,
                    "time": a.time.isoformat(),
                    "actor": a.actor,
                    "action": a.action,
                    "slug": a.slug,
                    "version": a.version,
                    "detail": json.loads(a.detail or "{}"),
                }
                for a in s.scalars(stmt.limit(limit).offset(offset)).all()
            ]

    # -- writing ---------------------------------------------------------------------

    def create(self, kind: str, data: dict[str, Any], actor: str) -> EntryView:
        data = check_shape(kind, data)
        with Session(self.engine) as s, s.begin():
            if s.scalar(select(Entry.id).where(Entry.slug == data["slug"])) is not None:
                raise Conflict(f"an entry with the slug {data['slug']!r} exists already")
            entry = Entry(slug=data["slug"], kind=kind, status="draft", version=1, author=actor)
            s.add(entry)
            s.flush()
            self._save_version(s, entry, data, actor)
            self._audit(s, actor, "create", entry, {"kind": kind})
        return self.get(data["slug"])

    def update(self, slug: str, data: dict[str, Any], version: int, actor: str) -> EntryView:
        """A new draft version based on `version`; a stale base is a conflict."""
        try:
            with Session(self.engine) as s, s.begin():
                entry = self._entry(s, slug)
                data = check_shape(entry.kind, {**data, "slug": slug})
                if entry.status == "archived":
                    raise BadTransition(
                        "an archived entry cannot be edited; restore a version first"
                    )
                # Compare-and-set on the version: of two concurrent saves only one wins.
                done = s.execute(
                    update(Entry)
                    .where(Entry.id == entry.id, Entry.version == version)
                    .values(version=version + 1, status="draft", updated=utcnow())
                    .execution_options(synchronize_session=False)
                )
                if getattr(done, "rowcount", 0) != 1:
                    raise _Stale
                s.refresh(entry)
                self._save_version(s, entry, data, actor)
                self._audit(s, actor, "update", entry, {"based_on": version})
        except _Stale:
            self._record_conflict(slug, data, version, actor)
            current = self.get(slug).version
            raise Conflict(
                f"{slug} was saved by someone else (now version {current}; you edited "
                f"version {version}). Your text was not saved over theirs: reload, "
                "compare and save again.",
                current,
            ) from None
        return self.get(slug)

    def submit(self, slug: str, actor: str) -> EntryView:
        return self._transition(slug, actor, "submit", {"draft"}, "in_review", validate=True)

    def reject(self, slug: str, actor: str, comment: str) -> EntryView:
        if not comment.strip():
            raise InvalidEntry("comment: say what needs to change")
        return self._transition(
            slug, actor, "reject", {"in_review"}, "draft", detail={"comment": comment}
        )

    def publish(self, slug: str, actor: str) -> EntryView:
        return self._transition(
            slug, actor, "publish", {"in_review"}, "published", validate=True, go_live=True
        )

    def archive(self, slug: str, actor: str) -> EntryView:
        return self._transition(
            slug, actor, "archive", {"draft", "in_review", "published"}, "archived", go_live=True
        )

    def restore(self, slug: str, version: int, actor: str) -> EntryView:
        """Make an old version live again, as a new version (nothing is rewritten)."""
        with Session(self.engine) as s, s.begin():
            entry = self._entry(s, slug)
            old = s.scalar(
                select(EntryVersion).where(
                    EntryVersion.entry_id == entry.id, EntryVersion.version == version
                )
            )
            if old is None:
                raise NotFound(f"{slug} has no version {version}")
            data = json.loads(old.data)
            self.validate(entry.kind, data)
            entry.version += 1
            entry.status = "published"
            entry.published_version = entry.version
            entry.reviewer = actor
            entry.updated = utcnow()
            self._save_version(s, entry, data, actor, comment=f"restored from version {version}")
            self._bump(s)
            self._audit(s, actor, "restore", entry, {"from_version": version})
        return self.get(slug)

    def import_item(
        self, kind: str, data: dict[str, Any], actor: str, publish: bool
    ) -> tuple[str, str]:
        """Create or, when the content differs, update one item; returns (slug, what)."""
        data = check_shape(kind, dict(data))
        self.validate(kind, data)
        slug = data["slug"]
        try:
            current = self.get(slug)
        except NotFound:
            current = None
        if current is not None and current.data == data and current.kind == kind:
            return slug, "unchanged"
        with Session(self.engine) as s, s.begin():
            if current is None:
                entry = Entry(slug=slug, kind=kind, status="draft", version=1, author=actor)
                s.add(entry)
                s.flush()
            else:
                entry = self._entry(s, slug)
                entry.version += 1
            entry.status = "published" if publish else "draft"
            if publish:
                entry.published_version = entry.version
                entry.reviewer = actor
            entry.updated = utcnow()
            self._save_version(s, entry, data, actor, comment="imported")
            if publish:
                self._bump(s)
            self._audit(s, actor, "import", entry, {"published": publish})
        return slug, "created" if current is None else "updated"

    # -- internals -------------------------------------------------------------------

    def _transition(
        self,
        slug: str,
        actor: str,
        action: str,
        allowed: set[str],
        to: str,
        validate: bool = False,
        go_live: bool = False,
        detail: dict[str, Any] | None = None,
    ) -> EntryView:
        with Session(self.engine) as s, s.begin():
            entry = self._entry(s, slug)
            if entry.status not in allowed:
                raise BadTransition(
                    f"{slug} is {entry.status}; {action} needs it to be "
                    + " or ".join(sorted(allowed))
                )
            if validate:
                self.validate(entry.kind, self._latest_data(s, entry))
            was_live = entry.published_version is not None
            entry.status = to
            entry.updated = utcnow()
            if action == "publish":
                entry.published_version = entry.version
                entry.reviewer = actor
            if action == "archive":
                entry.published_version = None
            if go_live and (action == "publish" or was_live):
                self._bump(s)
            self._audit(s, actor, action, entry, detail or {})
        return self.get(slug)

    def _entry(self, s: Session, slug: str) -> Entry:
        entry = s.scalar(select(Entry).where(Entry.slug == slug))
        if entry is None:
            raise NotFound(f"no entry {slug!r}")
        return entry

    def _latest_data(self, s: Session, entry: Entry) -> dict[str, Any]:
        row = s.scalar(
            select(EntryVersion.data).where(
                EntryVersion.entry_id == entry.id, EntryVersion.version == entry.version
            )
        )
        return json.loads(row) if row else {}

    def _view(self, s: Session, entry: Entry) -> EntryView:
        return EntryView(
            slug=entry.slug,
            kind=entry.kind,
            status=entry.status,
            version=entry.version,
            published_version=entry.published_version,
            author=entry.author,
            reviewer=entry.reviewer,
            created=entry.created.isoformat(),
            updated=entry.updated.isoformat(),
            data=self._latest_data(s, entry),
            review_comment=self._review_comment(s, entry),
        )

    def _review_comment(self, s: Session, entry: Entry) -> str:
        if entry.status != "draft":
            return ""
        last = s.scalar(
            select(Audit)
            .where(Audit.slug == entry.slug, Audit.action.in_(("reject", "update")))
            .order_by(Audit.id.desc())
            .limit(1)
        )
        if last is None or last.action != "reject":
            return ""
        return str(json.loads(last.detail or "{}").get("comment", ""))

    def _save_version(
        self, s: Session, entry: Entry, data: dict[str, Any], actor: str, comment: str = ""
    ) -> None:
        s.add(
            EntryVersion(
                entry_id=entry.id,
                version=entry.version,
                data=json.dumps(data, ensure_ascii=False, sort_keys=True),
                status=entry.status,
                effective_from=_parse_day(data.get("effective_from"), "effective_from"),
                effective_until=_parse_day(data.get("effective_until"), "effective_until"),
                author=actor,
                comment=comment,
            )
        )

    def _bump(self, s: Session) -> None:
        row = s.get(Meta, REVISION, with_for_update=True)
        if row is None:
            s.add(Meta(key=REVISION, value=1))
        else:
            row.value += 1

    def _audit(
        self, s: Session, actor: str, action: str, entry: Entry, detail: dict[str, Any]
    ) -> None:
        s.add(
            Audit(
                actor=actor,
                action=action,
                slug=entry.slug,
                version=entry.version,
                detail=json.dumps(detail, ensure_ascii=False, default=str),
            )
        )

    def _record_conflict(self, slug: str, data: dict[str, Any], version: int, actor: str) -> None:
        """Keep a refused save in the audit log, so even a lost race loses no text."""
        with Session(self.engine) as s, s.begin():
            s.add(
                Audit(
                    actor=actor,
                    action="conflict",
                    slug=slug,
                    version=version,
                    detail=json.dumps({"refused_save": data}, ensure_ascii=False, default=str),
                )
            )
