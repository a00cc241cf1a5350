import pytest

from assistant.answer import pointer_refusal
from assistant.specifics import asked_specifics, describe, missing_specifics
from tests.unit.test_answer import POWER, _hit, _retrieval

COURT = "深化诉讼便利化与智能化应用,推广线上立案,依托24小时自助立案服务推行网上立案。"


@pytest.mark.parametrize(
    ("question", "lang", "kinds"),
    [
        ("网上立案要交多少钱?", "zh", ["fee"]),
        ("知识产权保护中心在哪里办公?几点上班?", "zh", ["time", "address"]),
        ("What's the court fee for filing a lawsuit online?", "en", ["fee"]),
        ("How long does it take to get a business licence?", "en", ["time"]),
        ("Is anything being done to cut logistics costs?", "en", []),
        ("园区转供电电价高,方案里有没有提到要解决?", "zh", []),
        ("What is the phone number for comments on the plan?", "en", ["phone"]),
        ("医药企业的研发奖励资金,每家最多能拿多少?", "zh", ["fee"]),
        ("离岛免税购物每人每年的额度是多少?", "zh", ["fee"]),
    ],
)
def test_what_a_question_asks_for(question, lang, kinds):
    assert sorted(asked_specifics(question, lang)) == sorted(kinds)


def test_missing_only_when_the_source_lacks_it():
    assert missing_specifics("网上立案要交多少钱?", "zh", COURT) == ["fee"]
    assert missing_specifics("自助立案几点开放?", "zh", COURT) == []  # 24小时 answers it
    assert missing_specifics("接电要花多少钱?", "zh", POWER.text + "零投资") == []
    # a capacity is not a price
    assert missing_specifics("一度电多少钱?", "zh", "报装容量200千瓦及以下") == ["fee"]
    assert (
        missing_specifics("意见寄到什么地址?", "zh", "信函寄送地址:海口市龙华区滨海大道28号") == []
    )


def test_pointer_refusal_cites_the_unit_and_hands_off():
    r = _retrieval("en", [_hit(POWER, 1.0, [("甲。", 0.9)])])
    ans = pointer_refusal(r, describe(["fee", "time"], "en"))
    assert ans.refused and [c.ref for c in ans.citations] == ["plan#22"]
    assert ans.answer.startswith('Task 22, "Optimize electricity services"')
    assert "does not state the fee or amount and the time" in ans.answer and "12345" in ans.answer
    zh = pointer_refusal(_retrieval("zh", [_hit(POWER, 1.0, [])]), describe(["fee"], "zh"))
    assert "第22项“优化用电服务”[1]涉及这个话题,但没有写明收费标准或金额" in zh.answer
