import json
import math

from assistant.evaluation.metrics import (
    Record,
    best_threshold,
    citation_validity,
    mrr,
    ndcg_at,
    recall_at,
    refusal_scores,
)
from assistant.evaluation.questions import load_questions

KNOWN = {"plan#1", "plan#22", "plan#notice", "entry:power"}


def _rec(gold, ranked, refused=False, relevance=0.9, cited=None):
    return Record(
        id="x",
        lang="zh",
        source="s",
        gold=gold,
        ranked=ranked,
        refused=refused,
        answer_lang="zh",
        cited=cited or [],
        relevance=relevance,
        latency_ms=1.0,
    )


def test_loader_skips_malformed_lines_with_their_numbers(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "lang": "zh", "q": "接电要钱吗", "gold": ["plan#22"]}),
                "{not json",
                json.dumps({"id": "b", "lang": "fr", "q": "bonjour", "gold": []}),
                json.dumps(
                    {"id": "c", "lang": "en", "turns": ["Power?", "And water?"], "gold": []}
                ),
                json.dumps({"id": "a", "lang": "zh", "q": "重复", "gold": []}),
                "",
                json.dumps({"id": "d", "lang": "zh", "gold": []}),
            ]
        ),
        encoding="utf-8",
    )
    res = load_questions([f], KNOWN)
    assert [q.id for q in res.questions] == ["a", "c"]
    assert res.questions[1].q == "And water?" and len(res.questions[1].turns) == 2
    assert [w.split(": ")[0].rsplit(":", 1)[1] for w in res.warnings] == ["2", "3", "5", "7"]
    assert not res.errors


def test_unknown_gold_refs_are_errors(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text(json.dumps({"id": "a", "lang": "zh", "q": "x", "gold": ["plan#99"]}) + "\n")
    res = load_questions([f, tmp_path / "missing.jsonl"], KNOWN)
    assert len(res.errors) == 2 and "plan#99" in res.errors[0] and "missing" in res.errors[1]


def test_recall_mrr_ndcg():
    recs = [
        _rec(["plan#1"], ["plan#1", "plan#2"]),
        _rec(["plan#1"], ["plan#2", "plan#3", "plan#1"]),
        _rec(["plan#1"], ["plan#5"]),
        _rec([], ["plan#1"]),
    ]
    assert recall_at(recs, 1) == 1 / 3
    assert recall_at(recs, 3) == 2 / 3
    assert math.isclose(mrr(recs), (1 + 1 / 3) / 3)
    assert math.isclose(ndcg_at([_rec(["plan#1", "plan#2"], ["plan#1", "plan#2"])]), 1.0)
    assert ndcg_at([_rec(["plan#1"], ["plan#9"])]) == 0.0


def test_refusal_scores():
    recs = [
        _rec([], [], refused=True),
        _rec([], [], refused=False),
        _rec(["plan#1"], [], refused=True),
        _rec(["plan#1"], [], refused=False),
    ]
    s = refusal_scores(recs)
    assert s == {"refusal_precision": 0.5, "refusal_recall": 0.5, "false_refusal_rate": 0.5}


def test_citation_validity_requires_known_and_retrieved():
    ok = _rec(["plan#1"], ["plan#1"], cited=["plan#1"])
    not_retrieved = _rec(["plan#1"], ["plan#2"], cited=["plan#1"])
    unknown = _rec(["plan#1"], ["plan#77"], cited=["plan#77"])
    assert citation_validity([ok, not_retrieved, unknown], KNOWN) == 1 / 3


def test_best_threshold_separates_and_sits_between_scores():
    recs = [_rec(["plan#1"], [], relevance=r) for r in (0.95, 0.93)] + [
        _rec([], [], relevance=r) for r in (0.85, 0.80)
    ]
    cut, acc = best_threshold(recs)
    assert acc == 1.0 and 0.85 < cut < 0.93
