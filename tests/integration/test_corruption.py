"""A damaged index is named, never served wrong: each corruption as a real `assistant`
process meets it (exit 1, the repair command, no traceback), the repair itself, and a
rebuild under a running server (it keeps answering and switches, and nothing it serves
is deleted)."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from assistant.index.store import _in_use, current_build
from tests.integration.conftest import ASSISTANT, copy_data, start_server, stop

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
