from assistant.answer import NOTICE, ExtractiveComposer
from tests.unit.fakes import GOALS, POWER, WATER, entry, guide, hit, retrieval


def compose(lang, hits, asks=()):
    return ExtractiveComposer().compose(retrieval(lang, hits), list(asks))


def test_chinese_answer_quotes_the_best_sentences_with_markers():
    ans = compose("zh", [hit(POWER, best={"plan#22:zh:1"})])
    assert not ans.refused
    assert "第22项“优化用电服务”" in ans.answer
    assert "对符合条件的小微企业全面推行“零上门、零审批、零投资”低压接入服务。[1]" in ans.answer
    assert "共享营业厅" not in ans.answer  # far below the best sentence
    assert ans.answer.endswith(NOTICE["zh"])
    cite = ans.citations[0]
    assert (cite.ref, cite.kind, cite.title) == ("plan#22", "plan", "优化用电服务")
    assert cite.sentence_ids == ["plan#22/3"]


def test_english_answer_quotes_the_english_rendering_labelled_unofficial():
    ans = compose("en", [hit(POWER, best={"plan#22:en:1"})])
    assert 'task 22, "Optimize electricity services"' in ans.answer
    assert "unofficial English rendering (the Chinese original prevails)" in ans.answer
    assert "> Provide eligible small and micro enterprises" in ans.answer
    assert "零投资" not in ans.answer
    assert ans.citations[0].title == "Optimize electricity services"
    assert ans.citations[0].sentence_ids == ["plan#22/3"] and ans.citations[0].lang == "en"


def test_without_an_english_rendering_the_chinese_is_quoted_and_said_so():
    ans = compose("en", [hit(WATER)])
    assert "quoted in the original Chinese" in ans.answer
    assert "优化用水气网服务。" in ans.answer


def test_second_unit_close_to_the_best_is_cited_too():
    ans = compose("en", [hit(POWER, 1.0), hit(WATER, 0.95)])
    assert "See also task 23" in ans.answer and "[2]" in ans.answer
    assert [c.ref for c in ans.citations] == ["plan#22", "plan#23"]


def test_weaker_units_are_not_cited():
    ans = compose("zh", [hit(POWER, 1.0), hit(GOALS, 0.5)])
    assert [c.ref for c in ans.citations] == ["plan#22"]


def test_section_label():
    assert "“工作目标”部分" in compose("zh", [hit(GOALS)]).answer
    assert 'the section "Work goals"' in compose("en", [hit(GOALS)]).answer


def test_entry_answer_in_the_askers_language_with_what_it_rests_on():
    unit = entry()
    unit.data["rests_on"] = [
        {
            "ref": "plan#22",
            "label_zh": "第22项“优化用电服务”",
            "label_en": "Task 22 (Optimize electricity services)",
        }
    ]
    zh = compose("zh", [hit(unit)])
    assert "常见问答“小微企业接电要钱吗?”[1]" in zh.answer
    assert "符合条件的不用出投资。[1]" in zh.answer and "依据:第22项" in zh.answer
    en = compose("en", [hit(unit)])
    assert "Eligible firms pay no investment. [1]" in en.answer
    assert "Based on: Task 22" in en.answer
    assert en.citations[0].kind == "entry" and en.citations[0].source_refs == ["plan#22"]


def test_public_contract_keys():
    public = compose("zh", [hit(POWER)]).to_public()
    assert list(public) == ["question", "lang", "answer", "refused", "citations", "timings_ms"]
    assert list(public["citations"][0]) == [
        "ref",
        "kind",
        "title",
        "label",
        "score",
        "snippet",
        "sentence_ids",
    ]
    g = compose("en", [hit(guide())]).to_public()["citations"][0]
    assert g["kind"] == "guide" and g["source_refs"] == ["plan#6"]
    assert g["source_url"].startswith("https://") and g["last_checked"] == "2026-11-28"
