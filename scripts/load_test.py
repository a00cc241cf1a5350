"""Load benchmark (a script, not a gate): today's code and a baseline, side by side, in one run.

For each code version (this checkout, and with --baseline REF a git worktree of REF) it
builds an index in its own data directory (sharing the embedding cache), starts
`assistant serve` on a loopback port and measures:

  closed   N clients asking back to back for S seconds: throughput, p50, p95; once with
           the development questions as users repeat them (a question cache may answer
           repeats) and once with every question made unique (a random number appended),
           so no cache can help
  think    N users with a 2-second think time, unique questions: p95
  heavy    10 normal users with a 2-second think time, alone and then with two clients
           sending maximum-size requests back to back (each one unique): normal users'
           p95 and the ratio

Timings vary from run to run on this machine; compare the versions within one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
THINK_S = 2.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def questions() -> list[str]:
    return [
        json.loads(line)["q"]
        for name in ("dev-zh.jsonl", "dev-en.jsonl")
        for line in (ROOT / "eval" / "questions" / name).read_text().splitlines()
        if line.strip()
    ]


def heavy_body(rng: random.Random) -> dict:
    """The largest request the server accepts: a full conversation of long turns, each
    request different from the last."""
    turns = [f"{rng.randrange(10**6)} " + "海口营商环境政策与企业服务" * 139 for _ in range(10)]
    return {"messages": [{"role": "user", "content": t} for t in turns]}


def unique(q: str, rng: random.Random) -> str:
    return f"{q} {rng.randrange(10**6)}"


async def worker(
    url: str,
    qs: list[str],
    stop_at: float,
    out: list,
    errors: list,
    seed: int,
    think: float,
    fresh: bool,
) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(timeout=60) as http:
        if think:
            await asyncio.sleep(rng.random() * think)  # users arrive spread out
        while time.perf_counter() < stop_at:
            q = unique(rng.choice(qs), rng) if fresh else rng.choice(qs)
            t = time.perf_counter()
            try:
                r = await http.post(
                    f"{url}/api/v1/chat", json={"messages": [{"role": "user", "content": q}]}
                )
                (out if r.status_code == 200 else errors).append(
                    (time.perf_counter() - t) * 1000 if r.status_code == 200 else r.status_code
                )
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)
            if think:
                await asyncio.sleep(think)


async def heavy(url: str, stop_at: float, seed: int) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(timeout=120) as http:
        while time.perf_counter() < stop_at:
            try:
                await http.post(f"{url}/api/v1/chat", json=heavy_body(rng))
            except httpx.HTTPError:
                await asyncio.sleep(0.1)


async def scenario(
    url: str, clients: int, seconds: float, think: float, heavies: int, fresh: bool = True
) -> dict:
    qs = questions()
    lat: list[float] = []
    errors: list = []
    stop_at = time.perf_counter() + seconds
    t0 = time.perf_counter()
    tasks = [worker(url, qs, stop_at, lat, errors, i, think, fresh) for i in range(clients)]
    tasks += [heavy(url, stop_at, 1000 + i) for i in range(heavies)]
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - t0
    return {
        "answers": len(lat),
        "errors": len(errors),
        "rps": len(lat) / wall,
        "p50": float(np.percentile(lat, 50)) if lat else float("nan"),
        "p95": float(np.percentile(lat, 95)) if lat else float("nan"),
    }


def start(code: Path, data: Path, env_extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(code),
        "ASSISTANT_DATA_DIR": str(data),
        "ASSISTANT_KB_DIR": str(code / "knowledge_base"),
        "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0",  # every client here shares one address
        **env_extra,
    }
    py = sys.executable
    subprocess.run(
        [py, "-m", "assistant", "ingest"], cwd=code, env=env, check=True, capture_output=True
    )
    port = free_port()
    proc = subprocess.Popen(
        [py, "-m", "assistant", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=code,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=2).status_code in (200, 503):
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"{code} did not start")


def measure(
    name: str, code: Path, cache: Path, args: argparse.Namespace, env: dict[str, str] | None = None
) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"load-{name}-") as tmp:
        data = Path(tmp)
        (data / "cache").mkdir()
        if cache.exists():
            shutil.copy(cache, data / "cache" / "embeddings.sqlite")
        proc, url = start(code, data, env or {})
        try:
            asyncio.run(scenario(url, 4, 5, 0, 0))  # warm-up
            out = {
                "closed": asyncio.run(scenario(url, args.clients, args.seconds, 0, 0, False)),
                "unique": asyncio.run(scenario(url, args.clients, args.seconds, 0, 0)),
                "think": asyncio.run(scenario(url, args.clients, args.seconds, THINK_S, 0)),
                "normal": asyncio.run(scenario(url, 10, args.seconds, THINK_S, 0)),
                "heavy": asyncio.run(scenario(url, 10, args.seconds, THINK_S, 2)),
            }
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--baseline", default="", help="a git ref to measure beside this checkout")
    ap.add_argument(
        "--variant",
        action="append",
        default=[],
        help="this checkout with settings changed, e.g. ASSISTANT_QUERY_SLOTS=1",
    )
    args = ap.parse_args()
    cache = ROOT / "data" / "cache" / "embeddings.sqlite"
    results = {"this checkout": measure("current", ROOT, cache, args)}
    for variant in args.variant:
        key, _, value = variant.partition("=")
        results[f"this checkout, {variant}"] = measure("variant", ROOT, cache, args, {key: value})
    if args.baseline:
        worktree = Path(tempfile.mkdtemp(prefix="load-baseline-")) / "code"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(worktree), args.baseline],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            results[f"baseline {args.baseline}"] = measure("baseline", worktree, cache, args)
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(worktree)],
                cwd=ROOT,
                capture_output=True,
            )
    print(f"{args.clients} clients, {args.seconds:.0f} s per scenario, on this machine")
    print(
        "| code | closed loop req/s (repeated questions) | p95 | closed loop req/s (unique) "
        "| p50 | p95 | 2 s think p95 | normal p95 | normal p95 with 2 heavy | ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        ratio = r["heavy"]["p95"] / r["normal"]["p95"]
        print(
            f"| {name} | {r['closed']['rps']:.1f} | {r['closed']['p95']:.0f} ms | "
            f"{r['unique']['rps']:.1f} | {r['unique']['p50']:.0f} ms | "
            f"{r['unique']['p95']:.0f} ms | {r['think']['p95']:.0f} ms | "
            f"{r['normal']['p95']:.0f} ms | {r['heavy']['p95']:.0f} ms | {ratio:.2f} |"
        )
        errs = {k: v["errors"] for k, v in r.items() if v["errors"]}
        if errs:
            print(f"  {name}: non-200 answers {errs}")
    if args.baseline:
        cur, base = results["this checkout"], results[f"baseline {args.baseline}"]
        for key, label in (("closed", "repeated questions"), ("unique", "unique questions")):
            print(
                f"throughput, closed loop, {label}: "
                f"{cur[key]['rps'] / base[key]['rps']:.2f}x the baseline"
            )


if __name__ == "__main__":
    main()
