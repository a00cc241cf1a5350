"""Load check (a script, not a gate): N concurrent chat clients on loopback for S seconds.

Starts `assistant serve` on a free loopback port (or uses --url), then every client posts
dev-set questions to /api/v1/chat in a loop. Bounded in time and in requests; reports
p50/p95 latency, throughput and errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MAX_REQUESTS = 100_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def client(
    url: str, questions: list[str], stop_at: float, out: list, errors: list, seed: int
) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(timeout=30) as http:
        while time.perf_counter() < stop_at and len(out) + len(errors) < MAX_REQUESTS:
            q = rng.choice(questions)
            t = time.perf_counter()
            try:
                r = await http.post(
                    f"{url}/api/v1/chat", json={"messages": [{"role": "user", "content": q}]}
                )
                if r.status_code == 200:
                    out.append((time.perf_counter() - t) * 1000)
                else:
                    errors.append(f"HTTP {r.status_code}")
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)


async def run(url: str, clients: int, seconds: float) -> None:
    questions = [
        json.loads(line)["q"]
        for name in ("dev-zh.jsonl", "dev-en.jsonl")
        for line in (ROOT / "eval" / "questions" / name).read_text().splitlines()
        if line.strip()
    ]
    lat: list[float] = []
    errors: list[str] = []
    stop_at = time.perf_counter() + seconds
    t0 = time.perf_counter()
    await asyncio.gather(*(client(url, questions, stop_at, lat, errors, i) for i in range(clients)))
    wall = time.perf_counter() - t0
    print(
        f"{clients} clients x {seconds:.0f} s on {url}: {len(lat)} answers, "
        f"{len(errors)} errors ({sorted(set(errors)) or 'none'}), {len(lat) / wall:.1f} req/s; "
        f"latency p50 {np.percentile(lat, 50):.0f} ms, p95 {np.percentile(lat, 95):.0f} ms, "
        f"max {max(lat):.0f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()
    proc = None
    url = args.url
    if not url:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        exe = str(Path(sys.executable).with_name("assistant"))
        proc = subprocess.Popen(
            [exe, "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        for _ in range(180):
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
    try:
        asyncio.run(run(url, args.clients, args.seconds))
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
