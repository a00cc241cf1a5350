"""Bounded work per request, limits that answer 413/429/503 with Retry-After, the error
envelope, security headers, personal data kept out of storage, and an access log that
carries no question text."""

from __future__ import annotations

import json
import logging
import stat

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.services import build_services
from assistant.web.app import create_app

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def services(curation_data, tmp_path_factory):
    db = tmp_path_factory.mktemp("hardening") / "store.db"
    return build_services(
        Settings(data_dir=curation_data, database_url=f"sqlite:///{db}", rate_limit_per_minute=0)
    )


@pytest.fixture(scope="module")
def client(services):
    return TestClient(create_app(services, with_ui=False))


def chat(client, messages, **kw):
    return client.post("/api/v1/chat", json={"messages": messages, **kw})


class Spy:
    """Wraps the real embeddings and records the length of every text it is given."""

    def __init__(self, inner):
        self.inner = inner
        self.lengths: list[int] = []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def embed_query_array(self, text):
        self.lengths.append(len(text))
        return self.inner.embed_query_array(text)


def test_the_work_of_a_request_is_bounded_by_its_whole_body(services, client):
    long_turn = "海口营商环境" * 330  # 1,980 characters: a valid question each
    ok = [{"role": "user", "content": long_turn}] * 9 + [
        {"role": "user", "content": "那外地企业呢?"}
    ]
    spy = Spy(services.embeddings)
    services.searcher.embeddings = spy
    try:
        assert chat(client, ok).status_code == 200
    finally:
        services.searcher.embeddings = spy.inner
    # At most three earlier turns are read, and the embedder never sees more than the cap.
    assert spy.lengths and max(spy.lengths) <= 1000
    too_much = [{"role": "user", "content": long_turn}] * 11
    r = chat(client, too_much)
    assert r.status_code == 413 and "conversation has" in r.json()["error"]["message"]
    huge_assistant = [
        {"role": "user", "content": "接电要钱吗"},
        {"role": "assistant", "content": "x" * 19000},
        {"role": "user", "content": "那外地企业呢?"},
    ]
    assert chat(client, huge_assistant).status_code == 200


def test_bodies_are_bounded_before_they_are_parsed(client):
    r = client.post(
        "/api/v1/chat",
        content=b"{}",
        headers={"content-type": "application/json", "content-length": str(61 * 1024 * 1024)},
    )
    assert r.status_code == 413 and r.json()["error"]["type"] == "invalid_request_error"

    def chunks():
        for _ in range(400):
            yield b" " * 1024  # no content-length: the bound is counted as it arrives

    r = client.post("/api/v1/chat", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    junk = {"rating": "up", "question": "q", "answer": "a", "junk": "x" * 100}
    assert client.post("/api/v1/feedback", json=junk).status_code == 422


def test_rate_limit_and_saturation_answer_with_retry_after(services):
    limited = TestClient(
        create_app(
            build_services(services.settings.model_copy(update={"rate_limit_per_minute": 2}))
        )
    )
    codes = [
        chat(limited, [{"role": "user", "content": "接电要钱吗"}]).status_code for _ in range(3)
    ]
    assert codes[:2] == [200, 200] and codes[2] == 429
    r = chat(limited, [{"role": "user", "content": "接电要钱吗"}])
    assert r.headers["retry-after"] and r.json()["error"]["type"] == "rate_limited"
    busy = TestClient(
        create_app(
            build_services(services.settings.model_copy(update={"max_answers_in_flight": 0}))
        )
    )
    r = chat(busy, [{"role": "user", "content": "接电要钱吗"}])
    assert r.status_code == 503 and r.headers["retry-after"] == "1"


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        (
            "post",
            "/api/v1/chat",
            {
                "messages": [
                    {"role": "user", "content": "接电要钱吗"},
                    {"role": "user", "content": "\ud800 接电"},
                ]
            },
            400,  # a question a quarter made of a broken character: a clear 4xx
        ),
        (
            "post",
            "/api/v1/chat",
            {
                "messages": [
                    {"role": "user", "content": "\ud800 接电"},
                    {"role": "user", "content": "那外地企业呢?"},
                ]
            },
            200,
        ),
        ("get", "/no/such/route", None, 404),
        ("delete", "/api/v1/chat", None, 405),
    ],
)
def test_errors_are_the_envelope_never_a_500(client, method, path, body, status):
    # json.dumps escapes a lone surrogate as \ud800, as a client's JSON would carry it
    kwargs = {"content": json.dumps(body), "headers": {"content-type": "application/json"}}
    r = getattr(client, method)(path, **(kwargs if body else {}))
    assert r.status_code == status
    if status >= 400:
        assert set(r.json()) == {"error"} and {"message", "type"} <= set(r.json()["error"])


def test_invalid_utf8_and_deep_json_get_the_envelope(client):
    r = client.post(
        "/api/v1/chat",
        content=b'{"messages": "\xff\xfe"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code in (400, 422) and set(r.json()) == {"error"}
    deep = b'{"messages": ' + b"[" * 50000 + b"]" * 50000 + b"}"
    r = client.post("/api/v1/chat", content=deep, headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500 and "error" in r.json()


def test_security_headers_and_local_docs(client):
    r = client.get("/api/v1/health")
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer" and r.headers["x-request-id"]
    docs = client.get("/docs").text
    assert "/docs-assets/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_public_health_says_only_whether_things_work(client):
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok" and set(body["checks"]) == {"index", "store", "database"}
    assert all(isinstance(v, bool) for v in body["checks"].values())
    assert "/" not in json.dumps(body)  # no paths, servers or errors for the public


def test_personal_data_is_redacted_before_it_is_stored(services, client):
    r = client.post(
        "/api/v1/feedback",
        json={
            "rating": "down",
            "question": "我的手机13812345678,身份证11010519491231002X,邮箱me@example.com",
            "answer": "致电0898-66761960",
            "comment": "卡号 6222 0212 3456 7892",
        },
    )
    row = services.feedback.get(r.json()["id"])
    assert "13812345678" not in row["question"] and "[手机号]" in row["question"]
    assert "[身份证号]" in row["question"] and "[邮箱]" in row["question"]
    assert row["answer"] == "致电0898-66761960"  # a number the knowledge base publishes
    queued = services.queue.groups()
    assert all("13812345678" not in g.question for g in queued)
    db = services.settings.db_url.removeprefix("sqlite:///")
    assert stat.S_IMODE(__import__("os").stat(db).st_mode) == 0o600


def test_the_access_log_has_no_question_text(client, caplog):
    with caplog.at_level(logging.INFO, logger="assistant.access"):
        chat(client, [{"role": "user", "content": "我的秘密问题:接电要钱吗?"}])
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "assistant.access"]
    assert lines and {"time", "request_id", "route", "status", "ms"} <= set(lines[-1])
    assert "秘密" not in caplog.text


def test_purge_removes_what_is_past_retention(services):
    services.feedback.add(rating="up", question="旧的", answer="a")
    assert services.feedback.purge(0) >= 1 and services.feedback.count() == 0
