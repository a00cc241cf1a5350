"""Curation across real processes: two `assistant serve` processes sharing PostgreSQL and
a Chroma server, and a server killed with SIGKILL during a burst of saves."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from assistant.db.engine import make_engine
from assistant.knowledge.store import CurationStore
from assistant.knowledge.sync import POLL_S
from tests.integration.conftest import ROOT, fresh_database, start_server

pytestmark = pytest.mark.integration
EXE = str(Path(sys.executable).with_name("assistant"))
PASSWORD = "correct horse battery staple"


def env_for(data: Path, db_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data),
        "ASSISTANT_KB_DIR": str(ROOT / "knowledge_base"),
        "ASSISTANT_DATABASE_URL": db_url,
        **extra,
    }


def cli(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    p = subprocess.run(
        [EXE, *args], env=env, input=stdin, capture_output=True, text=True, timeout=600
    )
    assert p.returncode == 0, p.stderr
    return p


def data_dir(tmp_path: Path, name: str, shared_cache: Path) -> Path:
    d = tmp_path / name
    (d / "cache").mkdir(parents=True)
    if (shared_cache / "embeddings.sqlite").exists():
        shutil.copy(shared_cache / "embeddings.sqlite", d / "cache" / "embeddings.sqlite")
    return d


def login(url: str, name: str) -> dict[str, str]:
    r = httpx.post(f"{url}/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def cites(url: str, question: str) -> list[str]:
    r = httpx.post(
        f"{url}/api/v1/chat",
        json={"messages": [{"role": "user", "content": question}]},
        timeout=60,
    )
    return [c["ref"] for c in r.json()["citations"]]


FAQ = {
    "kind": "faq",
    "slug": "wax-apple-export",
    "question": {"zh": "莲雾出口海关怎么查验?", "en": "How are wax apple exports inspected?"},
    "answer": {
        "zh": "方案提出对鲜活易腐农食产品设立属地查验绿色通道。",
        "en": "The plan proposes a local inspection green channel for perishable food.",
    },
    "source_refs": ["plan#4"],
}


def test_a_change_published_on_one_server_is_answered_by_another(
    tmp_path, postgres_url, chroma_server, shared_cache, persistent_services
):
    # persistent_services fills the shared embedding cache: no ingest here embeds anew
    db = fresh_database(postgres_url)
    chroma = {
        "ASSISTANT_CHROMA_HOST": chroma_server["host"],
        "ASSISTANT_CHROMA_PORT": str(chroma_server["port"]),
    }
    envs = [env_for(data_dir(tmp_path, n, shared_cache), db, **chroma) for n in ("a", "b")]
    for env in envs:
        cli(["ingest"], env)  # the first seeds the shared store; each builds its own index
    cli(["users", "add", "ed", "--role", "editor"], envs[0], PASSWORD + "\n")
    cli(["users", "add", "rev", "--role", "reviewer"], envs[0], PASSWORD + "\n")
    a, url_a = start_server(envs[0], tmp_path / "a.log")
    b, url_b = start_server(envs[1], tmp_path / "b.log")
    try:
        question = FAQ["question"]["zh"]
        assert "entry:wax-apple-export" not in cites(url_b, question)
        ed, rev = login(url_a, "ed"), login(url_a, "rev")
        assert httpx.post(f"{url_a}/api/v1/entries", json=FAQ, headers=ed).status_code == 201
        httpx.post(f"{url_a}/api/v1/entries/wax-apple-export/submit", headers=ed)
        assert (
            httpx.post(
                f"{url_a}/api/v1/entries/wax-apple-export/publish", headers=rev, timeout=60
            ).status_code
            == 200
        )
        assert "entry:wax-apple-export" in cites(url_a, question)  # at once where published
        # The other server looks at the shared store at most every POLL_S seconds on the
        # request path: the first question after that interval sees the change.
        time.sleep(POLL_S + 0.2)
        assert "entry:wax-apple-export" in cites(url_b, question)
        httpx.post(f"{url_a}/api/v1/entries/wax-apple-export/archive", headers=rev, timeout=60)
        time.sleep(POLL_S + 0.2)
        for _ in range(3):
            assert "entry:wax-apple-export" not in cites(url_b, question)
    finally:
        for proc in (a, b):
            proc.terminate()
            proc.wait(timeout=20)


def test_no_acknowledged_save_is_lost_when_the_server_is_killed(tmp_path, curation_data):
    data = tmp_path / "data"
    shutil.copytree(curation_data, data)
    db_url = f"sqlite:///{data / 'assistant.db'}"
    env = env_for(data, db_url)
    cli(["users", "add", "ed", "--role", "editor"], env, PASSWORD + "\n")
    cli(["users", "add", "rev", "--role", "reviewer"], env, PASSWORD + "\n")
    proc, url = start_server(env, tmp_path / "server.log")
    ed, rev = login(url, "ed"), login(url, "rev")
    acknowledged: list[tuple[str, int, str]] = []
    stop = threading.Event()

    def burst(worker: int) -> None:
        client = httpx.Client(timeout=30)
        n = 0
        while not stop.is_set():
            slug = f"burst-{worker}-{n}"
            body = {**FAQ, "slug": slug}
            try:
                r = client.post(f"{url}/api/v1/entries", json=body, headers=ed)
                if r.status_code != 201:
                    break
                acknowledged.append((slug, 1, body["answer"]["en"]))
                for version in range(1, 4):
                    marker = f"{slug} take {version}"
                    edit = {**body, "version": version, "answer": {**body["answer"], "en": marker}}
                    r = client.put(f"{url}/api/v1/entries/{slug}", json=edit, headers=ed)
                    if r.status_code != 200:
                        return
                    acknowledged.append((slug, version + 1, marker))
                if n % 3 == 0:  # publishing rewrites the index while saves go on
                    client.post(f"{url}/api/v1/entries/{slug}/submit", headers=ed)
                    client.post(f"{url}/api/v1/entries/{slug}/publish", headers=rev)
            except httpx.HTTPError:
                return
            n += 1

    threads = [threading.Thread(target=burst, args=(w,)) for w in range(3)]
    for t in threads:
        t.start()
    while len(acknowledged) < 60:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    proc.wait(timeout=10)

    engine = make_engine(db_url)
    store = CurationStore(engine)
    for slug, version, text in acknowledged:
        saved = {v["version"]: v["data"] for v in store.versions(slug)}
        assert saved[version]["answer"]["en"] == text, (slug, version)
    engine.dispose()
    check = subprocess.run([EXE, "reindex"], env=env, capture_output=True, text=True, timeout=600)
    assert check.returncode == 0, check.stdout + check.stderr
    again = subprocess.run([EXE, "reindex"], env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "index verified" in again.stdout, again.stdout
