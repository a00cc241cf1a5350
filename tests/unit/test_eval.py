import json
import math

from assistant.evaluation.metrics import (
    Record,
    best_threshold,
    by_kind,
    citation_validity,
    latin_share,
    mrr,
    ndcg_at,
    readability,
    recall_at,
    refusal_scores,
)
from assistant.evaluation.questions import load_questions

KNOWN = {"plan#1", "plan#22", "plan#notice", "entry:power"}


def _rec(gold, ranked, refused=False, relevance=0.9, cited=None, lang="zh", **kw):
    return Record(
        id="x",
        lang=lang,
        source="s",
        gold=gold,
        ranked=ranked,
        refused=refused,
        answer_lang="zh",
        cited=cited or [],
        relevance=relevance,
        latency_ms=1.0,
        **kw,
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


def test_a_guide_or_entry_counts_for_the_plan_refs_it_rests_on_at_its_own_rank():
    rec = _rec(
        ["plan#22"], ["entry:power", "plan#1"], covers=[["entry:power", "plan#22"], ["plan#1"]]
    )
    assert recall_at([rec], 1) == 1.0
    # a plan gold is not hit by a guide that rests elsewhere; ranks are not shifted
    rec = _rec(
        ["plan#1"], ["entry:power", "plan#1"], covers=[["entry:power", "plan#22"], ["plan#1"]]
    )
    assert recall_at([rec], 1) == 0.0 and recall_at([rec], 2) == 1.0


def test_readability_is_the_share_of_mostly_latin_english_answers():
    assert latin_share("Task 22 says: zero investment [1]") == 1.0
    assert latin_share("对小微企业零投资") == 0.0
    recs = [
        _rec(["plan#1"], [], answer="Task 1 of the plan covers this question (揭榜).", lang="en"),
        _rec(["plan#1"], [], answer="> 对符合条件的小微企业全面推行低压接入服务 [1]", lang="en"),
        _rec(["plan#1"], [], answer="中文回答", lang="zh"),
    ]
    assert readability(recs) == 0.5


def test_recall_is_reported_per_kind_of_gold():
    recs = [
        _rec(["plan#1"], ["plan#1"], kind="plan"),
        _rec(["guide:x"], ["plan#1", "guide:x"], kind="guide"),
    ]
    kinds = by_kind(recs)
    assert kinds["plan"]["recall@1"] == 1.0 and kinds["guide"]["recall@1"] == 0.0
    assert kinds["guide"]["recall@3"] == 1.0 and "entry" not in kinds
