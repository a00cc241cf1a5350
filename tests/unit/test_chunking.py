from assistant.documents.sentences import merge_short, split_sentences
from assistant.ingest.chunking import chunk_unit, count_tokens, split_long
from tests.unit.fakes import GOALS, POWER, WATER, plan_unit


def test_split_on_chinese_and_western_sentence_ends_and_lines():
    parts = split_sentences("第一句。第二句;第三句!第四句?\n第五行\n\n第六句.")
    assert parts == ["第一句。", "第二句;", "第三句!", "第四句?", "第五行", "第六句."]


def test_short_fragments_are_merged_forward_and_fields_kept_apart():
    merged = merge_short(
        ["邮政编码:570105", "电子邮箱:a@b.cn", "这是一个足够长的句子,不需要再和别的合并了。"]
    )
    assert merged[0].startswith("邮政编码:570105 电子邮箱:a@b.cn")
    assert all(len(m) >= 20 for m in merged)


def test_trailing_fragment_joins_the_previous_sentence():
    assert merge_short(["这是一个足够长的句子,不需要再和别的合并了。", "短。"]) == [
        "这是一个足够长的句子,不需要再和别的合并了。短。"
    ]


def test_overlong_sentence_is_split_at_commas():
    sentence = ",".join(["推动水电气网综合服务"] * 60) + "。"
    parts = split_long(sentence, 50, count_tokens)
    assert len(parts) > 1
    assert "".join(parts) == sentence
    assert all(count_tokens(p) <= 50 for p in parts)


def test_chunks_carry_ref_context_tokens_and_sentence_ids_in_both_languages():
    chunks = chunk_unit(POWER)
    assert [c.id for c in chunks] == [
        "plan#22:zh:0",
        "plan#22:en:0",
        "plan#22:zh:1",
        "plan#22:en:1",
    ]
    zh0, en0 = chunks[0], chunks[1]
    assert zh0.context == "(三)实施要素集聚赋能行动 / 优化用电服务"
    assert en0.context.endswith("/ Optimize electricity services") and en0.lang == "en"
    # the short title sentence is merged into the next one, in both languages alike
    assert zh0.sentence_ids == en0.sentence_ids == ["plan#22/1", "plan#22/2"]
    assert en0.text == "Optimize electricity services. Build shared service halls."
    assert zh0.indexed_text.startswith(zh0.context)
    assert all(c.tokens == count_tokens(c.text) > 0 for c in chunks)


def test_a_group_without_english_gets_no_english_chunk():
    assert [c.lang for c in chunk_unit(WATER)] == ["zh"]
    half = plan_unit(
        5,
        "甲",
        "A",
        [
            ("第一句足够长,需要英文才能被检索到的句子。", "First."),
            ("第二句也足够长,但是没有英文译文的句子。", ""),
        ],
    )
    assert [(c.lang, c.sentence_ids) for c in chunk_unit(half)] == [
        ("zh", ["plan#5/1"]),
        ("en", ["plan#5/1"]),
        ("zh", ["plan#5/2"]),
    ]


def test_section_context_without_group():
    assert chunk_unit(GOALS)[0].context == "工作目标"


def test_token_count_uses_the_bundled_encoding():
    # cl100k_base: "hello world" is two tokens; this must not touch the network.
    assert count_tokens("hello world") == 2


def test_aliases_are_one_more_chunk_per_language_searched_but_never_quoted():
    unit = POWER.model_copy(update={"aliases": {"en": ["power hookup", "get electricity"]}})
    chunks = chunk_unit(unit)
    alias = [c for c in chunks if c.searched_only]
    assert [c.id for c in alias] == ["plan#22:en:2"]  # numbered after the unit's own
    assert alias[0].text == "power hookup; get electricity" and not alias[0].sentence_ids
    assert alias[0].context == "Optimize electricity services"
    assert [c.id for c in chunks if not c.searched_only] == [c.id for c in chunk_unit(POWER)]
