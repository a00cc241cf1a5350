"""Retrieval and answer metrics over evaluation records."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

# The figures reported per language, in the order tables show them.
METRICS = [
    "recall@1",
    "recall@3",
    "recall@5",
    "mrr",
    "ndcg@5",
    "refusal_precision",
    "refusal_recall",
    "false_refusal_rate",
    "lang_match",
    "citation_validity",
    "latency_p50_ms",
    "latency_p95_ms",
]


@dataclass
class Record:
    """One question as a system handled it."""

    id: str
    lang: str
    source: str
    gold: list[str]
    ranked: list[str]  # refs in rank order (entries already mapped to their source refs)
    refused: bool
    answer_lang: str
    cited: list[str]
    relevance: float
    latency_ms: float
    group: str = ""  # action group of the first gold ref, for error analysis
    extra: dict[str, object] = field(default_factory=dict)


def first_hit_rank(rec: Record) -> int | None:
    for i, ref in enumerate(rec.ranked, start=1):
        if ref in rec.gold:
            return i
    return None


def recall_at(recs: list[Record], k: int) -> float:
    ans = [r for r in recs if r.gold]
    if not ans:
        return float("nan")
    return sum(1 for r in ans if (h := first_hit_rank(r)) is not None and h <= k) / len(ans)


def mrr(recs: list[Record]) -> float:
    ans = [r for r in recs if r.gold]
    if not ans:
        return float("nan")
    return sum(1.0 / h for r in ans if (h := first_hit_rank(r)) is not None) / len(ans)


def ndcg_at(recs: list[Record], k: int = 5) -> float:
    """Binary-relevance nDCG@k; every gold ref counts as relevant."""
    ans = [r for r in recs if r.gold]
    if not ans:
        return float("nan")
    total = 0.0
    for r in ans:
        seen: set[str] = set()
        dcg = 0.0
        for i, ref in enumerate(r.ranked[:k], start=1):
            if ref in r.gold and ref not in seen:
                dcg += 1.0 / math.log2(i + 1)
                seen.add(ref)
        ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(r.gold), k) + 1))
        total += dcg / ideal
    return total / len(ans)


def refusal_scores(recs: list[Record]) -> dict[str, float]:
    """Precision/recall of refusing the out-of-scope, and false refusals of answerable ones."""
    oos = [r for r in recs if not r.gold]
    ans = [r for r in recs if r.gold]
    refused = [r for r in recs if r.refused]
    tp = sum(1 for r in refused if not r.gold)
    return {
        "refusal_precision": tp / len(refused) if refused else float("nan"),
        "refusal_recall": tp / len(oos) if oos else float("nan"),
        "false_refusal_rate": sum(1 for r in ans if r.refused) / len(ans) if ans else float("nan"),
    }


def citation_validity(recs: list[Record], known: set[str]) -> float:
    """Share of answers whose every cited ref exists and was among the retrieved."""
    cited = [r for r in recs if r.cited]
    if not cited:
        return float("nan")
    ok = sum(1 for r in cited if all(c in known and c in r.ranked for c in r.cited))
    return ok / len(cited)


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(values, p)) if values else float("nan")


def summarize(recs: list[Record], known: set[str]) -> dict[str, float]:
    lat = [r.latency_ms for r in recs]
    out = {
        "n": float(len(recs)),
        "answerable": float(sum(1 for r in recs if r.gold)),
        "recall@1": recall_at(recs, 1),
        "recall@3": recall_at(recs, 3),
        "recall@5": recall_at(recs, 5),
        "mrr": mrr(recs),
        "ndcg@5": ndcg_at(recs, 5),
        **refusal_scores(recs),
        "lang_match": sum(1 for r in recs if r.answer_lang == r.lang) / len(recs)
        if recs
        else float("nan"),
        "citation_validity": citation_validity(recs, known),
        "latency_p50_ms": percentile(lat, 50),
        "latency_p95_ms": percentile(lat, 95),
    }
    return out


def best_threshold(recs: list[Record]) -> tuple[float, float]:
    """The relevance cut that best separates answerable from out-of-scope (balanced accuracy)."""
    ans = [r.relevance for r in recs if r.gold]
    oos = [r.relevance for r in recs if not r.gold]
    if not ans or not oos:
        return float("nan"), float("nan")
    best = (0.0, float("-inf"))
    for t in sorted(set(ans + oos)):
        acc = (sum(a >= t for a in ans) / len(ans) + sum(o < t for o in oos) / len(oos)) / 2
        if acc > best[1]:
            best = (t, acc)
    # Place the cut midway to the next lower score so it is not fitted to one question.
    below = [v for v in ans + oos if v < best[0]]
    cut = (best[0] + max(below)) / 2 if below else best[0]
    return cut, best[1]
