"""A damaged index is named, never served wrong: each corruption as a real `assistant`
process meets it (exit 1, the repair command, no traceback), the repair itself, a
rebuild under a running server (it keeps answering and switches, and nothing it serves
is deleted), and a Chroma server that goes away (503, never "up to date")."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.index.store import _in_use, current_build
from assistant.services import build_services
from assistant.web.app import create_app
from tests.integration.conftest import (
    ASSISTANT,
    _settings,
    copy_data,
    free_port,
    start_server,
    stop,
    wait_until_up,
)

pytestmark = pytest.mark.integration
QUESTION = "我们是小微企业,接电要花钱吗?"


def run(args: list[str], data: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "COLUMNS": "200"}
    return subprocess.run(
        [ASSISTANT, *args], capture_output=True, text=True, env=env, timeout=timeout
    )


@pytest.fixture
def data(persistent_services, tmp_path) -> Path:
    """A private copy of a good, fully built data directory, to damage."""
    return copy_data(persistent_services.settings.data_dir, tmp_path / "data")


def build_of(data: Path) -> Path:
    build = current_build(data / "index")
    assert build is not None
    return build


def _table(name: str) -> Callable[[Path], Path]:
    def find(build: Path) -> Path:
        import json

        return build / json.loads((build / "manifest.json").read_text())["tables"][name]

    return find


def empty(path: Path) -> None:
    path.write_bytes(b"")


def halve(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def bad_header(path: Path) -> None:
    with path.open("r+b") as fh:
        fh.write(b"\x00garbage-header!" * 4)


def garbage(path: Path) -> None:
    path.write_bytes(os.urandom(2048))


def remove(path: Path) -> None:
    shutil.rmtree(path) if path.is_dir() else path.unlink()


DAMAGE = {
    "zero-length chroma.sqlite3": (lambda b: b / "chroma" / "chroma.sqlite3", empty),
    "half of chroma.sqlite3": (lambda b: b / "chroma" / "chroma.sqlite3", halve),
    "a bad chroma.sqlite3 header": (lambda b: b / "chroma" / "chroma.sqlite3", bad_header),
    "a truncated units table": (_table("units"), halve),
    "a garbage manifest": (lambda b: b / "manifest.json", garbage),
    "a deleted BM25 index": (_table("bm25"), remove),
    "a truncated chunks table": (_table("chunks"), halve),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_index_is_refused_with_the_repair_command(data, case):
    where, damage = DAMAGE[case]
    damage(where(build_of(data)))
    p = run(["ask", QUESTION], data)
    said = p.stdout + p.stderr
    assert p.returncode == 1, said
    assert "assistant ingest --rebuild" in said or "assistant reindex" in said, said
    assert "Traceback" not in said and len(said.splitlines()) < 10, said


def _store_of(data: Path):
    import json

    from assistant.config import Settings
    from assistant.providers.vectorstore import make_store

    build = build_of(data)
    collection = json.loads((build / "manifest.json").read_text())["collection"]
    return make_store(Settings(data_dir=data), build / "chroma", collection)


def test_rows_left_by_a_killed_publish_are_skipped_and_reindex_deletes_them(data):
    # publishing writes the new vectors before the tables: a kill in between leaves rows
    # that are no chunk of the index
    import numpy as np

    store = _store_of(data)
    row = np.ones((1, 384), dtype=np.float32) / 384**0.5
    store.upsert(["stray-row"], row, ["x"], [{"ref": "guide:gone", "lang": "zh"}])
    del store
    p = run(["ask", QUESTION, "--json"], data)
    assert p.returncode == 0 and '"citations"' in p.stdout, p.stderr
    fixed = run(["reindex"], data)
    assert fixed.returncode == 0 and "1 vectors in the store belong to no chunk" in fixed.stdout
    again = run(["reindex"], data)
    assert again.returncode == 0 and "index verified" in again.stdout, again.stdout


def test_a_chunk_without_its_vector_is_damage(data):
    store = _store_of(data)
    store.delete([store.ids()[0]])
    del store
    p = run(["ask", QUESTION], data)
    said = p.stdout + p.stderr
    assert p.returncode == 1 and "lacks the vectors of 1 of its" in said, said
    assert "assistant ingest --rebuild" in said and "Traceback" not in said, said


def test_the_repair_command_repairs(data):
    _table("units")(build_of(data)).write_text("[{", encoding="utf-8")
    assert run(["ask", QUESTION], data).returncode == 1
    rebuilt = run(["ingest", "--rebuild"], data)
    assert rebuilt.returncode == 0, rebuilt.stderr
    p = run(["ask", QUESTION, "--json"], data)
    assert p.returncode == 0 and '"citations"' in p.stdout, p.stderr


def test_a_garbage_embedding_cache_costs_only_speed(data):
    garbage(data / "cache" / "embeddings.sqlite")
    p = run(["ask", QUESTION], data)
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    rebuilt = run(["ingest", "--rebuild"], data)
    assert rebuilt.returncode == 0 and "Traceback" not in rebuilt.stderr, rebuilt.stderr
    assert (data / "cache" / "embeddings.damaged").exists()  # set aside, not lost silently


def test_a_rebuild_under_a_running_server_never_pulls_the_index_from_under_it(data, tmp_path):
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0"}
    server, url = start_server(env, tmp_path / "serve.log")
    statuses: list[int | str] = []
    halt = threading.Event()

    def keep_asking() -> None:
        with httpx.Client(timeout=30) as http:
            while not halt.is_set():
                try:
                    r = http.post(
                        f"{url}/api/v1/chat",
                        json={"messages": [{"role": "user", "content": QUESTION}]},
                    )
                    statuses.append(r.status_code)
                except httpx.HTTPError as exc:
                    statuses.append(type(exc).__name__)
                time.sleep(0.1)

    try:
        old = build_of(data)
        asker = threading.Thread(target=keep_asking)
        asker.start()
        rebuilt = run(["ingest", "--rebuild"], data)
        assert rebuilt.returncode == 0, rebuilt.stderr
        new = build_of(data)
        assert new != old and old.exists()  # the build being served was not deleted
        # The server moves to the new build at its next request and lets the old one go.
        deadline = time.time() + 15
        while _in_use(old) and time.time() < deadline:
            time.sleep(0.2)
        assert not _in_use(old), "the server still serves the old build"
        halt.set()
        asker.join(30)
        assert statuses and set(statuses) == {200}, statuses
        assert httpx.get(f"{url}/api/v1/health", timeout=10).json()["status"] == "ok"
        # The next ingest may now clear the old build.
        assert run(["ingest", "--rebuild"], data).returncode == 0
        assert not old.exists()
    finally:
        halt.set()
        stop(server)


def test_a_chroma_server_outage_is_a_503_and_never_up_to_date(shared_cache, tmp_path):
    """The vector store goes away under a serving app: answers are 503 with the envelope,
    health says so, and `ingest` fails instead of reporting the index up to date."""
    chroma = Path(sys.executable).with_name("chroma")
    port = free_port()
    log = tmp_path / "chroma.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                str(chroma),
                "run",
                "--path",
                str(tmp_path / "db"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(server, f"http://127.0.0.1:{port}/api/v2/heartbeat", log)
        settings = _settings(
            tmp_path / "data",
            shared_cache,
            chroma_host="127.0.0.1",
            chroma_port=port,
            rate_limit_per_minute=0,
        )
        services = build_services(settings)
        services.ingest()
        client = TestClient(create_app(services, with_ui=False))
        ask = {"messages": [{"role": "user", "content": QUESTION}]}
        assert client.post("/api/v1/chat", json=ask).status_code == 200
    finally:
        stop(server)
    r = client.post("/api/v1/chat", json=ask)
    assert r.status_code == 503 and r.json()["error"]["type"], r.text
    assert "Traceback" not in r.text
    assert client.get("/api/v1/health").status_code == 503
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(settings.data_dir),
        "ASSISTANT_CHROMA_HOST": "127.0.0.1",
        "ASSISTANT_CHROMA_PORT": str(port),
    }
    p = subprocess.run([ASSISTANT, "ingest"], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 1 and "up to date" not in p.stdout + p.stderr, p.stdout + p.stderr
    assert "Chroma server" in p.stderr and "Traceback" not in p.stderr, p.stderr
