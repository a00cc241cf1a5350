"""Real components: the bundled e5 model, Chroma on disk and as a server, the built index."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.services import Services, build_services

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "eval" / "questions"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_jsonl(name: str) -> list[dict]:
    return [
        json.loads(line)
        for line in (QUESTIONS / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory) -> Path:
    """One embedding cache for the session, so each backend embeds the plan only once."""
    return tmp_path_factory.mktemp("cache")


def _settings(data_dir: Path, cache: Path, **kw) -> Settings:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "cache").mkdir(exist_ok=True)
    if (
        not (data_dir / "cache" / "embeddings.sqlite").exists()
        and (cache / "embeddings.sqlite").exists()
    ):
        shutil.copy(cache / "embeddings.sqlite", data_dir / "cache" / "embeddings.sqlite")
    return Settings(data_dir=data_dir, kb_dir=ROOT / "knowledge_base", **kw)


@pytest.fixture(scope="session")
def persistent_services(tmp_path_factory, shared_cache) -> Services:
    data = tmp_path_factory.mktemp("data-persistent")
    services = build_services(_settings(data, shared_cache))
    services.ingest()
    shutil.copy(data / "cache" / "embeddings.sqlite", shared_cache / "embeddings.sqlite")
    return services


def wait_until_up(proc: subprocess.Popen, url: str, log: Path, timeout: float = 90) -> None:
    """Poll `url` until it answers 200; fail with the server's log if it exits or hangs."""
    import httpx

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited: {log.read_text()}")
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{url} did not come up within {timeout:.0f} s: {log.read_text()}")


ASSISTANT = str(Path(sys.executable).with_name("assistant"))
# Debian's chromium, never a downloaded browser, with the flags a closed network needs.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def copy_data(src: Path, dst: Path) -> Path:
    """A private copy of a built data directory (without the copied builds' in-use locks)."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("in-use.lock"))
    return dst


def start_server(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    """A real `assistant serve` on a free loopback port, up and healthy; its output in `log`."""
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [ASSISTANT, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(proc, f"{url}/api/v1/health", log)
    except BaseException:
        stop(proc)
        raise
    return proc, url


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real `chroma run` on a loopback port, stopped at the end of the session."""
    exe = Path(sys.executable).with_name("chroma")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = (path / "server.log").open("w")
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_until_up(proc, f"http://127.0.0.1:{port}/api/v2/heartbeat", path / "server.log")
    yield {"host": "127.0.0.1", "port": port, "proc": proc}
    stop(proc)


@pytest.fixture(scope="session")
def server_services(tmp_path_factory, shared_cache, chroma_server, persistent_services) -> Services:
    data = tmp_path_factory.mktemp("data-server")
    services = build_services(
        _settings(
            data, shared_cache, chroma_host=chroma_server["host"], chroma_port=chroma_server["port"]
        )
    )
    services.ingest()
    return services


@pytest.fixture(scope="session", params=["persistent", "server"])
def services(request) -> Services:
    return request.getfixturevalue(f"{request.param}_services")


def _pg_binary(name: str) -> str | None:
    import glob

    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """A real PostgreSQL server on a loopback port (Debian's, installed by `make test`)."""
    import os

    initdb, pg_ctl = _pg_binary("initdb"), _pg_binary("pg_ctl")
    if not initdb or not pg_ctl:  # pragma: no cover - `make test` installs it
        pytest.skip("PostgreSQL is not installed; `make test` installs it")
    root = Path(tempfile.mkdtemp(prefix="pg-", dir="/tmp"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    # initdb refuses to run as root: run the server as the postgres user then.
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_user:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    port = free_port()
    subprocess.run(
        [*as_user, initdb, "-D", str(data), "--auth=trust", "-U", "postgres", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=on"
    subprocess.run(
        [*as_user, pg_ctl, "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "fast", "stop"], capture_output=True)
    shutil.rmtree(root, ignore_errors=True)


def fresh_database(url: str) -> str:
    """A new, empty database on the server behind `url` (PostgreSQL), or a new SQLite file."""
    import uuid

    if url.startswith("sqlite"):
        return f"sqlite:///{tempfile.mkdtemp()}/store-{uuid.uuid4().hex[:6]}.db"
    from sqlalchemy import create_engine, text

    name = f"t_{uuid.uuid4().hex[:10]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def curation_data(tmp_path_factory, persistent_services) -> Path:
    """A copy of the built data directory (index, cache, seeded store) to change freely."""
    src = persistent_services.settings.data_dir
    dst = tmp_path_factory.mktemp("curation") / "data"
    shutil.copytree(src, dst)
    return dst
