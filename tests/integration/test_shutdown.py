"""A real `assistant serve` busy with maximum-size requests stops within 10 s of SIGTERM."""

from __future__ import annotations

import os
import signal
import threading
import time

import httpx
import pytest

from tests.integration.conftest import copy_data, start_server

pytestmark = pytest.mark.integration


def test_sigterm_stops_a_busy_server_within_10_seconds(persistent_services, tmp_path):
    data = copy_data(persistent_services.settings.data_dir, tmp_path / "data")
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0"}
    log = tmp_path / "serve.log"
    server, url = start_server(env, log)
    stop = threading.Event()

    def heavy(seed: int) -> None:
        turns = [f"{seed}-{i} " + "海口营商环境政策与企业服务" * 139 for i in range(10)]
        body = {"messages": [{"role": "user", "content": t} for t in turns]}
        with httpx.Client(timeout=30) as http:
            while not stop.is_set():
                try:
                    http.post(f"{url}/api/v1/chat", json=body)
                except httpx.HTTPError:
                    return

    try:
        clients = [threading.Thread(target=heavy, args=(i,), daemon=True) for i in range(4)]
        for c in clients:
            c.start()
        time.sleep(2)  # every client has a request in flight
        assert server.poll() is None
        t0 = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
        assert time.monotonic() - t0 <= 10
        assert "Traceback" not in log.read_text()
    finally:
        stop.set()
        if server.poll() is None:
            server.kill()
            server.wait()
