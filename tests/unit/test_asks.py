import pytest

from assistant.answer import pointer_refusal
from assistant.asks import asked, asked_specifics, describe
from tests.unit.fakes import POWER, hit, retrieval


@pytest.mark.parametrize(
    ("question", "lang", "kinds"),
    [
        ("网上立案要交多少钱?", "zh", ["fee"]),
        ("知识产权保护中心在哪里办公?几点上班?", "zh", ["hours", "address"]),
        ("What's the court fee for filing a lawsuit online?", "en", ["fee"]),
        ("How long does it take to get a business licence?", "en", ["time"]),
        ("Is anything being done to cut logistics costs?", "en", []),
        ("园区转供电电价高,方案里有没有提到要解决?", "zh", []),
        ("What is the phone number for comments on the plan?", "en", ["phone"]),
        ("is there a number i can call?", "en", ["phone"]),
        ("公司搬家了,地址变更登记有时间要求吗?", "zh", ["time"]),
        ("注册地址有啥要求?", "zh", []),
        ("政务大厅地址在哪?", "zh", ["address"]),
        ("12345的地址和电话", "zh", ["address", "phone"]),
        ("公司地址变更要多久", "zh", ["time"]),
        ("医药企业的研发奖励资金,每家最多能拿多少?", "zh", ["fee"]),
        ("离岛免税购物每人每年的额度是多少?", "zh", ["fee"]),
    ],
)
def test_what_a_question_asks_for(question, lang, kinds):
    assert sorted(asked_specifics(question, lang)) == sorted(kinds)


@pytest.mark.parametrize(
    ("question", "lang", "kind"),
    [
        ("注册公司要带什么材料?", "zh", "materials"),
        ("What documents do I need for a work permit?", "en", "materials"),
        ("工作许可的办理流程是怎样的?", "zh", "steps"),
        ("Can I apply online?", "en", "online"),
        ("Which window handles residence permits?", "en", "window"),
        ("什么条件的企业可以申请?", "zh", "conditions"),
    ],
)
def test_guide_parts_a_question_asks_for(question, lang, kind):
    assert kind in asked(question, lang)


def test_pointer_refusal_cites_the_unit_and_hands_off():
    ans = pointer_refusal(retrieval("en", [hit(POWER)]), ["fee", "time"])
    assert ans.refused and [c.ref for c in ans.citations] == ["plan#22"]
    assert ans.answer.startswith('Task 22, "Optimize electricity services" [1]')
    assert "does not state the fee or amount and how long it takes" in ans.answer
    assert "12345" in ans.answer
    zh = pointer_refusal(retrieval("zh", [hit(POWER)]), ["fee"])
    assert "第22项“优化用电服务”[1]涉及这个话题,但没有写明收费标准或金额" in zh.answer
    assert describe(["address"], "zh") == "具体地址"
