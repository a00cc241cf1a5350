from assistant.ingest.chunking import (
    chunk_unit,
    count_tokens,
    heading_context,
    merge_short,
    split_long,
    split_sentences,
)
from assistant.schema import Unit


def _unit(text: str) -> Unit:
    return Unit(
        ref="plan#22",
        doc_id="plan",
        kind="task",
        number=22,
        title="优化用电服务",
        group="(三)实施要素集聚赋能行动",
        text=text,
    )


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


def test_chunks_carry_ref_context_and_tokens():
    chunks = chunk_unit(
        _unit(
            "优化用电服务。推动建设共享营业厅,推行水电气网多点可办。"
            "对符合条件的小微企业全面推行低压接入服务。"
        )
    )
    assert [c.id for c in chunks] == ["plan#22:0", "plan#22:1"]
    assert all(c.ref == "plan#22" for c in chunks)
    assert chunks[0].context == "(三)实施要素集聚赋能行动 / 优化用电服务"
    assert chunks[1].indexed_text.startswith(chunks[1].context)
    assert all(c.tokens == count_tokens(c.text) > 0 for c in chunks)


def test_heading_context_without_group():
    assert (
        heading_context(
            Unit(ref="plan#goals", doc_id="plan", kind="section", title="工作目标", text="x")
        )
        == "工作目标"
    )


def test_token_count_uses_the_bundled_encoding():
    # cl100k_base: "hello world" is two tokens; this must not touch the network.
    assert count_tokens("hello world") == 2
