from assistant.answer import NOTICE, ExtractiveComposer, refusal
from assistant.retrieve import Retrieval
from assistant.schema import Hit, Unit

POWER = Unit(
    ref="plan#22",
    doc_id="plan",
    kind="task",
    number=22,
    title="优化用电服务",
    title_en="Optimize electricity services",
    group="(三)实施要素集聚赋能行动",
    text="优化用电服务。推动建设共享营业厅。对符合条件的小微企业全面推行低压接入服务。",
)
WATER = Unit(
    ref="plan#23",
    doc_id="plan",
    kind="task",
    number=23,
    title="优化用水气网服务",
    title_en="Optimize water, gas and network services",
    text="优化用水气网服务。更新供水管道。",
)
GOALS = Unit(
    ref="plan#goals",
    doc_id="plan",
    kind="section",
    title="工作目标",
    title_en="Work goals",
    text="2026年,做好加法。",
)


def _retrieval(lang, hits, relevance=0.95):
    return Retrieval(query="q", lang=lang, hits=hits, relevance=relevance, coverage=0.5)


def _hit(unit, score, chunks):
    return Hit(unit=unit, score=score, dense=0.9, chunks=chunks)


def test_chinese_answer_quotes_the_best_sentences_with_markers():
    hit = _hit(
        POWER,
        1.0,
        [("对符合条件的小微企业全面推行低压接入服务。", 0.95), ("推动建设共享营业厅。", 0.80)],
    )
    ans = ExtractiveComposer().compose(_retrieval("zh", [hit]), threshold=0.9)
    assert not ans.refused
    assert "第22项“优化用电服务”" in ans.answer
    assert "对符合条件的小微企业全面推行低压接入服务。[1]" in ans.answer
    assert "共享营业厅" not in ans.answer  # far below the best sentence
    assert ans.answer.endswith(NOTICE["zh"])
    assert [c.ref for c in ans.citations] == ["plan#22"]
    assert ans.citations[0].title == "优化用电服务"
    assert ans.citations[0].quotes == ["对符合条件的小微企业全面推行低压接入服务。"]


def test_english_answer_names_the_task_in_english_and_quotes_the_original():
    hits = [
        _hit(POWER, 1.0, [("对符合条件的小微企业全面推行低压接入服务。", 0.95)]),
        _hit(WATER, 0.95, [("更新供水管道。", 0.9)]),
    ]
    ans = ExtractiveComposer().compose(_retrieval("en", hits), threshold=0.9)
    assert 'task 22, "Optimize electricity services"' in ans.answer
    assert "original Chinese" in ans.answer
    assert "> 对符合条件的小微企业全面推行低压接入服务。 [1]" in ans.answer
    assert "See also task 23" in ans.answer and "[2]" in ans.answer
    assert [c.title for c in ans.citations] == [
        "Optimize electricity services",
        "Optimize water, gas and network services",
    ]
    assert ans.answer.endswith(NOTICE["en"])


def test_weaker_units_are_not_cited():
    hits = [_hit(POWER, 1.0, [("甲。", 0.9)]), _hit(GOALS, 0.5, [("乙。", 0.9)])]
    ans = ExtractiveComposer().compose(_retrieval("zh", hits), threshold=0.9)
    assert [c.ref for c in ans.citations] == ["plan#22"]


def test_section_label():
    ans = ExtractiveComposer().compose(
        _retrieval("zh", [_hit(GOALS, 1.0, [("2026年,做好加法。", 0.9)])]), 0.9
    )
    assert "“工作目标”部分" in ans.answer


def test_below_threshold_is_refused_in_the_users_language():
    hit = _hit(POWER, 1.0, [("甲。", 0.9)])
    zh = ExtractiveComposer().compose(_retrieval("zh", [hit], relevance=0.5), threshold=0.9)
    en = ExtractiveComposer().compose(_retrieval("en", [hit], relevance=0.5), threshold=0.9)
    assert zh.refused and "12345" in zh.answer and "政务服务大厅" in zh.answer
    assert en.refused and "12345" in en.answer and "service hall" in en.answer
    assert not zh.citations and not en.citations
    assert zh.answer.endswith(NOTICE["zh"]) and en.answer.endswith(NOTICE["en"])


def test_refusal_without_hits():
    assert refusal(_retrieval("en", [], relevance=0.0)).refused


def test_public_contract_keys():
    hit = _hit(POWER, 1.0, [("甲。", 0.9)])
    public = ExtractiveComposer().compose(_retrieval("zh", [hit]), 0.9).to_public()
    assert list(public) == ["question", "lang", "answer", "refused", "citations", "timings_ms"]
    assert list(public["citations"][0]) == ["ref", "title", "score", "snippet"]
