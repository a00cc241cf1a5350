"""Scale benchmark (not a test): grow the corpus x1, x10, x100 with generated documents.

Generated documents have the plan's structure (notice, 一、 sections, (一) groups, N. tasks)
and new sentences, each made of clauses from two different real sentences, so nothing is
served from the embedding cache. Each scale runs in its own process for a clean RSS.
Writes eval/reports/scale.md with a chart.
"""

from __future__ import annotations

import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PLAN = ROOT / "knowledge_base" / "sources" / "haikou-business-environment-plan-2026-2028.txt"
CN = "一二三四五六七八九十"


def clauses() -> list[str]:
    text = PLAN.read_text(encoding="utf-8")
    parts = re.split(r"[,;。、\n]", text)
    stripped = (p.strip() for p in parts)
    # Clauses that start with a number would read as new numbered items.
    return [p for p in stripped if 6 <= len(p) <= 60 and not re.match(r"^[\d((]", p)]


def make_doc(rng: random.Random, pool: list[str], n: int) -> str:
    def sentence() -> str:
        return f"{rng.choice(pool)},{rng.choice(pool)}。"

    lines = [
        f"第{n}号文件:" + "".join(sentence() for _ in range(4)),
        "",
        "一、指导思想",
        "".join(sentence() for _ in range(3)),
        "",
        "二、工作目标",
        "".join(sentence() for _ in range(3)),
        "",
        "三、工作任务",
    ]
    task = 1
    for g in range(6):
        lines += ["", f"({CN[g]}){rng.choice(pool)[:12]}行动"]
        for _ in range(8):
            title = rng.choice(pool)[:10]
            body = "".join(sentence() for _ in range(rng.randint(2, 6)))
            lines += ["", f"{task}.{title}。{body}"]
            task += 1
    lines += ["", "四、工作要求", "".join(sentence() for _ in range(5))]
    return "\n".join(lines)


def build_kb(dest: Path, factor: int) -> None:
    shutil.copytree(ROOT / "knowledge_base", dest)
    if factor == 1:
        return
    rng = random.Random(factor)
    pool = clauses()
    docs = [
        "documents:",
        "  - id: plan",
        f"    file: {PLAN.name}",
        "    preamble: {slug: notice, title: 征求意见通知}",
    ]
    for i in range(1, factor):
        name = f"gen{i:03d}.txt"
        (dest / "sources" / name).write_text(make_doc(rng, pool, i), encoding="utf-8")
        docs += [f"  - id: gen{i:03d}", f"    file: {name}"]
    (dest / "sources" / "sources.yaml").write_text("\n".join(docs) + "\n", encoding="utf-8")


def measure(factor: int) -> dict[str, float]:
    """Runs inside a child process: build, query, report."""
    import numpy as np

    from assistant.config import Settings
    from assistant.services import build_services

    with tempfile.TemporaryDirectory(prefix=f"scale{factor}-") as tmp:
        kb = Path(tmp) / "kb"
        build_kb(kb, factor)
        # No question cache: each question is asked twice below and must embed both times.
        settings = Settings(data_dir=Path(tmp) / "data", kb_dir=kb, query_cache_size=0)
        services = build_services(settings)
        t = time.perf_counter()
        report = services.ingest()
        ingest_s = time.perf_counter() - t
        size = sum(
            f.stat().st_size for f in (Path(tmp) / "data" / "index").rglob("*") if f.is_file()
        )
        questions = [
            json.loads(ln)["q"]
            for name in ("dev-zh.jsonl", "dev-en.jsonl")
            for ln in (ROOT / "eval" / "questions" / name).read_text().splitlines()
            if ln.strip()
        ]
        for q in questions[:5]:
            services.assistant.ask(q)
        lat = []
        for q in questions * 2:
            t = time.perf_counter()
            services.assistant.ask(q)
            lat.append((time.perf_counter() - t) * 1000)
        return {
            "factor": factor,
            "units": report.units,
            "chunks": report.chunks,
            "ingest_s": ingest_s,
            "index_mb": size / 2**20,
            "p50_ms": float(np.percentile(lat, 50)),
            "p95_ms": float(np.percentile(lat, 95)),
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }


def analysis(rows: list[dict[str, float]]) -> list[str]:
    """Where the curve bends, computed from the rows rather than written by hand."""
    first, last = rows[0], rows[-1]
    grow = last["chunks"] / first["chunks"]
    rate = [r["chunks"] / r["ingest_s"] for r in rows]
    mem = (last["max_rss_mb"] - first["max_rss_mb"]) / (last["chunks"] - first["chunks"]) * 1000
    return [
        f"- Ingest grows with the number of chunks ({grow:.0f}x the chunks took "
        f"{last['ingest_s'] / first['ingest_s']:.0f}x the time): embedding every new passage "
        f"on the CPU is the whole cost, at {rate[0]:.0f} → {rate[-1]:.0f} chunks/s ("
        + (
            "HNSW inserts and the BM25 build grow with the index"
            if rate[-1] < rate[0]
            else "the generated chunks, Chinese only, cost less to embed than the real ones"
        )
        + "; a run that shares the machine with other work also reads slower). "
        "A corpus that changes little pays this once: "
        "re-ingest embeds only new text, as the cache keys on content and model.",
        f"- Query latency barely moves (p50 {first['p50_ms']:.0f} → {last['p50_ms']:.0f} ms, "
        f"p95 {first['p95_ms']:.0f} → {last['p95_ms']:.0f} ms): the query embedding "
        "dominates, HNSW search grows logarithmically and BM25 scoring only touches the "
        "posting lists of the query's terms.",
        f"- Memory is where the curve bends: a fixed ~{first['max_rss_mb']:.0f} MB (model, "
        f"runtime, gradio-free CLI process) and then about {mem:.0f} MB per 1,000 chunks "
        "(chunk and unit objects, the BM25 matrix, the HNSW graph in memory), so a x1000 "
        "corpus would need several GB and would call for a Chroma server and lazily loaded "
        "chunk texts.",
    ]


def write_report(rows: list[dict[str, float]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = ROOT / "eval" / "reports"
    fig, axes = plt.subplots(1, 3, figsize=(10, 3))
    xs = [r["chunks"] for r in rows]
    for ax, key, label in zip(
        axes,
        ["ingest_s", "p95_ms", "max_rss_mb"],
        ["ingest (s)", "ask p95 (ms)", "max RSS (MB)"],
        strict=True,
    ):
        ax.plot(xs, [r[key] for r in rows], marker="o")
        ax.set_xscale("log")
        ax.set_xlabel("chunks")
        ax.set_title(label)
    fig.tight_layout()
    fig.savefig(out / "scale.png", dpi=110)
    lines = [
        "# Scale benchmark",
        "",
        f"Generated {time.strftime('%Y-%m-%d %H:%M')} by `make scale` on this machine "
        "(2 cores). Corpus grown with generated documents of the plan's structure.",
        "",
        "| corpus | units | chunks | ingest (s) | index on disk (MB) | ask p50 (ms) | "
        "ask p95 (ms) | max RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| x{r['factor']:.0f} | {r['units']:.0f} | {r['chunks']:.0f} | "
            f"{r['ingest_s']:.1f} | {r['index_mb']:.1f} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['max_rss_mb']:.0f} |"
        )
    lines += ["", "![scale](scale.png)", "", "## Reading the curve", ""]
    lines += analysis(rows)
    (out / "scale.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "scale.json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    print("\n".join(lines))


def main() -> None:
    if len(sys.argv) == 2 and sys.argv[1] == "--report-only":
        write_report(json.loads((ROOT / "eval" / "reports" / "scale.json").read_text()))
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(measure(int(sys.argv[2]))))
        return
    factors = [int(a) for a in sys.argv[1:]] or [1, 10, 100]
    rows = []
    for f in factors:
        p = subprocess.run(
            [sys.executable, __file__, "--child", str(f)],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(p.stdout.strip().splitlines()[-1]))
        print(rows[-1], flush=True)
    write_report(rows)


if __name__ == "__main__":
    main()
