"""Follow-ups, judged on conversations: when a question leans on the last turn, and on what."""

import pytest

from assistant.followup import contentless, context_of, continues, own_words, plan

KNOWS_ALL = lambda tokens: 1.0  # noqa: E731
KNOWS_NOTHING = lambda tokens: 0.0  # noqa: E731


@pytest.mark.parametrize(
    "question",
    [
        "那外地企业呢?",
        "那大企业呢",
        "它要多久?",
        "What about water?",
        "and for foreign-owned firms?",
    ],
)
def test_continuations(question):
    assert continues(question)


@pytest.mark.parametrize(
    "question",
    [
        "海口今天天气怎么样?",
        "Tell me a joke",
        "小微企业接电要花钱吗?",
        "Is there a fast lane at customs?",
    ],
)
def test_complete_questions_do_not_continue(question):
    assert not continues(question)


@pytest.mark.parametrize(
    ("question", "empty"),
    [
        ("要多久?", True),
        ("需要带什么材料?", True),
        ("what docs do i need", True),
        ("在哪里办?", True),
        ("那外地企业呢?", False),
        ("how long for a construction permit?", False),
    ],
)
def test_contentless_questions_ask_only_for_a_part(question, empty):
    assert contentless(question) is empty


def test_own_words_are_the_new_subject():
    assert own_words("那外地企业呢?") == "外地企业"
    assert own_words("What about water?") == "water"


def test_an_incomplete_question_leans_on_the_last_turn():
    turn = plan("那外地企业呢?", ["小微企业接电要钱吗?"], KNOWS_ALL)
    assert turn is not None and turn.certain and turn.context == "小微企业接电要钱吗?"
    assert turn.focus == "外地企业"
    assert plan("要多久?", ["怎么注册公司?"], KNOWS_NOTHING).certain  # nothing of its own


def test_a_complete_question_is_only_a_candidate_and_none_without_history():
    turn = plan("还有个事,国企欠我们货款半年不给,有人管吗", ["外国人工作许可多久能办好"], KNOWS_ALL)
    assert turn is not None and not turn.certain  # tried alone first
    assert plan("那外地企业呢?", [], KNOWS_ALL) is None


@pytest.mark.parametrize(
    "question",
    ["那怎么制造炸弹呢?", "Tell me a joke", "海口今天天气怎么样?"],
)
def test_words_the_knowledge_base_does_not_know_are_judged_alone(question):
    assert plan(question, ["小微企业接电要钱吗?"], KNOWS_NOTHING) is None


@pytest.mark.parametrize("question", ["大概多久能批下来?", "需要带啥东西"])
def test_a_short_question_for_a_fact_is_an_unsure_follow_up_even_in_unknown_words(question):
    # its own words (批下来, 东西) are unknown, but it asks for the time limit or materials
    # of the procedure under discussion: tried alone first, then with the conversation
    turn = plan(question, ["给外籍员工申请来华工作许可"], KNOWS_NOTHING)
    assert turn is not None and not turn.certain
    assert turn.context == "给外籍员工申请来华工作许可"
    assert plan("那怎么制造炸弹呢?", ["给外籍员工申请来华工作许可"], KNOWS_NOTHING) is None


def test_a_follow_up_names_a_subject_unless_it_only_asks_for_a_fact():
    history = ["外籍员工的居留许可怎么续"]
    turn = plan("那我自己的护照快过期了咋办", history, KNOWS_ALL)
    assert turn is not None and turn.subject  # an answer must speak of 护照
    for question in ("多长时间内必需办完?", "要去哪个窗口"):
        turn = plan(question, history, KNOWS_ALL)
        assert turn is not None and not turn.subject, question
    turn = plan("大概多久能批下来?", history, KNOWS_NOTHING)
    assert turn is not None and not turn.subject


@pytest.mark.parametrize(
    "question", ["is there a phone number i can call?", "is that available 24 hours?"]
)
def test_a_question_for_a_fact_of_what_was_just_discussed_leans_on_it(question):
    # what it asks for is read before the filler words ("a number i can call"), and
    # "is that ..." points back
    turn = plan(question, ["I want to get power connected to my new workshop"], KNOWS_ALL)
    assert turn is not None and turn.certain


def test_other_places_and_bare_urls_are_judged_alone():
    elsewhere = lambda q: "深圳" in q  # noqa: E731
    assert plan("那深圳呢?", ["信用修复怎么办?"], KNOWS_ALL, elsewhere) is None
    assert plan("https://example.com/x", ["信用修复怎么办?"], KNOWS_ALL) is None


def test_chains_of_follow_ups_keep_the_topic():
    history = ["公司被列入经营异常名录了", "要交啥材料?"]
    assert context_of(history) == "公司被列入经营异常名录了 要交啥材料?"
    assert (
        context_of(["注册公司要什么材料", "海口有降物流成本的措施吗"]) == "海口有降物流成本的措施吗"
    )


def test_a_unit_speaks_of_a_follow_up_when_it_names_one_of_its_subject_words():
    from assistant.retrieve.search import Retrieval

    found = Retrieval(query="", lang="en", hits=[], relevance=0.0, coverage=0.0)
    assert found.speaks_of_focus("guide:x")  # no subject words: nothing to speak of
    found.focus_words = ["foreign", "chef"]
    found.unmentioned = {"guide:x": ["chef"], "guide:y": ["foreign", "chef"]}
    assert found.speaks_of_focus("guide:x")
    assert not found.speaks_of_focus("guide:y")
