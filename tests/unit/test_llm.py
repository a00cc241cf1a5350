import doctest

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.answer import ExtractiveComposer
from assistant.answer import llm as llm_module
from assistant.answer.llm import LLMComposer, format_docs
from assistant.answer.prompts import PromptError, load_prompt
from assistant.config import Settings
from assistant.providers.llm import make_chat_model
from tests.unit.fakes import POWER, hit, retrieval


def test_format_docs_doctest():
    assert doctest.testmod(llm_module).failed == 0


def test_english_documents_are_given_in_english_where_the_unit_has_it():
    out = format_docs([hit(POWER)], "en")
    assert 'lang="en"' in out and "Provide eligible small and micro enterprises" in out


def _compose(reply: str, lang: str = "zh"):
    composer = LLMComposer(FakeListChatModel(responses=[reply]), ExtractiveComposer())
    return composer.compose(retrieval(lang, [hit(POWER, best={"plan#22:zh:1"})]), [])


def test_model_answer_with_valid_markers_is_used():
    ans = _compose("小微企业可以享受低压接入服务[1]。")
    assert ans.answer.startswith("小微企业可以享受低压接入服务[1]。")
    assert ans.answer.endswith("为准。)") and [c.ref for c in ans.citations] == ["plan#22"]


@pytest.mark.parametrize("reply", ["接电免费,费用为0元。", "见文件[3]。", ""])
def test_unfaithful_or_empty_answers_fall_back_to_extraction(reply):
    ans = _compose(reply)
    assert "低压接入服务。[1]" in ans.answer


def test_failing_endpoint_falls_back():
    class Broken(FakeListChatModel):
        def invoke(self, *a, **k):
            raise ConnectionError("endpoint down")

    ans = LLMComposer(Broken(responses=["x"]), ExtractiveComposer()).compose(
        retrieval("zh", [hit(POWER, best={"plan#22:zh:1"})]), []
    )
    assert "低压接入服务。[1]" in ans.answer


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
