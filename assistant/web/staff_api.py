"""The staff API (JSON): login, entries and guides through review, versions, audit, the
unanswered queue and uploads. Anonymous callers get 401, a role without the right 403."""

from __future__ import annotations

import difflib
import json
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.knowledge.accounts import Staff
from assistant.knowledge.store import EntryView, StoreError
from assistant.web.errors import ClientError, error_body

if TYPE_CHECKING:
    from assistant.services import Services

COOKIE = "ow_staff"
MAX_ENTRY_JSON = 200_000  # characters of one entry's JSON; a guide is a few thousand


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Comment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: str = Field(min_length=1, max_length=4000)


class Restore(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1)


class Preview(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["faq", "guide", "document"]
    data: dict[str, Any]
    question: str = Field(default="", max_length=2000)


def _payload(body: dict[str, Any]) -> tuple[str, dict[str, Any], int | None]:
    """Split a request body into kind, payload and the version it was based on."""
    if len(json.dumps(body, ensure_ascii=False, default=str)) > MAX_ENTRY_JSON:
        raise ClientError(413, f"the entry is over {MAX_ENTRY_JSON} characters of JSON")
    data = dict(body)
    kind = data.pop("kind", None)
    version = data.pop("version", None)
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise ClientError(422, "version: must be an integer")
    if not isinstance(kind, str):
        raise ClientError(422, "kind: required (faq or guide)")
    return kind, data, version


def summary(view: EntryView) -> dict[str, Any]:
    data = view.data
    title = data.get("title") or data.get("question") or {}
    return {
        "slug": view.slug,
        "kind": view.kind,
        "status": view.status,
        "version": view.version,
        "published_version": view.published_version,
        "title": title if isinstance(title, dict) else {},
        "author": view.author,
        "reviewer": view.reviewer,
        "updated": view.updated,
    }


def make_staff_router(services: Services) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["staff"])

    def current_staff(request: Request) -> Staff:
        auth = request.headers.get("authorization", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        staff = services.accounts.staff_for(token or request.cookies.get(COOKIE))
        if staff is None:
            raise ClientError(401, "log in first (POST /api/v1/auth/login)", "unauthorized")
        return staff

    def role(name: str) -> Any:
        # A default, not Annotated: with postponed annotations a closure's name would not
        # resolve, and FastAPI would take the parameter for a query string.
        def check(staff: Staff = Depends(current_staff)) -> Staff:  # noqa: B008
            if not staff.can(name):
                raise ClientError(403, f"this needs the {name} role", "forbidden")
            return staff

        return Depends(check)

    editor, reviewer, admin = role("editor"), role("reviewer"), role("admin")

    def changed(view: EntryView) -> dict[str, Any]:
        services.sync_knowledge(force=True)  # answerable at once in this process
        return {**summary(view), "data": view.data}

    @router.post("/auth/login")
    def login(body: Login, request: Request, response: Response) -> dict[str, Any]:
        token = services.accounts.login(body.username, body.password)
        if token is None:
            raise ClientError(401, "wrong username or password", "unauthorized")
        staff = services.accounts.staff_for(token)
        assert staff is not None
        max_age = int(services.accounts.session_ttl.total_seconds())
        response.set_cookie(
            COOKIE,
            token,
            max_age=max_age,
            httponly=True,
            samesite="strict",
            path="/",
            secure=request.url.scheme == "https",
        )
        return {
            "token": token,
            "username": staff.username,
            "role": staff.role,
            "expires_in": max_age,
        }

    @router.post("/auth/logout")
    def logout(request: Request, response: Response) -> dict[str, bool]:
        token = request.cookies.get(COOKIE) or request.headers.get("authorization", "")[7:]
        if token:
            services.accounts.logout(token.strip())
        response.delete_cookie(COOKIE, path="/")
        return {"ok": True}

    @router.get("/auth/me")
    def me(staff: Staff = Depends(current_staff)) -> dict[str, str]:  # noqa: B008
        return {"username": staff.username, "role": staff.role}

    @router.post("/entries", status_code=201)
    def create(body: dict[str, Any], staff: Staff = editor) -> dict[str, Any]:
        kind, data, _ = _payload(body)
        view = services.curation.create(kind, data, staff.username)
        return {"slug": view.slug, "status": view.status, "version": view.version}

    @router.get("/entries")
    def entries(
        _: Staff = editor,
        status: Annotated[str | None, Query(max_length=16)] = None,
        kind: Annotated[str | None, Query(max_length=16)] = None,
        q: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        views = services.curation.entries(status or None, kind or None, q or None, limit, offset)
        return {"entries": [summary(v) for v in views]}

    @router.get("/entries/{slug}")
    def get(slug: str, _: Staff = editor) -> dict[str, Any]:
        view = services.curation.get(slug)
        return {**summary(view), "data": view.data, "review_comment": view.review_comment}

    @router.put("/entries/{slug}")
    def put(slug: str, body: dict[str, Any], staff: Staff = editor) -> dict[str, Any]:
        kind, data, version = _payload(body)
        if version is None:
            raise ClientError(422, "version: required (the version you edited)")
        current = services.curation.get(slug)
        if kind != current.kind:
            raise ClientError(422, f"kind: {slug} is a {current.kind}")
        view = services.curation.update(slug, data, version, staff.username)
        return {**summary(view), "data": view.data}

    @router.post("/entries/{slug}/submit")
    def submit(slug: str, staff: Staff = editor) -> dict[str, Any]:
        return summary(services.curation.submit(slug, staff.username))

    @router.post("/entries/{slug}/publish")
    def publish(slug: str, staff: Staff = reviewer) -> dict[str, Any]:
        return changed(services.curation.publish(slug, staff.username))

    @router.post("/entries/{slug}/reject")
    def reject(slug: str, body: Comment, staff: Staff = reviewer) -> dict[str, Any]:
        return summary(services.curation.reject(slug, staff.username, body.comment))

    @router.post("/entries/{slug}/archive")
    def archive(slug: str, staff: Staff = reviewer) -> dict[str, Any]:
        return changed(services.curation.archive(slug, staff.username))

    @router.get("/entries/{slug}/versions")
    def versions(slug: str, _: Staff = editor) -> dict[str, Any]:
        return {"slug": slug, "versions": services.curation.versions(slug)}

    @router.get("/entries/{slug}/diff")
    def diff(
        slug: str,
        _: Staff = editor,
        a: Annotated[int, Query(ge=1, alias="from")] = 1,
        b: Annotated[int, Query(ge=1, alias="to")] = 1,
    ) -> dict[str, Any]:
        by_version = {v["version"]: v["data"] for v in services.curation.versions(slug)}
        if a not in by_version or b not in by_version:
            missing = a if a not in by_version else b
            raise ClientError(404, f"{slug} has no version {missing}", "not_found")

        def lines(data: dict[str, Any]) -> list[str]:
            return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).splitlines()

        diff_lines = difflib.unified_diff(
            lines(by_version[a]), lines(by_version[b]), f"version {a}", f"version {b}", lineterm=""
        )
        return {"slug": slug, "from": a, "to": b, "diff": "\n".join(diff_lines)}

    @router.post("/entries/{slug}/restore")
    def restore(slug: str, body: Restore, staff: Staff = reviewer) -> dict[str, Any]:
        return changed(services.curation.restore(slug, body.version, staff.username))

    @router.post("/entries/preview")
    def preview(body: Preview, _: Staff = editor) -> dict[str, Any]:
        from assistant.web.preview import render_preview

        return render_preview(services, body.kind, body.data, body.question)

    @router.get("/staff/health")
    def staff_health(_: Staff = editor) -> JSONResponse:
        """The same checks as /api/v1/health, with what failed and why."""
        from assistant.web.health import health_checks

        ok, checks = health_checks(services)
        body = {"status": "ok" if ok else "unavailable", "checks": checks}
        return JSONResponse(body, status_code=200 if ok else 503)

    @router.get("/audit")
    def audit(
        _: Staff = admin,
        slug: Annotated[str | None, Query(max_length=120)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        return {"audit": services.curation.audit_log(limit, offset, slug)}

    @router.get("/queue")
    def queue(_: Staff = editor) -> dict[str, Any]:
        return {"groups": [services.queue.to_public(g) for g in services.queue.groups()]}

    @router.post("/queue/{item_id}/draft", status_code=201)
    def queue_draft(item_id: int, staff: Staff = editor) -> dict[str, Any]:
        group = services.queue.group_of(item_id)
        if group is None:
            raise ClientError(404, f"no open queue item {item_id}", "not_found")
        lang = group.lang if group.lang in ("zh", "en") else "zh"
        slug = f"faq-from-queue-{group.id}"
        question = {"zh": "", "en": ""}
        question[lang] = group.question
        view = services.curation.create(
            "faq", {"slug": slug, "question": question, "source_refs": []}, staff.username
        )
        services.queue.mark_handled(group.item_ids, slug)
        return {"slug": view.slug, "status": view.status, "version": view.version}

    @router.post("/uploads", status_code=201)
    async def upload(
        file: Annotated[UploadFile, File()],
        slug: Annotated[str, Form(max_length=120)],
        title_zh: Annotated[str, Form(max_length=300)],
        title_en: Annotated[str, Form(max_length=300)],
        lang: Annotated[Literal["zh", "en"], Form()] = "zh",
        staff: Staff = editor,
    ) -> dict[str, Any]:
        from assistant.knowledge.uploads import MAX_UPLOAD_BYTES, UploadError, read_upload

        content = await file.read(MAX_UPLOAD_BYTES + 1)
        try:
            text = read_upload(file.filename or "", content)
        except UploadError as exc:
            raise ClientError(exc.status, str(exc)) from exc
        data = {
            "slug": slug,
            "title": {"zh": title_zh, "en": title_en},
            "text": text,
            "lang": lang,
            "filename": file.filename or "",
            "source_refs": [],
        }
        view = services.curation.create("document", data, staff.username)
        return {
            "slug": view.slug,
            "status": view.status,
            "version": view.version,
            "chars": len(text),
        }

    return router


def install_store_errors(app: Any) -> None:
    @app.exception_handler(StoreError)
    def _store(_: Request, exc: StoreError) -> JSONResponse:
        body = error_body(str(exc), exc.kind)
        current = getattr(exc, "current", None)
        if current is not None:
            body["current_version"] = current
        return JSONResponse(body, status_code=exc.status)
