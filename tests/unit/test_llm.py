import doctest

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant import llm_answer
from assistant.answer import ExtractiveComposer
from assistant.config import Settings
from assistant.llm_answer import LLMComposer
from assistant.prompts import PromptError, load_prompt
from assistant.providers.llm import make_chat_model
from tests.unit.test_answer import POWER, _hit, _retrieval


def test_format_docs_doctest():
    assert doctest.testmod(llm_answer).failed == 0


def _compose(reply: str, lang: str = "zh", relevance: float = 0.95):
    hit = _hit(POWER, 1.0, [("对符合条件的小微企业全面推行低压接入服务。", 0.95)])
    composer = LLMComposer(FakeListChatModel(responses=[reply]), ExtractiveComposer())
    return composer.compose(_retrieval(lang, [hit], relevance), threshold=0.9)


def test_model_answer_with_valid_markers_is_used():
    ans = _compose("小微企业可以享受低压接入服务[1]。")
    assert ans.answer.startswith("小微企业可以享受低压接入服务[1]。")
    assert ans.answer.endswith("为准。)") and [c.ref for c in ans.citations] == ["plan#22"]


@pytest.mark.parametrize("reply", ["接电免费,费用为0元。", "见文件[3]。", ""])
def test_unfaithful_or_empty_answers_fall_back_to_extraction(reply):
    ans = _compose(reply)
    assert "对符合条件的小微企业全面推行低压接入服务。[1]" in ans.answer


def test_model_is_not_asked_when_retrieval_refuses():
    ans = _compose("this must not be used", lang="en", relevance=0.1)
    assert ans.refused and "12345" in ans.answer


def test_failing_endpoint_falls_back():
    class Broken(FakeListChatModel):
        def invoke(self, *a, **k):
            raise ConnectionError("endpoint down")

    hit = _hit(POWER, 1.0, [("甲乙丙丁戊己庚辛。", 0.95)])
    ans = LLMComposer(Broken(responses=["x"]), ExtractiveComposer()).compose(
        _retrieval("zh", [hit]), 0.9
    )
    assert "甲乙丙丁戊己庚辛。[1]" in ans.answer


def test_prompts_have_exactly_their_variables(tmp_path):
    for lang in ("zh", "en"):
        assert "{context}" in load_prompt("answer", lang)
    (tmp_path / "bad_zh.txt").write_text("{context} {questoin}")
    with pytest.raises(PromptError, match="questoin"):
        load_prompt("bad", "zh", tmp_path)


def test_llm_mode_needs_an_endpoint():
    with pytest.raises(ValueError, match="BASE_URL"):
        make_chat_model(Settings(llm_mode="openai"))
    model = make_chat_model(
        Settings(llm_mode="openai", llm_base_url="http://127.0.0.1:9/v1", llm_model="qwen")
    )
    assert model.model_name == "qwen"
