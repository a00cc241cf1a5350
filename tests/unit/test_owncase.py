"""The own-case detector: questions about the asker's own case, which no unit answers."""

import json

import numpy as np
import pytest

from assistant.answer import decide
from assistant.answer.owncase import OWN_CASE_FILE, OwnCaseModel, char_ngrams, terms
from assistant.answer.owncase_train import fit, load_rows
from assistant.answer.render import OWN_CASE, REFUSAL, refusal
from tests.unit.fakes import POWER, entry, hit, retrieval


@pytest.mark.parametrize(
    "text",
    ["Has my  work permit been APPROVED?", "a b\tc\n", "x", "   ", "申请编号2026-0412的进度?"],
)
def test_char_ngrams_are_scikit_learns_char_wb(text):
    from sklearn.feature_extraction.text import CountVectorizer

    sk = CountVectorizer(analyzer="char_wb", ngram_range=(1, 3)).build_analyzer()
    assert sorted(char_ngrams(text.lower())) == sorted(sk(text.lower()))


def test_chinese_is_read_by_characters_english_by_words():
    assert terms("我的執照批了嗎") == terms("我的执照批了吗") == char_ngrams("我的执照批了吗")
    assert terms("Has my permit been APPROVED?") == [
        *["has", "my", "permit", "been", "approved"],
        *["has my", "my permit", "permit been", "been approved"],
        "^has my",
    ]
    assert terms("") == ["^"] and terms("???") == ["^"]


MINE = [
    "我的执照批了吗",
    "我们的补贴到账了没有",
    "has my permit been approved",
    "was our refund paid yet",
    "我的申请通过了吗",
    "did my licence get approved",
    "我的社保怎么断缴了",
    "is my card ready yet",
    "我们的发票申请被退回了吗",
    "has my application been rejected",
]
GENERAL = [
    "办执照要什么材料",
    "补贴怎么申请",
    "how do I apply for a permit",
    "what documents for a refund",
    "申请要多久",
    "where do I get a licence",
    "社保怎么登记",
    "how long does a card take",
    "发票怎么开",
    "what is the application fee",
    "开公司流程",
    "which office handles permits",
]


def test_fit_separates_and_its_numbers_are_the_fit(tmp_path):
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    from assistant.answer.owncase_train import MIN_COUNT, REGULARISATION

    texts = MINE + GENERAL
    y = np.array([1] * len(MINE) + [0] * len(GENERAL))
    model = fit(texts, y)
    assert 0 < model.cut < 1 and model.metrics["own_case"] == len(MINE)
    path = tmp_path / "own_case.json"
    model.save(path)
    loaded = OwnCaseModel.load(path)
    assert loaded == model
    # the shipped sum of weights is scikit-learn's probability on binary term counts
    vec = CountVectorizer(analyzer=terms, binary=True, min_df=MIN_COUNT)
    lr = LogisticRegression(C=REGULARISATION, max_iter=5000, class_weight="balanced")
    lr.fit(vec.fit_transform(texts), y)
    for q in ["我的许可证批了吗", "how do I get a licence", "完全无关 zzz"]:
        expected = lr.predict_proba(vec.transform([q]))[0, 1]
        assert loaded.probability(q) == pytest.approx(expected, abs=1e-3)
    # a cut set so that almost no general question is flagged: most own-case ones are
    assert np.mean([loaded.asks_own_case(q) for q in MINE]) > 0.5


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        json.dumps({"weights": [1, 2], "intercept": 0, "cut": 0.5}),
        json.dumps({"weights": {"a": "x"}, "intercept": 0, "cut": 0.5}),
        json.dumps({"weights": {}, "intercept": 0}),
        json.dumps({"weights": {}, "intercept": 0, "cut": 0.5, "extra": 1}),
        json.dumps([1, 2]),
    ],
)
def test_a_broken_model_file_is_refused(tmp_path, text):
    path = tmp_path / "own_case.json"
    path.write_text(text, encoding="utf-8")
    assert OwnCaseModel.load(path) is None
    assert OwnCaseModel.load(tmp_path / "none.json") is None


def test_training_lines_own_case_against_answerable(tmp_path):
    f = tmp_path / "t.jsonl"
    rows = [
        {"q": "我的执照批了吗", "in_scope": False, "category": "own-case"},
        {"q": "办执照要什么", "in_scope": True, "category": "guide"},
        {"q": "接电要多久", "gold": ["plan#22"]},
        {"q": "讲个笑话", "in_scope": False, "category": "chitchat"},  # skipped
        {"q": "has my refund arrived", "gold": [], "category": "own-case"},
        {"turns": ["接电", "要多久"]},  # a dialogue: skipped
    ]
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert [(r["q"], r["own_case"]) for r in load_rows([f])] == [
        ("我的执照批了吗", True),
        ("办执照要什么", False),
        ("接电要多久", False),
        ("has my refund arrived", True),
    ]
    f.write_text('{"q": 3, "in_scope": true}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"t\.jsonl:1"):
        load_rows([f])


def _flags(word):
    """A detector that flags any question holding `word` (two Chinese characters)."""
    return OwnCaseModel(weights={word: 10.0}, intercept=-5.0, cut=0.5)


def test_an_own_case_question_the_scope_lets_through_is_refused_in_its_own_words():
    r = retrieval("zh", [hit(POWER)], relevance=0.99)
    d = decide("我家接电批了吗", r, 0.9, own_case=_flags("批了"))
    assert d.action == "refuse" and d.own_case
    assert decide("接电要钱吗", r, 0.9, own_case=_flags("批了")).action == "answer"
    # what the scope refuses keeps the general words: it may be anything
    low = retrieval("zh", [hit(POWER)], relevance=0.5)
    d = decide("我家接电批了吗", low, 0.9, own_case=_flags("批了"))
    assert d.action == "refuse" and not d.own_case


def test_an_faq_written_for_such_questions_answers_them():
    """Staff who publish an FAQ phrased as an owner's own case have decided how such
    questions are answered: when it is the best unit, it answers."""
    faq = entry()  # "小微企业接电要钱吗?"
    r = retrieval("zh", [hit(faq), hit(POWER)], relevance=0.99)
    assert decide("我家接电要钱吗", r, 0.9, own_case=_flags("要钱")).action != "refuse"
    # not when the FAQ is not the best unit, nor when its question does not read so
    behind = retrieval("zh", [hit(POWER), hit(faq)], relevance=0.99)
    assert decide("我家接电要钱吗", behind, 0.9, own_case=_flags("要钱")).own_case
    assert decide("我家接电批了吗", r, 0.9, own_case=_flags("批了")).own_case


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_own_case_refusal_says_no_case_can_be_seen(lang):
    answer = refusal(retrieval(lang, [hit(POWER)]), own_case=True)
    assert answer.refused and OWN_CASE[lang] in answer.answer
    assert REFUSAL[lang] not in answer.answer and "12345" in answer.answer


def test_the_shipped_detector_on_its_held_out_set_and_the_shipped_faqs():
    """Measured, not trained on: eval/questions/dev-owncase.jsonl was written by a helper
    who saw neither the training set nor the model, and is held out of training (-x).
    Every FAQ entry the project ships is a question we answer: one written as an owner's
    worry ("our award was approved; when is it paid?") may read as an own case, as it
    does in English, and answers by the rule above; more would mean the detector reads
    topics, not the asking."""
    import yaml

    from assistant.config import PROJECT_ROOT

    model = OwnCaseModel.load(PROJECT_ROOT / "knowledge_base" / OWN_CASE_FILE)
    assert model is not None
    rows = [
        json.loads(line)
        for line in (PROJECT_ROOT / "eval/questions/dev-owncase.jsonl").read_text().splitlines()
    ]
    mine = [r["q"] for r in rows if r["category"] == "own-case"]
    general = [r["q"] for r in rows if r["gold"]]
    # measured when it shipped: 75 of 120 flagged (the scope classifier refuses some of
    # the rest on its own), none of the 120 answerable ones
    assert np.mean([model.asks_own_case(q) for q in mine]) >= 0.6
    assert sum(model.asks_own_case(q) for q in general) <= 1
    faqs = []
    for path in sorted((PROJECT_ROOT / "knowledge_base" / "entries").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        question = data.get("question") or {}
        faqs += [question[k] for k in ("zh", "en") if question.get(k)]
    assert len(faqs) > 40
    assert len([q for q in faqs if model.asks_own_case(q)]) <= 1
