"""Retrieval and answer metrics over evaluation records."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

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
    "readability",
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
    ranked: list[str]  # refs in rank order
    refused: bool
    answer_lang: str
    cited: list[str]
    relevance: float
    latency_ms: float
    group: str = ""  # action group of the first gold ref, for error analysis
    # what each ranked ref stands for: itself, and for a guide or entry the plan refs it
    # rests on (so a guide that rests on plan#22 answers a question about plan#22)
    covers: list[list[str]] = field(default_factory=list)
    answer: str = ""  # the answer text, without the source list
    kind: str = ""  # kind of the first gold ref: plan, guide or entry
    handoff: bool = False  # refused to state a specific the cited unit lacks, citing it
    category: str = ""  # the question's category (out-of-scope kind, dialogue type)
    extra: dict[str, object] = field(default_factory=dict)


def first_hit_rank(rec: Record) -> int | None:
    covers = rec.covers or [[r] for r in rec.ranked]
    for i, refs in enumerate(covers, start=1):
        if set(refs) & set(rec.gold):
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
        covers = r.covers or [[x] for x in r.ranked]
        for i, refs in enumerate(covers[:k], start=1):
            new = (set(refs) & set(r.gold)) - seen
            if new:
                dcg += 1.0 / math.log2(i + 1)
                seen |= new
        ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(r.gold), k) + 1))
        total += dcg / ideal
    return total / len(ans)


def falsely_refused(rec: Record) -> bool:
    """An answerable question refused. A hand-off that cites the unit answering it (which
    lacks the fee or time asked for) is the right answer, not a refusal of the question."""
    if not rec.gold or not rec.refused:
        return False
    if rec.handoff and rec.cited:
        covers = dict(zip(rec.ranked, rec.covers or [[r] for r in rec.ranked], strict=False))
        if set(covers.get(rec.cited[0], [rec.cited[0]])) & set(rec.gold):
            return False
    return True


def refusal_scores(recs: list[Record]) -> dict[str, float]:
    """Precision/recall of refusing the out-of-scope, and false refusals of answerable ones."""
    oos = [r for r in recs if not r.gold]
    ans = [r for r in recs if r.gold]
    refused = [r for r in recs if r.refused]
    tp = sum(1 for r in refused if not r.gold)
    wrong = sum(1 for r in ans if falsely_refused(r))
    return {
        "refusal_precision": tp / (tp + wrong) if tp + wrong else float("nan"),
        "refusal_recall": tp / len(oos) if oos else float("nan"),
        "false_refusal_rate": wrong / len(ans) if ans else float("nan"),
    }


def citation_validity(recs: list[Record], known: set[str]) -> float:
    """Share of answers whose every cited ref exists and was among the retrieved."""
    cited = [r for r in recs if r.cited]
    if not cited:
        return float("nan")
    ok = sum(1 for r in cited if all(c in known and c in r.ranked for c in r.cited))
    return ok / len(cited)


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
READABLE_LATIN = 0.9  # an English answer is readable when this share of its letters is Latin


def latin_share(text: str) -> float:
    """Share of Latin letters among Latin letters and Han characters (1.0 for neither)."""
    han, latin = len(_HAN.findall(text)), len(_LATIN.findall(text))
    return latin / (han + latin) if han + latin else 1.0


def readability(recs: list[Record]) -> float:
    """Share of English answers whose text is at least 90% Latin script."""
    en = [r for r in recs if r.lang == "en" and r.answer]
    if not en:
        return float("nan")
    return sum(1 for r in en if latin_share(r.answer) >= READABLE_LATIN) / len(en)


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
        "readability": readability(recs),
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


KINDS = ("plan", "guide", "entry")


def by_kind(recs: list[Record]) -> dict[str, dict[str, float]]:
    """Recall per kind of the gold ref, so guides and entries are seen apart from the plan."""
    out: dict[str, dict[str, float]] = {}
    for kind in KINDS:
        sub = [r for r in recs if r.gold and r.kind == kind]
        if sub:
            out[kind] = {
                "n": float(len(sub)),
                "recall@1": recall_at(sub, 1),
                "recall@3": recall_at(sub, 3),
                "false_refusal_rate": sum(1 for r in sub if falsely_refused(r)) / len(sub),
            }
    return out


def scope_confusion(recs: list[Record]) -> dict[str, Any]:
    """Should-answer / should-refuse against answered / refused (a hand-off citing the right
    unit counts as answered), and the share refused per out-of-scope category."""
    matrix = {
        "answerable_answered": sum(1 for r in recs if r.gold and not falsely_refused(r)),
        "answerable_refused": sum(1 for r in recs if falsely_refused(r)),
        "out_of_scope_refused": sum(1 for r in recs if not r.gold and r.refused),
        "out_of_scope_answered": sum(1 for r in recs if not r.gold and not r.refused),
    }
    categories: dict[str, dict[str, float]] = {}
    for cat in sorted({r.category for r in recs if not r.gold and r.category}):
        sub = [r for r in recs if not r.gold and r.category == cat]
        categories[cat] = {"n": len(sub), "refused": sum(r.refused for r in sub) / len(sub)}
    return {"matrix": matrix, "out_of_scope_by_category": categories}
